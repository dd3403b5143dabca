"""helix_person and helix_person_info against the simulator's Helix ITSM tenant (itsm): people, groups, offboarding."""

import pytest

from support import connection, run_module, writes

SERVICE_DESK = dict(company='Calbro Services', organization='IT Support', group='Service Desk', default=True)
NETWORK = dict(company='Calbro Services', organization='IT Support', group='Network Support',
               role='Associate Member')
JDOE = dict(login_id='jdoe', first_name='John', last_name='Doe', email='john.doe@calbro.example.com',
            company='Calbro Services', organization='IT Support', department='Service Desk',
            site='Calbro Headquarters', support_staff=True, license_type='Fixed',
            fields={'Assignment Availability': 'Yes'},
            permission_groups=['Incident User', 'Calbro Services'], support_groups=[SERVICE_DESK])


@pytest.fixture
def itsm(sim):
    sim.configure(itsm=True)
    sim.clear_log()
    return sim


def person(sim, check=False, diff=True, **args):
    return run_module('helix_person', connection(sim, **args), check=check, diff=diff)


def converge(sim, args, expect_action):
    """check mode -> apply -> apply again: check mode and the rerun send no write, check mode predicts the apply."""
    sim.clear_log()
    checked = person(sim, check=True, **args)
    assert checked.get('failed') is not True, checked
    assert writes(sim) == []
    applied = person(sim, **args)
    assert applied.get('failed') is not True, applied
    assert (checked['changed'], checked['action']) == (applied['changed'], applied['action']) == (True, expect_action)
    assert checked['diff'] == applied['diff']
    assert [(s['form'], s['action']) for s in checked['steps']] == [(s['form'], s['action']) for s in applied['steps']]
    expected = dict(checked['person'])
    if expect_action == 'created':
        assert expected['person_id'] is None and applied['person']['person_id']
        expected['person_id'] = applied['person']['person_id']
    assert expected == applied['person']
    sim.clear_log()
    again = person(sim, **args)
    assert (again['changed'], again['action']) == (False, 'unchanged'), again
    assert writes(sim) == []
    assert again['diff'] == {'before': {}, 'after': {}}
    return applied


def test_create_with_groups_writes_people_rows_and_the_user(itsm):
    result = converge(itsm, JDOE, 'created')
    stored = itsm.person('jdoe')
    assert stored['Person ID'] == result['person']['person_id']
    site = (stored['Site ID'], stored['Site City'], stored['Site Country'])
    assert site == ('STE_00000000001', 'Houston', 'United States')
    assert (stored['Support Staff'], stored['Profile Status'], stored['License Type']) == ('Yes', 'Enabled', 'Fixed')
    user = itsm.user('jdoe')
    assert user['Full Name'] == 'John Doe' and user['Email Address'] == 'john.doe@calbro.example.com'
    assert user['License Type'] == 'Fixed'
    assert sorted(user['Group List'].strip(';').split(';')) == ['1000000008', '1000000101']
    assert result['person']['permission_groups'] == ['Incident User', 'Calbro Services']
    assert result['person']['support_groups'] == [dict(SERVICE_DESK, role='Member', support_group_id='SGP000000000001')]
    rows = [row for row in itsm.rows('CTM:People Permission Groups') if row['Person ID'] == stored['Person ID']]
    assert sorted((row['Permission Group'], row['License Type']) for row in rows) == [
        ('Calbro Services', 'None'), ('Incident User', 'Fixed')]
    assert result['diff']['before'] == {'state': 'absent'}


def test_create_is_one_post_carrying_every_declared_field(itsm):
    args = dict(JDOE)
    del args['permission_groups']
    person(itsm, **args)
    (post, association) = writes(itsm)
    assert post['method'] == 'POST' and post['form'] == 'CTM:People'
    assert set(post['body_fields']) >= {'Remedy Login ID', 'First Name', 'Last Name', 'Internet E-mail', 'Company',
                                        'Site', 'Site ID', 'Site Street', 'Site City', 'Site State Province',
                                        'Site Zip/Postal Code', 'Site Country', 'Time Zone', 'Support Staff',
                                        'License Type', 'Profile Status', 'Assignment Availability'}
    assert 'Site Address' not in post['body_fields']
    assert (association['method'], association['form']) == ('POST', 'CTM:Support Group Association')


