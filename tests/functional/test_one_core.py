"""One core for every form, against the simulator: one entry-id rule, one read by keys, one write engine, one guard layer.

Each test is a case that 0.2 got wrong (issue "One core for every form"): checked by what the simulator stored
and logged, not only by what the module said.
"""

import pytest

from support import ADMIN_USER, connection, run_module, writes

HIDDEN = dict(hide_entry_ids=True)  # no entry shows its id; entries are addressed by Request ID only


def user(sim, check=False, diff=False, **args):
    return run_module('helix_user', connection(sim, **args), check=check, diff=diff)


@pytest.fixture
def contractor(sim):
    """A user whose login is jdoe's Request ID: the trap of a client that takes a key value for an id."""
    jdoe_id = sim.user('jdoe')['Request ID']
    created = user(sim, login_name=jdoe_id, full_name='Contractor', license_type='Read')
    assert created['action'] == 'created'
    sim.configure(**HIDDEN)
    sim.clear_log()
    return jdoe_id


# ------------------------------------------------------------------ one entry-id rule
def test_a_login_that_is_another_users_id_never_disables_that_user(sim, contractor):
    for check in (True, False):
        result = user(sim, check=check, login_name=contractor, state='obsolete')
        assert result['failed'] is True, result
        assert 'is another one' in result['msg'] and "Login Name 'jdoe'" in result['msg']
    assert writes(sim) == []
    assert sim.user('jdoe')['Status'] == 'Current' and sim.user(contractor)['Status'] == 'Current'


def test_absent_on_a_tenant_that_shows_no_ids_is_refused_never_reported_deleted(sim):
    sim.configure(**HIDDEN)
    sim.clear_log()
    result = user(sim, login_name='jdoe', state='absent')
    assert result['failed'] is True and result.get('action') != 'deleted'
    assert "no entry of form 'User' is at the address 'jdoe'" in result['msg']
    assert writes(sim) == [] and sim.user('jdoe') is not None


def test_a_guide_style_tenant_that_takes_the_login_as_address_is_written_there_once_proven(sim):
    sim.configure(hide_entry_ids=True, login_name_ids=True)
    sim.clear_log()
    result = user(sim, login_name='jdoe', department='Ops')
    assert result['action'] == 'updated'
    probe, put = [r for r in sim.log if r['path'] == '/api/arsys/v1/entry/User/jdoe']
    assert (probe['method'], put['method']) == ('GET', 'PUT') and sim.user('jdoe')['Department'] == 'Ops'


def test_a_person_on_a_tenant_that_shows_no_ids_is_refused_in_check_mode_too(sim):
    sim.configure(itsm=True)
    sim.configure(**HIDDEN)
    sim.clear_log()
    for check in (True, False):
        result = run_module('helix_person', connection(sim, login_id='allen', state='obsolete'), check=check)
        assert result['failed'] is True and 'showed no id' in result['msg'], result
    assert writes(sim) == []
    assert sim.person('allen')['Profile Status'] == 'Enabled'


# ------------------------------------------------------------------ one read by keys
def test_info_over_entries_without_ids_returns_every_one(sim):
    sim.seed_users(120, prefix='emp')
    sim.configure(**HIDDEN)
    logins = ['emp%05d' % number for number in range(1, 121)]
    result = run_module('helix_user_info', connection(sim, login_name=logins, page_size=50))
    assert result['count'] == 120 and sorted(u['login_name'] for u in result['users']) == logins
    assert all(u.get('request_id') is None for u in result['users'])  # no id shown: none invented
    every = run_module('helix_user_info', connection(sim, query="'Login Name' LIKE \"emp%\"", limit=0))
    assert every['count'] == 120


def test_info_keeps_exact_logins_and_names_a_case_variant(sim):
    sim.configure(case_sensitive=False)
    result = run_module('helix_user_info', connection(sim, login_name=['JDOE']))
    assert result['count'] == 0
    assert "the tenant has 'jdoe', which differs only by case" in repr(result['warnings'])


def test_sort_and_limit_apply_to_the_whole_answer_of_many_requests(sim):
    sim.seed_users(30, prefix='zed')
    logins = ['zed%05d' % number for number in range(1, 31)] + ['jdoe', 'asmith']
    result = run_module('helix_user_info', connection(sim, login_name=logins, sort='Login Name.desc', limit=3,
                                                      fields=['Login Name']))
    gets = [r for r in sim.log if r['method'] == 'GET' and r['path'].endswith('/entry/User')]
    assert [u['login_name'] for u in result['users']] == ['zed00030', 'zed00029', 'zed00028']
    assert len(gets) >= 1


