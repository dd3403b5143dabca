"""The planning of helix_person (module_utils/people_*.py) with a client double: no server."""

import re

import pytest

from support import NoFieldMetadata

from ansible_collections.helix.users.plugins.module_utils import people_form, people_reads
from ansible_collections.helix.users.plugins.module_utils.people_form import PersonError, declaration_problems, values_equal
from ansible_collections.helix.users.plugins.module_utils.people_plans import plan_person
from ansible_collections.helix.users.plugins.module_utils.writes import DONE, apply_change


def apply_person_plan(client, plan):
    apply_change(client, plan)
    plan.settle()
    return plan


CLAUSE = re.compile(r"'((?:[^']|'')+)' = \"((?:[^\"]|\"\")*)\"")


class Client(NoFieldMetadata):
    """Forms as lists of (entry id, values); reads answer ANDed equality clauses (an OR chain on one field)."""

    def __init__(self, forms):
        self.forms = forms
        self.reads, self.writes = [], []

    def list_entries(self, form, q=None, fields=None, sort=None, page_size=500, limit=0, ahead=False):
        self.reads.append((form, q))
        if form not in self.forms:
            from ansible_collections.helix.users.plugins.module_utils.errors import ARMessage, HelixAPIError
            raise HelixAPIError('no such form', status=404, messages=[ARMessage(number=303)])
        wanted = {}
        for field, value in CLAUSE.findall(q or ''):
            wanted.setdefault(field.replace("''", "'"), set()).add(value.replace('""', '"').casefold())
        for entry_id, values in self.forms[form]:
            row = dict(values, **{'1': entry_id})
            if all(str(row.get(field) or '').casefold() in options for field, options in wanted.items()):
                yield {'values': dict(values), '_links': {'self': [{'href': '/x/%s' % entry_id}]}}

    def create_entry(self, form, values, find_existing=None):
        self.writes.append(('POST', form, dict(values)))
        return 'NEW%d' % len(self.writes)

    def update_entry(self, form, entry_id, values):
        self.writes.append(('PUT', form, entry_id, dict(values)))

    def delete_entry(self, form, entry_id):
        self.writes.append(('DELETE', form, entry_id))

    def get_entry(self, form, entry_id, fields=None):
        return None

    @staticmethod
    def redact(text):
        return text


def tenant():
    return Client({
        'CTM:People': [('PPL1', {'Remedy Login ID': 'allen', 'Last Name': 'Allbrook', 'Company': 'Calbro Services',
                                 'Support Staff': 'Yes', 'License Type': 'Fixed', 'Profile Status': 'Enabled',
                                 'Client Type': 'Office-Based Employee'}),
                       ('PPL2', {'Remedy Login ID': 'mary', 'Last Name': 'Mann', 'Company': 'Calbro Services',
                                 'Support Staff': 'No', 'License Type': 'Read', 'Profile Status': 'Enabled'})],
        'SIT:Site': [('STE1', {'Site': 'HQ', 'Company': 'Calbro Services', 'City': 'Houston', 'Time Zone': 'CST'})],
        'LIC:SYS-License Permission Map': [
            ('M1', {'Permission Group': 'Incident User', 'Permission Group ID': 8, 'License Type': 'Fixed/Floating',
                    'Permission Group Type': 'Application'}),
            ('M2', {'Permission Group': 'Knowledge User', 'Permission Group ID': 5, 'License Type': 'None',
                    'Permission Group Type': 'Application'}),
            ('M3', {'Permission Group': 'Calbro Services', 'Permission Group ID': 101, 'License Type': 'None',
                    'Permission Group Type': 'Company'})],
        'CTM:People Permission Groups': [
            ('R1', {'Person ID': 'PPL1', 'Permission Group': 'Incident User', 'Permission Group ID': 8,
                    'License Type': 'Fixed', 'Status': 'Enabled'})],
        'CTM:Support Group': [('SGP1', {'Company': 'Calbro Services', 'Support Organization': 'IT Support',
                                        'Support Group Name': 'Service Desk'})],
        'CTM:Support Group Association': [
            ('A1', {'Person ID': 'PPL1', 'Support Group ID': 'SGP1', 'Support Group Association Role': 'Member',
                    'Default': 'Yes', 'Status': 'Enabled'})],
    })


def params(**values):
    base = dict((option, None) for option, _field in people_form.OPTION_FIELDS)
    base.update(person_id=None, fields=None, permission_groups=None, support_groups=None, append=False,
                state='present')
    base.update(values)
    return base


