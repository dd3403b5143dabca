"""The roles and their playbooks against the simulator, with the connection coming from HELIX_* variables only,
rendered from the AWX credential type the way AWX injects them."""

import csv
import datetime
import json
import os
import shutil
import stat
import time

import yaml

import awx_support
from report_dom import figures, parse
from simulator import Simulator
from support import ADMIN_PASSWORD, ADMIN_USER, ROOT, run_playbook, secret, writes


def credential_env(sim, tmp_path, **inputs):
    """The environment AWX injects for a "BMC Helix" credential with the required inputs (and these)."""
    return awx_support.credential_env(sim.url, tmp_path / 'awx', **inputs)


def playbook(name):
    return os.path.join(ROOT, 'playbooks', name)


def write_vars(tmp_path, data):
    path = tmp_path / 'vars.yml'
    path.write_text(yaml.safe_dump(data))
    return '@' + str(path)


def run_with_vars(sim, tmp_path, name, data, env=None, **kwargs):
    rc, output = run_playbook(playbook(name), tmp_path, env=dict(credential_env(sim, tmp_path), **(env or {})),
                              extra_vars_file=write_vars(tmp_path, data), **kwargs)
    return rc, output


def custom_stats(output):
    """The play's set_stats data, as ANSIBLE_SHOW_CUSTOM_STATS prints it (what AWX keeps as the job's artifacts)."""
    line, = [line for line in output[output.index('CUSTOM STATS'):].splitlines() if line.strip().startswith('RUN:')]
    return json.loads(line.split(':', 1)[1])


def test_credential_type_injects_every_connection_variable(sim, tmp_path):
    env = credential_env(sim, tmp_path)
    assert env == {'HELIX_URL': sim.url, 'HELIX_USERNAME': ADMIN_USER, 'HELIX_PASSWORD': ADMIN_PASSWORD,
                   'HELIX_AUTH_STRING': '', 'HELIX_VALIDATE_CERTS': 'true', 'HELIX_CA_PATH': '',
                   'HELIX_TIMEOUT': '30', 'HELIX_MAX_RETRIES': '3'}


def test_provision_declares_purges_within_its_limit_and_reruns_unchanged(sim, tmp_path, deactivated):
    sim.seed_users(6)
    users = [dict(login_name='user%05d' % n) for n in range(1, 5)] + [
        dict(login_name='pat', full_name='Pat Lee', license_type='Fixed', groups=['Service Desk', 'Change Manager'])]
    data = dict(helix_users=users, helix_purge=True, helix_purge_query="'Login Name' LIKE \"user%\"", helix_purge_limit=2)
    rc, output = run_with_vars(sim, tmp_path, 'provision.yml', data, verbosity=3)
    assert rc == 0, output
    assert sim.user('pat')['Group List'] == '1000000001;1000000003;'
    assert [sim.user('user%05d' % n)['Status'] for n in range(1, 7)] == ['Current'] * 4 + [deactivated] * 2
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


def test_offboard_obsoletes_and_verifies(sim, tmp_path, deactivated):
    rc, output = run_with_vars(sim, tmp_path, 'offboard.yml', dict(helix_offboard_logins=['jdoe', 'asmith']))
    assert rc == 0, output
    assert sim.user('jdoe')['Status'] == deactivated and sim.user('asmith')['Status'] == deactivated
    assert sim.user('jdoe')['Full Name'] == 'John Doe'
    assert '2 logins are obsolete (1 changed now)' in output


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
    # the HTML audit, and the dated summary its trend is drawn from: the owner's only, as the other reports
    today = datetime.datetime.now(datetime.timezone.utc).strftime('%Y%m%d')
    written = sorted(path.name for path in dest.iterdir())
    assert written == ['helix-users-%s.json' % today, 'helix-users.csv', 'helix-users.html', 'helix-users.json']
    assert all(stat.S_IMODE((dest / name).stat().st_mode) == 0o600 for name in written)
    assert report['by_license_and_status'] == {'Fixed': {'Current': report['by_license_type']['Fixed']},
                                               'Read': {'Current': report['by_license_type']['Read']}}
    shown = figures(parse((dest / 'helix-users.html').read_text()))
    assert shown['by_license_and_status'] == report['by_license_and_status'] and shown['reclaim'] == 0
    assert 'licenses to reclaim: 0' in output
    rc, output = run_with_vars(sim, tmp_path, 'audit.yml', data)
    assert rc == 0
    assert 'changed: [localhost]' not in output.split('TASK [helix.users.audit : Write the CSV, JSON and HTML reports')[1].split('TASK')[0]
    assert sorted(path.name for path in dest.iterdir()) == written


