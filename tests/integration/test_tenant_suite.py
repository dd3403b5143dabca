"""The tenant suite (tests/integration/tenant/): one playbook per scenario, asserting inside itself.

Against the simulator (every run, on both Status labellings): each playbook passes, and the simulator's
stored state and request log confirm what the playbook can only claim: which step sent which writes
(each step's api_calls slices the log), one login and one logout, no prefixed user left Current, and
every other user untouched.

Against a real tenant (marker ``tenant``): the same playbooks, when tests/integration/integration_config.yml
exists (made from integration_config.yml.template); skipped otherwise. ``make integration-tenant`` runs them.
"""

import json
import os
import subprocess
import uuid

import pytest
import requests
import yaml

from support import ADMIN_PASSWORD, ADMIN_USER, ROOT, WRITE_METHODS, run_playbook, secret

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.join(HERE, 'tenant')
CONFIG = os.path.join(HERE, 'integration_config.yml')
TEMPLATE = os.path.join(HERE, 'integration_config.yml.template')
SCENARIOS = ('user_single', 'user_bulk', 'user_purge', 'person_roles')
PREFIX = 'zz-helix-it-'
SIM_GROUPS = ['Service Desk', 'Incident Master']  # seeded in the simulator
CLEANUP = 'cleanup'  # stands for DELETE or PUT, by the cleanup mode

# The writes each step of a passing run sends (steps not listed send none), and the users it leaves.
EXPECTED_WRITES = {
    'user_single': {'apply': ['POST'], 'obsolete': ['PUT'], 'reactivate': ['PUT'], 'cleanup': [CLEANUP]},
    'user_bulk': {'apply': ['POST'] * 3, 'obsolete': ['PUT'] * 2, 'reactivate': ['PUT'] * 2,
                  'cleanup': [CLEANUP] * 3},
    # the purge leaves the third obsolete: an obsoleting cleanup has only two left to write
    'user_purge': {'apply': ['POST'] * 3, 'purge': ['PUT'], 'cleanup': {'absent': ['DELETE'] * 3, 'obsolete': ['PUT'] * 2}},
}
# Steps that must report no change (and, on the simulator, send no write).
RERUNS = {'user_single': ('rerun', 'obsolete_rerun'), 'user_bulk': ('rerun', 'obsolete_rerun'),
          'user_purge': ('purge_rerun',), 'person_roles': ('rerun',)}
# The person scenario on the simulator's Helix ITSM tenant (itsm): seeded company, site, support group.
PERSON_VARS = dict(it_person_company='Calbro Services', it_person_site='Calbro Headquarters',
                   it_support_group=dict(company='Calbro Services', organization='IT Support', group='Service Desk'),
                   it_functional_role='Support Group Lead')
PERSON_WRITES = {'apply': ['POST', 'POST', 'POST'], 'obsolete': ['DELETE', 'PUT', 'PUT', 'PUT'],
                 'cleanup': ['DELETE', 'PUT']}
ENTRY_PATH = '/api/arsys/'
FIELDS = '/api/arsys/v1.0/fields/'


def playbook(scenario):
    return os.path.join(SUITE, scenario, 'playbook.yml')


def sim_vars(sim, tmp_path, **extra):
    run = uuid.uuid4().hex[:6]
    values = dict(helix_url=sim.url, helix_username=ADMIN_USER, helix_password=ADMIN_PASSWORD, it_prefix=PREFIX,
                  it_groups=SIM_GROUPS, it_delete_allowed=True, it_run=run, it_report=str(tmp_path / 'report.json'),
                  it_user_password=secret('It-User-%s-Pw9' % run))
    values.update(extra)
    return values


def read_report(tmp_path):
    path = tmp_path / 'report.json'
    assert path.exists(), 'the playbook wrote no report'
    return json.loads(path.read_text())


def users_by_login(sim):
    return {user['Login Name']: user for user in sim.state()['users']}


def prefixed(users):
    return {login: user for login, user in users.items() if login.startswith(PREFIX)}


def others(users):
    return {login: user for login, user in users.items() if not login.startswith(PREFIX)}


def writes_by_step(sim, report):
    """{step: [write methods]} from the simulator's log, cut into steps by each step's api_calls."""
    log = sim.log
    steps = report['steps']
    assert sum(step['api_calls'] for step in steps) == len(log), (
        'the steps\' api_calls do not add up to the requests the simulator served', steps, len(log))
    result, position = {}, 0
    for step in steps:
        part = log[position:position + step['api_calls']]
        position += step['api_calls']
        result[step['step']] = sorted(r['method'] for r in part
                                      if r['method'] in WRITE_METHODS and r['path'].startswith(ENTRY_PATH))
    return result


