# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan of a helix_person task: a writes.Change whose steps write CTM:People and its group rows.

plan_person reads what it needs (people_reads) and returns a PersonChange: the ordered steps, the
action and the before/after of the declared options; nothing is written. writes.execute checks and
sends the steps like those of any other form: rows created with a new person get its Person ID
from the person's create step, and after a change to non-support the rows the workflow left are
read again and removed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.people_form import (
    ASSOCIATION_FORM,
    DEFAULT_PROFILE_STATUS,
    DELETE_STATUS,
    FUNCTIONAL_ROLE_FORM,
    LICENSE_TYPE,
    LOGIN_ID,
    NO,
    OBSOLETE_STATUS,
    PEOPLE_FORM,
    PERMISSION_FORM,
    PERSON_ID,
    PROFILE_STATUS,
    SITE_DETAILS,
    SITE_ID,
    SUPPORT_STAFF,
    PersonError,
    declared_values,
    diff_key,
    diff_value,
    fold,
    group_names_of,
    is_yes,
    person_view,
    role_view,
    support_view,
    values_equal,
)
from ansible_collections.helix.users.plugins.module_utils.people_reads import (
    association_rows,
    company_known,
    find_person,
    permission_rows,
    resolve_permission_groups,
    role_rows,
    resolve_site,
    resolve_support_group,
    support_group_names,
)
from ansible_collections.helix.users.plugins.module_utils.people_rows import group_rows, plan_rows, role_removals
from ansible_collections.helix.users.plugins.module_utils.writes import Change, Step, proven_address


class PersonChange(Change):
    """What a helix_person task does: the steps in order, the overall action, the person as it will be.

    :param reread_rows: after the person's change to non-support, the rows the workflow left are read
        again and removed (unless a later step wants them).
    """

    def __init__(self, params, action, person_id=None, steps=None, before=None, after=None, person=None, msg=None,
                 reread_rows=False):
        super(PersonChange, self).__init__('person %r' % (params.get('login_id') or params.get('person_id'),), action,
                                           steps, before, after, entry_id=person_id, msg=msg)
        self.person = person or {}
        creates = [step for step in self.steps if step.form == PEOPLE_FORM and step.method == 'create']
        for step in self.steps:
            if step.values is not None and PERSON_ID in step.values and step.values[PERSON_ID] is None:
                if creates:
                    step.links[PERSON_ID] = creates[0]  # a row of the person this task creates
                else:
                    step.values[PERSON_ID] = person_id
            if reread_rows and step.form == PEOPLE_FORM and SUPPORT_STAFF in (step.values or {}):
                step.then = self._leftover_rows

    @property
    def person_id(self):
        return self.entry_id

    def settle(self):
        """After the steps were sent: a delete the tenant refused (kept with Profile Status Delete) is no deletion."""
        if self.action == 'deleted' and any(step.outcome == 'unchanged' for step in self.steps):
            self.action = 'updated' if self.done() else 'unchanged'
        self.person['person_id'] = self.person_id

    def _leftover_rows(self, client, step):
        """After a change to non-support: the rows the workflow left, unless a later step wants them."""
        later = set((other.form, other.entry_id) for other in self.steps[self.steps.index(step) + 1:])
        extra = []
        for form, rows in ((FUNCTIONAL_ROLE_FORM, role_rows(client, self.person_id)),
                           (PERMISSION_FORM, permission_rows(client, self.person_id)),
                           (ASSOCIATION_FORM, association_rows(client, self.person_id))):
            extra.extend(Step(form, 'delete', row['entry_id'], current=row['values'],
                              what='remove %s row %s left after the change to non-support' % (form, row['entry_id']))
                         for row in rows if (form, row['entry_id']) not in later)
        return extra


def _key_of(values):
    """What finds a person again: its Remedy Login ID (None: a person without one can not be found again)."""
    login = (values or {}).get(LOGIN_ID)
    return {LOGIN_ID: login} if login not in (None, '') else None


# ---------------------------------------------------------------------- the person
def plan_person(client, params):
    """Read what the task needs and return its PersonChange; sends no write. PersonError before any write."""
    state = params.get('state') or 'present'
    login = params.get('login_id')
    person_id = params.get('person_id')
    values = declared_values(params)
    current = find_person(client, login_id=login, person_id=person_id, extra_fields=list(params.get('fields') or {}),
                          declared=list(values))
    stored_login = current['values'].get(LOGIN_ID) if current and person_id is not None and login is not None else login
    if stored_login != login and (stored_login not in (None, '') or state != 'present'):
        # given both, they must name one person: only a person without a login may be given one (present)
        raise PersonError('nothing was written: the person with the Person ID %r has the Remedy Login ID %r, not %r;'
                          ' give the Person ID and the login of one person, or only one of them' % (
                              person_id, stored_login, login), result=dict(person_id=person_id))
    if current is not None and not current['entry_id']:
        # the rows of a person are found by its id: one the server did not show must be proven first
        current['entry_id'], problem = proven_address(client, PEOPLE_FORM, {LOGIN_ID: current['values'].get(LOGIN_ID)},
                                                      'find the groups of person %r' % (login or person_id,))
        if problem:
            raise PersonError('nothing was written: %s' % problem)
    if state == 'obsolete':
        return _plan_obsolete(client, params, current)
    if state == 'absent':
        return _plan_absent(client, params, current)
    return _plan_present(client, params, values, current)


