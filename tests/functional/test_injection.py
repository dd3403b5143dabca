"""Hostile logins, filter values and field names: the info module returns the exact match or nothing,
the user module touches only that user."""

import requests
from hypothesis import HealthCheck, example, given, settings, strategies as st

from ansible_collections.helix.users.plugins.module_utils.ar_client import ARClient
from ansible_collections.helix.users.plugins.module_utils.qualification import equals
from ansible_collections.helix.users.plugins.module_utils.strict import CONTROL
from simulator.forms import USER_FORM
from support import ADMIN_PASSWORD, ADMIN_USER, connection, run_module

PIECES = ['"', "'", '%', '_', ' AND ', ' OR ', 'NOT ', '(', ')', '\n', '\\', '$NULL$', '=', '!=', ';', 'jdoe', 'a', 'é', '*']
HOSTILE = st.one_of(st.lists(st.sampled_from(PIECES), min_size=1, max_size=10).map(''.join), st.text(min_size=1, max_size=20))
SEEDED = ('Demo', 'jdoe', 'asmith')
USER_FIELDS = set(field.name.casefold() for field in USER_FORM.fields)
# NUL can not reach a module: Ansible's own syslog call refuses it before the module runs
LOGIN = HOSTILE.filter(lambda s: s.strip() == s and s.strip() != '' and s not in SEEDED and '\x00' not in s)
QUALIFICATION_HOSTILE = st.one_of(st.text(), st.lists(st.sampled_from(PIECES), max_size=12).map(''.join))
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def snapshot(sim):
    return dict((u['Request ID'], u) for u in sim.state()['users'])


@SETTINGS
@given(login=LOGIN)
@example(login='jdoe" OR \'Login Name\' LIKE "%')
@example(login='%')
@example(login='j_oe')
@example(login='x") OR (\'Status\' = "Current')
@example(login="asmith'\nOR 'Login Name' != \"")
def test_a_hostile_login_reads_and_touches_only_itself(sim, login):
    sim.reset()
    client = ARClient(sim.url, username=ADMIN_USER, password=ADMIN_PASSWORD)
    client.create_entry('User', {'Login Name': login, 'Full Name': 'Hostile', 'License Type': 'Read'})
    client.close()

    if CONTROL.search(login):
        # a login with a newline or a tab (a survey textarea) is bad input everywhere: refused before any request
        sim.clear_log()
        for module, args in (('helix_user_info', dict(login_name=[login])), ('helix_user', dict(login_name=login))):
            refused = run_module(module, connection(sim, **args))
            assert refused['failed'] is True and 'control character' in refused['msg']
        assert sim.log == []
        return
    found = run_module('helix_user_info', connection(sim, login_name=[login]))
    assert [u['login_name'] for u in found['users']] == [login]
    missing = run_module('helix_user_info', connection(sim, login_name=[login + '~']))
    assert missing['users'] == []

    before = snapshot(sim)
    result = run_module('helix_user', connection(sim, login_name=login, department='Touched'))
    assert result['changed'] is True, result
    after = snapshot(sim)
    touched = [rid for rid in after if after[rid] != before[rid]]
    assert touched == [result['user']['request_id']]
    assert after[touched[0]]['Login Name'] == login


@SETTINGS
@given(value=HOSTILE)
@example(value='%')
@example(value='" OR "1" = "1')
def test_a_hostile_filter_value_matches_only_equal_values(sim, value):
    sim.reset()
    client = ARClient(sim.url, username=ADMIN_USER, password=ADMIN_PASSWORD)
    client.update_entry('User', sim.user('jdoe')['Request ID'], {'Department': value})
    client.close()
    result = run_module('helix_user_info', connection(sim, filters={'Department': value}, fields=['Login Name', 'Department']))
    assert [u['login_name'] for u in result['users']] == ['jdoe']
    result = run_module('helix_user_info', connection(sim, filters={'Department': [value + '~', value]},
                                                      fields=['Login Name']))
    assert [u['login_name'] for u in result['users']] == ['jdoe']


@SETTINGS
# a number is a field id, and a User field's own name (in any case) is a real field too: neither is hostile
@given(field=HOSTILE.filter(lambda name: not name.strip().isdigit() and name.strip().casefold() not in USER_FIELDS))
@example(field="Login Name' = \"jdoe\" OR '1")
def test_a_hostile_field_name_is_an_unknown_field_not_a_wider_match(sim, field):
    sim.configure(field_metadata='404')  # the name reaches the server, quoted as a field name
    result = run_module('helix_user_info', connection(sim, filters={field: 'x'}))
    assert result.get('failed') is True
    assert 'AR 314' in result['msg']


def test_a_hostile_field_name_is_refused_by_the_form_s_own_names_before_any_read(sim):
    sim.clear_log()
    result = run_module('helix_user_info', connection(sim, filters={"Login Name' = \"jdoe\" OR '1": 'x'}))
    assert result['failed'] is True and "which is no field of form 'User' (did you mean 'Login Name'?)" in result['msg']
    assert [r['path'] for r in sim.log if r['path'].startswith('/api/arsys/')] == ['/api/arsys/v1.0/fields/User']


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(login=QUALIFICATION_HOSTILE)
@example(login='jdoe" OR \'Login Name\' LIKE "%')
@example(login='%')
@example(login='jd_e')
@example(login='x") OR ("1" = "1')
@example(login="jdoe\n' OR 'Status' = \"Current")
def test_a_login_never_matches_another_user_on_the_server(sim, login):
    """Seeded users have plain logins; a hostile login matches at most a user with exactly that login."""
    session = requests.Session()
    token = session.post(sim.url + '/api/jwt/login', data={'username': ADMIN_USER, 'password': ADMIN_PASSWORD}).text
    reply = session.get(sim.url + '/api/arsys/v1/entry/User', params={'q': equals('Login Name', login)},
                        headers={'Authorization': 'AR-JWT ' + token})
    session.post(sim.url + '/api/jwt/logout', headers={'Authorization': 'AR-JWT ' + token})
    assert reply.status_code == 200, reply.text
    assert all(entry['values']['Login Name'] == login for entry in reply.json()['entries'])