def test_update_is_one_put_of_only_the_fields_that_differ(itsm):
    args = dict(login_id='mary', email='mary.mann@calbro.example.com', client_type='office-based employee',
                support_staff=False, license_type='read', company='Calbro Services')
    old_email = itsm.person('mary')['Internet E-mail']
    result = converge(itsm, args, 'updated')
    assert [(s['form'], s['action']) for s in result['steps']] == [('CTM:People', 'updated')]
    assert result['diff'] == {'before': {'email': old_email}, 'after': {'email': 'mary.mann@calbro.example.com'}}
    assert itsm.user('mary')['Email Address'] == 'mary.mann@calbro.example.com'
    itsm.clear_log()
    person(itsm, login_id='mary', email='m@calbro.example.com', department='Accounts')
    (put,) = writes(itsm)
    assert put['method'] == 'PUT' and put['body_fields'] == ['Internet E-mail']


def test_permission_and_support_groups_replace_and_append(itsm):
    converge(itsm, dict(login_id='allen', permission_groups=['Incident Master'], support_groups=[NETWORK]), 'updated')
    assert itsm.user('allen')['Group List'] == '1000000002;'
    converge(itsm, dict(login_id='allen', append=True, permission_groups=['Knowledge User', 'Incident Master']),
             'updated')
    info = run_module('helix_person_info', connection(itsm, login_id=['allen']))
    (allen,) = info['people']
    assert sorted(allen['permission_groups']) == ['Incident Master', 'Knowledge User']
    assert [(g['group'], g['role'], g['default']) for g in allen['support_groups']] == [
        ('Network Support', 'Associate Member', False)]


def test_a_person_leaving_support_loses_groups_in_check_and_apply(itsm):
    result = converge(itsm, dict(login_id='allen', support_staff=False), 'updated')
    assert result['person']['license_type'] == 'Read'
    assert result['person']['permission_groups'] == [] and result['person']['support_groups'] == []
    assert result['diff']['after'] == {'support_staff': False, 'permission_groups': [], 'support_groups': [],
                                       'functional_roles': []}
    assert itsm.user('allen')['Group List'] in (None, '')


@pytest.mark.parametrize('args, words', [
    (dict(JDOE, company='Nowhere Inc'), "company 'Nowhere Inc'"),
    (dict(JDOE, site='Atlantis'), "site of SIT:Site is named 'Atlantis'"),
    (dict(JDOE, permission_groups=['Incident User', 'Wizard']), "named 'Wizard'"),
    (dict(JDOE, support_groups=[dict(SERVICE_DESK, group='Nope')]), 'Calbro Services / IT Support / Nope'),
    (dict(login_id='mary', support_groups=[SERVICE_DESK]), 'support staff only'),
    (dict(JDOE, support_staff=False), 'support staff only'),
    (dict(JDOE, license_type='Read'), "needs a Fixed/Floating license"),
    (dict(login_id='nobody', first_name='No'), 'last_name is required'),
    (dict(JDOE, fields={'internet e-mail': 'x@y'}), 'use the option email'),
    (dict(JDOE, fields={'Site City': 'Paris'}), 'copied from SIT:Site'),
    (dict(JDOE, login_id='a&b'), 'not a valid Remedy Login ID'),
    (dict(JDOE, support_groups=[SERVICE_DESK, dict(NETWORK, default=True)]), 'at most one'),
    (dict(login_id='allen', support_staff=False, license_type='Fixed'), 'leaves support staff, which sets License Type Read'),
])
def test_bad_input_fails_with_nothing_written(itsm, args, words):
    before = itsm.state()['itsm']
    for check in (True, False):
        result = person(itsm, check=check, **args)
        assert result.get('failed') is True, result
        assert words in result['msg'], result['msg']
        assert writes(itsm) == []
    assert itsm.state()['itsm'] == before