def test_audit_lists_licenses_to_reclaim_and_can_leave_the_html_out(sim, tmp_path):
    """(Both Status labellings are the module's tests' to cover; a role run costs seconds.)"""
    sim.seed_users(12)
    for login, days in (('user00001', 400), ('user00003', 400)):  # a Fixed and a Read licence, untouched for long
        sim.backdate_user(login, days)
    sim.store.set_fields('User', sim.user('user00002')['Request ID'], {'Status': 1}, 'Demo')
    dest = tmp_path / 'reports'
    rc, output = run_with_vars(sim, tmp_path, 'audit.yml', dict(helix_audit_dest=str(dest), helix_audit_stale_days=300))
    assert rc == 0, output
    audit = json.loads((dest / 'helix-users.json').read_text())['audit']
    assert [(user['login_name'], user['reason'], user['status']) for user in audit['reclaim']['users']] == [
        ('user00002', 'deactivated', sim.user('user00002')['Status']), ('user00001', 'stale', 'Current')]
    assert sim.user('user00002')['Status'] in ('Disabled', 'Obsolete')
    assert audit['stale_days'] == 300 and 'licenses to reclaim: 2' in output
    plain = tmp_path / 'plain'
    rc, output = run_with_vars(sim, tmp_path, 'audit.yml', dict(helix_audit_dest=str(plain), helix_audit_html=False))
    assert rc == 0, output
    assert sorted(path.name for path in plain.iterdir()) == ['helix-users.csv', 'helix-users.json']
    assert 'audit' not in json.loads((plain / 'helix-users.json').read_text())


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


# ---------------------------------------------------------------- the connection, as variables or environment
ROLES = ('provision', 'offboard', 'audit')
CONNECTION_VARIABLES = {
    # role variable: (module option, spec type)
    'helix_url': ('helix_url', 'str'), 'helix_username': ('helix_username', 'str'),
    'helix_password': ('helix_password', 'str'), 'helix_auth_string': ('helix_auth_string', 'str'),
    'helix_token': ('helix_token', 'str'), 'helix_validate_certs': ('validate_certs', 'bool'),
    'helix_ca_path': ('ca_path', 'path'), 'helix_timeout': ('timeout', 'int'), 'helix_max_retries': ('max_retries', 'int'),
}


def role_data(name, tmp_path):
    """Variables that make each role do a small real job."""
    return {'provision': dict(helix_users=['jdoe', dict(login_name='newbie', full_name='New Bie', license_type='Read')]),
            'offboard': dict(helix_offboard_logins=['jdoe']),
            'audit': dict(helix_audit_dest=str(tmp_path / 'reports'))}[name]


def run_role(name, tmp_path, data, env=None, check=False, verbosity=3):
    """Run playbooks/<name>.yml with data as variables and env as the only HELIX_* variables."""
    return run_playbook(playbook(name + '.yml'), tmp_path, env=env or {}, extra_vars_file=write_vars(tmp_path, data),
                        check=check, verbosity=verbosity)


def sessions(server):
    paths = [r['path'] for r in server.log]
    return paths.count('/api/jwt/login'), paths.count('/api/jwt/logout')


def did_the_job(name, server, tmp_path):
    if name == 'provision':
        return server.user('newbie') is not None
    if name == 'offboard':
        return server.user('jdoe')['Status'] in ('Disabled', 'Obsolete')
    return (tmp_path / 'reports' / 'helix-users.json').exists()


