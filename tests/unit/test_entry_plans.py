"""Entries of any form without a server: keys, reading ids, comparing, the plan, and the reads against a client double."""

import pytest

from ansible_collections.helix.users.plugins.module_utils.entries import (
    EntryError,
    EntryKey,
    apply_entry_plan,
    entry_id_of,
    fetch_fields,
    fields_to_read,
    find_entry,
    key_problems,
    make_key,
    plan_entry,
    read_form_entries,
    text_equal,
    values_problems,
)
from ansible_collections.helix.users.plugins.module_utils.errors import HelixAPIError

ID = '000000000000042'
HREF = 'https://acme.onbmc.com:443/api/arsys/v1/entry/CTM%3APeople/PPL000000000042'


def current(entry_id=ID, **values):
    return dict(entry_id=entry_id, values=values)


JDOE = make_key({'Login Name': 'jdoe'})


# ------------------------------------------------------------------ keys
@pytest.mark.parametrize('key, key_query, needle', [
    ({}, None, 'key is empty'),
    ({'Login Name': ''}, None, 'blank value'),
    ({'Login Name': '   '}, None, 'blank value'),
    ({'Login Name': None}, None, 'blank value'),
    ({'Login Name': 'jdoe', 'Company': ''}, None, "'Company' has a blank value"),
    ({'': 'x'}, None, 'empty field name'),
    ({'Login Name': ['a', 'b']}, None, 'a string or a number'),
    (None, '', 'key_query is blank'),
    (None, '  \n', 'key_query is blank'),
    (None, None, 'give key'),
    ({'Login Name': 'x'}, "'1' = \"x\"", 'not both'),
])
def test_keys_that_could_match_every_entry_are_refused(key, key_query, needle):
    problems = key_problems(key, key_query)
    assert problems and needle in '; '.join(problems)
    with pytest.raises(EntryError) as caught:
        make_key(key, key_query)
    assert caught.value.result['problems'] == problems


def test_a_key_dict_is_quoted_and_anded():
    key = make_key({'Login Name': 'a" OR "1"="1', "O'Brien": '100%', 'Group ID': 7})
    assert key.qualification == ('(\'Login Name\' = "a"" OR ""1""=""1") AND (\'O\'\'Brien\' = "100%") AND'
                                 ' (\'Group ID\' = 7)')
    assert key.create_values() == {'Login Name': 'a" OR "1"="1', "O'Brien": '100%', 'Group ID': 7}


def test_a_key_query_is_passed_as_written_and_creates_nothing_from_it():
    key = make_key(key_query="  'Login Name' = \"jdoe\" ")
    assert key.qualification == "'Login Name' = \"jdoe\""
    assert key.create_values() == {} and key.fetch_names() == []


def test_key_fields_by_id_are_not_fetched_by_id():
    key = make_key({'101': 'jdoe', 'Company': 'Acme'})
    assert key.fetch_names() == ['Company']
    assert fields_to_read(key, {'Email Address': 'x'}) == ['Company', 'Email Address']


# ------------------------------------------------------------------ values
@pytest.mark.parametrize('field', ['Password', 'password', ' PASSWORD ', '102'])
def test_the_user_password_is_refused_pointing_at_helix_user(field):
    problems = values_problems({field: 'secret'}, JDOE, form='User')
    assert len(problems) == 1 and 'helix.users.helix_user' in problems[0]
    assert 'secret' not in problems[0]
    assert 'helix_user' in ' '.join(key_problems({field: 'x'}, None, form='user'))


def test_a_password_field_of_another_form_is_not_the_user_password():
    assert values_problems({'Password': 'x'}, JDOE, form='ACME:Things') == []


def test_values_by_field_id_or_not_scalar_or_clashing_with_the_key_are_refused():
    problems = values_problems({'103': 'x', 'Notes': {'a': 1}, 'Login Name': 'other', '': 1}, JDOE, form='User')
    text = '; '.join(problems)
    assert "'103' by its id" in text and "'Notes' must be a string" in text
    assert "the key says 'jdoe'" in text and 'empty field name' in text
    assert values_problems({'Login Name': 'jdoe', 'Email Address': None}, JDOE) == []
    assert values_problems(['x'], JDOE) == ["values must be a dict of AR field name to value, got ['x']"]


@pytest.mark.parametrize('declared, stored, equal', [
    ('', None, True), (None, '', True), (None, None, True),
    (1, '1', True), ('1', 1, True), (True, '1', True), (2.5, '2.5', True),
    ('Fixed', 'Fixed', True), ('fixed', 'Fixed', False), ('a ', 'a', False),
    (1, 'Fixed', False), ('x', None, False),
])
def test_text_comparison(declared, stored, equal):
    assert text_equal('F', declared, stored) is equal


# ------------------------------------------------------------------ entry ids
def test_the_id_comes_from_the_self_link_first():
    entry = dict(values={'Request ID': 'not-this', '1': 'nor-this'}, _links={'self': [{'href': HREF}]})
    assert entry_id_of(entry, ['Remedy Login ID']) == 'PPL000000000042'


