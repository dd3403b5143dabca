"""The rulebooks of extensions/eda/rulebooks/ run by the real engine (ansible-rulebook, Java 17) against the
simulator, polling and from the simulator's webhook calls: a change made outside the pipeline runs the
playbook, which writes its file within seconds; the pipeline's own changes run nothing. The engine's output
and the simulator's log are scanned for secrets after each test (tests/integration/conftest.py)."""

import json
import os
import socket
import time

import pytest
import requests

import eda_support
import support
from eda_support import Rulebook, free_port

HELPDESK_PASSWORD = support.secret('Helpdesk-Passw0rd!')
WEBHOOK_SECRET = support.secret('Rulebook-Hook-Secret-7')


@pytest.fixture
def rulebook_engine():
    """ansible-rulebook can run here; the test fails otherwise (skipped only with HELIX_SKIP_EDA=1)."""
    eda_support.require_engine()


def test_a_missing_engine_fails_the_rulebook_tests_unless_skipping_them_is_asked(monkeypatch, tmp_path):
    monkeypatch.setattr(eda_support, 'BIN', str(tmp_path))
    with pytest.raises(pytest.fail.Exception) as info:
        eda_support.require_engine({})
    assert 'ansible-rulebook is not installed' in str(info.value) and 'HELIX_SKIP_EDA=1' in str(info.value)
    with pytest.raises(pytest.skip.Exception):
        eda_support.require_engine({'HELIX_SKIP_EDA': '1'})


def keep_figure(rulebook, mode, event, action):
    """The latencies measured (seconds from the change to the event, and to the file its playbook wrote), kept in
    build/test-figures/ for the record (docs/eda.md quotes them)."""
    folder = os.path.join(support.ROOT, 'build', 'test-figures')
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'eda-%s-%s.json' % (rulebook, mode)), 'w', encoding='utf-8') as handle:
        json.dump(dict(rulebook=rulebook, mode=mode, interval=1, event_seconds=round(event, 2),
                       action_seconds=round(action, 2)), handle)


def session(sim, user='Demo', password=support.ADMIN_PASSWORD):
    found = requests.Session()
    answer = found.post(sim.url + '/api/jwt/login', data=dict(username=user, password=password))
    assert answer.status_code == 200, answer.text
    found.headers['Authorization'] = 'AR-JWT ' + answer.text
    return found


def with_helpdesk(sim):
    """An admin session, once the account `helpdesk` (someone other than the pipeline) exists."""
    admin = session(sim)
    answer = admin.post(sim.url + '/api/arsys/v1/entry/User', json=dict(values={
        'Login Name': 'helpdesk', 'Full Name': 'Help Desk', 'License Type': 'Fixed', 'Password': HELPDESK_PASSWORD}))
    assert answer.status_code == 201
    return admin


def put(client, sim, form, entry_id, values):
    answer = client.put('%s/api/arsys/v1/entry/%s/%s' % (sim.url, form, entry_id), json=dict(values=values))
    assert answer.status_code == 204, answer.text


def start(sim, tmp_path, rulebook, mode, form, variables):
    """The engine on a rulebook, once its source watches the tenant (polling) or listens (webhooks; the hook is
    then registered, as a tenant's administrator would)."""
    port = free_port()
    variables = dict(variables, helix_pipeline_account='Demo', helix_eda_mode=mode, helix_eda_interval=1,
                     helix_eda_host='127.0.0.1', helix_eda_port=port, helix_eda_state_file=str(tmp_path / 'state.json'))
    env = dict(HELIX_URL=sim.url, HELIX_USERNAME='Demo', HELIX_PASSWORD=support.ADMIN_PASSWORD,
               HELIX_WEBHOOK_SECRET=WEBHOOK_SECRET)
    engine = Rulebook(tmp_path, rulebook, variables, env=env)
    engine.wait_for(lambda: 'Waiting for events, ruleset' in engine.output(), 90, 'the rules engine')
    if mode == 'poll':
        engine.wait_for(lambda: any(r['query'].get('sort') == 'Modified Date.asc' and r['form'] == form
                                    for r in sim.log), 60, 'first poll')
    else:
        engine.wait_for(lambda: _listening(port), 60, 'listener')
        answer = session(sim).post(sim.url + '/api/arsys/v1/webhook', json={
            'form': form, 'url': 'http://127.0.0.1:%d/helix' % port, 'events': ['create', 'update', 'delete'],
            'authentication': {'type': 'basic', 'username': 'ar-server', 'password': WEBHOOK_SECRET}})
        assert answer.status_code == 201, answer.text
    return engine


