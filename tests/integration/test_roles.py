"""The roles and their playbooks against the simulator, with the connection coming from HELIX_* variables only,
rendered from the AWX credential type the way AWX injects them."""

import csv
import json
import os

import jinja2
import yaml

from support import ADMIN_PASSWORD, ADMIN_USER, ROOT, run_playbook, writes

CREDENTIAL_TYPE = os.path.join(ROOT, 'extensions', 'awx', 'credential_type.yml')


def credential_env(sim, **inputs):
    """The environment AWX injects for a "BMC Helix" credential with these inputs."""
    with open(CREDENTIAL_TYPE, encoding='utf-8') as handle:
        definition = yaml.safe_load(handle)
    values = dict(helix_url=sim.url, helix_username=ADMIN_USER, helix_password=ADMIN_PASSWORD,
                  helix_auth_string='', helix_validate_certs=True)
    values.update(inputs)
    fields = set(field['id'] for field in definition['inputs']['fields'])
    assert set(values) == fields
    assert set(definition['inputs']['required']) <= fields
    return dict((name, jinja2.Template(template).render(**values))
                for name, template in definition['injectors']['env'].items())


def playbook(name):
    return os.path.join(ROOT, 'playbooks', name)


def write_vars(tmp_path, data):
    path = tmp_path / 'vars.yml'
    path.write_text(yaml.safe_dump(data))
    return '@' + str(path)


def run_with_vars(sim, tmp_path, name, data, **kwargs):
    rc, output = run_playbook(playbook(name), tmp_path, env=credential_env(sim), extra_vars_file=write_vars(tmp_path, data),
                              **kwargs)
    return rc, output


def test_credential_type_injects_every_connection_variable(sim):
    env = credential_env(sim)
    assert env == {'HELIX_URL': sim.url, 'HELIX_USERNAME': ADMIN_USER, 'HELIX_PASSWORD': ADMIN_PASSWORD,
                   'HELIX_AUTH_STRING': '', 'HELIX_VALIDATE_CERTS': 'True'}


def test_provision_declares_purges_within_its_limit_and_reruns_unchanged(sim, tmp_path):
    sim.seed_users(6)
    users = [dict(login_name='user%05d' % n) for n in range(1, 5)] + [
        dict(login_name='pat', full_name='Pat Lee', license_type='Fixed', groups=['Service Desk', 'Change Manager'])]
    data = dict(helix_users=users, helix_purge=True, helix_purge_query="'Login Name' LIKE \"user%\"", helix_purge_limit=2)
    rc, output = run_with_vars(sim, tmp_path, 'provision.yml', data, verbosity=3)
    assert rc == 0, output
    assert sim.user('pat')['Group List'] == '1000000001;1000000003;'
    assert [sim.user('user%05d' % n)['Status'] for n in range(1, 7)] == ['Current'] * 4 + ['Obsolete'] * 2
    assert [r['path'] for r in sim.log].count('/api/jwt/login') == 1
    assert sim.log[-1]['path'] == '/api/jwt/logout'
    assert ADMIN_PASSWORD not in output
    sim.clear_log()
    rc, output = run_with_vars(sim, tmp_path, 'provision.yml', data)
    assert rc == 0, output
    assert writes(sim) == []


def test_provision_stops_a_purge_over_its_limit_and_still_logs_out(sim, tmp_path):
    sim.seed_users(6)
    data = dict(helix_users=[dict(login_name='user00001')], helix_purge=True,
                helix_purge_query="'Login Name' LIKE \"user%\"", helix_purge_limit=2)
    rc, output = run_with_vars(sim, tmp_path, 'provision.yml', data)
    assert rc != 0
    assert 'would obsolete 5 users, more than purge_limit=2' in output
    assert writes(sim) == []
    assert sim.log[-1]['path'] == '/api/jwt/logout'


def test_provision_refuses_bad_variables_before_any_request(sim, tmp_path):
    rc, output = run_with_vars(sim, tmp_path, 'provision.yml', dict(helix_users='alice', helix_purge_limit='many'))
    assert rc != 0
    assert 'helix_purge_limit' in output and 'argument' in output.lower()
    assert sim.log == []


def test_offboard_obsoletes_and_verifies(sim, tmp_path):
    rc, output = run_with_vars(sim, tmp_path, 'offboard.yml', dict(helix_offboard_logins=['jdoe', 'asmith']))
    assert rc == 0, output
    assert sim.user('jdoe')['Status'] == 'Obsolete' and sim.user('asmith')['Status'] == 'Obsolete'
    assert sim.user('jdoe')['Full Name'] == 'John Doe'
    assert '2 logins are Obsolete (1 changed now)' in output


def test_offboard_fails_naming_logins_that_are_not_obsolete(sim, tmp_path):
    rc, output = run_with_vars(sim, tmp_path, 'offboard.yml', dict(helix_offboard_logins=['jdoe', 'no.such.user']))
    assert rc != 0
    assert 'Not obsolete after offboarding (missing users included): no.such.user' in output
    assert sim.log[-1]['path'] == '/api/jwt/logout'


def test_audit_writes_csv_and_json_and_reruns_unchanged(sim, tmp_path):
    sim.seed_users(40)
    dest = tmp_path / 'reports'
    data = dict(helix_audit_dest=str(dest))
    rc, output = run_with_vars(sim, tmp_path, 'audit.yml', data)
    assert rc == 0, output
    current = [u for u in sim.state()['users'] if u['Status'] == 'Current']
    with open(dest / 'helix-users.csv', encoding='utf-8', newline='') as handle:
        rows = list(csv.DictReader(handle))
    assert [r['Login Name'] for r in rows] == sorted(u['Login Name'] for u in current)
    jdoe = [r for r in rows if r['Login Name'] == 'jdoe'][0]
    assert jdoe['Group List'] == 'Service Desk' and jdoe['License Type'] == 'Fixed'
    report = json.loads((dest / 'helix-users.json').read_text())
    assert report['count'] == len(current)
    licenses = {}
    for user in current:
        licenses[user['License Type']] = licenses.get(user['License Type'], 0) + 1
    assert report['by_license_type'] == licenses
    assert report['by_status'] == {'Current': len(current)}
    assert 'per license type' in output
    rc, output = run_with_vars(sim, tmp_path, 'audit.yml', data)
    assert rc == 0
    assert 'changed: [localhost]' not in output.split('TASK [helix.users.audit : Write the CSV and JSON reports')[1].split('TASK')[0]


def test_every_role_runs_in_check_mode_without_writing(sim, tmp_path):
    cases = [('provision.yml', dict(helix_users=[dict(login_name='newbie', full_name='N', license_type='Read')])),
             ('offboard.yml', dict(helix_offboard_logins=['jdoe'])),
             ('audit.yml', dict(helix_audit_dest=str(tmp_path / 'not-yet')))]
    for name, data in cases:
        rc, output = run_with_vars(sim, tmp_path, name, data, check=True)
        assert rc == 0, output
    assert writes(sim) == []
    assert not (tmp_path / 'not-yet').exists()
    assert sim.user('newbie') is None and sim.user('jdoe')['Status'] == 'Current'
