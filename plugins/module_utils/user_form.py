# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The User form: its option table, selections, reserved fields, normalising and the checks of a user spec.

The table (OPTION_FIELDS) drives the per-user argument spec of helix_user, the fields its plans
read and compare, and what helix_user_info returns. Nothing here sends a request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.errors import REDACTED
from ansible_collections.helix.users.plugins.module_utils.fields import KNOWN_IDS
from ansible_collections.helix.users.plugins.module_utils.groups import split_group_list
from ansible_collections.helix.users.plugins.module_utils.reads import key_text as text_key

REQUEST_ID = 'Request ID'

USER_FORM = 'User'
LOGIN = 'Login Name'
STATUS = 'Status'
GROUP_LIST = 'Group List'
PASSWORD = 'Password'
MASK = REDACTED

# Module options that are User form fields, in the order diffs and results show them.
OPTION_FIELDS = (
    ('full_name', 'Full Name'),
    ('first_name', 'First Name'),
    ('last_name', 'Last Name'),
    ('email', 'Email Address'),
    ('phone', 'Phone Number'),
    ('license_type', 'License Type'),
    ('notify_mechanism', 'Default Notify Mechanism'),
    ('locale', 'Locale'),
    ('time_zone', 'Time Zone'),
    ('department', 'Department'),
    ('company', 'Company'),
    ('auth_string', 'Auth String'),
)

# What helix_user_info returns for each field, and fetches by default (the options above but the
# Auth String, plus the key, the groups and the status).
INFO_KEYS = (('request_id', REQUEST_ID), ('login_name', LOGIN), ('groups', GROUP_LIST), ('status', STATUS)) + tuple(
    pair for pair in OPTION_FIELDS if pair[0] != 'auth_string')
DEFAULT_INFO_FIELDS = [field for _key, field in INFO_KEYS if field != REQUEST_ID]  # field 1 is always read

# Selection fields of the User form: AR returns labels and accepts the label or the integer (so `fields` may give
# them by number, NUMERIC_FIELDS).
# Other selection fields set through `fields` compare by label: declare them by label.
SELECTIONS = {
    'License Type': ('Read', 'Fixed', 'Floating', 'Restricted Read'),
    'Full Text License Type': ('None', 'Fixed', 'Floating'),
    'Default Notify Mechanism': ('None', 'Alert', 'Email'),
    # The guide's labels. Real User forms label 1 Disabled (and have no 2 or 3): Status is compared and
    # written by its index, and shown with the tenant's own label (see StatusRule).
    STATUS: ('Current', 'Obsolete', 'Proposed', 'Deleted'),
}
NUMERIC_FIELDS = frozenset(SELECTIONS)
# Other labels of the same index, as other tenants name them.
SELECTION_ALIASES = {STATUS: {'disabled': 1}}
ACTIVE, DEACTIVATED = 0, 1  # the Status indexes of present and obsolete users

# Fields that have their own options (or are not writable) and so may not appear in `fields`.
RESERVED_FIELDS = {
    LOGIN: 'login_name', STATUS: 'state', PASSWORD: 'password', GROUP_LIST: 'groups', REQUEST_ID: None,
}
RESERVED_FIELDS.update((field, option) for option, field in OPTION_FIELDS)
# The same fields by their ids on the User form: AR accepts a field id wherever it takes a name.
FIELD_IDS = KNOWN_IDS['user']
_RESERVED_FOLDED = dict((field.casefold(), field) for field in RESERVED_FIELDS)
# Options whose values must be one of a selection's labels (or its number).
SELECTION_OPTIONS = (('license_type', 'License Type'), ('notify_mechanism', 'Default Notify Mechanism'))


# ---------------------------------------------------------------------- normalising
# {field: {folded label: index}}, with the other tenants' labels of the same index
_INDEX_OF_LABEL = dict((field, dict([(label.casefold(), index) for index, label in enumerate(labels)] + list(
    SELECTION_ALIASES.get(field, {}).items()))) for field, labels in SELECTIONS.items())
# selection_key of the text values seen, per field: a bulk run compares the same few labels 100,000s of times
_KEYS_SEEN = {}


