"""Real tenants, second round: the form tells its own fields, AR numbers as arerrno.h has them, creates answered
204, Group Lists as servers store them, and where the REST API of a SaaS tenant is."""

import pytest

from ansible_collections.helix.users.plugins.module_utils.ar_client import ARClient
from ansible_collections.helix.users.plugins.module_utils.errors import HelixError
from support import ADMIN_PASSWORD, ADMIN_USER, connection, entry_reads, metadata_reads, run_module, writes


def user(sim, check=False, **args):
    return run_module('helix_user', connection(sim, **args), check=check, diff=True)


def entry(sim, check=False, **args):
    return run_module('helix_entry', connection(sim, **args), check=check, diff=True)


# ------------------------------------------------------------------ 2. the form tells its own fields
def test_form_info_returns_the_fields_the_form_tells(sim):
    result = run_module('helix_form_info', connection(sim, form='User', fields=['License Type', '104', 'status']))
    assert result['count'] == 3 and result['api_calls'] == 3  # login, the field metadata, logout
    license_type, group_list, status = result['fields']
    assert license_type == dict(name='License Type', id=109, datatype='ENUM', required=True, create_mode='OPEN',
                                selections={'Read': 0, 'Fixed': 1, 'Floating': 2, 'Restricted Read': 3})
    assert (group_list['name'], group_list['selections'], status['selections']) == (
        'Group List', None, {'Current': 0, 'Disabled': 1})
    every = run_module('helix_form_info', connection(sim, form='User'))
    assert every['count'] == len(every['fields']) > 20 and [f for f in every['fields'] if f['id'] == 118][0][
        'name'] == 'Auth String'


@pytest.mark.parametrize('setup, words', [
    ({}, "fields names 'Lisence Type', which is no field of form 'User' (did you mean 'License Type'"),
    ({'field_metadata': '404'}, 'the tenant does not serve field metadata'),
    ({'field_metadata': '403'}, 'the account may not read form definitions'),
])
def test_form_info_fails_clearly(sim, setup, words):
    sim.configure(**setup)
    result = run_module('helix_form_info', connection(sim, form='User', fields=['Lisence Type']))
    assert result['failed'] is True and words in result['msg']


def test_field_names_of_every_option_are_checked_before_anything_is_read(sim):
    sim.clear_log()
    result = run_module('helix_user_info', connection(sim, fields=['Login Name', 'Emial Address'],
                                                      filters={'Departmnet': 'x'}, sort='Full Nme.asc'))
    assert result['failed'] is True
    for words in ("fields names 'Emial Address'", "filters names 'Departmnet'", "sort names 'Full Nme'",
                  "(did you mean 'Email Address'?)"):
        assert words in result['msg']
    assert entry_reads(sim) == [] and len(metadata_reads(sim)) == 1


def test_a_key_field_the_form_does_not_have_is_named_before_anything_is_read(sim):
    sim.clear_log()
    result = entry(sim, form='User', key={'Login Nmae': 'jdoe'}, values={'Department': 'Ops'})
    assert result['failed'] is True and "key names 'Login Nmae', which is no field of form 'User' (did you mean" \
        " 'Login Name'," in result['msg']
    assert entry_reads(sim) == [] and writes(sim) == []


def test_a_create_missing_a_required_field_is_named_before_the_post(sim):
    sim.clear_log()
    result = entry(sim, form='User', key={'Login Name': 'newbie'}, values={'Email Address': 'n@example.com'})
    assert result['failed'] is True and "form 'User' requires 'Full Name', 'License Type', which the create leaves" \
        " empty" in result['msg']
    assert writes(sim) == []


def test_a_field_by_an_id_only_the_tenant_knows_is_idempotent(sim):
    first = user(sim, login_name='jdoe', fields={'117': 'jdoe@corp'})  # the authentication user name
    assert first['changed'] is True and sim.user('jdoe')['Authentication Login Name'] == 'jdoe@corp'
    sim.clear_log()
    assert user(sim, login_name='jdoe', fields={'117': 'jdoe@corp'})['changed'] is False and writes(sim) == []


