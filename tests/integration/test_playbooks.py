"""helix_token through ansible-playbook: module_defaults, the hidden login result, no secret at -vvv."""

import os

import support
from support import ADMIN_PASSWORD, run_playbook, secret

PLAYBOOKS = os.path.join(os.path.dirname(__file__), 'playbooks')


def test_token_playbook_logs_in_once_and_leaks_nothing(sim, tmp_path):
    token_file = tmp_path / 'token'
    rc, output = run_playbook(os.path.join(PLAYBOOKS, 'token.yml'), tmp_path, verbosity=3, extra_vars=dict(
        sim_url=sim.url, admin_password=ADMIN_PASSWORD, token_file=str(token_file)))
    assert rc == 0, output
    token = token_file.read_text()
    assert len(token) > 20
    assert token not in output
    assert ADMIN_PASSWORD not in output
    assert "'no_log: true' was specified for this result" in output
    paths = [r['path'] for r in sim.log]
    assert paths[:3] == ['/api/jwt/login', '/api/jwt/logout', '/api/jwt/logout']
    # the second play: one login, reads with its token (no login of their own), one logout
    assert paths[3] == '/api/jwt/login' and paths[-1] == '/api/jwt/logout'
    assert paths.count('/api/jwt/login') == 2 and paths.count('/api/jwt/logout') == 3


def test_user_playbook_check_apply_reapply_with_no_secret_at_vvv(sim, tmp_path):
    token_file = tmp_path / 'token'
    user_password = secret('Playbook-User-Pw-9')
    rc, output = run_playbook(os.path.join(PLAYBOOKS, 'user.yml'), tmp_path, verbosity=3, diff=True, extra_vars=dict(
        sim_url=sim.url, admin_password=ADMIN_PASSWORD, token_file=str(token_file), user_password=user_password))
    assert rc == 0, output
    token = token_file.read_text()
    for value in (token, ADMIN_PASSWORD, user_password):
        assert value not in output
    assert sim.password_matches('pbuser', user_password)
    posts = [r for r in sim.log if r['method'] == 'POST' and r['path'] == '/api/arsys/v1/entry/User']
    assert len(posts) == 1
    assert [r['path'] for r in sim.log].count('/api/jwt/login') == 1
    assert '"password": "********"' in output  # the diff shows the password masked


def test_the_leak_scan_catches_a_leak(sim, tmp_path):
    """The scan that follows every integration test can fail: a playbook that prints a password is caught."""
    leaky = tmp_path / 'leaky.yml'
    leaky.write_text('- hosts: localhost\n  gather_facts: false\n  tasks:\n'
                     '    - ansible.builtin.debug:\n        msg: "{{ pw }}"\n')
    rc, output = run_playbook(str(leaky), tmp_path, extra_vars=dict(pw=ADMIN_PASSWORD))
    assert rc == 0
    assert support.leaked(support.OUTPUTS, support.SECRETS) == [ADMIN_PASSWORD[:6] + '...']
    del support.OUTPUTS[:]  # handled: the scan after this test must not fail on it
