# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""People of the CTM:People form on Helix ITSM tenants: declaring a person, planning, applying, reading.

On Helix ITSM tenants CTM:People is the source of truth; its workflow writes the User form. A person
is a CTM:People entry (its entry id, field 1, is the Person ID), with rows of
CTM:People Permission Groups (names and ids from LIC:SYS-License Permission Map) and of
CTM:Support Group Association (groups from CTM:Support Group).

- declaration_problems checks a task without a server.
- plan_person reads what it needs and returns a PersonPlan: the ordered writes (steps), the action and
  the before/after of the declared options; nothing is written. apply_person_plan sends the steps.
- read_people reads people with their permission and support groups (helix_person_info).

Everything a step needs (site, company, permission groups, support groups) is resolved while planning,
so an unknown name fails the task before any write, in check mode too.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.entries import (
    ENTRY_ID_FIELD,
    EntryError,
    read_form_entries,
    text_key,
)
from ansible_collections.helix.users.plugins.module_utils.errors import HelixError
from ansible_collections.helix.users.plugins.module_utils.qualification import all_of, chunked_any_of, equals

PEOPLE_FORM = 'CTM:People'
SITE_FORM = 'SIT:Site'
MAP_FORM = 'LIC:SYS-License Permission Map'
PERMISSION_FORM = 'CTM:People Permission Groups'
SUPPORT_GROUP_FORM = 'CTM:Support Group'
ASSOCIATION_FORM = 'CTM:Support Group Association'
COMPANY_FORM = 'COM:Company'

PERSON_ID = 'Person ID'
LOGIN_ID = 'Remedy Login ID'
PROFILE_STATUS = 'Profile Status'
SUPPORT_STAFF = 'Support Staff'
LICENSE_TYPE = 'License Type'
SITE = 'Site'
SITE_ID = 'Site ID'
SITE_DETAILS = ('Site Address', 'Site City', 'Site State Province', 'Site Zip/Postal Code', 'Site Country')
YES, NO = 'Yes', 'No'

# option -> CTM:People field
OPTION_FIELDS = (
    ('login_id', LOGIN_ID),
    ('first_name', 'First Name'),
    ('last_name', 'Last Name'),
    ('email', 'Internet E-mail'),
    ('company', 'Company'),
    ('organization', 'Organization'),
    ('department', 'Department'),
    ('site', SITE),
    ('client_type', 'Client Type'),
    ('profile_status', PROFILE_STATUS),
    ('support_staff', SUPPORT_STAFF),
    ('license_type', LICENSE_TYPE),
    ('full_text_license_type', 'Full Text License Type'),
)
FIELD_OF_OPTION = dict(OPTION_FIELDS)
OPTION_OF_FIELD = dict((field, option) for option, field in OPTION_FIELDS)
# Fields `fields` may not name: those of an option, the site copies, the id and the derived Full Name.
RESERVED_FIELDS = [field for _option, field in OPTION_FIELDS] + [SITE_ID] + list(SITE_DETAILS) + [
    PERSON_ID, 'Full Name', ENTRY_ID_FIELD, '4', '7']
SELECTION_FIELDS = ('Profile Status', 'Client Type', 'Support Staff', 'License Type', 'Full Text License Type',
                    'Assignment Availability', 'Default Notify Mechanism')
_SELECTIONS_FOLDED = set(field.casefold() for field in SELECTION_FIELDS)
INFO_FIELDS = [field for _option, field in OPTION_FIELDS] + ['Full Name', SITE_ID]
ROLES = ('Member', 'Associate Member')
# Labels of the selection options, checked (in any case) before any request and written as spelled here.
LABELS = {
    'profile_status': ('Proposed', 'Enabled', 'Offline', 'Obsolete', 'Archive', 'Delete'),
    'license_type': ('Read', 'Fixed', 'Floating', 'Restricted Read'),
    'full_text_license_type': ('None', 'Fixed', 'Floating'),
}
LOGIN_FORBIDDEN_CHARACTERS = ('&', '?')
DEFAULT_PROFILE_STATUS = 'Enabled'
OBSOLETE_STATUS = 'Obsolete'
DELETE_STATUS = 'Delete'
# the license a permission group needs (the map's License Type) -> the person licenses that satisfy it
NEEDS = {'none': (), 'fixed/floating': ('Fixed', 'Floating'), 'fixed': ('Fixed',), 'floating': ('Floating',)}


