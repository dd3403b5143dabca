"""AWX jobs of the ready playbooks: the job templates and surveys of extensions/awx/job_templates.yml, checked as
AWX and awx.awx check them, and jobs run the way the controller hands them to an execution node
(ansible-runner transmit | worker | process), with survey answers as strings and the credential's environment.
What a workflow gets from each job is the artifacts (set_stats) of the job's playbook_on_stats event."""

import os
import shutil

import pytest
import yaml

import awx_support
from support import ADMIN_PASSWORD, ROOT, run_playbook, writes

AWX_COLLECTIONS = os.path.join(ROOT, '.venv', 'awx-collections')


def job_templates():
    play, = awx_support.load('job_templates.yml')
    return dict((template['name'], template) for template in play['vars']['helix_job_templates'])


def question(template, variable):
    found, = [item for item in template['survey_spec']['spec'] if item['variable'] == variable]
    return found


def test_every_survey_passes_awx_checks_and_feeds_the_roles_as_documented():
    templates = job_templates()
    assert sorted(templates) == ['audit', 'offboard', 'provision']
    for name, template in templates.items():
        assert awx_support.survey_problems(template['survey_spec']) == [], name
        assert os.path.exists(os.path.join(ROOT, 'playbooks', template['playbook'])), name
        with open(os.path.join(ROOT, 'roles', name, 'meta', 'argument_specs.yml'), encoding='utf-8') as handle:
            options = yaml.safe_load(handle)['argument_specs']['main']['options']
        for item in template['survey_spec']['spec']:
            assert item['variable'] in options, (name, item['variable'])  # every question feeds a role variable
    # logins as a textarea, the users file as a text, the choices as the roles' own
    assert question(templates['offboard'], 'helix_offboard_logins')['type'] == 'textarea'
    assert question(templates['audit'], 'helix_audit_fields')['type'] == 'textarea'
    assert question(templates['offboard'], 'helix_target')['choices'] == ['user', 'person']
    assert question(templates['provision'], 'helix_purge')['choices'] == ['false', 'true']
    # check mode is a choice at launch (the job type), a dry run unless the operator picks Run
    for name in ('provision', 'offboard'):
        assert templates[name]['ask_job_type_on_launch'] is True and templates[name]['job_type'] == 'check', name


def test_the_job_templates_playbook_passes_the_argument_specs_of_awx_awx(tmp_path):
    """awx.awx (24.6.1, from tools/awx_collection.py) validates every item of the loop; with no controller
    listening the modules then fail on the connection, which they only try with valid arguments."""
    if not os.path.exists(os.path.join(AWX_COLLECTIONS, 'ansible_collections', 'awx', 'awx', 'MANIFEST.json')):
        pytest.skip('awx.awx is not in .venv/awx-collections: make venv puts it there (tools/awx_collection.py)')
    env = dict(CONTROLLER_HOST='https://127.0.0.1:9', CONTROLLER_USERNAME='admin', CONTROLLER_PASSWORD='unused',
               CONTROLLER_VERIFY_SSL='true')
    playbook = os.path.join(ROOT, 'extensions', 'awx', 'job_templates.yml')
    rc, output = run_playbook(playbook, tmp_path, env=env, collections_path=AWX_COLLECTIONS, verbosity=0)
    assert rc != 0
    failed = [line for line in output.splitlines() if line.startswith('failed: [localhost] (item=Helix - ')]
    assert len(failed) == 3 and all('"msg": "Failed to get token' in line for line in failed), output  # the login step
    for refusal in ('Unsupported parameters', 'must be one of', 'is of type', 'missing required'):
        assert refusal not in output
    # and a wrong value would have been refused before that
    broken = dict(job_templates()['audit'], job_type='dry')
    rc, output = run_playbook(playbook, tmp_path, env=env, collections_path=AWX_COLLECTIONS, verbosity=0,
                              extra_vars=dict(helix_job_templates=[broken]))
    assert rc != 0 and 'value of job_type must be one of: run, check, got: dry' in output, output


# ---------------------------------------------------------------------------------------------------- jobs
def project_with(tmp_path, files=None):
    project = awx_support.project_dir(tmp_path / 'project')
    for name, text in (files or {}).items():
        (project / name).write_text(text, encoding='utf-8')
    return project


