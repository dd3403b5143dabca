"""Faults and lost replies: the end state is the declared one, nothing is duplicated, reruns are no-ops."""

import time

import chaos_scenario
from ansible_collections.helix.users.plugins.module_utils import writes as write_engine
from ansible_collections.helix.users.plugins.module_utils.errors import HelixConnectionError
from simulator import Simulator
from support import ADMIN_PASSWORD, ADMIN_USER, connection, run_module, writes


def test_bulk_reconcile_under_chaos_reaches_exactly_the_declared_state(sim):
    users = chaos_scenario.start(sim, 240, seed=3)
    result = run_module('helix_user', connection(sim, users=users, concurrency=8, max_retries=8))
    chaos_scenario.stop_faults(sim)
    assert result.get('failed') is not True, result.get('msg')
    figures = chaos_scenario.figures(sim, result)
    assert figures['injected'] >= 20 and figures['relogins'] >= 1, figures
    assert chaos_scenario.mismatches(sim, users) == []
    # the summary matches what the server committed
    committed = chaos_scenario.committed_writes(sim)
    summary = result['summary']
    assert committed['POST'] == summary['created'] == 120
    assert committed['PUT'] == summary['updated'] + summary['obsoleted'] == 120
    assert result['api_calls'] == figures['requests']
    sim.clear_log()
    rerun = run_module('helix_user', connection(sim, users=users, concurrency=8))
    assert rerun['changed'] is False and rerun['summary']['unchanged'] == len(users)
    assert writes(sim) == []


def test_a_create_whose_reply_is_lost_leaves_exactly_one_user(sim):
    sim.configure(drop_after_commit=1, drop_after_commit_methods=['POST'], faults_skip_login=True)
    args = connection(sim, login_name='lost', full_name='Lost Reply', license_type='Read')
    result = run_module('helix_user', args)
    assert result['changed'] is True and result['action'] == 'created'
    assert [u['Login Name'] for u in sim.state()['users']].count('lost') == 1
    assert result['user']['request_id'] == sim.user('lost')['Request ID']
    sim.clear_log()
    assert run_module('helix_user', args)['changed'] is False
    assert writes(sim) == []


def test_an_update_whose_reply_is_lost_is_no_change_on_rerun(sim):
    sim.configure(drop_after_commit=1, drop_after_commit_methods=['PUT'], faults_skip_login=True)
    args = connection(sim, login_name='jdoe', department='Lost', max_retries=0)
    first = run_module('helix_user', args)
    # committed although the reply never came: the entry is re-read, and the update found applied
    assert first['action'] == 'updated' and first['changed'] is True and sim.user('jdoe')['Department'] == 'Lost'
    assert "update of user 'jdoe' timed out or lost its reply, and a re-read shows it applied" in repr(
        first['warnings'])
    sim.clear_log()
    rerun = run_module('helix_user', args)
    assert rerun['changed'] is False and writes(sim) == []


def test_past_max_retries_the_failure_says_who_was_done_and_who_not(sim):
    # Only updates fail (PUT goes to .../User/<id>); reads and creates go through.
    sim.configure(fail_first=1000, fail_first_status=503, fault_paths=['/api/arsys/v1/entry/User/'])
    users = [dict(login_name='new%d' % n, full_name='New %d' % n, license_type='Read') for n in range(2)] + [
        dict(login_name='jdoe', department='X'), dict(login_name='Demo', department='X')]
    result = run_module('helix_user', connection(sim, users=users, max_retries=1, concurrency=2))
    sim.configure(fail_first=0, fault_paths=['/api/'])
    assert result['failed'] is True
    assert result['summary']['created'] == 2 and result['summary']['failed'] == 2
    assert '2 of 4 users failed (the others were applied: 2 created)' in result['msg']
    assert "could not update user 'jdoe'" in result['msg'] and "could not update user 'Demo'" in result['msg']
    assert 'after 2 attempt(s)' in result['msg']
    actions = dict((u['login_name'], u['action']) for u in result['users'])
    assert actions == {'new0': 'created', 'new1': 'created', 'jdoe': 'failed', 'Demo': 'failed'}
    assert sim.user('new0') is not None and sim.user('jdoe')['Department'] is None


def test_a_tenant_that_dies_mid_run_costs_the_retry_budget_not_the_user_count():
    """200 creates; the server stops after 30. The run ends soon after, every user done, failed or not attempted."""
    users = [dict(login_name='dead%04d' % n, full_name='Dead %d' % n, license_type='Read') for n in range(200)]
    server = Simulator(port=0).start()
    url = server.url
    try:
        chaos_scenario.die_after_writes(server, 30)
        started = time.monotonic()
        result = run_module('helix_user', dict(helix_url=url, helix_username=ADMIN_USER, helix_password=ADMIN_PASSWORD,
                            users=users, concurrency=4, max_retries=2))
        wall = time.monotonic() - started
    finally:
        server.stop()
    summary = result['summary']
    assert result['failed'] is True
    assert wall < 20, wall  # 200 users at 4 x (1 + 2 retries with backoff) each would take minutes
    assert summary['created'] >= 30
    assert summary['created'] + summary['failed'] + summary['unknown'] + summary['not_attempted'] == 200
    not_attempted = [u for u in result['users'] if u['action'] == 'not_attempted']
    assert len(not_attempted) == summary['not_attempted'] >= 50
    assert all(u['msg'].startswith('not attempted: the tenant stopped accepting writes') for u in not_attempted)
    assert result['msg'].startswith('the tenant stopped accepting writes') and 'were not attempted' in result['msg']
    assert chaos_scenario.reported_vs_stored(server, result) == []


def test_a_create_whose_reply_is_lost_with_no_retries_left_is_found_not_reported_failed(sim):
    sim.configure(drop_after_commit=10, faults_skip_login=True)
    users = [dict(login_name='lost%d' % n, full_name='Lost %d' % n, license_type='Read') for n in range(10)]
    result = run_module('helix_user', connection(sim, users=users, max_retries=0))
    assert result.get('failed') is not True, result.get('msg')
    assert result['summary']['created'] == 10
    assert chaos_scenario.reported_vs_stored(sim, result) == []


def test_a_create_whose_reply_is_lost_and_cannot_be_looked_up_is_unknown_not_failed(sim, monkeypatch):
    # the POST is committed and its reply dropped; the look-up that would confirm it fails too
    def unreachable(*_args, **_kwargs):
        raise HelixConnectionError('Listing form User failed after 2 attempt(s): ConnectionRefusedError')
    monkeypatch.setattr(write_engine, '_find_again', unreachable)
    sim.configure(drop_after_commit=1, faults_skip_login=True)
    result = run_module('helix_user', connection(sim, login_name='maybe', full_name='May Be', license_type='Read',
                                                 max_retries=1))
    assert result['failed'] is True and result['action'] == 'unknown' and result['changed'] is True
    assert "the create of user 'maybe' may have been applied" in result['msg']
    assert 'looking the entry up afterwards failed too' in result['msg']
    assert sim.user('maybe') is not None  # it was, indeed