class PersonError(EntryError):
    """A person task that can not be carried out; nothing was written unless `result` says otherwise."""


# ---------------------------------------------------------------------- comparing
def fold(value):
    return None if value is None or value == '' else str(value).strip().casefold()


def values_equal(field, declared, stored):
    """Selections compare by label, case-insensitively; other fields as text ('' and null equal)."""
    if str(field).casefold() in _SELECTIONS_FOLDED:
        return fold(declared) == fold(stored)
    return text_key(declared) == text_key(stored)


def yes_no(value):
    """support_staff as the People form stores it."""
    if value is None:
        return None
    return YES if value else NO


def is_yes(value):
    return fold(value) in ('yes', '0')


# ---------------------------------------------------------------------- the declaration
def declaration_problems(params):
    """Problems of a helix_person task found without a server; [] when it is usable."""
    problems = []
    login = params.get('login_id')
    person_id = params.get('person_id')
    if login is not None and not str(login).strip():
        problems.append('login_id is blank (%r): a template that rendered nothing must never choose a person' % (login,))
    elif login is not None:
        if any(character in login for character in LOGIN_FORBIDDEN_CHARACTERS) or login.strip().casefold() == 'system':
            problems.append('login_id %r is not a valid Remedy Login ID: it may not contain & or ? and may not be'
                            ' System' % login)
    if person_id is not None and not str(person_id).strip():
        problems.append('person_id is blank (%r)' % (person_id,))
    if login is None and person_id is None:
        problems.append('give login_id (the Remedy Login ID) or person_id')
    reserved = dict((str(field).casefold(), field) for field in RESERVED_FIELDS)
    for field, value in (params.get('fields') or {}).items():
        if not isinstance(field, str) or not field.strip():
            problems.append('fields has an empty field name (%r)' % (field,))
            continue
        owner = reserved.get(field.strip().casefold())
        if owner is not None:
            option = OPTION_OF_FIELD.get(owner)
            if option:
                reason = 'use the option %s' % option
            elif owner in SITE_DETAILS + (SITE_ID,):
                reason = 'it is copied from SIT:Site with the option site'
            else:
                reason = 'it is set by the module or the server'
            problems.append('fields may not name %r: %s' % (field, reason))
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            problems.append('fields %r must be a string, a number or null, got %r' % (field, value))
    for option in sorted(LABELS):
        value = params.get(option)
        if value is not None and canonical_label(option, value) is None:
            problems.append('%s %r is not one of %s' % (option, value, ', '.join(LABELS[option])))
    for name in params.get('permission_groups') or []:
        if name is None or not str(name).strip():
            problems.append('permission_groups has an empty name (%r); only permission_groups: [] removes them all'
                            % (name,))
    support_groups = params.get('support_groups')
    if support_groups:
        defaults = [group for group in support_groups if group.get('default')]
        if len(defaults) > 1:
            problems.append('support_groups: at most one group may be the default, %d are' % len(defaults))
        for group in support_groups:
            for part in ('company', 'organization', 'group'):
                if not str(group.get(part) or '').strip():
                    problems.append('support_groups item %r has no %s' % (group, part))
        if params.get('support_staff') is False:
            problems.append('support_groups are for support staff only, and support_staff is false')
    return problems


def canonical_label(option, value):
    """The label of a selection option as BMC spells it (any case declared), or None when it is no such label."""
    for label in LABELS[option]:
        if fold(label) == fold(value):
            return label
    return None


def declared_values(params):
    """The CTM:People values the task declares (AR field -> value), site not yet resolved."""
    values = {}
    for option, field in OPTION_FIELDS:
        value = params.get(option)
        if value is None:
            continue
        if option == 'support_staff':
            value = yes_no(value)
        elif option in LABELS:
            value = canonical_label(option, value) or value
        values[field] = value
    values.update(params.get('fields') or {})
    return values


# ---------------------------------------------------------------------- reading
def _read(client, form, q, fields, limit=0):
    return read_form_entries(client, form, query=q, fields=fields, limit=limit)


def person_fields(extra=()):
    return list(dict.fromkeys(INFO_FIELDS + list(SITE_DETAILS) + list(extra)))