def test_every_role_declares_every_connection_variable():
    from ansible_collections.helix.users.plugins.module_utils.connection import CONNECTION_OPTIONS
    assert sorted(option for option, _kind in CONNECTION_VARIABLES.values()) == sorted(CONNECTION_OPTIONS)
    for name in ROLES:
        with open(os.path.join(ROOT, 'roles', name, 'meta', 'argument_specs.yml'), encoding='utf-8') as handle:
            options = yaml.safe_load(handle)['argument_specs']['main']['options']
        with open(os.path.join(ROOT, 'roles', name, 'tasks', 'main.yml'), encoding='utf-8') as handle:
            text = handle.read()
        for variable, (option, kind) in CONNECTION_VARIABLES.items():
            assert options[variable]['type'] == kind, (name, variable)
            assert not options[variable].get('required'), (name, variable)  # a HELIX_* variable may supply it
            assert bool(options[variable].get('no_log')) is bool(CONNECTION_OPTIONS[option].get('no_log')), (name, variable)
            assert CONNECTION_OPTIONS[option]['env'] in ' '.join(options[variable]['description']), (name, variable)
            # applied once, through module_defaults, not repeated per task
            assert text.count('%s: "{{ %s |' % (option, variable)) == 1, (name, variable)
        assert text.count('module_defaults:') == 1 and 'group/helix.users.helix:' in text


def test_every_role_runs_with_environment_variables_only_over_https_with_a_private_ca(tls_sim, tls_files, tmp_path):
    env = dict(HELIX_URL=tls_sim.url, HELIX_USERNAME=ADMIN_USER, HELIX_PASSWORD=ADMIN_PASSWORD, HELIX_AUTH_STRING='',
               HELIX_VALIDATE_CERTS='true', HELIX_CA_PATH=tls_files['ca'], HELIX_TIMEOUT='10', HELIX_MAX_RETRIES='1')
    for name in ROLES:
        tls_sim.clear_log()
        rc, output = run_role(name, tmp_path, role_data(name, tmp_path), env=env)
        assert rc == 0, output
        assert did_the_job(name, tls_sim, tmp_path), name
        assert sessions(tls_sim) == (1, 1), name
    # the CA really is what makes the certificate trusted
    rc, output = run_role('audit', tmp_path, role_data('audit', tmp_path), env=dict(env, HELIX_CA_PATH=tls_files['other_ca']))
    assert rc != 0 and 'certificate' in output.lower()


def test_every_role_runs_with_role_variables_only_over_https_with_a_private_ca(tls_sim, tls_files, tmp_path):
    connection = dict(helix_url=tls_sim.url, helix_username=ADMIN_USER, helix_password=ADMIN_PASSWORD,
                      helix_auth_string='', helix_validate_certs=True, helix_ca_path=tls_files['ca'], helix_timeout=10,
                      helix_max_retries=1)
    for name in ROLES:
        tls_sim.clear_log()
        rc, output = run_role(name, tmp_path, dict(role_data(name, tmp_path), **connection))
        assert rc == 0, output
        assert did_the_job(name, tls_sim, tmp_path), name
        assert sessions(tls_sim) == (1, 1), name
    rc, output = run_role('offboard', tmp_path, dict(role_data('offboard', tmp_path), **dict(
        connection, helix_ca_path=tls_files['other_ca'])))
    assert rc != 0 and 'certificate' in output.lower()


def connection_vars(sim, **extra):
    data = dict(helix_url=sim.url, helix_username=ADMIN_USER, helix_password=ADMIN_PASSWORD)
    data.update(extra)
    return data


def test_helix_max_retries_is_passed_through(sim, tmp_path):
    for name in ROLES:
        sim.reset()
        sim.configure(fail_first=1)  # the first request (the login) fails with a 503
        rc, output = run_role(name, tmp_path, dict(role_data(name, tmp_path), **connection_vars(sim, helix_max_retries=0)))
        assert rc != 0, name
        assert '503' in output and not did_the_job(name, sim, tmp_path), name
        sim.reset()
        sim.configure(fail_first=2)
        rc, output = run_role(name, tmp_path, dict(role_data(name, tmp_path), **connection_vars(sim, helix_max_retries=2)))
        assert rc == 0, output
        assert did_the_job(name, sim, tmp_path) and sessions(sim) == (3, 1), name  # two refused logins, then one