def expected_writes(scenario, cleanup_state):
    method = 'DELETE' if cleanup_state == 'absent' else 'PUT'
    wanted = {}
    for step, methods in EXPECTED_WRITES[scenario].items():
        if isinstance(methods, dict):
            methods = methods[cleanup_state]
        wanted[step] = sorted(method if m == CLEANUP else m for m in methods)
    return wanted


def assert_session(sim):
    """One login first, one logout last: the play shared one token."""
    paths = [r['path'] for r in sim.log]
    assert paths[0] == '/api/jwt/login' and paths[-1] == '/api/jwt/logout', paths
    assert paths.count('/api/jwt/login') == 1 and paths.count('/api/jwt/logout') == 1


def assert_cleaned_up(sim, report, deleted, deactivated_label, before_others):
    users = users_by_login(sim)
    left = prefixed(users)
    assert not [login for login, user in left.items() if user['Status'] == 'Current'], left
    if deleted:
        assert left == {}
    else:
        assert sorted(left) == sorted(report['logins'])
        assert {user['Status'] for user in left.values()} == {deactivated_label}
    assert others(users) == before_others, 'a user without the prefix was changed'


# ------------------------------------------------------------------ the simulator


# Both cleanups for single mode; the others one each (the failed-step test below takes the other one for bulk).
@pytest.mark.parametrize('scenario, cleanup', [('user_single', 'delete'), ('user_single', 'obsolete'),
                                               ('user_bulk', 'delete'), ('user_purge', 'obsolete')])
def test_scenario_on_the_simulator(sim, deactivated, tmp_path, scenario, cleanup):
    before_others = others(users_by_login(sim))
    # at -vvv, so the leak scan after the test sees the module arguments (the users' passwords) too
    rc, output = run_playbook(playbook(scenario), tmp_path, verbosity=3,
                              extra_vars=sim_vars(sim, tmp_path, it_delete_allowed=cleanup == 'delete'))
    assert rc == 0, output
    report = read_report(tmp_path)
    assert report['cleanup_state'] == ('absent' if cleanup == 'delete' else 'obsolete')
    assert all(login.startswith(report['run_prefix']) for login in report['logins'])
    assert report['run_prefix'].startswith(PREFIX + scenario.split('_')[1] + '-')
    steps = {step['step']: step for step in report['steps']}
    for rerun in RERUNS[scenario]:
        assert steps[rerun]['changed'] is False, steps[rerun]
    sent = writes_by_step(sim, report)
    wanted = expected_writes(scenario, report['cleanup_state'])
    assert {step: methods for step, methods in sent.items() if methods} == wanted
    assert all(r['status'] < 400 for r in sim.log), [r for r in sim.log if r['status'] >= 400]
    assert_session(sim)
    assert_cleaned_up(sim, report, cleanup == 'delete', deactivated, before_others)
    # each create is one POST carrying the groups as ids and the password
    posts = [r for r in sim.log if r['method'] == 'POST' and r['path'] == ENTRY_PATH + 'v1/entry/User']
    assert sorted(r['values']['Login Name'] for r in posts) == sorted(report['logins'])
    assert all('Password' in r['body_fields'] for r in posts)
    if scenario == 'user_single':
        assert posts[0]['values']['Group List'].strip(';').split(';') == ['1000000001', '1000000002']


def test_person_scenario_on_the_simulator(sim, tmp_path):
    """A support person with a site, a support group and a functional role: the forms' field metadata read, the site
    copied under the People form's names, the role removed before the Login ID, the person gone after the cleanup."""
    sim.configure(itsm=True)
    sim.clear_log()
    rc, output = run_playbook(playbook('person_roles'), tmp_path, verbosity=1,
                              extra_vars=sim_vars(sim, tmp_path, **PERSON_VARS))
    assert rc == 0, output
    report = read_report(tmp_path)
    assert {step['step']: step['changed'] for step in report['steps']}['rerun'] is False
    sent = writes_by_step(sim, report)
    assert {step: methods for step, methods in sent.items() if methods} == PERSON_WRITES
    assert all(r['status'] < 400 for r in sim.log), [r for r in sim.log if r['status'] >= 400]
    assert_session(sim)
    position = 0
    for step in report['steps']:  # each module run reads a form's field definitions once at most
        forms = [r['form'] for r in sim.log[position:position + step['api_calls']] if r['path'].startswith(FIELDS)]
        position += step['api_calls']
        assert len(forms) == len(set(forms)), (step['step'], forms)
        if step['step'] == 'apply':
            assert {'CTM:People', 'SIT:Site', 'CTM:SupportGroupFunctionalRole'} <= set(forms)
    posts = dict((r['form'], r['values']) for r in sim.log if r['method'] == 'POST' and '/entry/' in r['path'])
    assert posts['CTM:People']['Site Street'] == '1500 Main Street' and posts['CTM:People']['Time Zone']
    assert posts['CTM:SupportGroupFunctionalRole']['Functional Role'] == 'Support Group Lead'
    assert not [p for p in sim.rows('CTM:People') if str(p['Remedy Login ID']).startswith(PREFIX)]
    assert not [r for r in sim.rows('CTM:SupportGroupFunctionalRole') if str(r['Login ID']).startswith(PREFIX)]


