"""helix_entry and helix_entry_info against the simulator: keys, states, idempotence, check and diff mode, safety."""

import pytest

from support import api_requests, connection, entry_reads, run_module, writes

NEW_USER = dict(form='User', key={'Login Name': 'entry1'}, values={'Full Name': 'Entry One', 'License Type': 'Fixed'})


def entry(sim, check=False, diff=True, **args):
    return run_module('helix_entry', connection(sim, **args), check=check, diff=diff)


def converge(sim, args, expect_action):
    """check mode -> apply -> apply again; returns the applying run's result.

    Check mode and the rerun send no write; check mode predicts the applying run (action, diff, entry).
    """
    sim.clear_log()
    checked = entry(sim, check=True, **args)
    assert checked.get('failed') is not True, checked
    assert writes(sim) == []
    applied = entry(sim, **args)
    assert applied.get('failed') is not True, applied
    assert (checked['changed'], checked['action']) == (applied['changed'], applied['action']) == (True, expect_action)
    assert checked['diff'] == applied['diff']
    if expect_action == 'created':
        assert checked['entry_id'] is None and applied['entry_id']
    else:
        assert checked['entry_id'] == applied['entry_id']
    assert checked['entry'] == applied['entry']
    sim.clear_log()
    again = entry(sim, **args)
    assert (again['changed'], again['action']) == (False, 'unchanged'), again
    assert writes(sim) == []
    if expect_action != 'deleted':
        assert again['entry_id'] == applied['entry_id']
    assert again['diff'] == {'before': {}, 'after': {}}
    return applied


# ------------------------------------------------------------------ present
def test_create_is_one_post_carrying_the_key_and_the_values(sim):
    result = converge(sim, NEW_USER, 'created')
    stored = sim.user('entry1')
    assert stored['Full Name'] == 'Entry One' and stored['License Type'] == 'Fixed'
    assert result['entry_id'] == stored['Request ID']
    assert result['entry'] == {'Login Name': 'entry1', 'Full Name': 'Entry One', 'License Type': 'Fixed'}
    assert result['diff'] == {'before': {'state': 'absent'},
                              'after': {'state': 'present', 'Login Name': 'entry1', 'Full Name': 'Entry One',
                                        'License Type': 'Fixed'}}
    sim.clear_log()
    entry(sim, form='User', key={'Login Name': 'entry2'}, values=NEW_USER['values'])
    (post,) = writes(sim)
    assert post['method'] == 'POST' and sorted(post['body_fields']) == ['Full Name', 'License Type', 'Login Name']


def test_update_by_key_fields_is_one_put_of_only_the_fields_that_differ(sim):
    args = dict(form='User', key={'Login Name': 'jdoe'},
                values={'Email Address': 'john.doe@example.com', 'Full Name': 'John Doe', 'Department': 'Sales'})
    result = converge(sim, args, 'updated')
    assert result['diff'] == {'before': {'Email Address': 'jdoe@example.com', 'Department': None},
                              'after': {'Email Address': 'john.doe@example.com', 'Department': 'Sales'}}
    stored = sim.user('jdoe')
    assert stored['Email Address'] == 'john.doe@example.com' and stored['First Name'] == 'John'  # the rest kept
    assert result['entry_id'] == stored['Request ID']
    assert result['entry']['Department'] == 'Sales' and result['entry']['Full Name'] == 'John Doe'
    sim.clear_log()
    entry(sim, form='User', key={'Login Name': 'jdoe'}, values={'Email Address': 'j@example.com', 'Full Name': 'John Doe'})
    (put,) = writes(sim)
    assert put['method'] == 'PUT' and put['body_fields'] == ['Email Address'] and put['entry_id'] == stored['Request ID']


def test_update_by_key_query(sim):
    args = dict(form='User', key_query="'Login Name' = \"asmith\" AND 'License Type' = \"Read\"",
                values={'Phone Number': '+1 555 0199'})
    result = converge(sim, args, 'updated')
    assert sim.user('asmith')['Phone Number'] == '+1 555 0199'
    assert result['entry_id'] == sim.user('asmith')['Request ID']


