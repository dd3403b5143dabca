"""helix_user (single mode) against the simulator: states, options, idempotence, check and diff mode, errors."""

import pytest

from ansible_collections.helix.users.plugins.module_utils.ar_client import ARClient
from ansible_collections.helix.users.plugins.module_utils.errors import HelixError
from ansible_collections.helix.users.plugins.module_utils.writes import apply_change
from ansible_collections.helix.users.plugins.module_utils.users import UserPlan
from support import ADMIN_PASSWORD, ADMIN_USER, connection, run_module, writes

NEW = dict(login_name='newbie', full_name='New Bie', license_type='Fixed', email='newbie@example.com')


def converge(sim, args, expect_action, diff=True):
    """check mode -> apply -> apply again; returns the applying run's result.

    Check mode and the rerun must send no write; check mode must predict the applying run.
    """
    sim.clear_log()
    checked = run_module('helix_user', connection(sim, **args), check=True, diff=diff)
    assert checked.get('failed') is not True, checked
    assert writes(sim) == []
    applied = run_module('helix_user', connection(sim, **args), diff=diff)
    assert applied.get('failed') is not True, applied
    assert (applied['changed'], applied['action']) == (True, expect_action)
    assert (checked['changed'], checked['action']) == (True, expect_action)
    if diff:
        assert checked['diff'] == applied['diff']
    for key in ('login_name', 'status', 'full_name', 'groups', 'license_type'):
        assert checked['user'].get(key) == applied['user'].get(key)
    sim.clear_log()
    again = run_module('helix_user', connection(sim, **args), diff=diff)
    assert (again['changed'], again['action']) == (False, 'unchanged'), again
    assert writes(sim) == []
    return applied


def info(sim, *logins):
    result = run_module('helix_user_info', connection(sim, login_name=list(logins)))
    return dict((user['login_name'], user) for user in result['users'])


# ------------------------------------------------------------------ present
def test_create_is_one_post_with_every_declared_field_groups_and_password(sim):
    args = dict(NEW, groups=['Service Desk', 'Incident Master'], password='First-Pw-123', department='IT',
                fields={'Full Text License Type': 'Fixed'})
    result = converge(sim, args, 'created')
    stored = sim.user('newbie')
    assert stored['Full Name'] == 'New Bie' and stored['License Type'] == 'Fixed'
    assert stored['Group List'] == '1000000001;1000000002;'
    assert stored['Department'] == 'IT' and stored['Full Text License Type'] == 'Fixed'
    assert stored['Status'] == 'Current'
    assert sim.password_matches('newbie', 'First-Pw-123')
    assert result['user']['request_id'] == stored['Request ID']
    assert result['user']['groups'] == ['Service Desk', 'Incident Master']
    assert result['diff']['before'] == {}
    assert result['diff']['after']['password'] == '********'
    assert 'First-Pw-123' not in repr(result)
    assert info(sim, 'newbie')['newbie']['groups'] == ['Service Desk', 'Incident Master']


def test_create_sends_exactly_one_post(sim):
    run_module('helix_user', connection(sim, groups=['Service Desk'], password='Pw-0000-x', **NEW))
    posts = [r for r in writes(sim) if r['method'] == 'POST']
    assert len(writes(sim)) == len(posts) == 1
    assert set(posts[0]['body_fields']) == {'Login Name', 'Status', 'Full Name', 'License Type', 'Email Address',
                                            'Group List', 'Password'}


def test_update_is_one_put_of_only_the_changed_fields(sim):
    result = converge(sim, dict(login_name='jdoe', full_name='John Doe', email='john.doe@example.com',
                                phone='+1 555 0100'), 'updated')
    assert result['diff'] == {'before': {'email': 'jdoe@example.com', 'phone': None},
                              'after': {'email': 'john.doe@example.com', 'phone': '+1 555 0100'}}
    sim.clear_log()
    run_module('helix_user', connection(sim, login_name='jdoe', email='j@example.com', full_name='John Doe'))
    puts = writes(sim)
    assert len(puts) == 1 and puts[0]['method'] == 'PUT'
    assert puts[0]['body_fields'] == ['Email Address']
    assert puts[0]['entry_id'] == sim.user('jdoe')['Request ID']


