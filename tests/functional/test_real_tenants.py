"""What real tenants do that the guide does not say: entries without ids, plain HTTP refused, the errors they send."""

import pytest

from support import ADMIN_PASSWORD, connection, run_module, writes

GUIDE_ENTRIES = dict(entry_links=False, omit_request_id=True)


# ------------------------------------------------------------------ entries that carry no id
@pytest.mark.parametrize('state, field, value', [
    ('present', 'Department', 'Ops'), ('obsolete', 'Status', None)])
def test_entries_without_ids_are_addressed_by_their_login_as_read(sim, deactivated, state, field, value):
    sim.configure(login_name_ids=True, **GUIDE_ENTRIES)
    args = dict(login_name='jdoe', state=state)
    if value:
        args['department'] = value
    sim.clear_log()
    result = run_module('helix_user', connection(sim, **args))
    assert result.get('failed') is not True, result.get('msg')
    assert [(w['method'], w['path']) for w in writes(sim)] == [('PUT', '/api/arsys/v1/entry/User/jdoe')]
    assert not [r for r in sim.log if 'None' in r['path']]
    assert sim.user('jdoe')[field] == (value or deactivated)
    sim.clear_log()
    assert run_module('helix_user', connection(sim, **args))['changed'] is False and writes(sim) == []


def test_the_client_asks_for_the_request_id_when_the_server_would_send_it(sim):
    sim.configure(entry_links=False)  # no self links: only an explicit Request ID tells the id
    sim.clear_log()
    result = run_module('helix_user', connection(sim, login_name='jdoe', department='Ops'))
    assert result['changed'] is True
    assert [w['path'] for w in writes(sim)] == ['/api/arsys/v1/entry/User/%s' % sim.user('jdoe')['Request ID']]
    reads = [r for r in sim.log if r['method'] == 'GET' and r['path'].endswith('/entry/User')]
    assert reads and all(r['query'].get('fields', '').startswith('values(1,') for r in reads)  # field 1, by its id


def test_a_server_that_knows_neither_id_gets_no_write_to_an_id_nobody_read(sim):
    sim.configure(**GUIDE_ENTRIES)  # and /entry/User/<login> is not an address it knows
    sim.clear_log()
    result = run_module('helix_user', connection(sim, login_name='jdoe', department='Ops'))
    assert result['failed'] is True and "cannot update user 'jdoe': the server showed no id" in result['msg']
    assert "no entry of form 'User' is at the address 'jdoe'" in result['msg']
    assert writes(sim) == []  # the address was tried with a read, and refused before any write
    (probe,) = [r for r in sim.log if r['path'] == '/api/arsys/v1/entry/User/jdoe']
    assert probe['method'] == 'GET' and probe['status'] == 404
    assert sim.user('jdoe')['Department'] is None


def test_a_create_takes_its_id_from_location(sim):
    result = run_module('helix_user', connection(sim, login_name='newbie', full_name='N', license_type='Read'))
    posts = [w for w in writes(sim) if w['method'] == 'POST']
    assert len(posts) == 1 and posts[0]['status'] == 201
    assert result['user']['request_id'] == sim.user('newbie')['Request ID']


# ------------------------------------------------------------------ errors real servers send
def test_plain_http_refused_says_use_https_and_is_not_retried(sim):
    sim.configure(refuse_http=True)
    sim.clear_log()
    result = run_module('helix_user_info', connection(sim, login_name=['jdoe']))
    assert result['failed'] is True
    assert 'the tenant refuses plain HTTP; use https:// in helix_url (https://127.0.0.1:%d)' % sim.port in result['msg']
    assert 'Authentication failed' not in result['msg']
    assert len(sim.log) == 1


@pytest.mark.parametrize('setup, password, hint', [
    ({}, 'Not-The-Pw-4', 'AR 623'),
    ({'invalid_accounts': ['Demo']}, ADMIN_PASSWORD, 'AR 624'),
])
def test_login_refusals_say_what_they_mean(sim, setup, password, hint):
    sim.configure(**setup)
    result = run_module('helix_token', connection(sim, helix_password=password))
    assert result['failed'] is True and hint in result['msg']
    meaning = 'wrong username or password' if hint == 'AR 623' else 'the account is marked invalid on the tenant'
    assert meaning in result['msg']
    assert password not in repr(result)


def test_a_field_permission_is_named_as_such_not_as_a_login_problem(sim):
    sim.configure(forbidden_fields=['Department'])
    result = run_module('helix_user', connection(sim, login_name='jdoe', department='Ops', email='j@example.com'))
    assert result['failed'] is True and 'AR 333' in result['msg']
    assert 'the account may not write the field Department: a field permission on the tenant' in result['msg']
    assert 'Authentication' not in result['msg'] and 'token' not in result['msg']
    assert sim.user('jdoe')['Email Address'] != 'j@example.com'  # the one PUT was refused whole


@pytest.mark.parametrize('timeout', [30, 7])
def test_every_request_tells_the_server_the_client_timeout(sim, timeout):
    sim.clear_log()
    run_module('helix_user_info', connection(sim, login_name=['jdoe'], timeout=timeout))
    assert sim.log and all(r['ar_timeout'] == str(timeout) for r in sim.log)