def _plan_present(client, params, values, current):
    stored = dict(current['values']) if current else {}
    person_id = current['entry_id'] if current else None
    creating = current is None
    if creating and params.get('person_id') is not None:
        raise PersonError('nothing was written: no person has the Person ID %r; a Person ID is the server\'s own and'
                          ' can not be chosen on create (leave person_id out to create a person by login_id)'
                          % params['person_id'])
    if creating:
        problems = ['%s is required to create a person' % option for option in ('last_name', 'company')
                    if params.get(option) is None]
        if problems:
            raise PersonError('nothing was written: no person has the Remedy Login ID %r, and %s' % (
                params.get('login_id'), '; '.join(problems)), result=dict(problems=problems))
        values.setdefault(PROFILE_STATUS, DEFAULT_PROFILE_STATUS)
    company = values.get('Company', stored.get('Company'))
    warnings = []
    if 'Company' in values and (creating or not values_equal('Company', values['Company'], stored.get('Company'))):
        if not company_known(client, values['Company']):
            raise PersonError('nothing was written: the company %r is not a company of the tenant (neither'
                              ' LIC:SYS-License Permission Map nor COM:Company knows it)' % values['Company'])
    if params.get('site') is not None:
        site = resolve_site(client, params['site'], company)
        site_company = site.pop('Company', None)
        if company and site_company and fold(site_company) != fold(company):
            warnings.append('the site %r belongs to the company %r, not to the person\'s company %r' % (
                params['site'], site_company, company))
        values.update(site)

    support_after = values.get(SUPPORT_STAFF, stored.get(SUPPORT_STAFF))
    leaving_support = not creating and is_yes(stored.get(SUPPORT_STAFF)) and SUPPORT_STAFF in values and not is_yes(
        values[SUPPORT_STAFF])
    for option in ('support_groups', 'functional_roles'):
        if params.get(option) and not is_yes(support_after):
            raise PersonError('nothing was written: %s are for support staff only, and the person %r is not support'
                              ' staff (declare support_staff: true)' % (option, params.get('login_id') or person_id))
    if leaving_support and values.get(LICENSE_TYPE) not in (None, '') and fold(values[LICENSE_TYPE]) != fold('Read'):
        # the change to non-support makes the workflow set License Type Read, whatever the same write says:
        # declared together, the two would never converge
        raise PersonError('nothing was written: the person %r leaves support staff, which sets License Type Read;'
                          ' declare license_type Read (or leave it out), or keep support_staff true' % (
                              params.get('login_id') or person_id,))
    login = values.get(LOGIN_ID, stored.get(LOGIN_ID))
    # a change to non-support makes the workflow set License Type Read, whatever the same write says
    license_type = 'Read' if leaving_support else values.get(LICENSE_TYPE, stored.get(LICENSE_TYPE)) or 'Read'

    # resolve every name before planning any write
    groups = resolve_permission_groups(client, params['permission_groups']) \
        if params.get('permission_groups') is not None else None
    declared_support = None
    if params.get('support_groups') is not None:
        declared_support = [(resolve_support_group(client, group)['entry_id'], group)
                            for group in params['support_groups']]

    steps, before, after = [], {}, {}
    write = {}
    for field, value in values.items():
        if creating or not values_equal(field, value, stored.get(field)):
            write[field] = value
            if field in SITE_DETAILS or field == SITE_ID:
                continue
            before[diff_key(field)] = diff_value(field, stored.get(field))
            after[diff_key(field)] = diff_value(field, value)
    if creating:
        before, after = dict(state='absent'), dict(after, state='present')
        steps.append(Step(PEOPLE_FORM, 'create', values=write, key=_key_of(write), what='create the person'))
    elif write:
        steps.append(Step(PEOPLE_FORM, 'update', person_id, write, key=_key_of(stored), current=stored,
                          what='update the person'))

    rows_plan = plan_rows(client, params, current, login, license_type, groups, declared_support, leaving_support)
    steps[:0] = rows_plan['first']
    steps.extend(rows_plan['steps'])
    before.update(rows_plan['before'])
    after.update(rows_plan['after'])
    if is_yes(support_after) and not rows_plan['support_groups'] and (
            creating or SUPPORT_STAFF in values or declared_support is not None):
        raise PersonError('nothing was written: the person %r would be support staff without a support group; support'
                          ' staff must belong to at least one (declare support_groups)' % (
                              params.get('login_id') or person_id,))
    if creating:
        before = dict(state='absent')
    action = 'created' if creating else ('updated' if steps else 'unchanged')
    person_values = dict(stored)
    person_values.update(write)
    if leaving_support:
        person_values[LICENSE_TYPE] = 'Read'
    person = person_view(person_values, person_id)
    person.update(permission_groups=rows_plan['permission_groups'], support_groups=rows_plan['support_groups'],
                  functional_roles=rows_plan['functional_roles'], values=dict(person_values))
    plan = PersonChange(params, action, person_id, steps, before if steps else {}, after if steps else {}, person,
                        reread_rows=leaving_support)
    plan.warnings.extend(warnings)
    return plan


