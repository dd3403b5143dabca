"""Entries of any form without a server: keys, reading ids, comparing, the change, and the engine with a client double."""

import pytest

from support import NoFieldMetadata

from ansible_collections.helix.users.plugins.module_utils.entries import (
    EntryError,
    EntryKey,
    entry_after,
    fields_to_read,
    find_entry,
    key_id_problems,
    key_problems,
    make_key,
    plan_entry,
    text_equal,
    values_problems,
)
from ansible_collections.helix.users.plugins.module_utils.errors import HelixAPIError
from ansible_collections.helix.users.plugins.module_utils.info import read_selected
from ansible_collections.helix.users.plugins.module_utils.reads import entry_id, fetch_list
from ansible_collections.helix.users.plugins.module_utils.writes import WriteError, apply_change, execute, raise_failure

ID = '000000000000042'
HREF = 'https://acme.onbmc.com:443/api/arsys/v1/entry/CTM%3APeople/PPL000000000042'


def current(entry_id=ID, **values):
    return dict(entry_id=entry_id, values=values)


JDOE = make_key({'Login Name': 'jdoe'}, form='User')


def plan(values, stored, state='present', **kwargs):
    return plan_entry('User', JDOE, values, stored, state=state, **kwargs)


def write_of(change):
    return change.steps[0].values if change.steps else None


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
    problems = values_problems({'536870999': 'x', 'Notes': {'a': 1}, 'Login Name': 'other', '': 1}, JDOE,
                               form='User', allow_reserved=True)
    text = '; '.join(problems)
    assert "'536870999' by its id" in text and "'Notes' must be a string" in text
    # an id the known tables name is no problem: it is written and compared by its name
    assert values_problems({'103': 'x'}, JDOE, form='User') == []
    # one only the tenant's field metadata can name waits for it
    assert values_problems({'536870999': 'x'}, JDOE, form='User', ids_later=True) == []
    assert "the key says 'jdoe'" in text and 'empty field name' in text
    assert values_problems({'Login Name': 'jdoe', 'Email Address': None}, JDOE, form='User', allow_reserved=True) == []
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
    assert entry_id(entry, 'CTM:People', ['Remedy Login ID']) == 'PPL000000000042'


def test_the_id_comes_from_field_1_under_the_forms_own_name_when_there_is_no_link():
    people = dict(values={'Person ID': 'PPL1', 'Remedy Login ID': 'jdoe'}, _links={})
    assert entry_id(people, 'CTM:People', ['Remedy Login ID']) == 'PPL1'
    assert entry_id(people, 'CTM:People') == 'PPL1'  # every field read: the form's own name for field 1
    assert entry_id(dict(values={'1': 'X1', 'A': 1}), 'F', ['A']) == 'X1'
    assert entry_id(dict(values={'Request ID': 'R1', 'A': 1}), 'User') == 'R1'
    # a form whose field 1 is named otherwise: Request ID is not taken for it, nor is any other field
    assert entry_id(dict(values={'Request ID': 'R1', 'Remedy Login ID': 'jdoe'}), 'CTM:People') is None
    assert entry_id(dict(values={'Person ID': 'PPL1', 'A': 1}), 'ACME:Things') is None
    # two names nobody asked for: which one is field 1 is not known, so no id
    assert entry_id(dict(values={'Person ID': 'PPL1', 'Other': 'x', 'A': 1}), 'ACME:Things', ['A']) is None
    # no link, no field 1: no id, never a key value taken for one
    assert entry_id(dict(values={'Login Name': '000000000000002'}, _links={}), 'User', ['Login Name']) is None


def test_reads_ask_for_field_1_by_id():
    assert fetch_list(['Login Name', '1', 'Email Address']) == ['1', 'Login Name', 'Email Address']
    assert fetch_list([]) is None and fetch_list(None) is None


# ------------------------------------------------------------------ planning
def test_no_entry_present_is_a_create_carrying_the_key_and_the_values():
    change = plan({'Full Name': 'John', 'License Type': 'Fixed'}, None)
    assert (change.action, change.changed, change.entry_id) == ('created', True, None)
    assert write_of(change) == {'Login Name': 'jdoe', 'Full Name': 'John', 'License Type': 'Fixed'}
    assert change.diff == {'before': {'state': 'absent'},
                           'after': {'state': 'present', 'Login Name': 'jdoe', 'Full Name': 'John',
                                     'License Type': 'Fixed'}}
    assert entry_after(change) == write_of(change)
    assert change.steps[0].key == {'Login Name': 'jdoe'}  # what finds it again after a lost reply


def test_an_update_writes_and_shows_only_the_declared_fields_that_differ():
    stored = current(**{'Request ID': ID, 'Login Name': 'jdoe', 'Email Address': 'a@x', 'Phone Number': None,
                        'Department': 'IT'})
    change = plan({'Email Address': 'b@x', 'Phone Number': '', 'Department': 'IT'}, stored)
    assert (change.action, change.entry_id) == ('updated', ID)
    assert write_of(change) == {'Email Address': 'b@x'}
    assert change.diff == {'before': {'Email Address': 'a@x'}, 'after': {'Email Address': 'b@x'}}
    assert entry_after(change)['Email Address'] == 'b@x' and entry_after(change)['Department'] == 'IT'