@pytest.mark.parametrize('mode', ['404', '403'])
def test_without_field_metadata_everything_works_as_before_and_says_so_once(sim, deactivated, mode):
    sim.configure(field_metadata=mode, itsm=True)
    sim.clear_log()
    result = user(sim, login_name='jdoe', state='obsolete', fields={'Authentication Login Name': 'jd'})
    assert result['action'] == 'obsoleted' and sim.user('jdoe')['Status'] == deactivated  # Status by its index
    assert len(result['notes']) == 1 and len(metadata_reads(sim)) == 1
    person = run_module('helix_person', connection(sim, login_id='mary', fields={'Assignment Availability': 'Yes'}))
    assert person['action'] == 'updated' and len(person['notes']) == 1
    assert [r['form'] for r in metadata_reads(sim)] == ['User', 'CTM:People']  # once per form and run


# ------------------------------------------------------------------ 3. errors as AR numbers them
def test_9093_names_the_one_ip_rule_and_the_fix(sim):
    sim.configure(other_ip_logins=['Demo'])
    result = run_module('helix_token', connection(sim))
    assert result['failed'] is True and 'AR 9093' in result['msg']
    assert 'AR_ERROR_USER_HOST_IP_OVERRIDE_OPTION' in result['msg'] and 'one IP address at a time' in result['msg']
    assert 'AWX execution nodes' in result['msg'] and 'its own service account' in result['msg']
    assert 'session limit' not in result['msg'] and ADMIN_PASSWORD not in repr(result)


@pytest.mark.parametrize('number', [92, 93, 94])
def test_an_update_that_timed_out_is_re_read_and_found_applied(sim, number):
    sim.configure(timeout_after_commit=1, timeout_after_commit_number=number)
    sim.clear_log()
    result = user(sim, login_name='jdoe', department='Ops', max_retries=0)
    assert result['action'] == 'updated' and sim.user('jdoe')['Department'] == 'Ops'
    assert 'a re-read shows it applied' in repr(result['warnings']) and 'AR %d' % number in repr(result['warnings'])
    assert [(r['method'], r['status']) for r in sim.log if r['path'].startswith('/api/arsys/v1/')][-2:] == [
        ('PUT', 500), ('GET', 200)]


def test_a_create_that_timed_out_is_found_by_its_key_not_repeated(sim):
    sim.configure(timeout_after_commit=1, timeout_after_commit_number=92)
    result = user(sim, login_name='newbie', full_name='New Bie', license_type='Read')
    assert result['action'] == 'created' and result['user']['request_id'] == sim.user('newbie')['Request ID']
    assert [w['status'] for w in writes(sim)] == [500]  # one POST, never repeated


def test_a_delete_that_timed_out_is_re_read_and_found_done(sim):
    sim.configure(timeout_after_commit=1, timeout_after_commit_number=94)
    result = user(sim, login_name='asmith', state='absent', max_retries=0)
    assert result['action'] == 'deleted' and sim.user('asmith') is None


def test_a_write_that_timed_out_and_was_not_applied_is_unknown(sim):
    sim.configure(rate_93=1.0, fault_methods=['PUT'])  # 500 + AR 93 before the write is processed
    result = user(sim, login_name='jdoe', department='Ops', max_retries=0)
    assert result['failed'] is True and result['action'] == 'unknown'
    assert 'may have been applied' in result['msg'] and sim.user('jdoe')['Department'] is None


def test_309_re_reads_and_plans_again_once(sim):
    sim.configure(conflict_on_update=1, conflict_values={'Group List': '1000000002;'})
    sim.clear_log()
    result = user(sim, login_name='jdoe', department='Ops', groups=['Knowledge User'], append=True)
    assert result['action'] == 'updated'
    stored = sim.user('jdoe')
    # planned again from the entry as the other writer left it: its group kept, ours added
    assert (stored['Department'], stored['Group List']) == ('Ops', '1000000002;1000000005;')
    assert [(r['method'], r['status']) for r in sim.log if r['path'].startswith('/api/arsys/v1/entry/User')] == [
        ('GET', 200), ('PUT', 400), ('GET', 200), ('PUT', 204)]