def _plan_obsolete(client, params, current):
    """BMC's offboarding: non-support (groups removed), Login ID removed, Profile Status Obsolete."""
    if current is None:
        return PersonChange(params, 'unchanged', msg='no person has %s: nothing to obsolete' % (
            'the Person ID %r' % params['person_id'] if params.get('person_id') else 'the Remedy Login ID %r'
            % params.get('login_id')))
    stored = current['values']
    person_id = current['entry_id']
    rows, associations, roles = group_rows(client, current)
    steps, before, after = [], {}, {}
    support = is_yes(stored.get(SUPPORT_STAFF))
    # functional roles first: the change to non-support may leave them (and any rows it leaves are removed after it)
    steps.extend(role_removals(roles))
    if support:
        steps.append(Step(PEOPLE_FORM, 'update', person_id, {SUPPORT_STAFF: NO}, key=_key_of(stored), current=stored,
                          what='change to non-support (the workflow removes support and permission groups)'))
        before['support_staff'], after['support_staff'] = True, False
    else:
        # not support staff, yet holding rows: remove them as the change to non-support would have
        steps.extend(Step(PERMISSION_FORM, 'delete', row['entry_id'], current=row['values'],
                          what='remove permission group %s' % row['values'].get('Permission Group')) for row in rows)
        steps.extend(Step(ASSOCIATION_FORM, 'delete', row['entry_id'], current=row['values'],
                          what='remove support group %s' % row['values'].get('Support Group ID'))
                     for row in associations)
    if rows:
        before['permission_groups'], after['permission_groups'] = group_names_of(rows), []
    if associations or roles:
        names = support_group_names(client, [row['values'].get('Support Group ID') for row in associations + roles])
        for key, view, held in (('support_groups', support_view, associations), ('functional_roles', role_view, roles)):
            if held:
                before[key], after[key] = view(held, names), []
    if stored.get(LOGIN_ID) not in (None, ''):
        steps.append(Step(PEOPLE_FORM, 'update', person_id, {LOGIN_ID: None}, key=_key_of(stored), current=stored,
                          rekeys=True, what='remove the Login ID (frees the license; the person can no longer log in)'))
        before['login_id'], after['login_id'] = stored.get(LOGIN_ID), None
    if fold(stored.get(PROFILE_STATUS)) != fold(OBSOLETE_STATUS):
        steps.append(Step(PEOPLE_FORM, 'update', person_id, {PROFILE_STATUS: OBSOLETE_STATUS}, key=_key_of(stored),
                          current=stored, what='set Profile Status Obsolete'))
        before['profile_status'], after['profile_status'] = stored.get(PROFILE_STATUS), OBSOLETE_STATUS
    values = dict(stored)
    values.update({LOGIN_ID: None, PROFILE_STATUS: OBSOLETE_STATUS, SUPPORT_STAFF: NO})
    if support:
        values[LICENSE_TYPE] = 'Read'
    person = person_view(values, person_id)
    person.update(permission_groups=[], support_groups=[], functional_roles=[])
    return PersonChange(params, 'obsoleted' if steps else 'unchanged', person_id, steps, before, after, person,
                        reread_rows=support)


def _plan_absent(client, params, current):
    if current is None:
        return PersonChange(params, 'unchanged', msg='no such person: nothing to delete')
    stored = current['values']
    person_id = current['entry_id']
    steps = []
    if fold(stored.get(PROFILE_STATUS)) != fold(DELETE_STATUS):
        steps.append(Step(PEOPLE_FORM, 'update', person_id, {PROFILE_STATUS: DELETE_STATUS}, key=_key_of(stored),
                          current=stored, what='set Profile Status Delete'))
    steps.append(Step(PEOPLE_FORM, 'delete', person_id, key=_key_of(stored), current=stored, what='delete the person',
                      optional='the tenant does not allow deleting CTM:People entries: the person %s is kept with'
                               ' Profile Status Delete' % person_id))
    before = dict(state='present', login_id=stored.get(LOGIN_ID), profile_status=stored.get(PROFILE_STATUS))
    return PersonChange(params, 'deleted', person_id, steps, before, dict(state='absent'), {})