def _listening(port):
    try:
        socket.create_connection(('127.0.0.1', port), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.parametrize('mode', ['poll', 'webhook'])
def test_a_user_re_enabled_outside_the_pipeline_runs_the_audit(rulebook_engine, sim, tmp_path, mode):
    admin = with_helpdesk(sim)
    reports = tmp_path / 'reports'
    engine = start(sim, tmp_path, 'users_outside_pipeline.yml', mode, 'User', dict(helix_audit_dest=str(reports)))
    try:
        # the pipeline's own change first: an event, but no run (the report would then count asmith out)
        put(admin, sim, 'User', sim.user('jdoe')['Request ID'], {'Department': 'By the pipeline'})
        changed = time.time()
        put(session(sim, 'helpdesk', HELPDESK_PASSWORD), sim, 'User', sim.user('asmith')['Request ID'],
            {'Status': 'Current'})
        engine.wait_for((reports / 'helix-users.json').exists, 60, 'audit report')
        report_latency = time.time() - changed
        event_latency = engine.logged_after('of User entry %s (asmith)' % sim.user('asmith')['Request ID'], changed)
        keep_figure('users', mode, event_latency, report_latency)
        engine.wait_for(lambda: 'PLAY RECAP' in engine.output(), 60, 'the end of the audit playbook')
    finally:
        engine.stop()
    assert engine.output().count('PLAY RECAP') == 1  # the pipeline's change ran nothing
    # audited after the change: asmith is Current again (Demo, jdoe, helpdesk and asmith)
    assert json.loads((reports / 'helix-users.json').read_text())['count'] == 4
    assert 'asmith,Alice Smith' in (reports / 'helix-users.csv').read_text()


@pytest.mark.parametrize('mode', ['poll', 'webhook'])
def test_a_person_set_obsolete_outside_the_pipeline_is_offboarded(rulebook_engine, sim, tmp_path, mode):
    sim.configure(itsm=True)
    with_helpdesk(sim)
    records = tmp_path / 'records'
    engine = start(sim, tmp_path, 'people_offboarding.yml', mode, 'CTM:People', dict(helix_eda_records=str(records)))
    mary = sim.person('mary')
    try:
        changed = time.time()
        put(session(sim, 'helpdesk', HELPDESK_PASSWORD), sim, 'CTM:People', mary['Person ID'],
            {'Profile Status': 'Obsolete'})
        record_file = records / ('%s.json' % mary['Person ID'])
        engine.wait_for(record_file.exists, 90, 'offboarding record')
        keep_figure('people', mode, engine.logged_after('of CTM:People entry %s' % mary['Person ID'], changed),
                    time.time() - changed)
    finally:
        engine.stop()
    record = json.loads(record_file.read_text())
    assert record == dict(person_id=mary['Person ID'], login='mary', profile_status='Obsolete', changed_by='helpdesk',
                          modified_date=record['modified_date'], offboarded=True)
    after = [row for row in sim.rows('CTM:People') if row['Person ID'] == mary['Person ID']][0]
    assert after['Remedy Login ID'] is None and after['Profile Status'] == 'Obsolete'  # BMC's sequence ran
    assert sim.user('mary')['Status'] in ('Disabled', 'Obsolete')
    # the offboarding's own writes (as the pipeline's account) triggered nothing more
    assert sorted(path.name for path in records.iterdir()) == ['%s.json' % mary['Person ID']]
