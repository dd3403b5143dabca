"""The IaC pipeline of docs/pipelines/, run against the simulator the way its CI jobs run it: credentials from
HELIX_* variables only, its ansible.cfg, no -v; the merge request job (check and diff, then the drift report),
the merge job (apply), and the next merge request's check, which finds nothing to change."""

import importlib.util
import os
import subprocess
import sys

import yaml

from support import ADMIN_PASSWORD, ADMIN_USER, ROOT, run_playbook, writes

PIPELINE = os.path.join(ROOT, 'docs', 'pipelines')
DECLARE = 'helix.users.provision : Declare every user in helix_users or helix_users_file'


def drift_module():
    spec = importlib.util.spec_from_file_location('drift_report', os.path.join(PIPELINE, 'drift_report.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def data_changes(output):
    """The changed tasks of a run, less the logout: on this branch's base helix_token still reports a logout as
    changed (the contract says it must not; fixed on main), which is no change of the tenant's data."""
    return [task for task in drift_module().changed_tasks(output) if not task.endswith(': Log out')]


def ci_env(sim):
    """What the CI secret store and the job's variables give the playbook."""
    return dict(HELIX_URL=sim.url, HELIX_USERNAME=ADMIN_USER, HELIX_PASSWORD=ADMIN_PASSWORD,
                ANSIBLE_CONFIG=os.path.join(PIPELINE, 'ansible.cfg'))


def job(sim, tmp_path, check):
    rc, output = run_playbook(os.path.join(PIPELINE, 'site.yml'), tmp_path, env=ci_env(sim), check=check, diff=True,
                              verbosity=0)
    assert rc == 0, output
    return output


def drift_report(tmp_path, output):
    path = tmp_path / 'drift.txt'
    path.write_text(output)
    proc = subprocess.run([sys.executable, os.path.join(PIPELINE, 'drift_report.py'), str(path)], capture_output=True,
                          text=True, timeout=60, check=True)
    return proc.stdout


def test_check_apply_check_again(sim, tmp_path):
    with open(os.path.join(PIPELINE, 'users.yml'), encoding='utf-8') as handle:
        declared = yaml.safe_load(handle)['helix_users']
    present = [user['login_name'] for user in declared if user.get('state', 'present') == 'present']
    assert present and all(sim.user(login) is None for login in present)

    # merge request: what would change, and no write
    output = job(sim, tmp_path, check=True)
    assert writes(sim) == []
    assert all(sim.user(login) is None for login in present)
    assert data_changes(output) == [DECLARE]
    report = drift_report(tmp_path, output)
    assert report.startswith('### ') and 'would change BMC Helix: ' + DECLARE in report.splitlines()[0]
    for login in present:
        assert login in report
    assert ADMIN_PASSWORD not in report

    # merge to main: apply
    sim.clear_log()
    job(sim, tmp_path, check=False)
    assert writes(sim)
    for user in declared:
        stored = sim.user(user['login_name'])
        if user.get('state', 'present') == 'present':
            assert stored['Full Name'] == user['full_name'] and stored['Status'] == 'Current'
        else:
            assert stored is None  # obsolete never creates
    assert [r['path'] for r in sim.log].count('/api/jwt/login') == 1
    assert sim.log[-1]['path'] == '/api/jwt/logout'

    # the next merge request: nothing to change, nothing written
    sim.clear_log()
    output = job(sim, tmp_path, check=True)
    assert writes(sim) == []
    assert data_changes(output) == []
    assert DECLARE not in output  # ansible.cfg shows changed tasks only
    if not drift_module().changed_tasks(output):
        assert drift_report(tmp_path, output).startswith('### No drift: BMC Helix matches users.yml')


def test_a_failed_check_is_reported_as_such(sim, tmp_path):
    env = dict(ci_env(sim), HELIX_PASSWORD='not-the-password')
    rc, output = run_playbook(os.path.join(PIPELINE, 'site.yml'), tmp_path, env=env, check=True, diff=True,
                              verbosity=0)
    assert rc != 0
    assert drift_report(tmp_path, output).startswith('### The check run failed')
    assert writes(sim) == []


def test_the_ci_files_run_the_commands_this_test_runs():
    with open(os.path.join(PIPELINE, 'gitlab-ci.yml'), encoding='utf-8') as handle:
        gitlab = yaml.safe_load(handle)
    assert 'ansible-playbook site.yml --check --diff 2>&1 | tee drift.txt' in gitlab['drift']['script']
    assert gitlab['apply']['script'] == ['ansible-playbook site.yml --diff']
    assert 'ansible-galaxy collection install -r requirements.yml' in gitlab['default']['before_script']
    with open(os.path.join(PIPELINE, 'github-workflow.yml'), encoding='utf-8') as handle:
        github = yaml.safe_load(handle)
    drift_steps = ' '.join(step.get('run', '') for step in github['jobs']['drift']['steps'])
    assert 'ansible-playbook site.yml --check --diff' in drift_steps and 'drift_report.py drift.txt' in drift_steps
    assert github['jobs']['apply']['steps'][-1]['run'] == 'ansible-playbook site.yml --diff'
    assert set(github['env']) >= {'HELIX_URL', 'HELIX_USERNAME', 'HELIX_PASSWORD'}
    with open(os.path.join(PIPELINE, 'requirements.yml'), encoding='utf-8') as handle:
        assert yaml.safe_load(handle)['collections'][0]['name'] == 'helix.users'


def test_the_drift_report_of_a_run_that_changed_nothing():
    output = ('PLAY [BMC Helix users as code] ***\n\nPLAY RECAP ***\n'
              'localhost                  : ok=4    changed=0    unreachable=0    failed=0    skipped=0\n')
    report = drift_module().report(output)
    assert report.startswith('### No drift: BMC Helix matches users.yml\n')
    assert '```diff\n' + output.strip() + '\n```' in report