def find_person(client, login_id=None, person_id=None, extra_fields=()):
    """The one person ({'entry_id', 'values'}) by Person ID, else by Remedy Login ID (exact); None when none."""
    fields = person_fields(extra_fields)
    if person_id is not None:
        found = _read(client, PEOPLE_FORM, equals(ENTRY_ID_FIELD, person_id), fields, limit=2)
        found = [entry for entry in found if entry['entry_id'] == person_id] or found
        if not found:
            return None
        return found[0]
    matched = _read(client, PEOPLE_FORM, equals(LOGIN_ID, login_id), fields, limit=101)
    found = [entry for entry in matched if entry['values'].get(LOGIN_ID) == login_id]
    others = sorted(set(str(entry['values'].get(LOGIN_ID)) for entry in matched if entry not in found))
    if not found and others:
        # a tenant matching logins case-insensitively: never take one login for another, never create a twin
        raise PersonError('nothing was written: no person has the Remedy Login ID %r, but the tenant matches it to %s,'
                          ' which differs only by case; declare the login exactly as stored' % (
                              login_id, ', '.join(repr(other) for other in others)), result=dict(others=others))
    if len(found) > 1:
        raise PersonError('nothing was written: %d people of CTM:People have the Remedy Login ID %r; a login must'
                          ' find one person (give person_id)' % (len(found), login_id),
                          result=dict(match_count=len(found)))
    return found[0] if found else None


def permission_rows(client, person_id):
    return _read(client, PERMISSION_FORM, equals(PERSON_ID, person_id),
                 [PERSON_ID, 'Login ID', 'Permission Group', 'Permission Group ID', 'Permission Group Type',
                  LICENSE_TYPE, 'Status'])


def association_rows(client, person_id):
    return _read(client, ASSOCIATION_FORM, equals(PERSON_ID, person_id),
                 [PERSON_ID, 'Login ID', 'Support Group ID', 'Support Group Association Role', 'Default', 'Status'])


def resolve_site(client, name, company):
    """The SIT:Site entry of a site name (narrowed by company when several share it); PersonError otherwise."""
    found = [entry for entry in _read(client, SITE_FORM, equals(SITE, name),
                                      [SITE, 'Company', 'Status'] + list(SITE_DETAILS), limit=101)
             if fold(entry['values'].get(SITE)) == fold(name)]
    if len(found) > 1 and company:
        found = [entry for entry in found if fold(entry['values'].get('Company')) == fold(company)]
    if not found:
        raise PersonError('nothing was written: no site of SIT:Site is named %r' % name)
    if len(found) > 1:
        raise PersonError('nothing was written: %d sites of SIT:Site are named %r%s; give the company' % (
            len(found), name, ' for company %r' % company if company else ''))
    site = found[0]
    values = {SITE: site['values'].get(SITE), SITE_ID: site['entry_id'] or site['values'].get(SITE_ID),
              'Company': site['values'].get('Company')}
    values.update((field, site['values'].get(field)) for field in SITE_DETAILS)
    return values


def company_known(client, company):
    """Whether the tenant knows the company, asked before any write.

    Companies live in COM:Company on tenants; this module first asks LIC:SYS-License Permission Map for a
    company permission group of that name (ITSM makes one for every company), then COM:Company. When
    neither form knows it, the company is taken as unknown.
    """
    q = all_of(equals('Permission Group', company), equals('Permission Group Type', 'Company'))
    if any(fold(entry['values'].get('Permission Group')) == fold(company)
           for entry in _read(client, MAP_FORM, q, ['Permission Group', 'Permission Group Type'], limit=10)):
        return True
    try:
        rows = _read(client, COMPANY_FORM, equals('Company', company), ['Company'], limit=10)
    except HelixError as exc:
        if exc.status == 404 or exc.has_number(303):
            return False  # no COM:Company form to ask (the simulator keeps companies as a list)
        raise
    return any(fold(entry['values'].get('Company')) == fold(company) for entry in rows)


def resolve_permission_groups(client, names):
    """{folded name: map values with 'name'} of the declared names; PersonError naming the unknown ones."""
    wanted = list(dict.fromkeys(str(name).strip() for name in names))
    found = {}
    for q in chunked_any_of('Permission Group', wanted):
        for entry in _read(client, MAP_FORM, q, ['Permission Group', 'Permission Group ID', LICENSE_TYPE,
                                                 'Permission Group Type']):
            found.setdefault(fold(entry['values'].get('Permission Group')), entry['values'])
    unknown = [name for name in wanted if fold(name) not in found]
    if unknown:
        raise PersonError('nothing was written: no permission group of LIC:SYS-License Permission Map is named %s'
                          % ', '.join(repr(name) for name in unknown), result=dict(unknown=unknown))
    return dict((fold(name), found[fold(name)]) for name in wanted)


