# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CTM:People on Helix ITSM tenants: the form table, its labels, and the checks of a helix_person task.

On Helix ITSM tenants CTM:People is the source of truth; its workflow writes the User form. The
option table (OPTION_FIELDS) drives helix_person's argument spec, the fields it reads and what
it returns. Nothing here sends a request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.reads import FIELD_ONE as ENTRY_ID_FIELD
from ansible_collections.helix.users.plugins.module_utils.reads import key_text as text_key
from ansible_collections.helix.users.plugins.module_utils.writes import WriteError

PEOPLE_FORM = 'CTM:People'
SITE_FORM = 'SIT:Site'
MAP_FORM = 'LIC:SYS-License Permission Map'
PERMISSION_FORM = 'CTM:People Permission Groups'
SUPPORT_GROUP_FORM = 'CTM:Support Group'
ASSOCIATION_FORM = 'CTM:Support Group Association'
FUNCTIONAL_ROLE_FORM = 'CTM:SupportGroupFunctionalRole'
COMPANY_FORM = 'COM:Company'

PERSON_ID = 'Person ID'
LOGIN_ID = 'Remedy Login ID'
PROFILE_STATUS = 'Profile Status'
SUPPORT_STAFF = 'Support Staff'
LICENSE_TYPE = 'License Type'
SITE = 'Site'
SITE_ID = 'Site ID'
FUNCTIONAL_ROLE = 'Functional Role'
# The site's details as integrations that run against real servers copy them (docs/ar-api.md): SIT:Site and
# CTM:People name them differently, (SIT:Site field, CTM:People field).
SITE_COPIES = (('Street', 'Site Street'), ('City', 'Site City'), ('State Province', 'Site State Province'),
               ('Zip/Postal Code', 'Site Zip/Postal Code'), ('Country', 'Site Country'), ('Time Zone', 'Time Zone'))
SITE_SOURCES = tuple(source for source, _copy in SITE_COPIES)
SITE_DETAILS = tuple(copy for _source, copy in SITE_COPIES)
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
# Fields `fields` may not name: those of an option, the id and the derived Full Name (and with `site`, its copies).
RESERVED_FIELDS = [field for _option, field in OPTION_FIELDS] + [SITE_ID] + [
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


class PersonError(WriteError):
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
    reserved = dict((str(field).casefold(), field) for field in RESERVED_FIELDS + (
        list(SITE_DETAILS) if params.get('site') is not None else []))
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
    for role in params.get('functional_roles') or []:
        for part in ('company', 'organization', 'group', 'role'):
            if not str(role.get(part) or '').strip():
                problems.append('functional_roles item %r has no %s' % (role, part))
    if params.get('functional_roles') and params.get('support_staff') is False:
        problems.append('functional_roles are for support staff only, and support_staff is false')
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


def person_view(values, person_id):
    """A person as results show it: the option names, person_id and full_name."""
    view = dict(person_id=person_id)
    for option, field in OPTION_FIELDS:
        view[option] = values.get(field)
    view['support_staff'] = None if values.get(SUPPORT_STAFF) is None else is_yes(values.get(SUPPORT_STAFF))
    view['full_name'] = values.get('Full Name')
    view['site_id'] = values.get(SITE_ID)
    return view


def diff_key(field):
    return OPTION_OF_FIELD.get(field, field)


def diff_value(field, value):
    if field == SUPPORT_STAFF and value is not None:
        return is_yes(value)
    return value


def group_names_of(rows):
    return [row['values'].get('Permission Group') for row in rows if fold(row['values'].get('Status')) != 'disabled']


def support_view(rows, names, role_field='Support Group Association Role'):
    """Support group rows (associations, or functional roles with role_field 'Functional Role') as results show
    them: company, organization, group, role, default, support_group_id."""
    view = []
    for row in rows:
        values = row['values']
        group = dict(names.get(values.get('Support Group ID')) or dict(company=None, organization=None, group=None))
        group.update(role=values.get(role_field), default=is_yes(values.get('Default')),
                     support_group_id=values.get('Support Group ID'))
        view.append(group)
    return view


def role_view(rows, names):
    return support_view(rows, names, FUNCTIONAL_ROLE)


# ---------------------------------------------------------------------- the argument spec
SUPPORT_GROUP_OPTIONS = dict(
    company=dict(type='str', required=True),
    organization=dict(type='str', required=True),
    group=dict(type='str', required=True),
    role=dict(type='str', choices=list(ROLES), default='Member'),
    default=dict(type='bool', default=False),
)


FUNCTIONAL_ROLE_OPTIONS = dict(
    company=dict(type='str', required=True),
    organization=dict(type='str', required=True),
    group=dict(type='str', required=True),
    role=dict(type='str', required=True),
    default=dict(type='bool', default=False),
)


def argument_spec():
    """helix_person's options: one per row of the option table, and the lists, the key and the state."""
    spec = dict((option, dict(type='bool' if option == 'support_staff' else 'str')) for option, _field in OPTION_FIELDS)
    spec['login_id']['aliases'] = ['name']
    spec.update(
        person_id=dict(type='str'),
        fields=dict(type='dict'),
        permission_groups=dict(type='list', elements='str'),
        support_groups=dict(type='list', elements='dict', options=SUPPORT_GROUP_OPTIONS),
        functional_roles=dict(type='list', elements='dict', options=FUNCTIONAL_ROLE_OPTIONS),
        append=dict(type='bool', default=False),
        state=dict(type='str', choices=['present', 'obsolete', 'absent'], default='present'),
    )
    return spec