def test_helix_max_retries_from_the_environment(sim, tmp_path):
    sim.configure(fail_first=1)
    rc, output = run_role('offboard', tmp_path, role_data('offboard', tmp_path), env=dict(
        credential_env(sim, tmp_path), HELIX_MAX_RETRIES='0'))
    assert rc != 0 and '503' in output
    assert sim.user('jdoe')['Status'] == 'Current'


def test_helix_timeout_is_passed_through(sim, tmp_path):
    sim.configure(latency_ms=1500)
    rc, output = run_role('audit', tmp_path, dict(role_data('audit', tmp_path), **connection_vars(
        sim, helix_timeout=1, helix_max_retries=0)))
    assert rc != 0
    assert 'timed out' in output.lower()
    # the server still answers the abandoned login after its latency: let it finish, or it lands in the next test's log
    deadline = time.monotonic() + 10
    while '/api/jwt/login' not in [r['path'] for r in sim.log] and time.monotonic() < deadline:
        time.sleep(0.1)


def test_a_token_from_the_caller_is_used_and_neither_logged_in_nor_out(sim, tmp_path):
    play = tmp_path / 'caller.yml'
    play.write_text(yaml.safe_dump([dict(
        name='Caller session', hosts='localhost', connection='local', gather_facts=False, tasks=[
            {'name': 'Log in', 'helix.users.helix_token': dict(helix_url='{{ url }}', helix_username='{{ user }}',
                                                               helix_password='{{ pw }}'), 'register': 'session'},
            {'name': 'Offboard with the token', 'ansible.builtin.include_role': dict(name='helix.users.offboard'),
             'vars': dict(helix_url='{{ url }}', helix_token='{{ session.token }}', helix_offboard_logins=['jdoe'])},
            {'name': 'The token still works', 'helix.users.helix_user_info': dict(
                helix_url='{{ url }}', helix_token='{{ session.token }}', login_name=['jdoe']), 'register': 'after'},
            {'name': 'Log out', 'helix.users.helix_token': dict(helix_url='{{ url }}', helix_token='{{ session.token }}',
                                                                state='absent')},
            {'name': 'Check', 'ansible.builtin.assert': dict(that=["after.users[0].status == 'Disabled'"])}])]))
    rc, output = run_playbook(play, tmp_path, extra_vars=dict(url=sim.url, user=ADMIN_USER, pw=ADMIN_PASSWORD))
    assert rc == 0, output
    assert sessions(sim) == (1, 1)  # the caller's own
    assert sim.log[-1]['path'] == '/api/jwt/logout'


def test_provision_refuses_a_purge_of_an_empty_list_before_any_request(sim, tmp_path):
    rc, output = run_with_vars(sim, tmp_path, 'provision.yml', dict(
        helix_users=[], helix_purge=True, helix_purge_query="'Login Name' LIKE \"user%\""))
    assert rc != 0
    assert 'helix_purge is true, but helix_users is empty' in output and 'Nothing was sent to the tenant' in output
    assert sim.log == []
    rc, output = run_with_vars(sim, tmp_path, 'provision.yml', dict(
        helix_purge=True, helix_purge_query="'Login Name' LIKE \"user%\""))
    assert rc != 0
    assert 'Give the users either in helix_users (a list, or one login per line) or in helix_users_file' in output
    assert 'one of them is required' in output
    assert sim.log == []
    rc, output = run_with_vars(sim, tmp_path, 'provision.yml', dict(helix_users=['jdoe'], helix_purge=True,
                                                                    helix_purge_query='  '))
    assert rc != 0 and 'helix_purge_query is blank' in output
    assert sim.log == []


def test_every_role_logs_out_every_session_it_opened_in_check_mode(sim, tmp_path):
    for name in ROLES:
        sim.clear_log()
        rc, output = run_with_vars(sim, tmp_path, name + '.yml', role_data(name, tmp_path), check=True)
        assert rc == 0, output
        assert sessions(sim) == (1, 1), name
        assert writes(sim) == []


def test_offboard_verifies_on_a_case_insensitive_tenant(sim, tmp_path, deactivated):
    sim.configure(case_sensitive=False)
    rc, output = run_with_vars(sim, tmp_path, 'offboard.yml', dict(helix_offboard_logins=['jdoe', 'asmith']))
    assert rc == 0, output
    assert sim.user('jdoe')['Status'] == deactivated
    assert '2 logins are obsolete' in output