def test_fields_left_out_are_kept(sim):
    converge(sim, dict(login_name='jdoe', department='Support'), 'updated')
    stored = sim.user('jdoe')
    assert stored['Department'] == 'Support'
    assert stored['Full Name'] == 'John Doe' and stored['Email Address'] == 'jdoe@example.com'


def test_obsolete_user_is_reactivated_with_one_put_of_status(sim):
    result = converge(sim, dict(login_name='asmith'), 'reactivated')
    assert sim.user('asmith')['Status'] == 'Current'
    assert result['diff'] == {'before': {'state': 'obsolete'}, 'after': {'state': 'present'}}


def test_selection_numbers_and_labels_compare_equal(sim):
    for value in ('1', 'Fixed', 'fixed'):
        sim.clear_log()
        result = run_module('helix_user', connection(sim, login_name='jdoe', license_type=value, notify_mechanism='Alert'))
        assert result['changed'] is False, value
        assert writes(sim) == []
    converge(sim, dict(login_name='jdoe', license_type='0'), 'updated')
    assert sim.user('jdoe')['License Type'] == 'Read'


def test_empty_string_clears_a_field_and_then_stays_unchanged(sim):
    converge(sim, dict(login_name='jdoe', email=''), 'updated')
    assert sim.user('jdoe')['Email Address'] is None


def test_fields_option_compares_like_the_rest(sim):
    converge(sim, dict(login_name='jdoe', fields={'Full Text License Type': 2}), 'updated')
    assert sim.user('jdoe')['Full Text License Type'] == 'Floating'
    sim.clear_log()
    result = run_module('helix_user', connection(sim, login_name='jdoe', fields={'Full Text License Type': 'Floating'}))
    assert result['changed'] is False and writes(sim) == []


# ------------------------------------------------------------------ groups
@pytest.mark.parametrize('groups', [
    ['Service Desk'],
    ['1000000001'],
    [' Service Desk ', 'Service Desk'],
    ['service desk'],
])
def test_groups_equal_to_the_stored_set_never_change(sim, groups):
    result = run_module('helix_user', connection(sim, login_name='jdoe', groups=groups))
    assert result['changed'] is False and writes(sim) == []


def test_group_order_duplicates_and_mixed_names_and_ids(sim):
    converge(sim, dict(login_name='jdoe', groups=['Incident Master', '1000000001']), 'updated')
    assert sim.user('jdoe')['Group List'] == '1000000002;1000000001;'
    for groups in (['Service Desk', 'Incident Master'], ['1000000002', 'Service Desk', 'Incident Master']):
        sim.clear_log()
        assert run_module('helix_user', connection(sim, login_name='jdoe', groups=groups))['changed'] is False
        assert writes(sim) == []


def test_a_group_list_stored_with_names_compares_by_id(sim):
    sim.configure(group_list_mode='as-written')
    sim.clear_log()
    client = ARClient(sim.url, username=ADMIN_USER, password=ADMIN_PASSWORD)
    client.update_entry('User', sim.user('jdoe')['Request ID'], {'Group List': 'Service Desk;Incident Master;'})
    result = run_module('helix_user', connection(sim, login_name='jdoe', groups=['1000000002', '1000000001']))
    assert result['changed'] is False


def test_append_only_adds(sim):
    result = converge(sim, dict(login_name='jdoe', groups=['Change Manager'], append=True), 'updated')
    assert sim.user('jdoe')['Group List'] == '1000000001;1000000003;'
    assert result['diff']['after']['groups'] == ['Service Desk', 'Change Manager']
    sim.clear_log()
    result = run_module('helix_user', connection(sim, login_name='jdoe', groups=['Service Desk'], append=True))
    assert result['changed'] is False and writes(sim) == []


def test_empty_groups_remove_all(sim):
    converge(sim, dict(login_name='jdoe', groups=[]), 'updated')
    assert sim.user('jdoe')['Group List'] is None


def test_unknown_group_is_an_error_naming_it_and_the_user_with_no_write(sim):
    result = run_module('helix_user', connection(sim, login_name='jdoe', groups=['Service Desk', 'Servce Desk', '999']))
    assert result['failed'] is True
    assert "'jdoe'" in result['msg'] and "'Servce Desk'" in result['msg'] and "'999'" in result['msg']
    assert writes(sim) == []