def test_offboard_job_takes_the_logins_of_a_textarea(sim, tmp_path):
    """The survey's textarea answer is one string, with a browser's CRLF line ends, stray spaces and blank lines."""
    sim.seed_users(12)
    answers = dict(helix_offboard_logins='user00010\r\n  user00011 \n\n')
    extra_vars = awx_support.launch_extra_vars(job_templates()['offboard'], answers)
    assert extra_vars == dict(helix_offboard_logins='user00010\r\n  user00011 \n\n', helix_target='user')
    job = awx_support.run_job(tmp_path, 'playbooks/offboard.yml', extra_vars,
                              awx_support.credential_env(sim.url, tmp_path / 'awx'))
    assert job.status == 'successful', job.stdout
    status = [sim.user('user%05d' % n)['Status'] for n in (9, 10, 11, 12)]
    assert status[0] == status[3] == 'Current' and status[1] == status[2] and status[1] in ('Disabled', 'Obsolete')
    assert sorted(w['entry_id'] for w in writes(sim)) == sorted(
        sim.user('user%05d' % n)['Request ID'] for n in (10, 11))
    assert job.artifacts['helix_offboard'] == dict(logins=2, obsoleted=2, unchanged=0, failed=0, failed_logins=[],
                                                   check_mode=False)
    assert job.artifacts['helix_offboard_by_host'] == {'localhost': job.artifacts['helix_offboard']}


def test_provision_job_runs_as_check_then_run_and_publishes_its_counts(sim, tmp_path):
    """The users file lies in the project, the job's working directory; the template starts as a Check job."""
    users = [dict(login_name='awx.one', full_name='AWX One', license_type='Read'),
             dict(login_name='awx.two', full_name='AWX Two', license_type='Fixed'),
             dict(login_name='jdoe', department='Support')]
    project = project_with(tmp_path, {'users.yml': yaml.safe_dump(users)})
    template = job_templates()['provision']
    extra_vars = awx_support.launch_extra_vars(template, {})
    assert extra_vars == dict(helix_users_file='users.yml', helix_purge='false', helix_purge_query='',
                              helix_purge_limit=10)
    env = awx_support.credential_env(sim.url, tmp_path / 'awx')
    check = awx_support.run_job(tmp_path / 'check', 'playbooks/provision.yml', extra_vars, env,
                                job_type=template['job_type'], project=project)
    assert check.status == 'successful', check.stdout
    assert writes(sim) == [] and sim.user('awx.one') is None
    counts = dict(created=2, updated=1, obsoleted=0, reactivated=0, deleted=0, unchanged=0, failed=0, unknown=0,
                  not_attempted=0)
    assert check.artifacts['helix_provision'] == dict(counts, check_mode=True)
    run = awx_support.run_job(tmp_path / 'run', 'playbooks/provision.yml', extra_vars, env, project=project)
    assert run.status == 'successful', run.stdout
    assert sim.user('awx.two')['License Type'] == 'Fixed' and sim.user('jdoe')['Department'] == 'Support'
    assert run.artifacts['helix_provision'] == dict(counts, check_mode=False)
    for job in (check, run):  # AWX keeps and shows every event: none holds the password or a token
        assert job.leaks({ADMIN_PASSWORD} | set(sim.issued_tokens())) == []


def test_audit_job_writes_in_its_working_directory_whatever_pwd_says(sim, tmp_path):
    """An execution node unpacks the job into its own directory; PWD is the launcher's (as under a worker started
    from elsewhere): the report lands in the job's project directory, the counts in the artifacts."""
    launcher = tmp_path / 'launcher'
    launcher.mkdir()
    extra_vars = awx_support.launch_extra_vars(job_templates()['audit'], {})
    assert extra_vars['helix_audit_fields'].count('\n') == 5  # the textarea's default: six columns
    job = awx_support.run_job(tmp_path, 'playbooks/audit.yml', extra_vars,
                              awx_support.credential_env(sim.url, tmp_path / 'awx'), launch_dir=launcher)
    assert job.status == 'successful', job.stdout
    report = job.artifacts['helix_audit']
    assert report['csv_path'] == str(job.workdir / 'helix-audit' / 'helix-users.csv')
    with open(report['csv_path'], encoding='utf-8') as handle:
        header = handle.readline().strip()
    assert header == 'Login Name,Full Name,Email Address,License Type,Status,Group List'
    assert report['count'] == sum(1 for user in sim.state()['users'] if user['Status'] == 'Current')
    assert not (launcher / 'helix-audit').exists()
    assert job.leaks({ADMIN_PASSWORD} | set(sim.issued_tokens())) == []
    shutil.rmtree(str(job.workdir.parent))