def test_cleanup_falls_back_to_obsolete_when_the_tenant_refuses_to_delete(sim, deactivated, tmp_path):
    sim.configure(delete_allowed=False)
    before_others = others(users_by_login(sim))
    rc, output = run_playbook(playbook('user_single'), tmp_path, verbosity=1,
                              extra_vars=sim_vars(sim, tmp_path, it_delete_allowed=True))
    assert rc == 0, output
    report = read_report(tmp_path)
    steps = {step['step']: step for step in report['steps']}
    assert steps['cleanup']['failed'] is True
    assert steps['cleanup_fallback']['summary']['obsoleted'] == 1
    sent = writes_by_step(sim, report)
    assert sent['cleanup'] == ['DELETE'] and sent['cleanup_fallback'] == ['PUT']
    assert_session(sim)
    assert_cleaned_up(sim, report, False, deactivated, before_others)


@pytest.mark.parametrize('scenario, cleanup', [('user_single', 'delete'), ('user_bulk', 'obsolete')])
def test_cleanup_and_logout_run_after_a_failed_step(sim, deactivated, tmp_path, scenario, cleanup):
    before_others = others(users_by_login(sim))
    rc, output = run_playbook(playbook(scenario), tmp_path, verbosity=1, extra_vars=sim_vars(
        sim, tmp_path, it_delete_allowed=cleanup == 'delete', it_fail_at='apply'))
    assert rc != 0
    assert 'it_fail_at=apply: failing on purpose' in output
    report = read_report(tmp_path)
    assert [step['step'] for step in report['steps']][-4:] == ['cleanup_find', 'cleanup', 'cleanup_verify', 'logout']
    sent = writes_by_step(sim, report)
    assert len(sent['cleanup']) == len(report['logins'])
    assert_session(sim)
    assert_cleaned_up(sim, report, cleanup == 'delete', deactivated, before_others)


def test_a_given_token_is_used_and_neither_logged_in_nor_out(sim, tmp_path):
    """helix_token in the config instead of a password: the play uses it and leaves its session alone."""
    answer = requests.post(sim.url + '/api/jwt/login', data=dict(username=ADMIN_USER, password=ADMIN_PASSWORD),
                           timeout=10)
    token = secret(answer.text.strip())
    sim.clear_log()
    values = sim_vars(sim, tmp_path, helix_token=token)
    del values['helix_username'], values['helix_password']
    rc, output = run_playbook(playbook('user_single'), tmp_path, verbosity=1, extra_vars=values)
    assert rc == 0, output
    report = read_report(tmp_path)
    assert 'login' not in [step['step'] for step in report['steps'] if not step['skipped']]
    paths = [r['path'] for r in sim.log]
    assert '/api/jwt/login' not in paths and '/api/jwt/logout' not in paths
    assert sum(step['api_calls'] for step in report['steps']) == len(paths)
    assert requests.get(sim.url + '/api/arsys/v1/entry/User', headers={'Authorization': 'AR-JWT ' + token},
                        timeout=10).status_code == 200


def test_cleanup_sweeps_an_earlier_runs_leftovers_and_nothing_else(sim, tmp_path):
    """A Current user of an interrupted earlier run is cleaned up; look-alikes without the prefix are not."""
    sim.seed_users(1, prefix=PREFIX + 'single-old-')          # an earlier run's leftover
    sim.seed_users(1, prefix=PREFIX + 'singles')              # no '-' after the scenario: not its prefix
    sim.seed_users(1, prefix='x' + PREFIX + 'single-')        # the prefix inside, not at the start
    sim.seed_users(1, prefix=PREFIX.upper() + 'SINGLE-')      # another case (the simulator is case-sensitive)
    leftover = PREFIX + 'single-old-00001'
    untouched = {login: user for login, user in users_by_login(sim).items() if login != leftover}
    rc, output = run_playbook(playbook('user_single'), tmp_path, verbosity=1, extra_vars=sim_vars(sim, tmp_path))
    assert rc == 0, output
    users = users_by_login(sim)
    assert leftover not in users
    assert {login: user for login, user in users.items() if login in untouched} == untouched
    assert writes_by_step(sim, read_report(tmp_path))['cleanup'] == ['DELETE', 'DELETE']