def test_empty_string_clears_a_field_and_then_stays_unchanged(sim):
    converge(sim, dict(form='User', key={'Login Name': 'jdoe'}, values={'Email Address': ''}), 'updated')
    assert sim.user('jdoe')['Email Address'] is None
    sim.clear_log()
    assert entry(sim, form='User', key={'Login Name': 'jdoe'}, values={'Email Address': None})['changed'] is False
    assert writes(sim) == []


def test_selections_by_label_are_unchanged_and_a_number_is_the_label_the_form_tells(sim):
    sim.clear_log()
    same = entry(sim, form='User', key={'Login Name': 'jdoe'}, values={'License Type': 'Fixed'})
    assert same['changed'] is False and writes(sim) == []
    # the field metadata lists the labels and their numbers: 1 is Fixed, and 'fixed' is too
    for value in (1, '1', 'fixed'):
        number = entry(sim, form='User', key={'Login Name': 'jdoe'}, values={'License Type': value})
        assert number['changed'] is False and 'warnings' not in number, value
    assert writes(sim) == []


def test_without_field_metadata_a_number_for_a_label_warns(sim):
    sim.configure(field_metadata='404')
    number = entry(sim, form='User', key={'Login Name': 'jdoe'}, values={'License Type': 1}, check=True)
    assert number['changed'] is True and 'by its label' in repr(number['warnings'])
    assert any('does not serve field metadata' in note for note in number['notes'])


def test_a_key_field_with_a_number_value(sim):
    # the Group form is read-only on the simulator: a lookup by an integer key field still works, unchanged
    result = entry(sim, form='Group', key={'Group ID': 1000000001}, values={'Group Name': 'Service Desk'})
    assert (result['changed'], result['action']) == (False, 'unchanged')


# ------------------------------------------------------------------ absent
def test_absent_deletes_the_entry_and_then_is_unchanged(sim):
    result = converge(sim, dict(form='User', key={'Login Name': 'asmith'}, state='absent',
                                values={'Email Address': 'ignored@example.com'}), 'deleted')
    assert sim.user('asmith') is None
    assert result['entry'] == {}
    assert result['diff'] == {'before': {'state': 'present', 'Login Name': 'asmith',
                                         'Email Address': 'asmith@example.com'},
                              'after': {'state': 'absent'}}


def test_absent_of_a_missing_entry_sends_no_write(sim):
    sim.clear_log()
    result = entry(sim, form='User', key={'Login Name': 'nobody'}, state='absent')
    assert (result['changed'], result['action'], result['entry_id']) == (False, 'unchanged', None)
    assert writes(sim) == []


def test_a_form_that_refuses_writes_fails_with_the_servers_message(sim):
    result = entry(sim, form='Group', key={'Group Name': 'Public'}, state='absent')
    assert result['failed'] is True and result['action'] == 'failed' and result['status'] == 403
    assert "could not delete the Group entry matching the key Group Name='Public'" in result['msg']
    assert result['ar_messages'] and result['entry_id']


# ------------------------------------------------------------------ the key must be safe
@pytest.mark.parametrize('args', [
    dict(key={'License Type': 'Fixed'}),
    dict(key_query="'Status' = \"Current\""),
])
def test_a_key_matching_two_entries_is_refused_with_nothing_written(sim, args):
    sim.clear_log()
    result = entry(sim, form='User', values={'Department': 'X'}, **args)
    assert result['failed'] is True and result['match_count'] == 2
    assert '2 entries of form' in result['msg'] and 'nothing was written' in result['msg']
    assert ("License Type='Fixed'" if 'key' in args else 'key_query') in result['msg']
    assert writes(sim) == []
    assert sim.user('jdoe')['Department'] is None