def test_the_id_comes_from_field_1_under_the_forms_own_name_when_there_is_no_link():
    people = dict(values={'Person ID': 'PPL1', 'Remedy Login ID': 'jdoe'}, _links={})
    assert entry_id_of(people, ['Remedy Login ID']) == 'PPL1'
    assert entry_id_of(dict(values={'1': 'X1', 'A': 1}), ['A']) == 'X1'
    # every field read: only the usual name of field 1 is taken for it
    assert entry_id_of(dict(values={'Request ID': 'R1', 'A': 1}), None) == 'R1'
    assert entry_id_of(dict(values={'Person ID': 'PPL1', 'A': 1}), None) is None
    # two names nobody asked for: which one is field 1 is not known, so no id
    assert entry_id_of(dict(values={'Person ID': 'PPL1', 'Other': 'x', 'A': 1}), ['A']) is None


def test_reads_ask_for_field_1_by_id():
    assert fetch_fields(['Login Name', '1', 'Email Address']) == ['1', 'Login Name', 'Email Address']
    assert fetch_fields([]) is None and fetch_fields(None) is None


# ------------------------------------------------------------------ planning
def test_no_entry_present_is_a_create_carrying_the_key_and_the_values():
    plan = plan_entry(JDOE, {'Full Name': 'John', 'License Type': 'Fixed'}, None)
    assert (plan.action, plan.changed, plan.entry_id) == ('created', True, None)
    assert plan.write == {'Login Name': 'jdoe', 'Full Name': 'John', 'License Type': 'Fixed'}
    assert plan.diff == {'before': {'state': 'absent'},
                         'after': {'state': 'present', 'Login Name': 'jdoe', 'Full Name': 'John', 'License Type': 'Fixed'}}
    assert plan.entry_after() == plan.write


def test_an_update_writes_and_shows_only_the_declared_fields_that_differ():
    stored = current(**{'Request ID': ID, 'Login Name': 'jdoe', 'Email Address': 'a@x', 'Phone Number': None,
                        'Department': 'IT'})
    plan = plan_entry(JDOE, {'Email Address': 'b@x', 'Phone Number': '', 'Department': 'IT'}, stored)
    assert (plan.action, plan.entry_id) == ('updated', ID)
    assert plan.write == {'Email Address': 'b@x'}
    assert plan.diff == {'before': {'Email Address': 'a@x'}, 'after': {'Email Address': 'b@x'}}
    assert plan.entry_after()['Email Address'] == 'b@x' and plan.entry_after()['Department'] == 'IT'


def test_equal_values_are_unchanged_and_write_nothing():
    plan = plan_entry(JDOE, {'Group ID': 7, 'Email Address': ''}, current(**{'Group ID': '7', 'Email Address': None}))
    assert (plan.action, plan.changed, plan.write) == ('unchanged', False, None)
    assert plan.diff == {'before': {}, 'after': {}}


def test_a_number_declared_where_a_label_is_stored_is_written_with_a_warning():
    plan = plan_entry(JDOE, {'License Type': 1}, current(**{'License Type': 'Fixed'}))
    assert plan.action == 'updated' and plan.write == {'License Type': 1}
    assert len(plan.warnings) == 1 and 'by its label' in plan.warnings[0]
    assert plan_entry(JDOE, {'Notes': 'abc'}, current(Notes='abd')).warnings == []


def test_a_custom_comparison_can_be_passed():
    folded = plan_entry(JDOE, {'Status': 'current'}, current(Status='Current'),
                        equal=lambda field, a, b: str(a).casefold() == str(b).casefold())
    assert folded.action == 'unchanged'


def test_absent():
    assert plan_entry(JDOE, {}, None, state='absent').action == 'unchanged'
    plan = plan_entry(JDOE, {'Email Address': 'x'}, current(**{'Login Name': 'jdoe', 'Email Address': 'a@x'}),
                      state='absent')
    assert (plan.action, plan.entry_id, plan.write) == ('deleted', ID, None)
    assert plan.diff == {'before': {'state': 'present', 'Login Name': 'jdoe', 'Email Address': 'a@x'},
                         'after': {'state': 'absent'}}
    assert plan.entry_after() == {}


def test_an_entry_whose_id_was_not_read_is_never_written():
    for values, state in (({'Email Address': 'new'}, 'present'), ({}, 'absent')):
        with pytest.raises(EntryError, match='only written at an id that was read'):
            plan_entry(JDOE, values, current(entry_id=None, **{'Email Address': 'old'}), state=state)
    # nothing to write: no id needed
    assert plan_entry(JDOE, {'Email Address': 'old'}, current(entry_id=None, **{'Email Address': 'old'})).action == \
        'unchanged'