def resolve_support_group(client, group):
    q = all_of(equals('Company', group['company']), equals('Support Organization', group['organization']),
               equals('Support Group Name', group['group']))
    found = _read(client, SUPPORT_GROUP_FORM, q, ['Company', 'Support Organization', 'Support Group Name', 'Status'],
                  limit=3)
    if len(found) != 1:
        raise PersonError('nothing was written: %s support group of CTM:Support Group is %s / %s / %s' % (
            'no' if not found else 'more than one', group['company'], group['organization'], group['group']))
    return found[0]


def support_group_names(client, ids):
    """{Support Group ID: {'company', 'organization', 'group'}} of the ids."""
    names = {}
    for q in chunked_any_of(ENTRY_ID_FIELD, sorted(set(ids))):
        for entry in _read(client, SUPPORT_GROUP_FORM, q, ['Company', 'Support Organization', 'Support Group Name']):
            values = entry['values']
            names[entry['entry_id']] = dict(company=values.get('Company'), organization=values.get(
                'Support Organization'), group=values.get('Support Group Name'))
    return names


# ---------------------------------------------------------------------- the plan
class Step(object):
    """One write: form, action (created/updated/deleted), entry id (None for a create), values, and what it does."""

    def __init__(self, form, action, entry_id=None, write=None, what='', needs_person_id=False):
        self.form = form
        self.action = action
        self.entry_id = entry_id
        self.write = write
        self.what = what
        self.needs_person_id = needs_person_id

    def as_dict(self):
        return dict(form=self.form, action=self.action, entry_id=self.entry_id, what=self.what)

    def __repr__(self):
        return 'Step(%s %s %s %r)' % (self.action, self.form, self.entry_id, self.write)


class PersonPlan(object):
    """What a helix_person task does: the steps in order, the overall action, and the diff of the declared options."""

    def __init__(self, action, person_id=None, steps=None, before=None, after=None, person=None, msg=None,
                 reread_rows=False):
        self.action = action
        self.person_id = person_id
        self.steps = list(steps or [])
        self.before = before or {}
        self.after = after or {}
        self.person = person or {}
        self.msg = msg
        self.warnings = []
        # after the person's write the rows are read again (the workflow removed them: change to non-support)
        self.reread_rows = reread_rows

    @property
    def changed(self):
        return bool(self.steps)

    @property
    def diff(self):
        return dict(before=dict(self.before), after=dict(self.after))


def _person_view(values, person_id):
    """A person as results show it: the option names, person_id and full_name."""
    view = dict(person_id=person_id)
    for option, field in OPTION_FIELDS:
        view[option] = values.get(field)
    view['support_staff'] = None if values.get(SUPPORT_STAFF) is None else is_yes(values.get(SUPPORT_STAFF))
    view['full_name'] = values.get('Full Name')
    view['site_id'] = values.get(SITE_ID)
    return view


def _diff_key(field):
    return OPTION_OF_FIELD.get(field, field)


def _diff_value(field, value):
    if field == SUPPORT_STAFF and value is not None:
        return is_yes(value)
    return value


def group_names_of(rows):
    return [row['values'].get('Permission Group') for row in rows if fold(row['values'].get('Status')) != 'disabled']


def support_view(rows, names):
    view = []
    for row in rows:
        values = row['values']
        group = dict(names.get(values.get('Support Group ID')) or dict(company=None, organization=None, group=None))
        group.update(role=values.get('Support Group Association Role'), default=is_yes(values.get('Default')),
                     support_group_id=values.get('Support Group ID'))
        view.append(group)
    return view


def _row_license(need, license_type, group_name):
    satisfying = NEEDS.get(fold(need) or 'none')
    if satisfying is None:
        satisfying = ()
    if not satisfying:
        return 'None'
    for license in satisfying:
        if fold(license) == fold(license_type):
            return license
    raise PersonError('nothing was written: the permission group %r needs a %s license, and the person\'s'
                      ' license_type is %r; declare license_type %s' % (
                          group_name, need, license_type, ' or '.join(satisfying)))