def test_offboard_of_a_login_in_another_case_than_stored_is_refused_before_any_write(sim, tmp_path):
    sim.configure(case_sensitive=False)
    rc, output = run_with_vars(sim, tmp_path, 'offboard.yml', dict(helix_offboard_logins=['JDOE', 'asmith']))
    assert rc != 0
    assert "user 'JDOE': the tenant has 'jdoe', which differs only by case" in output
    assert writes(sim) == [] and sim.user('jdoe')['Status'] == 'Current'


def test_audit_refuses_a_report_directory_inside_the_collection(sim, tmp_path):
    rc, output = run_with_vars(sim, tmp_path, 'audit.yml', dict(helix_audit_dest=os.path.join(ROOT, 'helix-audit')))
    assert rc != 0 and 'lies inside the helix.users collection' in output
    assert sim.log == [] and not os.path.exists(os.path.join(ROOT, 'helix-audit'))
    # ~ is expanded before the check: here the home directory is the collection itself
    try:
        rc, output = run_with_vars(sim, tmp_path, 'audit.yml', dict(helix_audit_dest='~/helix-audit-home'),
                                   env=dict(HOME=ROOT))
        assert rc != 0 and 'helix_audit_dest %s/helix-audit-home lies inside' % ROOT in output, output
        assert sim.log == [] and not os.path.exists(os.path.join(ROOT, 'helix-audit-home'))
    finally:
        shutil.rmtree(os.path.join(ROOT, 'helix-audit-home'), ignore_errors=True)


def test_audit_writes_in_the_directory_the_job_runs_in_by_default_and_publishes_its_counts(sim, tmp_path):
    """Its working directory, not PWD: a process started by another (ansible-runner, a CI runner, sudo) keeps the PWD
    of whoever started that one."""
    workdir, launcher = tmp_path / 'work', tmp_path / 'launcher'
    workdir.mkdir()
    launcher.mkdir()
    rc, output = run_playbook(playbook('audit.yml'), tmp_path, cwd=workdir, env=dict(
        credential_env(sim, tmp_path), PWD=str(launcher), ANSIBLE_SHOW_CUSTOM_STATS='1'))
    assert rc == 0, output
    assert (workdir / 'helix-audit' / 'helix-users.csv').exists()
    assert not (launcher / 'helix-audit').exists()
    assert not os.path.exists(os.path.join(ROOT, 'playbooks', 'helix-audit'))
    stats = custom_stats(output)
    current = sum(1 for user in sim.state()['users'] if user['Status'] == 'Current')
    assert stats['helix_audit']['count'] == current
    assert stats['helix_audit']['csv_path'] == str(workdir / 'helix-audit' / 'helix-users.csv')
    assert stats['helix_audit_by_host'] == {'localhost': stats['helix_audit']}


def test_audit_of_an_inventory_of_tenants_reports_every_tenant(sim, tmp_path):
    """Two hosts, one simulator each: each tenant audited, its report in a directory named after its host, its
    counts in the artifacts under its host; each session logged in and out."""
    other = Simulator(port=0)
    other.start()
    try:
        other.seed_users(7)
        inventory = tmp_path / 'tenants.yml'
        inventory.write_text(yaml.safe_dump({'tenants': {'hosts': {
            'acme': dict(helix_url=sim.url), 'globex': dict(helix_url=other.url)}}}), encoding='utf-8')
        play = tmp_path / 'audit-tenants.yml'
        play.write_text(yaml.safe_dump([dict(name='Audit every tenant', hosts='tenants', gather_facts=False,
                                             roles=['helix.users.audit'])]), encoding='utf-8')
        env = dict(HELIX_USERNAME=ADMIN_USER, HELIX_PASSWORD=ADMIN_PASSWORD, ANSIBLE_SHOW_CUSTOM_STATS='1')
        rc, output = run_playbook(play, tmp_path, env=env, inventory=inventory, cwd=tmp_path,
                                  extra_vars=dict(helix_audit_dest=str(tmp_path / 'reports')))
        assert rc == 0, output
        stats = custom_stats(output)
        for host, server in (('acme', sim), ('globex', other)):
            current = sorted(u['Login Name'] for u in server.state()['users'] if u['Status'] == 'Current')
            with open(tmp_path / 'reports' / host / 'helix-users.csv', encoding='utf-8', newline='') as handle:
                assert [row['Login Name'] for row in csv.DictReader(handle)] == current, host
            assert stats['helix_audit_by_host'][host]['count'] == len(current), host
            # each tenant's HTML audit and history in its own directory: one tenant's trend never mixes in another's
            today = datetime.datetime.now(datetime.timezone.utc).strftime('%Y%m%d')
            assert sorted(path.name for path in (tmp_path / 'reports' / host).iterdir()) == [
                'helix-users-%s.json' % today, 'helix-users.csv', 'helix-users.html', 'helix-users.json'], host
            assert stats['helix_audit_by_host'][host]['html_path'] == str(tmp_path / 'reports' / host / 'helix-users.html')
            assert sessions(server) == (1, 1), host
        assert 'helix_audit' not in stats  # one tenant's counts never stand for the play's
        assert not (tmp_path / 'reports' / 'helix-users.csv').exists()
    finally:
        other.stop()