@pytest.mark.parametrize('args, needle', [
    (dict(key={}), 'key is empty'),
    (dict(key={'Login Name': ''}), 'blank value'),
    (dict(key={'Login Name': 'jdoe', 'Company': '  '}), 'blank value'),
    (dict(key={'Login Name': None}), 'blank value'),
    (dict(key_query=''), 'key_query is blank'),
    (dict(key_query='   '), 'key_query is blank'),
    (dict(key={'Login Name': 'jdoe'}, values={'Login Name': 'other'}), "the key says 'jdoe'"),
    (dict(key={'Login Name': 'jdoe'}, values={'Password': 'S3cret-pw!'}), 'helix.users.helix_user'),
    (dict(key={'Login Name': 'jdoe'}, values={'102': 'S3cret-pw!'}), 'helix.users.helix_user'),
])
def test_bad_declarations_are_refused_before_any_request(sim, args, needle):
    sim.clear_log()
    result = entry(sim, form='User', **args)
    assert result['failed'] is True and needle in result['msg'], result
    assert result['problems']
    assert sim.log == []
    assert 'S3cret-pw!' not in result['msg']


def test_key_and_key_query_together_are_refused_before_any_request(sim):
    sim.clear_log()
    result = entry(sim, form='User', key={'Login Name': 'jdoe'}, key_query="'Login Name' = \"jdoe\"")
    assert result['failed'] is True and 'mutually exclusive' in result['msg']
    assert sim.log == []


HOSTILE = ['o"neil', "d'arcy", 'a%', 'x" OR "1"="1', "y' OR 'a'='a", 'jdoe" OR \'Login Name\' LIKE "%']


def test_hostile_key_values_match_only_the_exact_entry(sim):
    for number, login in enumerate(HOSTILE):
        created = entry(sim, form='User', key={'Login Name': login},
                        values={'Full Name': 'Hostile %d' % number, 'License Type': 'Read'})
        assert created['action'] == 'created', created
    assert len(sim.state()['users']) == 3 + len(HOSTILE)
    for number, login in enumerate(HOSTILE):
        sim.clear_log()
        result = entry(sim, form='User', key={'Login Name': login}, values={'Department': 'D%d' % number})
        assert result['action'] == 'updated', (login, result)
        (put,) = writes(sim)
        assert put['entry_id'] == sim.user(login)['Request ID']
    for number, login in enumerate(HOSTILE):
        assert sim.user(login)['Department'] == 'D%d' % number
    for user in ('Demo', 'jdoe', 'asmith'):
        assert sim.user(user)['Department'] is None
    # wildcards and operators in a key value are literal: they match nothing, so the entry would be created
    for login in ('j%', '%', '" OR "1"="1', 'jdoe" OR "1"="1'):
        sim.clear_log()
        result = entry(sim, form='User', key={'Login Name': login}, values={'Full Name': 'X', 'License Type': 'Read'},
                       check=True)
        assert result['action'] == 'created', (login, result)
        assert writes(sim) == []


# ------------------------------------------------------------------ entry ids
def test_without_self_links_the_id_is_field_1_under_its_own_name(sim):
    sim.configure(entry_links=False)
    sim.clear_log()
    result = entry(sim, form='User', key={'Login Name': 'jdoe'}, values={'Department': 'Ops'})
    assert result['action'] == 'updated' and result['entry_id'] == sim.user('jdoe')['Request ID']
    (put,) = writes(sim)
    assert put['entry_id'] == sim.user('jdoe')['Request ID']
    (read,) = entry_reads(sim)
    assert read['query']['fields'].startswith('values(1,')


def test_a_field_by_its_id_is_named_by_the_form_and_compares(sim):
    sim.clear_log()
    first = entry(sim, form='User', key={'101': 'jdoe'}, values={'1000000021': 'Europe/Paris', '103': 'j@example.com'})
    assert first['action'] == 'updated' and first['diff']['after'] == {'Time Zone': 'Europe/Paris',
                                                                       'Email Address': 'j@example.com'}
    (put,) = writes(sim)
    assert put['body_fields'] == ['Time Zone', 'Email Address']
    again = entry(sim, form='User', key={'Login Name': 'jdoe'}, values={'1000000021': 'Europe/Paris'})
    assert again['changed'] is False and len(writes(sim)) == 1
    reads = len(entry_reads(sim))
    unknown = entry(sim, form='User', key={'Login Name': 'jdoe'}, values={'Time Zon': 'x', '5368': 'y'})
    assert unknown['failed'] is True and "values names 'Time Zon', which is no field of form 'User' (did you mean" \
        " 'Time Zone'?)" in unknown['msg'] and "values names '5368'" in unknown['msg']
    assert len(writes(sim)) == 1 and len(entry_reads(sim)) == reads  # refused before any read of entries