def plan_permission_rows(groups, append, rows, login, license_type):
    """Steps bringing the permission rows to the declared groups; (steps, names after)."""
    steps = []
    by_id = {}
    for row in rows:
        by_id.setdefault(str(row['values'].get('Permission Group ID')), []).append(row)
    wanted_ids = set()
    after = [] if not append else group_names_of(rows)
    for group in groups.values():
        group_id = str(group.get('Permission Group ID'))
        wanted_ids.add(group_id)
        row_license = _row_license(group.get(LICENSE_TYPE), license_type, group.get('Permission Group'))
        existing = by_id.get(group_id)
        if group.get('Permission Group') not in after:
            after.append(group.get('Permission Group'))
        if not existing:
            steps.append(Step(PERMISSION_FORM, 'created', write={
                PERSON_ID: None, 'Login ID': login, 'Permission Group': group.get('Permission Group'),
                'Permission Group ID': group.get('Permission Group ID'),
                'Permission Group Type': group.get('Permission Group Type'), LICENSE_TYPE: row_license,
                'Status': 'Enabled'}, what='add permission group %s' % group.get('Permission Group'),
                needs_person_id=True))
            continue
        stored = existing[0]['values']
        write = {}
        if fold(stored.get('Status')) != 'enabled':
            write['Status'] = 'Enabled'
        if fold(stored.get(LICENSE_TYPE) or 'None') != fold(row_license):
            write[LICENSE_TYPE] = row_license
        if write:
            steps.append(Step(PERMISSION_FORM, 'updated', existing[0]['entry_id'], write,
                              what='update permission group %s' % group.get('Permission Group')))
    if not append:
        for group_id, group_rows in by_id.items():
            for row in group_rows if group_id not in wanted_ids else group_rows[1:]:
                steps.append(Step(PERMISSION_FORM, 'deleted', row['entry_id'],
                                  what='remove permission group %s' % row['values'].get('Permission Group')))
    return steps, after


def plan_association_rows(declared, append, rows, login, names):
    """Steps bringing the support group associations to the declared ones; (steps, view after).

    :param declared: [(support group id, declared dict)].
    """
    steps = []
    by_id = {}
    for row in rows:
        by_id.setdefault(row['values'].get('Support Group ID'), []).append(row)
    wanted = set()
    for group_id, group in declared:
        wanted.add(group_id)
        role = group.get('role') or 'Member'
        default = YES if group.get('default') else NO
        existing = by_id.get(group_id)
        label = '%s / %s / %s' % (group['company'], group['organization'], group['group'])
        if not existing:
            steps.append(Step(ASSOCIATION_FORM, 'created', write={
                PERSON_ID: None, 'Login ID': login, 'Support Group ID': group_id,
                'Support Group Association Role': role, 'Default': default, 'Status': 'Enabled'},
                what='add support group %s' % label, needs_person_id=True))
            continue
        stored = existing[0]['values']
        write = {}
        if fold(stored.get('Support Group Association Role')) != fold(role):
            write['Support Group Association Role'] = role
        if is_yes(stored.get('Default')) != (default == YES):
            write['Default'] = default
        if fold(stored.get('Status')) != 'enabled':
            write['Status'] = 'Enabled'
        if write:
            steps.append(Step(ASSOCIATION_FORM, 'updated', existing[0]['entry_id'], write,
                              what='update support group %s' % label))
    if not append:
        for group_id, group_rows in by_id.items():
            for row in group_rows if group_id not in wanted else group_rows[1:]:
                steps.append(Step(ASSOCIATION_FORM, 'deleted', row['entry_id'],
                                  what='remove support group %s' % group_id))
    kept = [row for row in rows if append and row['values'].get('Support Group ID') not in wanted]
    if any(group.get('default') for _group_id, group in declared):
        # one default: a kept group that was the default no longer is
        for index, row in enumerate(kept):
            if is_yes(row['values'].get('Default')):
                steps.append(Step(ASSOCIATION_FORM, 'updated', row['entry_id'], {'Default': NO},
                                  what='make support group %s no longer the default'
                                  % row['values'].get('Support Group ID')))
                kept[index] = dict(row, values=dict(row['values'], Default=NO))
    after_rows = kept + [dict(entry_id=None, values={
        'Support Group ID': group_id, 'Support Group Association Role': group.get('role') or 'Member',
        'Default': YES if group.get('default') else NO}) for group_id, group in declared]
    return steps, support_view(after_rows, names)