def test_equal_values_are_unchanged_and_write_nothing():
    change = plan({'Group ID': 7, 'Email Address': ''}, current(**{'Group ID': '7', 'Email Address': None}))
    assert (change.action, change.changed, write_of(change)) == ('unchanged', False, None)
    assert change.diff == {'before': {}, 'after': {}}


def test_a_number_declared_where_a_label_is_stored_is_written_with_a_warning():
    change = plan({'License Type': 1}, current(**{'License Type': 'Fixed'}))
    assert change.action == 'updated' and write_of(change) == {'License Type': 1}
    assert len(change.warnings) == 1 and 'by its label' in change.warnings[0]
    assert plan({'Notes': 'abc'}, current(Notes='abd')).warnings == []


def test_a_custom_comparison_can_be_passed():
    folded = plan({'Status': 'current'}, current(Status='Current'),
                  equal=lambda field, a, b: str(a).casefold() == str(b).casefold())
    assert folded.action == 'unchanged'


def test_absent():
    assert plan({}, None, state='absent').action == 'unchanged'
    change = plan({'Email Address': 'x'}, current(**{'Login Name': 'jdoe', 'Email Address': 'a@x'}), state='absent')
    assert (change.action, change.entry_id, write_of(change)) == ('deleted', ID, None)
    assert change.steps[0].method == 'delete'
    assert change.diff == {'before': {'state': 'present', 'Login Name': 'jdoe', 'Email Address': 'a@x'},
                           'after': {'state': 'absent'}}
    assert entry_after(change) == {}


def test_an_entry_whose_id_was_not_read_is_written_only_at_a_proven_address():
    for values, state in (({'Email Address': 'new'}, 'present'), ({}, 'absent')):
        change = plan(values, current(entry_id=None, **{'Login Name': 'jdoe', 'Email Address': 'old'}), state=state)
        client = ClientDouble()  # /entry/User/jdoe: nothing there
        with pytest.raises(WriteError) as caught:
            execute(client, [change], check_mode=False)
        assert 'nothing was written' in str(caught.value) and "no entry of form 'User' is at the address 'jdoe'" in \
            str(caught.value)
        assert [call[0] for call in client.calls] == ['get']
    # the entry at the candidate address holds another key: refused, never written
    other = ClientDouble(entries={'jdoe': {'Login Name': 'someone'}})
    with pytest.raises(WriteError, match="is another one"):
        execute(other, [plan({'A': 'b'}, current(entry_id=None, A='a'))], check_mode=False)
    # the same key at that address: proven, and written there
    proven = ClientDouble(entries={'jdoe': {'Login Name': 'jdoe'}})
    change = plan({'A': 'b'}, current(entry_id=None, A='a'))
    execute(proven, [change], check_mode=False)
    assert proven.calls[-1] == ('update', 'User', 'jdoe', {'A': 'b'}) and change.entry_id == 'jdoe'
    # nothing to write: no id needed
    assert plan({'Email Address': 'old'}, current(entry_id=None, **{'Email Address': 'old'})).action == 'unchanged'


def test_a_key_field_given_by_an_id_is_compared_with_the_values_by_name():
    key = make_key({'101': 'jdoe'}, form='User')
    problems = values_problems({'Login Name': 'x'}, key, form='User', allow_reserved=True)
    assert len(problems) == 1 and "the key says 'jdoe' (as field 101)" in problems[0]
    assert key_id_problems(make_key({'900000001': 'x'}, form='ACME:Things'), {'A': 1}, 'ACME:Things')
    assert key_id_problems(key, {'Department': 'x'}, 'User') == []


def test_user_form_fields_helix_user_manages_need_allow_reserved():
    for field in ('Login Name', 'status', '104'):
        problems = values_problems({field: 'x'}, make_key({'Email Address': 'a@x'}, form='User'), form='User')
        assert problems and ('allow_reserved' in problems[0] or 'by its id' in problems[0])
    assert values_problems({'Status': 1}, make_key({'Email Address': 'a@x'}, form='User'), form='User',
                           allow_reserved=True) == []
    assert values_problems({'Status': 1}, make_key({'A': 'a'}, form='ACME:Things'), form='ACME:Things') == []


# ------------------------------------------------------------------ reading and applying, with a client double
class ClientDouble(NoFieldMetadata):
    """Answers list_entries with the rows given and get_entry with the entries given; records every call."""

    def __init__(self, rows=(), fail=None, entries=None):
        self.rows = list(rows)
        self.calls = []
        self.fail = fail
        self.entries = entries or {}

    def list_entries(self, form, **params):
        self.calls.append(('list', form, params))
        limit = params.get('limit') or len(self.rows)
        return iter(self.rows[:limit])

    def get_entry(self, form, entry_id_, fields=None):
        self.calls.append(('get', form, entry_id_))
        values = self.entries.get(entry_id_)
        return None if values is None else dict(values=values)

    def create_entry(self, form, values, find_existing=None):
        self.calls.append(('create', form, values, find_existing))
        if self.fail:
            raise self.fail
        return 'NEW1'

    def update_entry(self, form, entry_id_, values):
        self.calls.append(('update', form, entry_id_, values))

    def delete_entry(self, form, entry_id_):
        self.calls.append(('delete', form, entry_id_))

    def redact(self, text):
        return text


