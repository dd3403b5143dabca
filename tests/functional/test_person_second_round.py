"""helix_person on real tenants, second round: the site as the two forms name it, fields a tenant's form lacks,
functional roles, support staff needing a support group, People fields by id."""

import pytest

from support import connection, metadata_reads, run_module, writes
from test_helix_person import JDOE, SERVICE_DESK, converge, person

ROLES = 'CTM:SupportGroupFunctionalRole'
LEAD = dict(company='Calbro Services', organization='IT Support', group='Service Desk', role='Support Group Lead')
NETWORK_LEAD = dict(LEAD, group='Network Support')
HOUSTON = {'Site Street': '1500 Main Street', 'Site City': 'Houston', 'Site State Province': 'Texas',
           'Site Zip/Postal Code': '77002', 'Site Country': 'United States',
           'Time Zone': '(GMT-06:00) Central Time (US & Canada)'}
SUPPORT = dict(JDOE)
del SUPPORT['permission_groups']


@pytest.fixture
def itsm(sim):
    sim.configure(itsm=True)
    sim.clear_log()
    return sim


def stored_roles(sim, login):
    return sorted((row['Support Group ID'], row['Functional Role'], row['Default'], row['Login ID'])
                  for row in sim.rows(ROLES) if row['Login ID'] == login)


# ------------------------------------------------------------------ 1. the site as SIT:Site and CTM:People name it
def test_the_site_is_read_from_sit_site_and_written_to_people_by_their_own_names(itsm):
    result = converge(itsm, SUPPORT, 'created')
    stored = itsm.person('jdoe')
    assert {name: stored[name] for name in HOUSTON} == HOUSTON and stored['Site ID'] == 'STE_00000000001'
    assert all('Site Address' not in r['query'].get('fields', '') for r in itsm.log)
    assert result['person']['values']['Time Zone'] == HOUSTON['Time Zone']
    assert all(r['status'] < 400 for r in itsm.log)


@pytest.mark.parametrize('metadata', ['served', '404'])
def test_a_detail_the_tenant_s_forms_lack_is_left_out_with_a_warning(itsm, metadata):
    itsm.configure(field_metadata=metadata, drop_fields=['SIT:Site=Time Zone', 'CTM:People=Site Street'])
    itsm.clear_log()
    result = person(itsm, **SUPPORT)
    assert result.get('failed') is not True, result
    warnings = repr(result['warnings'])
    assert "form SIT:Site of this tenant has no field 'Time Zone'" in warnings
    assert "form CTM:People of this tenant has no field 'Site Street'" in warnings
    (post,) = [w for w in writes(itsm) if w['form'] == 'CTM:People']
    assert 'Site Street' not in post['body_fields'] and 'Time Zone' not in post['body_fields']
    assert post['values']['Site City'] == 'Houston'
    refusals = [r for r in itsm.log if r['status'] == 400]
    # with the field metadata nothing is asked of a missing field; without it, each costs one refused read
    assert len(refusals) == (0 if metadata == 'served' else 2), refusals
    info = run_module('helix_person_info', connection(itsm, login_id=['jdoe', 'allen']))
    assert info['count'] == 2 and "no field 'Site Street'" in repr(info['warnings'])


# ------------------------------------------------------------------ 2. People fields by name or id, checked first
def test_people_fields_by_id_are_named_by_the_form_and_compare(itsm):
    # 1000000346 is Assignment Availability; a selection is declared by number or label alike
    converge(itsm, dict(login_id='mary', fields={'1000000346': '0'}), 'updated')
    assert itsm.person('mary')['Assignment Availability'] == 'Yes'
    itsm.clear_log()
    assert person(itsm, login_id='mary', fields={'Assignment Availability': 'yes'})['changed'] is False
    assert writes(itsm) == [] and len(metadata_reads(itsm)) == 1  # once per form and run


