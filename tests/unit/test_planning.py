"""Planning without a server: normalising, comparing, the plan of one user, the login matcher, the diff."""

import pytest
from hypothesis import given, strategies as st

from ansible_collections.helix.users.plugins.module_utils.bulk import compact_diff, plan_all, summarize, validate_items
from ansible_collections.helix.users.plugins.module_utils.groups import GroupResolver, join_group_list, split_group_list
from ansible_collections.helix.users.plugins.module_utils.reads import KeyedRead
from ansible_collections.helix.users.plugins.module_utils.user_form import (
    ITEM_SPEC,
    StatusRule,
    selection_key,
    validate_spec,
    values_equal,
)
from ansible_collections.helix.users.plugins.module_utils.users import UserError, plan_user
from ansible_collections.helix.users.plugins.module_utils.writes import WriteError

GROUPS = {'1': 'Administrator', '1000000001': 'Service Desk', '1000000002': 'Incident Master'}


class GroupFormDouble(object):
    """Stands in for the client: answers the resolver's one read of the Group form."""

    def __init__(self):
        self.reads = 0

    def list_entries(self, form, **_ignored):
        self.reads += 1
        assert form == 'Group'
        return [dict(values={'Group ID': int(group_id), 'Group Name': name}) for group_id, name in GROUPS.items()]


@pytest.fixture
def resolver():
    return GroupResolver(GroupFormDouble())


def stored(entry_id='000000000000042', **values):
    """A stored user as the reads give it: its id (by the one entry-id rule) and its values."""
    base = {'Login Name': 'jdoe', 'Status': 'Current', 'Full Name': 'John Doe', 'License Type': 'Fixed',
            'Group List': '1000000001;'}
    base.update(values)
    return dict(entry_id=entry_id, values=base)


def spec(**options):
    base = dict(login_name='jdoe', state='present', append=False, update_password='on_create')
    base.update(options)
    return base


# ------------------------------------------------------------------ normalising and comparing
@pytest.mark.parametrize('field, left, right', [
    ('License Type', 'Fixed', 1), ('License Type', 'fixed', '1'), ('License Type', ' Floating ', 2),
    ('Default Notify Mechanism', 'Email', 2), ('Status', 'Current', 0), ('Status', 'obsolete', 1),
])
def test_a_selection_label_and_its_number_are_one_key(field, left, right):
    assert selection_key(field, left) == selection_key(field, right)
    assert values_equal(field, left, right)


def test_an_unknown_selection_label_compares_by_folded_text():
    assert selection_key('License Type', 'Platinum') == 'platinum'
    assert not values_equal('License Type', 'Platinum', 'Fixed')


@pytest.mark.parametrize('declared, current, equal', [
    ('', None, True), (None, '', True), ('x', 'x', True), ('x', 'X', False), (5, '5', True), ('a', None, False),
])
def test_text_values_treat_empty_as_null_and_keep_case(declared, current, equal):
    assert values_equal('Department', declared, current) is equal


@given(st.lists(st.sampled_from(['1', '1000000001', '1000000002', ' 1000000002 ', '']), max_size=8))
def test_group_list_order_duplicates_whitespace_and_trailing_separator_never_matter(tokens):
    as_string = ';'.join(tokens) + ';'
    assert set(split_group_list(as_string)) == set(t.strip() for t in tokens if t.strip())
    assert split_group_list(join_group_list(split_group_list(as_string))) == split_group_list(as_string)
    assert split_group_list(tokens) == split_group_list(as_string)


# ------------------------------------------------------------------ the plan of one user
def test_an_unchanged_user_plans_no_write(resolver):
    plan = plan_user(spec(full_name='John Doe', license_type=1, groups=['Service Desk']), stored(), resolver)
    assert (plan.action, plan.write, plan.changed) == ('unchanged', None, False)