def test_labels_compare_case_insensitively_and_text_exactly():
    assert values_equal('Client Type', 'office-based employee', 'Office-Based Employee')
    assert values_equal('Support Staff', 'No', 'no')
    assert not values_equal('Last Name', 'mann', 'Mann')
    assert values_equal('Department', '', None)


def test_a_create_is_one_post_with_the_site_copied_and_rows_after_it():
    client = tenant()
    plan = plan_person(client, params(login_id='jdoe', last_name='Doe', company='calbro services', site='HQ',
                                      license_type='Floating', support_staff=True,
                                      permission_groups=['Incident User'], support_groups=[SERVICE_DESK]))
    assert client.writes == []
    assert plan.action == 'created' and [(s.form, DONE[s.method]) for s in plan.steps] == [
        ('CTM:People', 'created'), ('CTM:People Permission Groups', 'created'),
        ('CTM:Support Group Association', 'created')]
    create = plan.steps[0].values
    assert create['Site ID'] == 'STE1' and create['Site City'] == 'Houston' and create['Profile Status'] == 'Enabled'
    assert create['Time Zone'] == 'CST' and 'City' not in create and 'Site Address' not in create
    assert create['Support Staff'] == 'Yes'
    assert plan.steps[1].values['License Type'] == 'Floating'
    apply_person_plan(client, plan)
    assert client.writes[1][2]['Person ID'] == plan.person_id == 'NEW1'


SERVICE_DESK = dict(company='Calbro Services', organization='IT Support', group='Service Desk', role='Member',
                    default=True)


@pytest.mark.parametrize('declared', [dict(support_staff=True), dict(support_staff=True, support_groups=[])])
def test_a_support_person_without_a_support_group_is_refused_before_any_write(declared):
    client = tenant()
    with pytest.raises(PersonError, match="'jdoe' would be support staff without a support group"):
        plan_person(client, params(login_id='jdoe', last_name='Doe', company='Calbro Services', **declared))
    with pytest.raises(PersonError, match="'allen' would be support staff without a support group"):
        plan_person(client, params(login_id='allen', support_groups=[], support_staff=True))
    assert client.writes == []


def test_an_unchanged_person_plans_no_step():
    plan = plan_person(tenant(), params(login_id='allen', client_type='OFFICE-BASED EMPLOYEE', support_staff=True,
                                        permission_groups=['incident user'],
                                        support_groups=[dict(company='Calbro Services', organization='IT Support',
                                                             group='Service Desk', role='Member', default=True)]))
    assert plan.action == 'unchanged' and plan.steps == [] and plan.diff == {'before': {}, 'after': {}}


def test_groups_not_listed_are_removed_unless_append():
    plan = plan_person(tenant(), params(login_id='allen', permission_groups=['Knowledge User']))
    assert [(DONE[s.method], s.entry_id) for s in plan.steps] == [('created', None), ('deleted', 'R1')]
    assert plan.person['permission_groups'] == ['Knowledge User']
    plan = plan_person(tenant(), params(login_id='allen', append=True, permission_groups=['Knowledge User']))
    assert [(DONE[s.method], s.entry_id) for s in plan.steps] == [('created', None)]
    assert plan.person['permission_groups'] == ['Incident User', 'Knowledge User']


@pytest.mark.parametrize('args, words', [
    (dict(login_id='jdoe', last_name='Doe', company='Nowhere'), "company 'Nowhere'"),
    (dict(login_id='allen', site='Mars'), "named 'Mars'"),
    (dict(login_id='allen', permission_groups=['Wizard']), "'Wizard'"),
    (dict(login_id='mary', permission_groups=['Incident User']), 'needs a Fixed/Floating license'),
    (dict(login_id='mary', support_groups=[dict(company='Calbro Services', organization='IT Support',
                                                group='Service Desk')]), 'support staff only'),
])
def test_unknown_names_fail_before_any_write(args, words):
    client = tenant()
    with pytest.raises(PersonError, match=re.escape(words)):
        plan_person(client, params(**args))
    assert client.writes == []