def selection_key(field, value):
    """Comparable form of a selection value: its index when the label or number is known, else the folded text."""
    if value is None or value == '':
        return None
    if isinstance(value, str):
        seen = _KEYS_SEEN.setdefault(field, {})
        key = seen.get(value)
        if key is None:
            text = value.strip()
            key = int(text) if text.isdigit() else _INDEX_OF_LABEL.get(field, {}).get(text.casefold(), text.casefold())
            if len(seen) < 1000:  # labels are few; free text is not cached without bound
                seen[value] = key
        return key
    if isinstance(value, (bool, int)):
        return int(value)
    return selection_key(field, str(value))


def selection_label(field, value):
    """The label of a selection value for display and results (a value the table does not know is kept)."""
    key = selection_key(field, value)
    labels = SELECTIONS.get(field, ())
    if isinstance(key, int) and key < len(labels):
        return labels[key]
    return value


def values_equal(field, declared, current):
    if declared == current:
        return True  # the same value has the same key, whatever the field: the common case of a bulk run
    if field in SELECTIONS:
        return selection_key(field, declared) == selection_key(field, current)
    return text_key(declared) == text_key(current)


def display(field, value):
    """A stored value as results show it: a selection by its label; Status by the tenant's own label."""
    if field in SELECTIONS and field != STATUS:
        return selection_label(field, value)
    return value


def normalize_user(values, resolver=None, entry_id=None):
    """A user as helix_user_info returns it: option-named keys for the fetched fields, plus the raw values.

    :param entry_id: the entry's id as reads.entry_id found it; request_id is that id whenever it is known.
    """
    user = {}
    if entry_id is not None:
        user['request_id'] = entry_id
    for key, field in INFO_KEYS:
        if field not in values or key in user:
            continue
        if field == GROUP_LIST:
            ids = resolver.stored_ids(values[field]) if resolver else split_group_list(values[field])
            user['group_ids'] = ids
            user['groups'] = resolver.names(ids) if resolver else list(ids)
        else:
            user[key] = display(field, values[field])
    user['values'] = values
    return user


def normalize_users(entries, resolver):
    """normalize_user of each entry ({'entry_id', 'values'}), groups named through the resolver where read."""
    return [normalize_user(entry['values'], resolver if GROUP_LIST in entry['values'] else None,
                           entry_id=entry['entry_id']) for entry in entries]


# ---------------------------------------------------------------------- validating
def validate_spec(spec):
    """Problems of one user spec that need no server to find; [] when none."""
    problems = []
    login = spec.get('login_name')
    if not isinstance(login, str) or not login.strip():
        problems.append('login_name must be a non-empty string, got %r' % (login,))
    elif login != login.strip():
        problems.append('login_name %r has leading or trailing whitespace' % login)
    if spec.get('groups') is not None and not isinstance(spec['groups'], (list, tuple)):
        problems.append('groups must be a list of group names or ids, got %r' % (spec['groups'],))
    fields = spec.get('fields')
    if fields is not None and not isinstance(fields, dict):
        problems.append('fields must be a dict of AR field name to value, got %r' % (fields,))
    if isinstance(fields, dict):
        fields = spec['fields'] = _named_fields(fields, problems)
    for field in (fields or {}):
        reserved = reserved_field(field)
        if reserved is not None:
            option = RESERVED_FIELDS[reserved]
            named = '' if reserved == field else ' (%s)' % reserved
            problems.append('fields may not set %r%s: %s' % (
                field, named, 'use the option %s' % option if option else 'it is not writable'))
        elif not str(field).strip():
            problems.append('fields has an empty field name')
    for option, field in SELECTION_OPTIONS:
        problems.extend(selection_problems(option, field, spec.get(option)))
    for field, value in (fields or {}).items():
        if field in SELECTIONS:
            problems.extend(selection_problems('fields.%s' % field, field, value))
    groups = spec.get('groups')
    if isinstance(groups, (list, tuple)) and any(not split_group_list(group) for group in groups):
        problems.append('groups has an empty group name (a template that rendered nothing?): give group names or ids,'
                        ' or groups: [] to remove every group')
    if spec.get('append') and spec.get('groups') is None:
        problems.append('append needs groups')
    return problems