# ------------------------------------------------------------------ reading and applying, with a client double
class ClientDouble(object):
    """Answers list_entries with the rows given; records every call."""

    def __init__(self, rows=(), fail=None):
        self.rows = list(rows)
        self.calls = []
        self.fail = fail

    def list_entries(self, form, **params):
        self.calls.append(('list', form, params))
        limit = params.get('limit') or len(self.rows)
        return iter(self.rows[:limit])

    def create_entry(self, form, values, find_existing=None):
        self.calls.append(('create', form, values, find_existing))
        if self.fail:
            raise self.fail
        return 'NEW1'

    def update_entry(self, form, entry_id, values):
        self.calls.append(('update', form, entry_id, values))

    def delete_entry(self, form, entry_id):
        self.calls.append(('delete', form, entry_id))


def row(entry_id, **values):
    return dict(values=values, _links={'self': [{'href': 'https://t/api/arsys/v1/entry/F/%s' % entry_id}]})


def test_find_entry_reads_field_1_the_key_and_the_declared_fields():
    client = ClientDouble([row('E1', **{'Login Name': 'jdoe', 'Request ID': 'E1'})])
    found = find_entry(client, 'User', JDOE, fields=fields_to_read(JDOE, {'Email Address': 'x'}))
    assert found == dict(entry_id='E1', values={'Login Name': 'jdoe', 'Request ID': 'E1'})
    _kind, form, params = client.calls[0]
    assert form == 'User' and params['q'] == '\'Login Name\' = "jdoe"'
    assert params['fields'] == ['1', 'Login Name', 'Email Address']
    assert find_entry(ClientDouble(), 'User', JDOE) is None


@pytest.mark.parametrize('count, shown', [(2, '2 entries'), (150, 'more than 100 entries')])
def test_a_key_matching_several_entries_is_an_error_naming_the_count_and_the_key(count, shown):
    client = ClientDouble([row('E%d' % number) for number in range(count)])
    with pytest.raises(EntryError) as caught:
        find_entry(client, 'User', make_key({'License Type': 'Fixed'}))
    assert shown in str(caught.value) and "key License Type='Fixed'" in str(caught.value)
    assert 'nothing was written' in str(caught.value)
    assert caught.value.result['match_count'] == min(count, 101)


def test_read_form_entries_combines_query_and_filters_and_asks_for_field_1():
    client = ClientDouble([row('E1', A=1)])
    entries = read_form_entries(client, 'F', query=" 'X' > 1 ", filters={'B': 'y"z'}, fields=['A'], sort='A.asc',
                                limit=5, page_size=2)
    assert entries == [dict(entry_id='E1', values={'A': 1})]
    params = client.calls[0][2]
    assert params == dict(q='(\'X\' > 1) AND (\'B\' = "y""z")', fields=['1', 'A'], sort='A.asc', page_size=2, limit=5)
    empty = ClientDouble([row('E1')])
    assert read_form_entries(empty, 'F', filters={'B': []}) == [] and empty.calls == []


def test_apply_sends_the_one_write_and_passes_a_lookup_by_the_key_to_create():
    client = ClientDouble([row('E9', **{'Login Name': 'jdoe'})])
    plan = apply_entry_plan(client, 'User', plan_entry(JDOE, {'Full Name': 'J'}, None))
    assert plan.entry_id == 'NEW1'
    kind, _form, values, find_existing = client.calls[0]
    assert kind == 'create' and values == {'Login Name': 'jdoe', 'Full Name': 'J'}
    assert find_existing() == 'E9'  # the look-up a lost reply triggers finds the entry by its key
    apply_entry_plan(client, 'User', plan_entry(JDOE, {'A': 'b'}, current(A='a')))
    apply_entry_plan(client, 'User', plan_entry(JDOE, {}, current(), state='absent'))
    assert [call[:3] for call in client.calls if call[0] != 'list'][1:] == [('update', 'User', ID), ('delete', 'User', ID)]


def test_a_failed_or_lost_write_says_so():
    refused = HelixAPIError('Creating User entry failed with HTTP 400: AR 307', status=400)
    with pytest.raises(EntryError) as caught:
        apply_entry_plan(ClientDouble(fail=refused), 'User', plan_entry(JDOE, {}, None))
    assert caught.value.result['action'] == 'failed' and caught.value.status == 400
    assert "could not create the User entry matching the key Login Name='jdoe'" in str(caught.value)
    lost = HelixAPIError('Creating User entry failed')
    lost.outcome_unknown = True
    with pytest.raises(EntryError) as caught:
        apply_entry_plan(ClientDouble(fail=lost), 'User', plan_entry(JDOE, {}, None))
    assert caught.value.result == dict(changed=True, action='unknown', entry_id=None)
    assert caught.value.outcome_unknown


def test_entry_key_describes_itself():
    assert EntryKey(query="'1' = \"x\"").describe() == 'key_query \'1\' = "x"'
    assert repr(JDOE) == "EntryKey(key Login Name='jdoe')"