def test_provision_and_offboard_people_on_a_helix_itsm_tenant(sim, tmp_path):
    sim.configure(itsm=True)
    person = dict(login_id='pat', first_name='Pat', last_name='Lee', email='pat.lee@calbro.com',
                  company='Calbro Services', site='Calbro Headquarters', license_type='Fixed',
                  permission_groups=['Incident User'])
    data = dict(helix_target='person', helix_users=[person])
    rc, output = run_with_vars(sim, tmp_path, 'provision.yml', data)
    assert rc == 0, output
    assert sim.person('pat')['Internet E-mail'] == 'pat.lee@calbro.com'
    assert sim.user('pat')['Full Name'] == 'Pat Lee'  # the People workflow wrote the User entry
    sim.clear_log()
    rc, output = run_with_vars(sim, tmp_path, 'provision.yml', data)
    assert rc == 0 and writes(sim) == [], output
    rc, output = run_with_vars(sim, tmp_path, 'offboard.yml', dict(helix_target='person', helix_offboard_logins=['mary']))
    assert rc == 0, output
    assert sim.person('mary') is None  # BMC's sequence removed the login ID
    mary = [row for row in sim.rows('CTM:People') if row['Last Name'] and row['First Name'] == 'Mary']
    assert mary and mary[0]['Profile Status'] == 'Obsolete'
    sim.clear_log()
    rc, output = run_with_vars(sim, tmp_path, 'offboard.yml', dict(helix_target='person', helix_offboard_logins=['mary']))
    assert rc == 0 and writes(sim) == [], output


def test_people_come_from_a_list_without_a_purge(sim, tmp_path):
    sim.configure(itsm=True)
    sim.clear_log()
    rc, output = run_with_vars(sim, tmp_path, 'provision.yml', dict(
        helix_target='person', helix_users=['mary'], helix_purge=True, helix_purge_query="'Company' = \"X\""))
    assert rc != 0 and 'With helix_target person the people come from helix_users' in output
    assert sim.log == []


def test_people_items_with_a_password_are_refused_without_showing_it(sim, tmp_path):
    """helix_person sets no password: an item holding one is refused before any request, named by its login, and
    the password appears in no output at -vvv (the leak scan of every integration test looks for it)."""
    sim.configure(itsm=True)
    sim.clear_log()
    password = secret('People-Item-Secret-1')
    person = dict(login_id='pat', first_name='Pat', last_name='Lee', company='Calbro Services', password=password)
    rc, output = run_with_vars(sim, tmp_path, 'provision.yml', dict(helix_target='person', helix_users=['mary', person]),
                               verbosity=3)
    assert rc != 0
    assert 'which sets no password: remove password and update_password from helix_users[1] (pat)' in output
    assert sim.log == [] and sim.person('pat') is None


