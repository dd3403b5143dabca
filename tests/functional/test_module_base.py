"""HelixModule, the base of every module: checks before any request, logout always, errors without secrets."""

import pytest

from ansible_collections.helix.users.plugins.module_utils import user_task
from support import ADMIN_PASSWORD, connection, run_module

ITEM_PASSWORD = 'Item-Secret-Pw-41'
MODULES = dict(helix_user=('helix_user', dict(login_name='jdoe')), helix_user_info=('helix_user_info', {}),
               helix_group_info=('helix_group_info', {}), helix_token=('helix_token', {}),
               helix_user_report=('helix_user_report', dict(csv_path='/nonexistent/u.csv', json_path='/nonexistent/u.json')))
RANGES = [('timeout', 0, 'timeout must be a positive number of seconds, got 0'),
          ('max_retries', -1, 'max_retries must be 0 or more, got -1')]


@pytest.mark.parametrize('name', sorted(MODULES))
@pytest.mark.parametrize('option, value, message', RANGES)
def test_every_module_checks_connection_ranges_before_any_request(sim, name, option, value, message):
    module, args = MODULES[name]
    sim.clear_log()
    result = run_module(module, connection(sim, **dict(args, **{option: value})))
    assert result['failed'] is True and result['msg'] == message
    assert sim.log == []


@pytest.mark.parametrize('module, args, message', [
    ('helix_user', dict(login_name='jdoe', page_size=0), 'page_size must be 1 or more, got 0'),
    ('helix_user', dict(users=['jdoe'], concurrency=0), 'concurrency must be 1 or more, got 0'),
    ('helix_user', dict(users=['jdoe'], purge_limit=-1), 'purge_limit must be 0 or more, got -1'),
    ('helix_user_info', dict(limit=-1), 'limit must be 0 (all) or more, got -1'),
    ('helix_group_info', dict(page_size=0), 'page_size must be 1 or more, got 0'),
    ('helix_user_report', dict(csv_path='/tmp/x.csv', json_path='/tmp/x.json', page_size=0), 'page_size must be 1 or more, got 0'),
])
def test_module_ranges_are_checked_before_any_request(sim, module, args, message):
    sim.clear_log()
    result = run_module(module, connection(sim, **args))
    assert result['failed'] is True and result['msg'] == message
    assert sim.log == []


def test_a_missing_url_names_its_environment_variable(monkeypatch):
    monkeypatch.delenv('HELIX_URL', raising=False)
    result = run_module('helix_user_info', dict(helix_token='a-token-of-some-length'))
    assert result['failed'] is True
    assert result['msg'].startswith('missing required arguments: helix_url')
    assert 'helix_url from HELIX_URL' in result['msg']


def test_no_credentials_names_their_environment_variables(sim, monkeypatch):
    for name in ('HELIX_TOKEN', 'HELIX_USERNAME', 'HELIX_PASSWORD'):
        monkeypatch.delenv(name, raising=False)
    result = run_module('helix_user_info', dict(helix_url=sim.url))
    assert 'one of the following is required: helix_token, helix_username' in result['msg']
    assert 'helix_token from HELIX_TOKEN' in result['msg'] and 'helix_username from HELIX_USERNAME' in result['msg']


@pytest.mark.parametrize('args', [
    dict(page_size=0),                                   # a range check
    dict(concurrency=0),
    dict(purge=True),                                    # purge without purge_query
    dict(email='top@example.com'),                       # a per-user option next to users
    dict(no_such_option=1),                              # Ansible's own validation
    dict(state='gone'),                                  # Ansible's own validation of a choice
])
def test_item_passwords_are_masked_in_every_early_failure(sim, args):
    items = [dict(login_name='newbie', full_name='N', license_type='Read', password=ITEM_PASSWORD)]
    sim.clear_log()
    result = run_module('helix_user', connection(sim, users=items, **args))
    assert result['failed'] is True
    assert ITEM_PASSWORD not in repr(result)
    assert sim.log == []


def test_an_unexpected_exception_is_a_clean_failure_with_a_redacted_traceback(sim, monkeypatch):
    def explode(client, *_args, **_kwargs):
        list(client.list_entries('User', page_size=1, limit=1))  # logged in by now
        raise RuntimeError('boom near %s' % ADMIN_PASSWORD)
    monkeypatch.setattr(user_task, 'plan_all', explode)
    try:  # ansible-core 2.19+ returns the traceback when asked (-vvv, ANSIBLE_DISPLAY_TRACEBACK), and caches the asking
        from ansible.module_utils._internal import _traceback
        monkeypatch.setattr(_traceback, '_module_tracebacks_enabled_events', None)
    except ImportError:  # older cores always return it
        pass
    result = run_module('helix_user', connection(sim, login_name='jdoe', _ansible_tracebacks_for=['error']))
    assert result['failed'] is True
    assert result['msg'] == 'unexpected RuntimeError: boom near ********'
    assert 'Traceback' in result['exception'] and 'explode' in result['exception']
    assert ADMIN_PASSWORD not in repr(result)
    paths = [r['path'] for r in sim.log]
    assert paths[0] == '/api/jwt/login' and paths[-1] == '/api/jwt/logout'  # logged out all the same


def test_a_failure_from_the_tenant_logs_out_and_carries_the_ar_messages(sim):
    result = run_module('helix_user', connection(sim, login_name='newbie', full_name='N', license_type='Read',
                                                 fields={'Submitter': 'someone'}))
    assert result['failed'] is True
    assert result['ar_messages'][0]['number'] == 330 and result['status'] == 400
    assert [r['path'] for r in sim.log][-1] == '/api/jwt/logout'