def test_obsolete_is_bmc_sequence_and_nothing_for_a_missing_login():
    plan = plan_person(tenant(), params(login_id='allen', state='obsolete'))
    assert [s.values for s in plan.steps] == [{'Support Staff': 'No'}, {'Remedy Login ID': None},
                                              {'Profile Status': 'Obsolete'}]
    assert plan.after == {'support_staff': False, 'permission_groups': [], 'support_groups': [], 'login_id': None,
                          'profile_status': 'Obsolete'}
    plan = plan_person(tenant(), params(login_id='ghost', state='obsolete'))
    assert plan.action == 'unchanged' and 'nothing to obsolete' in plan.msg


def test_leftover_rows_after_non_support_are_deleted():
    client = tenant()
    plan = plan_person(client, params(login_id='allen', state='obsolete'))
    apply_person_plan(client, plan)  # the double has no workflow: the rows stay, the module removes them
    assert [w[0:3] for w in client.writes] == [
        ('PUT', 'CTM:People', 'PPL1'), ('DELETE', 'CTM:People Permission Groups', 'R1'),
        ('DELETE', 'CTM:Support Group Association', 'A1'), ('PUT', 'CTM:People', 'PPL1'),
        ('PUT', 'CTM:People', 'PPL1')]


def test_declaration_problems_need_no_server():
    assert declaration_problems(params(login_id='jdoe')) == []
    assert 'give login_id' in declaration_problems(params())[0]
    assert 'use the option email' in declaration_problems(params(login_id='x', fields={'INTERNET E-MAIL': 1}))[0]
    assert 'not a valid' in declaration_problems(params(login_id='System'))[0]
    assert 'support staff only' in declaration_problems(params(
        login_id='x', support_staff=False, support_groups=[dict(company='a', organization='b', group='c')]))[0]


def test_a_company_is_known_from_the_permission_map_or_com_company():
    client = tenant()
    assert people_reads.company_known(client, 'Calbro Services')
    assert not people_reads.company_known(client, 'Acme')  # no company group, and no COM:Company form to ask
    client.forms['COM:Company'] = [('C1', {'Company': 'Acme'})]
    assert people_reads.company_known(client, 'Acme') and not people_reads.company_known(client, 'Globex')
    assert client.writes == []


def test_obsolete_of_a_non_support_person_removes_their_rows_itself():
    client = tenant()
    client.forms['CTM:People Permission Groups'].append(
        ('R2', {'Person ID': 'PPL2', 'Permission Group': 'Knowledge User', 'Permission Group ID': 5,
                'License Type': 'None', 'Status': 'Enabled'}))
    plan = plan_person(client, params(person_id='PPL2', state='obsolete'))
    assert [(s.form, DONE[s.method], s.entry_id, s.values) for s in plan.steps] == [
        ('CTM:People Permission Groups', 'deleted', 'R2', None),
        ('CTM:People', 'updated', 'PPL2', {'Remedy Login ID': None}),
        ('CTM:People', 'updated', 'PPL2', {'Profile Status': 'Obsolete'})]
    assert plan.before['permission_groups'] == ['Knowledge User']


def test_absent_marks_delete_then_deletes_and_a_missing_person_is_unchanged():
    plan = plan_person(tenant(), params(login_id='mary', state='absent'))
    assert [(DONE[s.method], s.values) for s in plan.steps] == [('updated', {'Profile Status': 'Delete'}), ('deleted', None)]
    assert plan_person(tenant(), params(login_id='ghost', state='absent')).action == 'unchanged'


def test_a_tenant_refusing_the_delete_keeps_the_person_marked_delete_with_a_warning():
    from ansible_collections.helix.users.plugins.module_utils.errors import ARMessage, HelixAPIError

    class NoDelete(Client):
        def delete_entry(self, form, entry_id):
            raise HelixAPIError('No access to form', status=403, messages=[ARMessage(number=353)])

    client = NoDelete(tenant().forms)
    plan = apply_person_plan(client, plan_person(client, params(login_id='mary', state='absent')))
    assert plan.action == 'updated' and 'kept with Profile Status Delete' in plan.warnings[0]
    assert client.writes == [('PUT', 'CTM:People', 'PPL2', {'Profile Status': 'Delete'})]


def test_an_unknown_person_id_is_an_error_never_a_create():
    client = tenant()
    with pytest.raises(PersonError, match="no person has the Person ID 'PPL9'"):
        plan_person(client, params(person_id='PPL9', login_id='new', last_name='N', company='Calbro Services'))
    assert plan_person(client, params(person_id='PPL9', state='obsolete')).action == 'unchanged'
    assert client.writes == []