def _named_fields(fields, problems):
    """fields with every field id the User form table knows replaced by its name (values are read back by name,
    so a field set by id could never compare equal); an id it does not know stays, for the form's own field
    metadata to name (user_task.named_fields), never a guess."""
    named = {}
    for field, value in fields.items():
        name = field
        if str(field).strip().isdigit() and reserved_field(field) is None:
            name = FIELD_IDS.get(str(field).strip(), field)
            if name in fields and name != field:
                problems.append('fields names %r twice, by its name and by its id %r' % (name, field))
                continue
        named[name] = value
    return named


def fields_problems(fields):
    """Problems of a spec's fields once the form named them: a field an option manages (found by its id), an id
    still without a name (the tenant serves no field metadata)."""
    problems = []
    for field in fields:
        reserved = reserved_field(field)
        if str(field).strip().isdigit():
            problems.append('fields names the field %r by an id this module can not resolve to a name: give the'
                            ' field by its name (values are read back by name)' % field)
        elif reserved is not None:
            option = RESERVED_FIELDS[reserved]
            problems.append('fields may not set %r: %s' % (
                field, 'use the option %s' % option if option else 'it is not writable'))
    return problems


def reserved_field(field):
    """The reserved field a `fields` key names, by name in any case or by field id; None when it is free."""
    key = str(field).strip()
    return _RESERVED_FOLDED.get(FIELD_IDS.get(key, key).casefold())


def selection_problems(option, field, value):
    """[] when value is a label or number of the selection field, else the problem naming the allowed labels."""
    if value is None or value == '':
        return []
    key = selection_key(field, value)
    labels = SELECTIONS[field]
    if isinstance(key, int) and 0 <= key < len(labels):
        return []
    return ['%s %r is not a value of %r: one of %s (or its number, 0 to %d)' % (
        option, value, field, ', '.join(labels), len(labels) - 1)]


def passwords_in(options):
    """The password of a user's options, also when given through `fields` (by name or id), so it can be masked."""
    found = [options.get('password')]
    fields = options.get('fields')
    if isinstance(fields, dict):
        found.extend(value for field, value in fields.items() if reserved_field(field) == PASSWORD)
    return [str(value) for value in found if value not in (None, '')]


class StatusRule(object):
    """Which Status means present and which obsolete, and what to write for each.

    By default by index, whatever the tenant's labels: 0 is active and 1 deactivated on the guide's
    User form (Current, Obsolete) and on real ones (Current, Disabled), and both accept the index
    when written. A task may name the labels of a tenant that differs again (current_status,
    obsolete_status); those are then written and compared as given.
    """

    def __init__(self, current_status=None, obsolete_status=None):
        self.present = ACTIVE if current_status in (None, '') else current_status
        self.obsolete = DEACTIVATED if obsolete_status in (None, '') else obsolete_status

    def value(self, state):
        """The Status to write for a state option."""
        return self.present if state == 'present' else self.obsolete

    def is_state(self, status, state):
        return selection_key(STATUS, status) == selection_key(STATUS, self.value(state))

    def state_of(self, status):
        """The state option a stored Status stands for (present, obsolete), or the stored value when neither."""
        for state in ('present', 'obsolete'):
            if self.is_state(status, state):
                return state
        return status


# ---------------------------------------------------------------------- the argument spec
# The options that describe one user: helix_user's own in single mode, each item's in bulk mode.
USER_OPTIONS = dict(
    login_name=dict(type='str', aliases=['name']),
    state=dict(type='str', choices=['present', 'obsolete', 'absent'], default='present'),
    groups=dict(type='list', elements='str'),
    append=dict(type='bool', default=False),
    password=dict(type='str', no_log=True),
    update_password=dict(type='str', choices=['on_create', 'always'], default='on_create', no_log=False),
    fields=dict(type='dict'),
)
USER_OPTIONS.update((option, dict(type='str')) for option, _field in OPTION_FIELDS)
ITEM_SPEC = dict(USER_OPTIONS, login_name=dict(type='str', aliases=['name'], required=True))
FIELD_OPTIONS = [option for option, _field in OPTION_FIELDS] + ['groups', 'password', 'fields']
# Options items inherit from the module when they do not set them.
INHERITED = ('state', 'append', 'update_password')
# The columns a users_file in CSV may have, and how a cell is read.
CSV_COLUMNS = dict((option, option_spec['type']) for option, option_spec in ITEM_SPEC.items() if option != 'fields')