def test_without_field_metadata_an_id_only_the_tenant_knows_is_refused_before_any_write(sim):
    sim.configure(field_metadata='403')
    sim.clear_log()
    result = entry(sim, form='User', key={'Login Name': 'jdoe'}, values={'1000000021': 'Europe/Paris'})
    assert result['failed'] is True and "values names field '1000000021' by its id" in result['msg']
    assert writes(sim) == [] and entry_reads(sim) == []
    assert "the account may not read form definitions" in repr(result['notes'])


def test_an_entry_whose_id_the_server_does_not_return_is_never_written(sim):
    sim.configure(entry_links=False, omit_request_id=True)
    sim.clear_log()
    result = entry(sim, form='User', key={'Login Name': 'jdoe'}, values={'Department': 'Ops'})
    assert result['failed'] is True and 'the server showed no id for it' in result['msg']
    assert "no entry of form 'User' is at the address 'jdoe'" in result['msg'] and 'nothing was written' in result['msg']
    assert writes(sim) == []
    unchanged = entry(sim, form='User', key={'Login Name': 'jdoe'}, values={'Full Name': 'John Doe'})
    assert unchanged['action'] == 'unchanged' and unchanged['entry_id'] is None


def test_a_create_whose_reply_was_lost_is_found_by_its_key_not_repeated(sim):
    sim.configure(drop_after_commit=1)
    result = entry(sim, **NEW_USER)
    assert result['action'] == 'created' and result['entry_id'] == sim.user('entry1')['Request ID']
    assert len([u for u in sim.state()['users'] if u['Login Name'] == 'entry1']) == 1
    (post,) = [r for r in writes(sim) if r['method'] == 'POST']
    assert post['fault'] == 'drop_after_commit'  # committed, reply lost: looked up by the key, not repeated


# ------------------------------------------------------------------ helix_entry_info
def info(sim, **args):
    result = run_module('helix_entry_info', connection(sim, **args))
    assert result.get('failed') is not True, result
    assert result['changed'] is False and result['count'] == len(result['entries'])
    return result


def test_info_reads_every_page_past_a_server_cap(sim):
    sim.configure(server_cap=5)
    sim.seed_users(30)
    sim.clear_log()
    result = info(sim, form='User', fields=['Login Name'], page_size=100)
    assert result['count'] == 33
    assert len(set(item['entry_id'] for item in result['entries'])) == 33
    assert len(api_requests(sim, ['GET'])) >= 7
    assert info(sim, form='User', limit=12, page_size=100)['count'] == 12


def test_info_by_query_filters_fields_and_sort(sim):
    result = info(sim, form='User', query="'Status' = \"Current\"", filters={'License Type': ['Fixed', 'Read']},
                  fields=['Login Name', 'Email Address'], sort='Login Name.desc')
    assert [item['values']['Login Name'] for item in result['entries']] == ['jdoe', 'Demo']
    assert result['entries'][0] == {'entry_id': sim.user('jdoe')['Request ID'],
                                    'values': {'Request ID': sim.user('jdoe')['Request ID'], 'Login Name': 'jdoe',
                                               'Email Address': 'jdoe@example.com'}}
    everything = info(sim, form='Group', filters={'Group Name': 'Service Desk'})
    assert everything['count'] == 1 and everything['entries'][0]['values']['Group ID'] == 1000000001
    assert everything['entries'][0]['entry_id'] == everything['entries'][0]['values']['Request ID']
    sim.clear_log()
    assert info(sim, form='User', filters={'Login Name': []})['count'] == 0
    assert api_requests(sim, ['GET']) == []


def test_info_hostile_filter_values_match_only_exactly(sim):
    entry(sim, form='User', key={'Login Name': 'x" OR "1"="1'}, values={'Full Name': 'X', 'License Type': 'Read'})
    result = info(sim, form='User', filters={'Login Name': 'x" OR "1"="1'})
    assert [item['values']['Login Name'] for item in result['entries']] == ['x" OR "1"="1']
