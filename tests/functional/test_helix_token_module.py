"""helix_token in-process against the simulator: login, logout, check mode, failures."""

from support import ADMIN_PASSWORD, connection, run_module


def test_login_returns_token_header_and_expiry_and_stays_logged_in(sim):
    result = run_module('helix_token', connection(sim))
    assert result['changed'] is False
    assert result['authorization'] == 'AR-JWT ' + result['token']
    assert result['expires_at'].endswith('Z')
    assert result['api_calls'] == 1
    assert [r['path'] for r in sim.log] == ['/api/jwt/login']  # handed over, not logged out


def test_login_runs_in_check_mode(sim):
    result = run_module('helix_token', connection(sim), check=True)
    assert result['token'] and result['changed'] is False


def test_login_and_logout_change_nothing_and_logout_says_whether_the_token_was_live(sim):
    login = run_module('helix_token', connection(sim))
    first = run_module('helix_token', dict(helix_url=sim.url, helix_token=login['token'], state='absent'))
    second = run_module('helix_token', dict(helix_url=sim.url, helix_token=login['token'], state='absent'))
    assert (login['changed'], first['changed'], second['changed']) == (False, False, False)
    assert (first['logged_out'], second['logged_out']) == (True, False)
    assert [r['status'] for r in sim.log if r['path'] == '/api/jwt/logout'] == [204, 401]


def test_check_mode_logs_in_and_out_so_a_dry_run_leaves_no_session(sim):
    sim.clear_log()
    login = run_module('helix_token', connection(sim), check=True)
    result = run_module('helix_token', dict(helix_url=sim.url, helix_token=login['token'], state='absent'), check=True)
    assert (login['changed'], result['changed'], result['logged_out']) == (False, False, True)
    assert [(r['path'], r['status']) for r in sim.log] == [('/api/jwt/login', 200), ('/api/jwt/logout', 204)]


def test_wrong_password_fails_without_echoing_it(sim):
    result = run_module('helix_token', connection(sim, helix_password='Not-The-Pw-77'))
    assert result['failed'] is True
    assert 'Authentication failed' in result['msg'] and "'Demo'" in result['msg']
    assert 'Not-The-Pw-77' not in repr(result)
    assert result['ar_messages'][0]['number'] == 623


def test_guest_trap_fails(sim):
    sim.configure(guest_mode=True)
    result = run_module('helix_token', connection(sim, helix_username='ghost', helix_password='x-pw'))
    assert result['failed'] is True and 'AR 59' in result['msg']


def test_present_needs_credentials_and_absent_needs_a_token(sim):
    result = run_module('helix_token', dict(helix_url=sim.url, helix_token='abc'))
    assert result['failed'] and 'helix_username and helix_password' in result['msg']
    result = run_module('helix_token', dict(helix_url=sim.url, helix_username='Demo', helix_password=ADMIN_PASSWORD,
                        state='absent'))
    assert result['failed'] and 'helix_token' in result['msg']
    assert sim.log == []


def test_env_variables_alone_are_enough(sim, monkeypatch):
    monkeypatch.setenv('HELIX_URL', sim.url)
    monkeypatch.setenv('HELIX_USERNAME', 'Demo')
    monkeypatch.setenv('HELIX_PASSWORD', ADMIN_PASSWORD)
    result = run_module('helix_token', {})
    assert result.get('failed') is not True and result['token']