def plan_person(client, params):
    """Read what the task needs and return its PersonPlan; sends no write. PersonError before any write."""
    state = params.get('state') or 'present'
    login = params.get('login_id')
    person_id = params.get('person_id')
    values = declared_values(params)
    try:
        current = find_person(client, login_id=login, person_id=person_id,
                              extra_fields=list(params.get('fields') or {}))
    except HelixError as exc:
        raise not_itsm(exc)
    if state == 'obsolete':
        return _plan_obsolete(client, params, current)
    if state == 'absent':
        return _plan_absent(client, params, current)
    return _plan_present(client, params, values, current)


def not_itsm(exc):
    """The error of a read of CTM:People: a tenant without the form (404, AR 303) is no Helix ITSM tenant."""
    if exc.status == 404 or exc.has_number(303):
        return PersonError('nothing was written: the tenant has no form CTM:People (%s): it does not run Helix ITSM;'
                           ' manage its users with helix.users.helix_user' % exc, status=exc.status,
                           messages=exc.messages)
    return exc


def _group_rows(client, current):
    if current is None or not current.get('entry_id'):
        return [], []
    return permission_rows(client, current['entry_id']), association_rows(client, current['entry_id'])


def _plan_present(client, params, values, current):
    stored = dict(current['values']) if current else {}
    person_id = current['entry_id'] if current else None
    if current is not None and not person_id:
        raise PersonError('nothing was written: the server returned no Person ID for the person %r' % (
            params.get('login_id'),))
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
    if params.get('support_groups') and not is_yes(support_after):
        raise PersonError('nothing was written: support_groups are for support staff only, and the person %r is not'
                          ' support staff (declare support_staff: true)' % (params.get('login_id') or person_id,))
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
            before[_diff_key(field)] = _diff_value(field, stored.get(field))
            after[_diff_key(field)] = _diff_value(field, value)
    if creating:
        before, after = dict(state='absent'), dict(after, state='present')
        steps.append(Step(PEOPLE_FORM, 'created', write=write, what='create the person'))
    elif write:
        steps.append(Step(PEOPLE_FORM, 'updated', person_id, write, what='update the person'))

    rows, associations = ([], []) if creating or leaving_support else _group_rows(client, current)
    stored_rows, stored_associations = (rows, associations)
    if leaving_support:
        stored_rows, stored_associations = _group_rows(client, current)
    names = support_group_names(client, [row['values'].get('Support Group ID') for row in stored_associations] + [
        group_id for group_id, _group in declared_support or []]) if (stored_associations or declared_support) else {}
    permission_after = group_names_of(rows)
    support_groups_after = support_view(associations, names)
    if groups is not None:
        row_steps, permission_after = plan_permission_rows(groups, params.get('append'), rows, login, license_type)
        steps.extend(row_steps)
    if declared_support is not None:
        row_steps, support_groups_after = plan_association_rows(declared_support, params.get('append'), associations,
                                                                login, names)
        steps.extend(row_steps)
    if groups is not None or leaving_support:
        before_names, after_names = group_names_of(stored_rows), permission_after
        if sorted(map(str, before_names)) != sorted(map(str, after_names)):
            before['permission_groups'], after['permission_groups'] = before_names, after_names
    if declared_support is not None or leaving_support:
        before_view = support_view(stored_associations, names)
        if _support_set(before_view) != _support_set(support_groups_after):
            before['support_groups'], after['support_groups'] = before_view, support_groups_after
    if creating:
        before = dict(state='absent')
    action = 'created' if creating else ('updated' if steps else 'unchanged')
    person_values = dict(stored)
    person_values.update(write)
    if leaving_support:
        person_values[LICENSE_TYPE] = 'Read'
    person = _person_view(person_values, person_id)
    person.update(permission_groups=permission_after, support_groups=support_groups_after,
                  values=dict(person_values))
    plan = PersonPlan(action, person_id, steps, before if steps else {}, after if steps else {}, person,
                      reread_rows=leaving_support)
    plan.warnings.extend(warnings)
    return plan


def _support_set(view):
    return sorted((str(group.get('support_group_id')), str(group.get('role')), bool(group.get('default')))
                  for group in view)