# ------------------------------------------------------------------ one guard layer
@pytest.mark.parametrize('args, rule', [
    (dict(users=[dict(login_name=ADMIN_USER, state='obsolete')]), 'obsoleted'),
    (dict(login_name=ADMIN_USER, state='obsolete'), 'obsoleted'),
    (dict(login_name=ADMIN_USER, state='absent'), 'deleted'),
    (dict(login_name=ADMIN_USER, groups=[]), 'stripped of its groups'),
    (dict(login_name=ADMIN_USER, groups=['Service Desk']), 'stripped of its groups'),
])
def test_helix_user_never_disables_deletes_or_strips_its_own_account(sim, args, rule):
    for check in (True, False):
        result = user(sim, check=check, **args)
        assert result['failed'] is True and 'the account this task logs in as' in result['msg'], result
        assert rule in result['msg'] and 'is refused' in result['msg']
    assert writes(sim) == []
    assert sim.user(ADMIN_USER)['Status'] == 'Current' and sim.user(ADMIN_USER)['Group List'] == '1;'
    added = user(sim, login_name=ADMIN_USER, groups=['Service Desk'], append=True)  # adding groups is allowed
    assert added['action'] == 'updated'


@pytest.mark.parametrize('args, words', [
    (dict(key={'Login Name': ADMIN_USER}, state='absent'), 'never deleted'),
    (dict(key={'101': ADMIN_USER}, state='absent'), 'never deleted'),
    (dict(key={'Login Name': ADMIN_USER}, values={'Status': 'Disabled'}, allow_reserved=True), 'never obsoleted'),
    (dict(key={'Email Address': 'demo@example.com'}, values={'Login Name': 'renamed'}, allow_reserved=True),
     'never renamed'),
    (dict(key={'Login Name': ADMIN_USER}, values={'Group List': '1000000001;'}, allow_reserved=True),
     'stripped of its groups'),
])
def test_helix_entry_never_touches_the_own_account_either(sim, args, words):
    result = run_module('helix_entry', connection(sim, form='User', **args))
    assert result['failed'] is True and 'the account this task logs in as' in result['msg'], result
    assert words in result['msg']
    assert writes(sim) == [] and sim.user(ADMIN_USER)['Login Name'] == ADMIN_USER


def test_helix_entry_refuses_a_rename_through_a_key_given_by_id(sim):
    result = run_module('helix_entry', connection(sim, form='User', key={'101': 'jdoe'}, values={'Login Name': 'x'},
                                                  allow_reserved=True))
    assert result['failed'] is True and "the key says 'jdoe' (as field 101)" in result['msg']
    assert sim.log == [] and sim.user('jdoe') is not None


def test_helix_entry_writes_user_fields_helix_user_manages_only_when_allowed(sim):
    refused = run_module('helix_entry', connection(sim, form='User', key={'Login Name': 'jdoe'},
                                                   values={'Status': 'Disabled'}))
    assert refused['failed'] is True and 'allow_reserved' in refused['msg'] and sim.log == []
    allowed = run_module('helix_entry', connection(sim, form='User', key={'Login Name': 'jdoe'},
                                                   values={'Status': 'Disabled'}, allow_reserved=True))
    assert allowed['action'] == 'updated' and sim.user('jdoe')['Status'] == 'Disabled'


def test_helix_person_refuses_a_person_id_and_a_login_of_two_people(sim):
    sim.configure(itsm=True)
    mary = sim.person('mary')['Person ID']
    sim.clear_log()
    result = run_module('helix_person', connection(sim, person_id=mary, login_id='allen', state='obsolete'))
    assert result['failed'] is True and "has the Remedy Login ID 'mary', not 'allen'" in result['msg']
    assert writes(sim) == [] and sim.person('mary')['Profile Status'] == 'Enabled'


def test_helix_person_never_offboards_the_person_the_task_logs_in_as(sim):
    sim.configure(itsm=True, admin_users={ADMIN_USER: 'Demo-Passw0rd!', 'allen': 'Allen-Passw0rd!'})
    sim.clear_log()
    args = connection(sim, helix_username='allen', helix_password='Allen-Passw0rd!')
    for state in ('obsolete', 'absent'):
        result = run_module('helix_person', dict(args, login_id='allen', state=state))
        assert result['failed'] is True and 'the account this task logs in as' in result['msg'], result
    demoted = run_module('helix_person', dict(args, login_id='allen', support_staff=False))
    assert demoted['failed'] is True and 'stripped of its groups' in demoted['msg']
    assert writes(sim) == [] and sim.person('allen')['Profile Status'] == 'Enabled'