def test_people_loop_shows_no_item_and_names_the_people_that_failed(sim, tmp_path):
    """The people loop is no_log (an item may hold anything): -vvv shows neither an item nor a result; the role
    says what changed, names the person that failed with the module's message, and publishes the counts."""
    sim.configure(itsm=True)
    email = 'pat.private@calbro.com'
    people = [dict(login_id='pat', first_name='Pat', last_name='Lee', company='Calbro Services', email=email),
              dict(login_id='zed', first_name='Zed', last_name='Null', company='No Such Company')]
    rc, output = run_with_vars(sim, tmp_path, 'provision.yml', dict(helix_target='person', helix_users=people),
                               verbosity=3, env=dict(ANSIBLE_SHOW_CUSTOM_STATS='1'))
    assert rc != 0
    assert sim.person('pat')['Internet E-mail'] == email and sim.person('zed') is None
    assert email not in output
    assert "1 of 2 people failed: zed: nothing was written: the company 'No Such Company'" in output, output
    stats = custom_stats(output)['helix_provision']
    assert (stats['created'], stats['failed'], stats['check_mode']) == (1, 1, False)


def test_offboard_fails_on_a_login_no_one_has_in_both_targets(sim, tmp_path):
    """user (documented) and person (it reported green): a login that does not exist is not offboarded; a dry run
    says so too; the job's artifacts name it."""
    sim.configure(itsm=True)
    rc, output = run_with_vars(sim, tmp_path, 'offboard.yml', dict(
        helix_target='person', helix_offboard_logins=['mary', 'no.such.person']), env=dict(ANSIBLE_SHOW_CUSTOM_STATS='1'))
    assert rc != 0
    assert 'Not obsolete after offboarding (missing users included): no.such.person' in output
    assert sim.person('mary') is None  # the others were offboarded, as in user mode
    assert custom_stats(output)['helix_offboard'] == dict(logins=2, obsoleted=1, unchanged=0, failed=1,
                                                          failed_logins=['no.such.person'], check_mode=False)
    assert sim.log[-1]['path'] == '/api/jwt/logout'
    sim.clear_log()
    rc, output = run_with_vars(sim, tmp_path, 'offboard.yml', dict(helix_offboard_logins=['jdoe', 'nobody']), check=True)
    assert rc != 0 and 'Would not be obsolete after offboarding (missing users included): nobody' in output
    assert writes(sim) == []


def test_provision_takes_one_login_per_line(sim, tmp_path):
    """A survey's textarea: CRLF line ends, blank lines and spaces; the logins are declared as bare logins."""
    rc, output = run_with_vars(sim, tmp_path, 'provision.yml', dict(helix_users='jdoe\r\n\n  \n'),
                               env=dict(ANSIBLE_SHOW_CUSTOM_STATS='1'))
    assert rc == 0, output
    assert custom_stats(output)['helix_provision']['unchanged'] == 1
    assert writes(sim) == []


def test_provision_finds_a_users_file_where_it_runs_and_never_in_the_collection(sim, tmp_path):
    """The ready playbook lies inside the collection: a relative helix_users_file is found in the directory
    ansible-playbook runs in; a file inside the collection is refused; a missing one names where it was looked for."""
    workdir = tmp_path / 'repo'
    workdir.mkdir()
    (workdir / 'staff.yml').write_text(yaml.safe_dump([dict(login_name='wfile1', full_name='W File', license_type='Read')]))
    env = credential_env(sim, tmp_path)
    rc, output = run_playbook(playbook('provision.yml'), tmp_path, env=env, cwd=workdir,
                              extra_vars=dict(helix_users_file='staff.yml'))
    assert rc == 0, output
    assert sim.user('wfile1')['Full Name'] == 'W File'
    sim.clear_log()
    inside = os.path.join(ROOT, 'playbooks', 'vars', 'provision.example.yml')
    rc, output = run_playbook(playbook('provision.yml'), tmp_path, env=env, cwd=workdir,
                              extra_vars=dict(helix_users_file=inside))
    assert rc != 0 and 'helix_users_file %s lies inside the helix.users collection' % inside in output
    rc, output = run_playbook(playbook('provision.yml'), tmp_path, env=env, cwd=workdir,
                              extra_vars=dict(helix_users_file='vars/provision.example.yml'))
    assert rc != 0
    assert 'helix_users_file vars/provision.example.yml was not found (looked in %s)' % workdir in output
    assert sim.log == []