BAD_PREFIXES = [
    pytest.param('', id='empty'),
    pytest.param('zzz', id='three-characters'),
    pytest.param('   ', id='blank'),
    pytest.param('zz%-', id='like-wildcard'),
    pytest.param('zz_it-', id='like-one-character'),
    pytest.param('zz"it-', id='quote'),
    pytest.param('-zz-it', id='leading-dash'),
    pytest.param(7777, id='not-a-string'),
]


@pytest.mark.parametrize('prefix', BAD_PREFIXES)
def test_an_unsafe_prefix_is_refused_before_any_request(sim, tmp_path, prefix):
    rc, output = run_playbook(playbook('user_single'), tmp_path, verbosity=0,
                              extra_vars=sim_vars(sim, tmp_path, it_prefix=prefix))
    assert rc != 0
    assert 'it_prefix must be at least 4 characters' in output
    assert sim.log == []


@pytest.mark.parametrize('scenario', SCENARIOS)
def test_every_scenario_refuses_a_missing_prefix_before_any_request(sim, tmp_path, scenario):
    values = sim_vars(sim, tmp_path)
    del values['it_prefix']
    rc, output = run_playbook(playbook(scenario), tmp_path, verbosity=0, extra_vars=values)
    assert rc != 0
    assert 'it_prefix must be at least 4 characters' in output
    assert sim.log == []


@pytest.mark.parametrize('groups', [[], [''], 'Service Desk'], ids=['none', 'blank', 'not-a-list'])
def test_bad_groups_are_refused_before_any_request(sim, tmp_path, groups):
    rc, output = run_playbook(playbook('user_bulk'), tmp_path, verbosity=0,
                              extra_vars=sim_vars(sim, tmp_path, it_groups=groups))
    assert rc != 0
    assert 'it_groups must list one or two existing group names' in output
    assert sim.log == []


def test_the_unfilled_template_is_refused_before_any_request(tmp_path):
    """Every playbook variable the template names is one the preflight reads, and its placeholders are refused."""
    template = yaml.safe_load(open(TEMPLATE, encoding='utf-8'))
    assert {'helix_url', 'helix_username', 'helix_password', 'helix_validate_certs', 'it_prefix', 'it_groups',
            'it_delete_allowed'} <= set(template)
    assert template['it_prefix'] == PREFIX and template['it_delete_allowed'] is False
    rc, output = run_playbook(playbook('user_single'), tmp_path, verbosity=0, extra_vars_file='@' + TEMPLATE)
    assert rc != 0
    assert 'still holds a <placeholder>' in output


def test_the_tenant_config_is_git_ignored():
    if not os.path.isdir(os.path.join(ROOT, '.git')) and not os.path.isfile(os.path.join(ROOT, '.git')):
        pytest.skip('not a git checkout')
    proc = subprocess.run(['git', 'check-ignore', '-q', os.path.relpath(CONFIG, ROOT)], cwd=ROOT, check=False)
    assert proc.returncode == 0, 'tests/integration/integration_config.yml must be git-ignored (it holds a password)'


# ------------------------------------------------------------------ a real tenant


def tenant_config():
    if not os.path.exists(CONFIG):
        pytest.skip('no tests/integration/integration_config.yml: copy integration_config.yml.template to it '
                    'and fill it in to run the suite against a tenant')
    with open(CONFIG, encoding='utf-8') as handle:
        config = yaml.safe_load(handle) or {}
    for name in ('helix_password', 'helix_token'):
        if config.get(name):
            secret(str(config[name]))  # the leak scan after the test looks for them in every output
    return config


@pytest.mark.tenant
@pytest.mark.parametrize('scenario', SCENARIOS)
def test_scenario_on_the_tenant(tmp_path, scenario):
    config = tenant_config()
    if scenario == 'person_roles' and not config.get('it_person_company'):
        pytest.skip('no it_person_company in integration_config.yml: the person scenario needs a Helix ITSM tenant')
    run = uuid.uuid4().hex[:6]
    rc, output = run_playbook(playbook(scenario), tmp_path, verbosity=1, extra_vars_file='@' + CONFIG, extra_vars=dict(
        it_run=run, it_report=str(tmp_path / 'report.json'), it_user_password=secret('It-User-%s-Pw9' % run)))
    assert rc == 0, output
    report = read_report(tmp_path)
    steps = {step['step']: step for step in report['steps']}
    for rerun in RERUNS[scenario]:
        assert steps[rerun]['changed'] is False, steps[rerun]
    assert 'cleanup_verify' in steps and not steps['cleanup_verify']['failed']
    failed = {name for name, step in steps.items() if step['failed']}
    # the refused purge is meant to fail; a refused delete is followed by obsoleting
    assert failed <= {'purge_refused', 'cleanup'}, steps
    if 'cleanup' in failed:
        assert not steps['cleanup_fallback']['failed']