def test_an_update_writes_only_the_fields_that_differ_and_diffs_only_them(resolver):
    plan = plan_user(spec(full_name='John Doe', email='j@example.com', groups=['Incident Master', 'Service Desk']),
                     stored(), resolver)
    assert plan.action == 'updated'
    assert plan.write == {'Email Address': 'j@example.com', 'Group List': '1000000002;1000000001;'}
    assert plan.before == {'email': None, 'groups': ['Service Desk']}
    assert plan.after == {'email': 'j@example.com', 'groups': ['Incident Master', 'Service Desk']}


def test_append_only_adds_groups(resolver):
    plan = plan_user(spec(groups=['1000000002'], append=True), stored(), resolver)
    assert plan.write == {'Group List': '1000000001;1000000002;'}
    assert plan_user(spec(groups=['Service Desk'], append=True), stored(), resolver).action == 'unchanged'


def test_a_create_is_one_write_with_everything_and_a_masked_password(resolver):
    plan = plan_user(spec(full_name='New', license_type='Read', groups=['Administrator'], password='Pw-1',
                          fields={'Full Text License Type': 'Fixed'}), None, resolver)
    assert plan.action == 'created'
    assert plan.write == {'Login Name': 'jdoe', 'Status': 0, 'Full Name': 'New', 'License Type': 'Read',
                          'Group List': '1;', 'Password': 'Pw-1', 'Full Text License Type': 'Fixed'}
    assert plan.after['password'] == '********' and 'Pw-1' not in repr(plan.after)


def test_a_create_without_its_required_fields_names_them(resolver):
    with pytest.raises(UserError) as info:
        plan_user(spec(email='x@example.com'), None, resolver)
    assert "cannot create user 'jdoe': full_name and license_type are required" in str(info.value)


def test_unknown_groups_are_named_with_the_user(resolver):
    with pytest.raises(UserError) as info:
        plan_user(spec(groups=['Service Desk', 'Nope', 'Nada']), stored(), resolver)
    assert "user 'jdoe'" in str(info.value) and "'Nope'" in str(info.value) and "'Nada'" in str(info.value)


@pytest.mark.parametrize('state, status, action, write', [
    ('obsolete', 'Current', 'obsoleted', {'Status': 1}),
    ('obsolete', 'Obsolete', 'unchanged', None),   # the guide's label of index 1
    ('obsolete', 'Disabled', 'unchanged', None),   # real User forms' label of index 1
    ('obsolete', 1, 'unchanged', None),
    ('present', 'Obsolete', 'reactivated', {'Status': 0}),
    ('present', 'Disabled', 'reactivated', {'Status': 0}),
    ('present', 'Proposed', 'reactivated', {'Status': 0}),
    ('absent', 'Current', 'deleted', None),
])
def test_states_plan_one_status_write_by_index_or_a_delete(resolver, state, status, action, write):
    plan = plan_user(spec(state=state), stored(Status=status), resolver)
    assert (plan.action, plan.write) == (action, write)


def test_labels_named_by_the_task_are_written_and_compared_as_given(resolver):
    rule = StatusRule('Active', 'Inactive')
    assert plan_user(spec(state='obsolete'), stored(Status='Active'), resolver, rule).write == {'Status': 'Inactive'}
    assert plan_user(spec(state='obsolete'), stored(Status='inactive'), resolver, rule).action == 'unchanged'


def test_an_entry_without_an_id_is_never_given_one_by_its_login(resolver):
    current = stored(entry_id=None, **{'Login Name': 'JDoe'})
    plan = plan_user(spec(login_name='JDoe', email='x@example.com'), current, resolver)
    assert plan.entry_id is None and plan.steps[0].entry_id is None  # writes.execute proves an address, or refuses
    assert plan.steps[0].key == {'Login Name': 'JDoe'}


def test_an_absent_user_is_never_created_by_obsolete_or_absent(resolver):
    assert plan_user(spec(state='obsolete'), None, resolver).action == 'unchanged'
    assert plan_user(spec(state='absent'), None, resolver).action == 'unchanged'