def _plan_obsolete(client, params, current):
    """BMC's offboarding: non-support (groups removed), Login ID removed, Profile Status Obsolete."""
    if current is None:
        return PersonPlan('unchanged', msg='no person has %s: nothing to obsolete' % (
            'the Person ID %r' % params['person_id'] if params.get('person_id') else 'the Remedy Login ID %r'
            % params.get('login_id')))
    stored = current['values']
    person_id = current['entry_id']
    rows, associations = _group_rows(client, current)
    steps, before, after = [], {}, {}
    support = is_yes(stored.get(SUPPORT_STAFF))
    if support:
        steps.append(Step(PEOPLE_FORM, 'updated', person_id, {SUPPORT_STAFF: NO},
                          what='change to non-support (the workflow removes support and permission groups)'))
        before['support_staff'], after['support_staff'] = True, False
    else:
        # not support staff, yet holding rows: remove them as the change to non-support would have
        steps.extend(Step(PERMISSION_FORM, 'deleted', row['entry_id'], what='remove permission group %s'
                          % row['values'].get('Permission Group')) for row in rows)
        steps.extend(Step(ASSOCIATION_FORM, 'deleted', row['entry_id'], what='remove support group %s'
                          % row['values'].get('Support Group ID')) for row in associations)
    if rows:
        before['permission_groups'], after['permission_groups'] = group_names_of(rows), []
    if associations:
        names = support_group_names(client, [row['values'].get('Support Group ID') for row in associations])
        before['support_groups'], after['support_groups'] = support_view(associations, names), []
    if stored.get(LOGIN_ID) not in (None, ''):
        steps.append(Step(PEOPLE_FORM, 'updated', person_id, {LOGIN_ID: None},
                          what='remove the Login ID (frees the license; the person can no longer log in)'))
        before['login_id'], after['login_id'] = stored.get(LOGIN_ID), None
    if fold(stored.get(PROFILE_STATUS)) != fold(OBSOLETE_STATUS):
        steps.append(Step(PEOPLE_FORM, 'updated', person_id, {PROFILE_STATUS: OBSOLETE_STATUS},
                          what='set Profile Status Obsolete'))
        before['profile_status'], after['profile_status'] = stored.get(PROFILE_STATUS), OBSOLETE_STATUS
    values = dict(stored)
    values.update({LOGIN_ID: None, PROFILE_STATUS: OBSOLETE_STATUS, SUPPORT_STAFF: NO})
    if support:
        values[LICENSE_TYPE] = 'Read'
    person = _person_view(values, person_id)
    person.update(permission_groups=[], support_groups=[])
    return PersonPlan('obsoleted' if steps else 'unchanged', person_id, steps, before, after, person,
                      reread_rows=support)


def _plan_absent(client, params, current):
    if current is None:
        return PersonPlan('unchanged', msg='no such person: nothing to delete')
    stored = current['values']
    person_id = current['entry_id']
    steps = []
    if fold(stored.get(PROFILE_STATUS)) != fold(DELETE_STATUS):
        steps.append(Step(PEOPLE_FORM, 'updated', person_id, {PROFILE_STATUS: DELETE_STATUS},
                          what='set Profile Status Delete'))
    steps.append(Step(PEOPLE_FORM, 'deleted', person_id, what='delete the person'))
    before = dict(state='present', login_id=stored.get(LOGIN_ID), profile_status=stored.get(PROFILE_STATUS))
    return PersonPlan('deleted', person_id, steps, before, dict(state='absent'), {})


# ---------------------------------------------------------------------- applying
def _send(client, step, plan, find_existing=None):
    try:
        if step.action == 'created':
            step.entry_id = client.create_entry(step.form, step.write, find_existing=find_existing)
        elif step.action == 'updated':
            client.update_entry(step.form, step.entry_id, step.write)
        else:
            client.delete_entry(step.form, step.entry_id)
    except HelixError as exc:
        if step.form == PEOPLE_FORM and step.action == 'deleted' and exc.status == 403:
            plan.warnings.append('the tenant does not allow deleting CTM:People entries (%s): the person %s is'
                                 ' kept with Profile Status Delete' % (exc, plan.person_id))
            plan.action = 'updated' if any(getattr(s, 'done', False) for s in plan.steps) else 'unchanged'
            return
        _fail(exc, step, plan)
    step.done = True


def _fail(exc, step, plan):
    done = [s.what for s in plan.steps if getattr(s, 'done', False)]
    unknown = exc.outcome_unknown
    msg = '%s: could not %s (%s %s)%s: %s' % (
        'outcome unknown' if unknown else 'failed', step.what, step.form, step.entry_id or 'new entry',
        '; done before it: %s' % ', '.join(done) if done else '; nothing was written before it', _refusal(exc, step))
    error = PersonError(msg, result=dict(changed=unknown or bool(done), action='unknown' if unknown else 'failed',
                                         person_id=plan.person_id, done=done),
                        status=exc.status, messages=exc.messages)
    error.outcome_unknown = unknown
    raise error