# ------------------------------------------------------------------ password
def test_password_on_create_only_by_default(sim):
    run_module('helix_user', connection(sim, password='Pw-One-111', **NEW))
    sim.clear_log()
    result = run_module('helix_user', connection(sim, password='Pw-Two-222', **NEW))
    assert result['changed'] is False and writes(sim) == []
    assert sim.password_matches('newbie', 'Pw-One-111')


def test_password_always_changes_every_run_and_is_masked(sim):
    for _run in range(2):
        args = connection(sim, login_name='jdoe', password='Pw-New-333', update_password='always')
        result = run_module('helix_user', args, diff=True)
        assert result['changed'] is True and result['action'] == 'updated'
        assert result['diff']['after']['password'].startswith('********')
        assert 'Pw-New-333' not in repr(result)
    assert sim.password_matches('jdoe', 'Pw-New-333')


# ------------------------------------------------------------------ obsolete and absent
def test_obsolete_keeps_the_record_on_either_labelling(sim, deactivated):
    result = converge(sim, dict(login_name='jdoe', state='obsolete'), 'obsoleted')
    assert sim.user('jdoe')['Status'] == deactivated
    assert sim.user('jdoe')['Full Name'] == 'John Doe'
    assert result['user']['status'] == 1  # written by index; the run read no user with the tenant's label of 1
    again = run_module('helix_user', connection(sim, login_name='jdoe', state='present'))
    assert again['action'] == 'reactivated' and sim.user('jdoe')['Status'] == 'Current'


def test_status_is_written_by_index_so_both_labellings_accept_it(sim, deactivated):
    sim.clear_log()
    run_module('helix_user', connection(sim, login_name='jdoe', state='obsolete'))
    puts = [r for r in writes(sim) if r['method'] == 'PUT']
    assert len(puts) == 1 and puts[0]['body_fields'] == ['Status']
    assert sim.user('jdoe')['Status'] == deactivated
    info = run_module('helix_user_info', connection(sim, login_name=['jdoe', 'asmith']))
    assert set(user['status'] for user in info['users']) == {deactivated}  # the tenant's own label


def test_obsolete_of_a_missing_user_creates_nothing(sim):
    result = run_module('helix_user', connection(sim, login_name='ghost', state='obsolete'))
    assert (result['changed'], result['action']) == (False, 'unchanged')
    assert sim.user('ghost') is None and writes(sim) == []


@pytest.mark.parametrize('label', ['1', 'Disabled', 'disabled'])
def test_a_tenant_specific_obsolete_label_is_written_and_compared_as_given(sim, label):
    result = run_module('helix_user', connection(sim, login_name='jdoe', state='obsolete', obsolete_status=label))
    assert result['changed'] is True and sim.user('jdoe')['Status'] == 'Disabled'
    assert run_module('helix_user', connection(sim, login_name='jdoe', state='obsolete', obsolete_status=label))['changed'] is False


def test_the_guide_label_on_a_real_user_form_is_refused_by_the_labels_it_tells(sim):
    sim.clear_log()
    result = run_module('helix_user', connection(sim, login_name='jdoe', state='obsolete', obsolete_status='Obsolete'))
    assert result['failed'] is True and writes(sim) == []
    assert "obsolete user 'jdoe': 'Obsolete' is not a value of Status of form 'User': one of Current, Disabled" in \
        result['msg']


def test_the_guide_label_on_a_tenant_without_metadata_names_the_tenant_answer(sim):
    sim.configure(field_metadata='404')
    result = run_module('helix_user', connection(sim, login_name='jdoe', state='obsolete', obsolete_status='Obsolete'))
    assert result['failed'] is True and 'AR 306' in result['msg'] and "could not obsolete user 'jdoe'" in result['msg']


def test_absent_deletes(sim):
    converge(sim, dict(login_name='jdoe', state='absent'), 'deleted')
    assert sim.user('jdoe') is None
    assert [r['method'] for r in sim.log if r['path'].startswith('/api/arsys/')] == ['GET']