def test_309_twice_fails_naming_it(sim):
    sim.configure(conflict_on_update=2, conflict_values={'Email Address': 'other@example.com'})
    result = entry(sim, form='User', key={'Login Name': 'jdoe'}, values={'Department': 'Ops'})
    assert result['failed'] is True and 'AR 309' in result['msg']
    assert 'it was read and planned again once, and changed again' in result['msg']
    assert [w['status'] for w in writes(sim)] == [400, 400]


# ------------------------------------------------------------------ 4. entries and groups as servers send them
def test_a_create_answered_204_finds_its_entry_by_the_key(sim):
    sim.configure(no_location_forms=['User'])
    result = user(sim, login_name='joiner', full_name='Jo Iner', license_type='Read')
    assert result['action'] == 'created' and result['user']['request_id'] == sim.user('joiner')['Request ID']
    assert [w['status'] for w in writes(sim)] == [204]
    made = entry(sim, form='User', key={'Login Name': 'joiner2'}, values={'Full Name': 'J', 'License Type': 'Read'})
    assert made['entry_id'] == sim.user('joiner2')['Request ID']


def test_a_group_list_of_ids_separated_by_spaces_reads_as_the_groups(sim):
    sim.configure(group_list_mode='as-written')
    entry(sim, form='User', key={'Login Name': 'jdoe'}, values={'Group List': '1000000001 1000000002'},
          allow_reserved=True)
    info = run_module('helix_user_info', connection(sim, login_name=['jdoe']))
    assert info['users'][0]['groups'] == ['Service Desk', 'Incident Master']
    sim.clear_log()
    same = user(sim, login_name='jdoe', groups=['Incident Master', 'Service Desk'])
    assert same['changed'] is False and writes(sim) == []


@pytest.mark.parametrize('metadata', ['served', '404'])
def test_a_group_list_longer_than_the_user_form_holds_is_refused_before_the_write(sim, metadata):
    sim.configure(field_metadata=metadata)
    sim.clear_log()
    result = entry(sim, form='User', key={'Login Name': 'jdoe'}, values={'Group List': '1000000001;' * 400},
                   allow_reserved=True)
    assert result['failed'] is True and 'Group List would be 4400 characters' in result['msg']
    assert 'holds at most 4000' in result['msg'] and writes(sim) == []


def test_the_auth_string_is_field_118(sim):
    user(sim, login_name='jdoe', auth_string='ext-token-1')
    assert sim.user('jdoe')['Auth String'] == 'ext-token-1'
    fields = run_module('helix_form_info', connection(sim, form='User', fields=['117', '118']))['fields']
    assert [(f['id'], f['name']) for f in fields] == [(117, 'Authentication Login Name'), (118, 'Auth String')]


# ------------------------------------------------------------------ 6. where the tenant is
@pytest.mark.parametrize('mode', ['redirect', 'page'])
def test_the_ui_host_names_the_rest_api_host(sim, mode):
    sim.configure(sso_ui=mode)
    result = run_module('helix_token', connection(sim))
    assert result['failed'] is True and "helix_url points at the tenant's web UI" in result['msg']
    assert 'https://<tenant>-restapi.onbmc.com' in result['msg'] and '<html' not in result['msg'].lower()


def test_a_ui_host_of_a_saas_tenant_is_named_with_its_rest_api_host(sim):
    sim.configure(sso_ui='page')
    client = ARClient(sim.url, username=ADMIN_USER, password=ADMIN_PASSWORD)
    client.base_url = 'https://acme.onbmc.com'  # as a user would give it
    client._url = lambda path, params=None: sim.url + path  # pylint: disable=protected-access
    with pytest.raises(HelixError, match='set helix_url to https://acme-restapi.onbmc.com'):
        client.login()