@pytest.mark.parametrize('fields, words', [
    ({'Assignment Availabilty': 'No'}, "fields names 'Assignment Availabilty', which is no field of form "
                                       "'CTM:People' (did you mean 'Assignment Availability'?)"),
    ({'1000000019': 'Maria'}, "fields may not name 'First Name': use the option first_name"),
    ({'Assignment Availability': 'Maybe'}, "'Maybe' is not a value of Assignment Availability of form 'CTM:People':"
                                           " one of Yes, No"),
])
def test_a_bad_people_field_fails_before_any_write(itsm, fields, words):
    result = person(itsm, login_id='mary', fields=fields)
    assert result['failed'] is True and words in result['msg'], result['msg']
    assert writes(itsm) == []


# ------------------------------------------------------------------ 5. support staff and functional roles
def test_a_support_person_without_a_support_group_is_refused_before_any_write(itsm):
    args = dict(SUPPORT)
    del args['support_groups']
    result = person(itsm, **args)
    assert result['failed'] is True and "'jdoe' would be support staff without a support group" in result['msg']
    result = person(itsm, login_id='allen', support_groups=[])
    assert result['failed'] is True and writes(itsm) == []


def test_functional_roles_are_created_compared_and_read_back(itsm):
    args = {**SUPPORT, 'functional_roles': [dict(LEAD, default=True)]}
    result = converge(itsm, args, 'created')
    assert [(s['form'], s['action']) for s in result['steps']] == [
        ('CTM:People', 'created'), ('CTM:Support Group Association', 'created'), (ROLES, 'created')]
    assert stored_roles(itsm, 'jdoe') == [('SGP000000000001', 'Support Group Lead', 'Yes', 'jdoe')]
    expected = dict(LEAD, default=True, support_group_id='SGP000000000001')
    assert result['person']['functional_roles'] == [expected]
    info = run_module('helix_person_info', connection(itsm, login_id=['jdoe', 'mary']))
    roles = dict((p['login_id'], p['functional_roles']) for p in info['people'])
    assert roles == {'jdoe': [expected], 'mary': []}


def test_functional_roles_replace_and_append(itsm):
    converge(itsm, dict(login_id='allen', functional_roles=[LEAD]), 'updated')
    assert stored_roles(itsm, 'allen') == [('SGP000000000001', 'Support Group Lead', 'No', 'allen')]
    result = converge(itsm, dict(login_id='allen', append=True, support_groups=[SERVICE_DESK, dict(
        company='Calbro Services', organization='IT Support', group='Network Support')],
        functional_roles=[dict(NETWORK_LEAD, default=True)]), 'updated')
    assert [r[:2] for r in stored_roles(itsm, 'allen')] == [('SGP000000000001', 'Support Group Lead'),
                                                            ('SGP000000000002', 'Support Group Lead')]
    assert len(result['diff']['after']['functional_roles']) == 2


def test_a_functional_role_outside_the_person_s_support_groups_is_refused_before_any_write(itsm):
    result = person(itsm, login_id='allen', functional_roles=[NETWORK_LEAD])
    assert result['failed'] is True and "would not belong to Calbro Services / IT Support / Network Support" in \
        result['msg']
    result = person(itsm, login_id='mary', functional_roles=[LEAD])
    assert result['failed'] is True and 'support staff' in result['msg']
    assert writes(itsm) == []


def test_the_account_of_the_run_keeps_its_functional_roles(itsm):
    # a person whose login is the account the module logs in as
    demo = {**SUPPORT, 'login_id': 'Demo', 'functional_roles': [LEAD]}
    assert person(itsm, **demo)['action'] == 'created'
    itsm.clear_log()
    result = person(itsm, login_id='Demo', functional_roles=[])
    assert result['failed'] is True and "'Demo' is the account this task logs in as" in result['msg']
    assert writes(itsm) == [] and stored_roles(itsm, 'Demo')


def test_rows_are_found_by_field_1_whatever_its_name(itsm):
    itsm.configure(entry_links=False)  # no self links: the association and role ids come from field 1
    result = converge(itsm, dict(login_id='allen', support_groups=[dict(SERVICE_DESK, default=False)],
                                 functional_roles=[dict(LEAD, role='Incident Manager', default=False)]), 'updated')
    assert [(s['form'], s['entry_id']) for s in result['steps']] == [
        ('CTM:Support Group Association', '000000000000001'), (ROLES, '000000000000001')]
    assert stored_roles(itsm, 'allen') == [('SGP000000000001', 'Incident Manager', 'No', 'allen')]