def test_absent_where_the_server_forbids_deleting_is_a_clear_error(sim):
    sim.configure(delete_allowed=False)
    result = run_module('helix_user', connection(sim, login_name='jdoe', state='absent'))
    assert result['failed'] is True
    assert "could not delete user 'jdoe'" in result['msg'] and 'permission' in result['msg']
    assert result['status'] == 403
    assert sim.user('jdoe') is not None


# ------------------------------------------------------------------ validation and server errors
def test_create_without_required_fields_names_them_and_writes_nothing(sim):
    result = run_module('helix_user', connection(sim, login_name='newbie', email='x@example.com'))
    assert result['failed'] is True
    assert "'newbie'" in result['msg'] and 'full_name and license_type are required' in result['msg']
    assert writes(sim) == []


@pytest.mark.parametrize('args, complaint', [
    (dict(login_name=''), 'login_name must be a non-empty string'),
    (dict(login_name='  '), 'login_name must be a non-empty string'),
    (dict(login_name=' jdoe'), 'leading or trailing whitespace'),
    (dict(login_name='jdoe', fields={'Status': 'Obsolete'}), "fields may not set 'Status': use the option state"),
    (dict(login_name='jdoe', fields={'Full Name': 'x'}), 'use the option full_name'),
    (dict(login_name='jdoe', append=True), 'append needs groups'),
    (dict(login_name='jdoe', state='gone'), 'value of state must be one of'),
    (dict(login_name='jdoe', users=[{'login_name': 'x'}]), 'mutually exclusive'),
    (dict(login_name='jdoe', purge=True), 'bulk mode only'),
    (dict(), 'one of the following is required: login_name, users'),
])
def test_bad_input_fails_before_any_request(sim, args, complaint):
    result = run_module('helix_user', connection(sim, **args))
    assert result['failed'] is True
    assert complaint in result['msg'], result['msg']
    assert sim.log == []


@pytest.mark.parametrize('check', [True, False])
def test_an_unknown_license_type_is_refused_before_any_request_in_check_mode_too(sim, check):
    args = dict(NEW)
    args['license_type'] = 'Platinum'
    sim.clear_log()
    result = run_module('helix_user', connection(sim, **args), check=check)
    assert result['failed'] is True
    assert "user 'newbie': license_type 'Platinum' is not a value of 'License Type'" in result['msg']
    assert 'Read, Fixed, Floating, Restricted Read' in result['msg']
    assert sim.log == []


def test_a_value_the_tenant_refuses_at_write_time_names_the_user_and_the_ar_message(sim):
    result = run_module('helix_user', connection(sim, **dict(NEW, fields={'Submitter': 'someone'})))
    assert result['failed'] is True
    assert "could not create user 'newbie'" in result['msg'] and 'AR 330' in result['msg']
    assert result['ar_messages'][0]['number'] == 330
    assert sim.user('newbie') is None


def test_duplicate_login_names_message_382(sim):
    client = ARClient(sim.url, username=ADMIN_USER, password=ADMIN_PASSWORD)
    plan = UserPlan('jdoe', 'created', write={'Login Name': 'jdoe', 'Full Name': 'J', 'License Type': 'Read'})
    apply_change(client, plan)
    assert plan.action == 'failed' and isinstance(plan.error, HelixError)
    assert 'AR 382' in plan.msg and "could not create user 'jdoe'" in plan.msg
    assert 'already taken' in plan.msg


def test_token_option_is_used_without_login_or_logout(sim):
    client = ARClient(sim.url, username=ADMIN_USER, password=ADMIN_PASSWORD)
    token = client.login()
    sim.clear_log()
    result = run_module('helix_user', dict(helix_url=sim.url, helix_token=token, login_name='jdoe', department='X'))
    assert result['changed'] is True
    assert result['api_calls'] == 3  # one read, the form's field metadata, one write
    assert not [r for r in sim.log if r['path'].startswith('/api/jwt/')]


def test_check_mode_of_a_create_returns_a_plausible_user(sim):
    result = run_module('helix_user', connection(sim, groups=['Service Desk'], **NEW), check=True)
    assert result['changed'] is True
    assert result['user']['login_name'] == 'newbie' and result['user']['groups'] == ['Service Desk']
    assert result['user']['status'] == 'Current'
    assert sim.user('newbie') is None