def row(entry_id_, **values):
    return dict(values=values, _links={'self': [{'href': 'https://t/api/arsys/v1/entry/F/%s' % entry_id_}]})


def test_find_entry_reads_field_1_the_key_and_the_declared_fields():
    client = ClientDouble([row('E1', **{'Login Name': 'jdoe', 'Request ID': 'E1'})])
    found = find_entry(client, 'User', JDOE, fields=fields_to_read(JDOE, {'Email Address': 'x'}))
    assert found == dict(entry_id='E1', values={'Login Name': 'jdoe', 'Request ID': 'E1'})
    _kind, form, params = client.calls[0]
    assert form == 'User' and params['q'] == '\'Login Name\' = "jdoe"'
    assert params['fields'] == ['1', 'Login Name', 'Email Address']
    assert find_entry(ClientDouble(), 'User', JDOE) is None


def test_find_entry_keeps_exact_keys_only():
    client = ClientDouble([row('E1', **{'Login Name': 'JDOE'})])  # a server matching without case
    assert find_entry(client, 'User', JDOE, fields=['Login Name']) is None


@pytest.mark.parametrize('count, shown', [(2, '2 entries'), (150, 'more than 100 entries')])
def test_a_key_matching_several_entries_is_an_error_naming_the_count_and_the_key(count, shown):
    client = ClientDouble([row('E%d' % number, **{'License Type': 'Fixed'}) for number in range(count)])
    with pytest.raises(EntryError) as caught:
        find_entry(client, 'User', make_key({'License Type': 'Fixed'}))
    assert shown in str(caught.value) and "key License Type='Fixed'" in str(caught.value)
    assert 'nothing was written' in str(caught.value)
    assert caught.value.result['match_count'] == min(count, 101)


def test_entries_without_an_id_are_never_merged():
    client = ClientDouble([dict(values={'Login Name': 'u%d' % number}, _links={}) for number in range(120)])
    params = dict(form='User', query=None, filters=None, fields=['Login Name'], sort=None, limit=0, page_size=500)
    assert len(read_selected(client, params).entries) == 120


def test_read_selected_combines_query_and_filters_and_asks_for_field_1():
    client = ClientDouble([row('E1', A=1)])
    params = dict(form='F', query=" 'X' > 1 ", filters={'B': 'y"z'}, fields=['A'], sort='A.asc', limit=5, page_size=2)
    assert read_selected(client, params).entries == [dict(entry_id='E1', values={'A': 1})]
    params = client.calls[0][2]
    assert params == dict(q='(\'X\' > 1) AND (\'B\' = "y""z")', fields=['1', 'A'], sort='A.asc', page_size=2, limit=5,
                          ahead=True)
    empty = ClientDouble([row('E1')])
    assert read_selected(empty, dict(form='F', filters={'B': []})).entries == [] and empty.calls == []


def test_apply_sends_the_one_write_and_passes_a_lookup_by_the_key_to_create():
    client = ClientDouble([row('E9', **{'Login Name': 'jdoe'})])
    change = plan({'Full Name': 'J'}, None)
    apply_change(client, change)
    assert change.entry_id == 'NEW1' and change.steps[0].outcome == 'created'
    kind, _form, values, find_existing = client.calls[0]
    assert kind == 'create' and values == {'Login Name': 'jdoe', 'Full Name': 'J'}
    assert find_existing() == 'E9'  # the look-up a lost reply triggers finds the entry by its key
    apply_change(client, plan({'A': 'b'}, current(A='a')))
    apply_change(client, plan({}, current(), state='absent'))
    assert [call[:3] for call in client.calls if call[0] != 'list'][1:] == [('update', 'User', ID), ('delete', 'User', ID)]


def test_a_failed_or_lost_write_says_so():
    refused = HelixAPIError('Creating User entry failed with HTTP 400: AR 307', status=400)
    change = plan({}, None)
    apply_change(ClientDouble(fail=refused), change)
    assert change.action == 'failed' and "could not create the User entry matching the key Login Name='jdoe'" in change.msg
    with pytest.raises(EntryError) as caught:
        raise_failure(change, entry_id=change.entry_id)
    assert caught.value.result['action'] == 'failed' and caught.value.status == 400
    lost = HelixAPIError('Creating User entry failed')
    lost.outcome_unknown = True
    change = plan({}, None)
    apply_change(ClientDouble(fail=lost), change)
    with pytest.raises(EntryError) as caught:
        raise_failure(change, entry_id=change.entry_id)
    assert caught.value.result == dict(changed=True, action='unknown', entry_id=None)
    assert 'may have been applied' in str(caught.value)


def test_entry_key_describes_itself():
    assert EntryKey(query="'1' = \"x\"").describe() == 'key_query \'1\' = "x"'
    assert repr(JDOE) == "EntryKey(key Login Name='jdoe')"