def _refusal(exc, step):
    if exc.has_number(10102):
        return 'the tenant does not know the company %r (%s)' % ((step.write or {}).get('Company'), exc)
    return str(exc)


def apply_person_plan(client, plan):
    """Send the plan's steps in order; fills Person IDs of rows after the person's create. Returns the plan."""
    index = 0
    while index < len(plan.steps):
        step = plan.steps[index]
        if step.needs_person_id:
            step.write[PERSON_ID] = plan.person_id
        find_existing = None
        login = (step.write or {}).get(LOGIN_ID) if step.form == PEOPLE_FORM and step.action == 'created' else None
        if login:
            def find_existing(login=login):
                found = find_person(client, login_id=login)
                return found['entry_id'] if found else None
        _send(client, step, plan, find_existing)
        if step.form == PEOPLE_FORM and step.action == 'created':
            plan.person_id = step.entry_id
            plan.person['person_id'] = step.entry_id
        index += 1
        if plan.reread_rows and step.form == PEOPLE_FORM and SUPPORT_STAFF in (step.write or {}):
            _remove_leftover_rows(client, plan, index)
    return plan


def _remove_leftover_rows(client, plan, index):
    """After a change to non-support: delete the rows the workflow left, unless a later step wants them."""
    later = set((s.form, s.entry_id) for s in plan.steps[index:])
    extra = []
    for form, rows in ((PERMISSION_FORM, permission_rows(client, plan.person_id)),
                       (ASSOCIATION_FORM, association_rows(client, plan.person_id))):
        extra.extend(Step(form, 'deleted', row['entry_id'], what='remove %s row %s left after the change to'
                          ' non-support' % (form, row['entry_id'])) for row in rows if (form, row['entry_id']) not in later)
    plan.steps[index:index] = extra


# ---------------------------------------------------------------------- info
def person_result(entry, rows, associations, names):
    person = _person_view(entry['values'], entry['entry_id'])
    person['permission_groups'] = group_names_of(rows)
    person['support_groups'] = support_view(associations, names)
    person['values'] = dict(entry['values'])
    return person


def read_people(client, login_ids=None, query=None, filters=None, fields=None, sort=None, limit=0, page_size=500):
    """People chosen by login ids (exact), query and filters (ANDed), each with its groups."""
    if login_ids is not None and not login_ids:
        return []
    read_fields = list(dict.fromkeys(person_fields() + list(fields or [])))
    entries, seen = [], set()
    qualifications = list(chunked_any_of(LOGIN_ID, login_ids)) if login_ids else [None]
    for q in qualifications:
        remaining = limit - len(entries) if limit else 0
        try:
            found = read_form_entries(client, PEOPLE_FORM, query=all_of(q, (query or '').strip()), filters=filters,
                                      fields=read_fields, sort=sort, limit=remaining, page_size=page_size)
        except HelixError as exc:
            raise not_itsm(exc)
        for entry in found:
            if login_ids and entry['values'].get(LOGIN_ID) not in login_ids:
                continue
            if entry['entry_id'] in seen:
                continue
            seen.add(entry['entry_id'])
            entries.append(entry)
        if limit and len(entries) >= limit:
            break
    ids = [entry['entry_id'] for entry in entries if entry['entry_id']]
    rows, associations = {}, {}
    for q in chunked_any_of(PERSON_ID, ids) if ids else []:
        for row in _read(client, PERMISSION_FORM, q, [PERSON_ID, 'Permission Group', 'Permission Group ID',
                                                      LICENSE_TYPE, 'Status']):
            rows.setdefault(row['values'].get(PERSON_ID), []).append(row)
        for row in _read(client, ASSOCIATION_FORM, q, [PERSON_ID, 'Support Group ID',
                                                       'Support Group Association Role', 'Default', 'Status']):
            associations.setdefault(row['values'].get(PERSON_ID), []).append(row)
    group_ids = [row['values'].get('Support Group ID') for group in associations.values() for row in group]
    names = support_group_names(client, group_ids) if group_ids else {}
    return [person_result(entry, rows.get(entry['entry_id'], []), associations.get(entry['entry_id'], []), names)
            for entry in entries]