def test_update_password_always_writes_the_password_every_run(resolver):
    plan = plan_user(spec(password='Pw-2', update_password='always'), stored(), resolver)
    assert plan.write == {'Password': 'Pw-2'} and plan.action == 'updated'
    assert plan_user(spec(password='Pw-2'), stored(), resolver).action == 'unchanged'


def test_state_of_maps_a_stored_status_to_the_state_option_by_index():
    rule = StatusRule()
    assert [rule.state_of(value) for value in ('Current', 1, 'Disabled', 'Obsolete', 'Proposed')] == [
        'present', 'obsolete', 'obsolete', 'obsolete', 'Proposed']


# ------------------------------------------------------------------ validating items
def test_fields_may_not_name_a_field_that_has_an_option():
    assert validate_spec(spec(fields={'Full Name': 'x'})) == ["fields may not set 'Full Name': use the option full_name"]


def test_items_are_validated_together_and_every_bad_one_is_named():
    specs, problems = validate_items(
        ['jdoe', dict(login_name='x', state='gone'), 7, dict(login_name='JDOE')], ITEM_SPEC,
        dict(state='present', append=False, update_password='on_create'))
    assert [s['login_name'] for s in specs] == ['jdoe']
    assert len(problems) == 3
    assert problems[0].startswith('users[1] (x): value of state must be one of')
    assert problems[1].startswith('users[2] must be a dict')
    assert "users[3] (JDOE): login_name 'JDOE' is repeated (first in users[0] as 'jdoe'" in problems[2]


# ------------------------------------------------------------------ matching logins
def test_a_keyed_read_matches_exactly_and_reports_case_variants():
    found = KeyedRead('Login Name', ['jdoe', 'ASmith', 'bob'])
    for login in ('jdoe', 'JDOE', 'asmith', 'carol'):
        found.offer(dict(entry_id=login.upper(), values={'Login Name': login}))
    assert list(found.by_key) == ['jdoe'] and found.found('jdoe')[0]['entry_id'] == 'JDOE'
    assert found.variants() == {'ASmith': ['asmith']}  # jdoe has its exact match; JDOE is no conflict for it
    assert not found.complete() and found.missing() == ['ASmith', 'bob']


def test_a_keyed_read_keeps_an_id_once_and_never_merges_entries_without_one():
    found = KeyedRead('Login Name', ['a', 'b'])
    for entry_id in ('1', '1', None, None):
        found.offer(dict(entry_id=entry_id, values={'Login Name': 'a'}))
    assert [entry['entry_id'] for entry in found.entries] == ['1', None, None]


def test_a_streamed_keyed_read_hands_each_entry_over_once_and_keeps_only_counts():
    handed = []
    found = KeyedRead('Login Name', ['jdoe', 'ASmith', 'bob'], on_exact=lambda key, entry: handed.append((key, entry)))
    for entry_id, login in (('1', 'jdoe'), ('1', 'jdoe'), ('2', 'JDOE'), ('3', 'asmith'), (None, 'bob'), (None, 'bob')):
        found.offer(dict(entry_id=entry_id, values={'Login Name': login}))
    assert [(key, entry['entry_id']) for key, entry in handed] == [('jdoe', '1'), ('bob', None), ('bob', None)]
    assert found.entries == [] and found.by_key == {} and found.found('jdoe') == []  # nothing held
    assert (found.count('jdoe'), found.count('bob'), found.count('ASmith')) == (1, 2, 0)  # no id: never merged
    assert found.variants() == {'ASmith': ['asmith']} and found.missing() == ['ASmith'] and not found.complete()


class UserFormDouble(GroupFormDouble):
    """The resolver's Group form, and a User form holding the given entries (the reads keep the exact keys)."""

    def __init__(self, users):
        super(UserFormDouble, self).__init__()
        self.users = users

    def list_entries(self, form, **_ignored):
        if form == 'Group':
            return super(UserFormDouble, self).list_entries(form)
        return [dict(values=dict(values, **{'Request ID': entry_id})) for entry_id, values in self.users]