def test_obsolete_follows_bmc_sequence_and_reruns_unchanged(itsm):
    person_id = itsm.person('allen')['Person ID']
    sim = itsm
    sim.clear_log()
    checked = person(sim, check=True, login_id='allen', state='obsolete')
    assert writes(sim) == []
    applied = person(sim, login_id='allen', state='obsolete')
    assert checked['action'] == applied['action'] == 'obsoleted'
    assert checked['diff'] == applied['diff'] and checked['person'] == applied['person']
    assert [s['what'].split(' (')[0] for s in applied['steps']] == [
        'remove functional role Incident Manager', 'change to non-support', 'remove the Login ID',
        'set Profile Status Obsolete']
    assert [(w['method'], w['form'], w['body_fields']) for w in writes(sim)] == [
        ('DELETE', 'CTM:SupportGroupFunctionalRole', None), ('PUT', 'CTM:People', ['Support Staff']),
        ('PUT', 'CTM:People', ['Remedy Login ID']), ('PUT', 'CTM:People', ['Profile Status'])]
    assert applied['diff']['before']['functional_roles'] == [dict(
        company='Calbro Services', organization='IT Support', group='Service Desk', role='Incident Manager',
        default=True, support_group_id='SGP000000000001')]
    stored = [row for row in sim.rows('CTM:People') if row['Person ID'] == person_id][0]
    assert (stored['Remedy Login ID'], stored['Profile Status'], stored['Support Staff']) == (None, 'Obsolete', 'No')
    assert sim.user('allen')['Status'] != 'Current'
    assert not [r for r in sim.rows('CTM:People Permission Groups') if r['Person ID'] == person_id]
    assert not [r for r in sim.rows('CTM:Support Group Association') if r['Person ID'] == person_id]
    assert not [r for r in sim.rows('CTM:SupportGroupFunctionalRole') if r['Person ID'] == person_id]
    sim.clear_log()
    again = person(sim, login_id='allen', state='obsolete')
    assert (again['changed'], again['action']) == (False, 'unchanged') and 'nothing to obsolete' in again['msg']
    by_id = person(sim, person_id=person_id, state='obsolete')
    assert (by_id['changed'], by_id['action']) == (False, 'unchanged')
    assert writes(sim) == []


def test_an_obsoleted_person_is_re_enabled_by_person_id(itsm):
    person_id = itsm.person('mary')['Person ID']
    person(itsm, login_id='mary', state='obsolete')
    result = converge(itsm, dict(person_id=person_id, login_id='mary', profile_status='Enabled'), 'updated')
    assert result['person']['login_id'] == 'mary' and itsm.user('mary')['Status'] == 'Current'
    assert len([row for row in itsm.rows('CTM:People') if row['Remedy Login ID'] == 'mary']) == 1


def test_absent_marks_delete_then_deletes(itsm):
    result = converge(itsm, dict(login_id='mary', state='absent'), 'deleted')
    assert [s['action'] for s in result['steps']] == ['updated', 'deleted']
    assert itsm.person('mary') is None


def test_info_reads_people_with_their_groups(itsm):
    result = run_module('helix_person_info', connection(itsm, login_id=['allen', 'mary', 'ghost']))
    assert result['count'] == 2
    allen, mary = sorted(result['people'], key=lambda p: p['login_id'])
    assert allen['person_id'] == 'PPL000000000001' and allen['support_staff'] is True
    assert allen['permission_groups'] == ['Incident User', 'Calbro Services']
    assert allen['support_groups'][0]['group'] == 'Service Desk' and allen['support_groups'][0]['default'] is True
    assert mary['permission_groups'] == [] and mary['support_groups'] == [] and mary['support_staff'] is False
    customers = run_module('helix_person_info', connection(itsm, filters={'Client Type': 'Customer'}))
    assert [p['person_id'] for p in customers['people']] == ['PPL000000000003']
    assert run_module('helix_person_info', connection(itsm, limit=2))['count'] == 2
    assert run_module('helix_person_info', connection(itsm, login_id=[]))['count'] == 0


def test_appending_a_default_support_group_takes_the_default_from_the_other(itsm):
    result = converge(itsm, dict(login_id='allen', append=True, support_groups=[dict(NETWORK, default=True)]),
                      'updated')
    defaults = [(g['group'], g['default']) for g in result['person']['support_groups']]
    assert sorted(defaults) == [('Network Support', True), ('Service Desk', False)]
    rows = [row for row in itsm.rows('CTM:Support Group Association') if row['Login ID'] == 'allen']
    assert sorted((row['Support Group ID'], row['Default']) for row in rows) == [
        ('SGP000000000001', 'No'), ('SGP000000000002', 'Yes')]