def planned(users, specs, hold_unchanged=True):
    client = UserFormDouble(users)
    settings = dict(form='User', purge=False, purge_query=None, status_rule=StatusRule())
    return plan_all(client, specs, GroupResolver(client), settings, 500, hold_unchanged=hold_unchanged)


def test_users_are_planned_as_their_entries_arrive_in_the_order_declared():
    users = [('000000000000042', stored()['values']), ('000000000000043', stored(**{'Login Name': 'asmith'})['values'])]
    plans = planned(users, [spec(login_name='asmith'), spec(login_name='newbie', full_name='New', license_type='Read'), spec(email='j@x.org')],
                    hold_unchanged=False)
    assert [(plan.login, plan.action, plan.entry_id) for plan in plans] == [
        ('asmith', 'unchanged', '000000000000043'), ('newbie', 'created', None), ('jdoe', 'updated', '000000000000042')]
    assert plans[0].current is None  # an unchanged user's values are not held in a bulk run
    assert plans[2].current['Login Name'] == 'jdoe'  # a user written keeps what was read (guards, diff)
    assert planned(users, [spec(login_name='asmith')])[0].current['Login Name'] == 'asmith'  # a single run keeps it


def test_a_login_two_entries_hold_is_refused_though_the_first_was_planned_as_it_arrived():
    users = [('000000000000042', stored()['values']), ('000000000000043', stored()['values'])]
    with pytest.raises(WriteError) as caught:
        planned(users, [spec(email='j@x.org'), spec(login_name='bob', full_name='Bob', license_type='Read')])
    assert caught.value.result['problems'] == [
        "user 'jdoe': 2 entries of form 'User' have this Login Name; a login must find one user"]


# ------------------------------------------------------------------ results
def test_the_compact_diff_holds_the_changed_and_the_tried_users_only(resolver):
    changed = plan_user(spec(email='a@example.com'), stored(), resolver)
    same = plan_user(spec(login_name='same'), stored(**{'Login Name': 'same'}), resolver)
    failed = plan_user(spec(login_name='bad', email='b@example.com'), stored(**{'Login Name': 'bad'}), resolver)
    failed.fail('could not update user bad')
    diff = compact_diff([changed, same, failed])
    assert sorted(diff['after']) == ['bad', 'jdoe']
    assert diff['after']['jdoe'] == {'email': 'a@example.com'}
    assert summarize([changed, same, failed])['failed'] == 1


# ------------------------------------------------------------------ the quick item check agrees with Ansible's
TEXT = st.text(max_size=8)
ITEM_VALUES = dict(
    login_name=TEXT, name=TEXT, full_name=TEXT, email=st.one_of(TEXT, st.integers()), license_type=TEXT,
    state=st.sampled_from(['present', 'obsolete', 'absent', 'gone']), append=st.one_of(st.booleans(), st.just('yes')),
    groups=st.one_of(st.lists(TEXT, max_size=3), TEXT, st.lists(st.integers(), max_size=2)),
    fields=st.one_of(st.dictionaries(TEXT, TEXT, max_size=2), TEXT),
    update_password=st.sampled_from(['on_create', 'always', 'never']), shoe_size=TEXT)


@given(st.fixed_dictionaries({}, optional=ITEM_VALUES))
def test_the_quick_item_check_gives_what_ansibles_validator_gives(item):
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    from ansible_collections.helix.users.plugins.module_utils.bulk import ItemValidator, compact
    ansible = ArgumentSpecValidator(ITEM_SPEC).validate(dict(item))
    params, problems = ItemValidator(ITEM_SPEC).validate(dict(item))
    assert problems == list(ansible.error_messages)
    if not problems:
        assert params == compact(ansible.validated_parameters)  # the options given or defaulted, not the None ones