def test_leaving_support_with_groups_needing_a_license_fails_before_any_write(itsm):
    result = person(itsm, login_id='allen', support_staff=False, permission_groups=['Incident User'])
    assert result['failed'] and 'needs a Fixed/Floating license' in result['msg'] and "'Read'" in result['msg']
    assert writes(itsm) == []
    kept = converge(itsm, dict(login_id='allen', support_staff=False, permission_groups=['Knowledge User']),
                    'updated')
    assert kept['person']['permission_groups'] == ['Knowledge User']
    assert itsm.user('allen')['Group List'] == '1000000005;'


def test_a_refused_write_names_the_step_and_what_was_done_before_it(itsm):
    itsm.configure(forbidden_fields=['Support Group Association Role'])
    result = person(itsm, **JDOE)
    assert result['failed'] and result['action'] == 'failed' and result['changed'] is True
    assert 'add support group Calbro Services / IT Support / Service Desk' in result['msg']
    assert result['done'][0] == 'create the person' and len(result['done']) == 3
    assert result['ar_messages'][0]['number'] == 333
    itsm.configure(forbidden_fields=[])
    finished = person(itsm, **JDOE)
    assert finished['action'] == 'updated'
    assert [(s['form'], s['action']) for s in finished['steps']] == [('CTM:Support Group Association', 'created')]
    assert person(itsm, **JDOE)['changed'] is False


def test_a_tenant_without_itsm_is_named_as_such(sim):
    result = person(sim, **JDOE)
    assert result['failed'] and 'does not run Helix ITSM' in result['msg'] and 'helix_user' in result['msg']
    assert writes(sim) == []
    info = run_module('helix_person_info', connection(sim, login_id=['allen']))
    assert info['failed'] and 'does not run Helix ITSM' in info['msg']


def test_info_by_query_with_more_fields_and_sort(itsm):
    result = run_module('helix_person_info', connection(
        itsm, query="'Company' = \"Calbro Services\"", fields=['Default Notify Mechanism'],
        sort='Remedy Login ID.desc'))
    assert [p['login_id'] for p in result['people']] == ['mary', 'allen']
    assert result['people'][1]['values']['Default Notify Mechanism'] == 'Email'
    assert result['people'][0]['site'] == 'Calbro Europe' and result['people'][0]['site_id'] == 'STE_00000000002'


def test_labels_are_checked_before_any_request_and_written_as_spelled(itsm):
    result = person(itsm, login_id='mary', license_type='Gold', profile_status='Gone')
    assert result['failed'] and "license_type 'Gold' is not one of" in result['msg']
    assert "profile_status 'Gone'" in result['msg'] and itsm.log == []
    person(itsm, login_id='mary', license_type='fixed', profile_status='OFFLINE')
    (put,) = writes(itsm)
    assert put['values'] == {'License Type': 'Fixed', 'Profile Status': 'Offline'}
    assert itsm.person('mary')['License Type'] == 'Fixed'


def test_a_login_differing_only_by_case_is_never_taken_nor_twinned(itsm):
    itsm.configure(case_sensitive=False)
    for state in ('present', 'obsolete'):
        result = person(itsm, login_id='Allen', last_name='Allbrook', company='Calbro Services', state=state)
        assert result['failed'] and "'allen', which differs only by case" in result['msg']
    assert writes(itsm) == []


def test_a_site_of_another_company_is_copied_with_a_warning(itsm):
    result = person(itsm, login_id='mary', site='Petramco Paris')
    assert result['action'] == 'updated'
    assert "belongs to the company 'Petramco'" in repr(result.get('warnings')), result
    stored = itsm.person('mary')
    assert (stored['Site ID'], stored['Site City']) == ('STE_00000000003', 'Paris')
    assert stored['Company'] == 'Calbro Services'
    assert result['person']['values']['Site ID'] == 'STE_00000000003'
