# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The User form: option ↔ field mapping, normalising, comparing, and the plan of a user's change.

The plan is data (UserPlan): check mode returns it, diff mode renders it,
normal mode applies it (module_utils/bulk.py). Nothing here sends a request:
the group resolver handed in is the only thing that may read the server.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.ar_client import REQUEST_ID
from ansible_collections.helix.users.plugins.module_utils.entries import text_key
from ansible_collections.helix.users.plugins.module_utils.errors import REDACTED, HelixError
from ansible_collections.helix.users.plugins.module_utils.groups import join_group_list, split_group_list

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
DEFAULT_INFO_FIELDS = [field for _key, field in INFO_KEYS]

# Selection fields of the User form: AR returns labels and accepts the label or the integer.
# Other selection fields set through `fields` compare by label: declare them by label.
SELECTIONS = {
    'License Type': ('Read', 'Fixed', 'Floating', 'Restricted Read'),
    'Full Text License Type': ('None', 'Fixed', 'Floating'),
    'Default Notify Mechanism': ('None', 'Alert', 'Email'),
    # The guide's labels. Real User forms label 1 Disabled (and have no 2 or 3): Status is compared and
    # written by its index, and shown with the tenant's own label (see StatusRule).
    STATUS: ('Current', 'Obsolete', 'Proposed', 'Deleted'),
}
# Other labels of the same index, as other tenants name them.
SELECTION_ALIASES = {STATUS: {'disabled': 1}}
ACTIVE, DEACTIVATED = 0, 1  # the Status indexes of present and obsolete users

# Fields that have their own options (or are not writable) and so may not appear in `fields`.
RESERVED_FIELDS = {
    LOGIN: 'login_name', STATUS: 'state', PASSWORD: 'password', GROUP_LIST: 'groups', REQUEST_ID: None,
}
RESERVED_FIELDS.update((field, option) for option, field in OPTION_FIELDS)
# The same fields by their ids on the User form: AR accepts a field id wherever it takes a name.
FIELD_IDS = {'1': REQUEST_ID, '7': STATUS, '8': 'Full Name', '101': LOGIN, '102': PASSWORD, '103': 'Email Address',
             '104': GROUP_LIST, '108': 'Default Notify Mechanism', '109': 'License Type'}
_RESERVED_FOLDED = dict((field.casefold(), field) for field in RESERVED_FIELDS)
# Options whose values must be one of a selection's labels (or its number).
SELECTION_OPTIONS = (('license_type', 'License Type'), ('notify_mechanism', 'Default Notify Mechanism'))

# 'unknown': a write whose reply was lost and whose outcome could not be confirmed.
ACTIONS = ('created', 'updated', 'obsoleted', 'reactivated', 'deleted', 'unchanged', 'failed', 'unknown')
VERBS = {'created': 'create', 'updated': 'update', 'obsoleted': 'obsolete', 'reactivated': 'reactivate',
         'deleted': 'delete'}


class UserError(HelixError):
    """A failure about one user, its message naming the user."""


# ---------------------------------------------------------------------- normalising
def selection_key(field, value):
    """Comparable form of a selection value: its index when the label or number is known, else the folded text."""
    if value is None or value == '':
        return None
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        return int(value)
    text = str(value).strip().casefold()
    for index, label in enumerate(SELECTIONS.get(field, ())):
        if label.casefold() == text:
            return index
    return SELECTION_ALIASES.get(field, {}).get(text, text)


def selection_label(field, value):
    """The label of a selection value for display and results (a value the table does not know is kept)."""
    key = selection_key(field, value)
    labels = SELECTIONS.get(field, ())
    if isinstance(key, int) and key < len(labels):
        return labels[key]
    return value


def values_equal(field, declared, current):
    if field in SELECTIONS:
        return selection_key(field, declared) == selection_key(field, current)
    return text_key(declared) == text_key(current)


def display(field, value):
    """A stored value as results show it: a selection by its label; Status by the tenant's own label."""
    if field in SELECTIONS and field != STATUS:
        return selection_label(field, value)
    return value


def normalize_user(values, resolver=None):
    """A user as helix_user_info returns it: option-named keys for the fetched fields, plus the raw values."""
    user = {}
    for key, field in INFO_KEYS:
        if field not in values:
            continue
        if field == GROUP_LIST:
            ids = resolver.stored_ids(values[field]) if resolver else split_group_list(values[field])
            user['group_ids'] = ids
            user['groups'] = resolver.names(ids) if resolver else list(ids)
        else:
            user[key] = display(field, values[field])
    user['values'] = values
    return user


# ---------------------------------------------------------------------- reading
def fields_to_read(specs):
    """The AR fields the plans of these user specs compare."""
    fields = []
    for spec in specs:
        for option, field in OPTION_FIELDS:
            if spec.get(option) is not None:
                fields.append(field)
        if spec.get('groups') is not None:
            fields.append(GROUP_LIST)
        fields.extend((spec.get('fields') or {}).keys())
    return list(dict.fromkeys(fields))


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


def reserved_field(field):
    """The reserved field a `fields` key names, by name in any case or by field id; None when it is free."""
    key = str(field).strip()
    return FIELD_IDS.get(key) or _RESERVED_FOLDED.get(key.casefold())


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


# ---------------------------------------------------------------------- planning
class UserPlan(object):
    """What to do with one user. `write` holds the field values of the one POST or PUT (or None)."""

    def __init__(self, login, action, entry_id_=None, write=None, before=None, after=None, current=None, msg=None):
        self.login = login
        self.action = action
        self.entry_id = entry_id_
        self.write = write
        self.before = before or {}
        self.after = after or {}
        self.current = current
        self.msg = msg
        self.attempted = None  # the action a failed write tried
        self.error = None  # the HelixError of a failed write, with its AR messages

    def fail(self, msg, error=None):
        """The write was tried and failed, or (error.outcome_unknown) may have been applied all the same."""
        unknown = error is not None and error.outcome_unknown
        self.attempted, self.action, self.msg, self.error = self.action, 'unknown' if unknown else 'failed', msg, error

    def skip(self, msg):
        """The write was not tried: it stays undone."""
        self.action, self.msg = 'failed', msg

    @property
    def changed(self):
        return self.action not in ('unchanged', 'failed')  # 'unknown' counts: it may have been applied

    def changed_fields(self):
        return sorted(field for field in (self.write or {}) if field != PASSWORD)

    def as_result(self):
        result = dict(login_name=self.login, action=self.action)
        if self.entry_id:
            result['request_id'] = self.entry_id
        if self.msg:
            result['msg'] = self.msg
        return result


def _declared(spec):
    """[(diff key, AR field, declared value)] of the fields the spec manages (groups and password apart)."""
    declared = []
    for option, field in OPTION_FIELDS:
        if spec.get(option) is not None:
            declared.append((option, field, spec[option]))
    for field, value in (spec.get('fields') or {}).items():
        declared.append(('fields.' + field, field, value))
    return declared


def _put(view, key, value):
    """Set a diff key; keys of `fields` nest under 'fields' like the option."""
    if key.startswith('fields.'):
        view.setdefault('fields', {})[key[7:]] = value
    else:
        view[key] = value


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


def plan_user(spec, current, resolver, status_rule=None):
    """The plan for one validated user spec, given its current values (None when it does not exist).

    Raises UserError (naming the user) for what only the server's data reveals: a create without
    its required fields, unknown groups.
    """
    login = spec['login_name']
    state = spec.get('state') or 'present'
    status_rule = status_rule or StatusRule()
    entry_id_ = stored_entry_id(current)
    if state == 'absent':
        if current is None:
            return UserPlan(login, 'unchanged')
        before = dict(login_name=login, state=status_rule.state_of(current.get(STATUS)))
        return UserPlan(login, 'deleted', entry_id_, before=before,
                        after={}, current=current)
    if current is None and state == 'obsolete':
        return UserPlan(login, 'unchanged', msg='does not exist; not created')

    declared = _declared(spec)
    groups = None
    if spec.get('groups') is not None:
        try:
            groups = resolver.to_ids(spec['groups'])
        except HelixError as exc:
            raise UserError('user %r: %s' % (login, exc))
    wanted_status = status_rule.value(state)
    before, after, write = {}, {}, {}

    if current is None:
        missing = [option for option, field in (('full_name', 'Full Name'), ('license_type', 'License Type'))
                   if not any(f == field and text_key(v) for _k, f, v in declared)]
        if missing:
            raise UserError('cannot create user %r: %s %s required to create a user' % (
                login, ' and '.join(missing), 'is' if len(missing) == 1 else 'are'))
        write[LOGIN] = login
        write[STATUS] = wanted_status
        after.update(login_name=login, state=state)
        for key, field, value in declared:
            write[field] = value
            _put(after, key, display(field, value))
        if groups is not None:
            write[GROUP_LIST] = join_group_list(groups)
            after['groups'] = resolver.names(groups)
        if spec.get('password'):
            write[PASSWORD] = spec['password']
            after['password'] = MASK
        return UserPlan(login, 'created', write=write, before={}, after=after)

    for key, field, value in declared:
        if not values_equal(field, value, current.get(field)):
            write[field] = value
            _put(before, key, display(field, current.get(field)))
            _put(after, key, display(field, value))
    if groups is not None:
        stored = resolver.stored_ids(current.get(GROUP_LIST))
        target = stored + [g for g in groups if g not in stored] if spec.get('append') else groups
        if set(target) != set(stored):
            write[GROUP_LIST] = join_group_list(target)
            before['groups'] = resolver.names(stored)
            after['groups'] = resolver.names(target)
    if spec.get('password') and spec.get('update_password') == 'always':
        write[PASSWORD] = spec['password']
        before['password'] = MASK
        after['password'] = MASK + ' (new)'
    if not status_rule.is_state(current.get(STATUS), state):
        write[STATUS] = wanted_status
        before['state'] = status_rule.state_of(current.get(STATUS))
        after['state'] = state
        action = 'reactivated' if state == 'present' else 'obsoleted'
    else:
        action = 'updated' if write else 'unchanged'
    return UserPlan(login, action, entry_id_, write=write or None, before=before, after=after, current=current)


def stored_entry_id(current):
    """How to address a stored user: its Request ID as read, else (a server that sends no id, as the guide's
    examples show) its Login Name as read, the way the guide addresses entries. Never an id nobody read."""
    if current is None:
        return None
    return current.get(REQUEST_ID) or current.get(LOGIN)


# ---------------------------------------------------------------------- results
def user_after(plan, resolver, status_labels=None):
    """The user as it is after the plan (or would be, in check mode), normalised like helix_user_info.

    :param status_labels: {Status index: the tenant's label}, as this run read them; a Status written
        by index is shown with that label, or as the index when the run saw none.
    """
    if plan.action == 'deleted' or (plan.current is None and plan.action != 'created'):
        return {}
    values = dict(plan.current or {})
    for field, value in (plan.write or {}).items():
        if field == PASSWORD:
            continue
        if field == STATUS:
            values[field] = (status_labels or {}).get(selection_key(STATUS, value), value)
        else:
            values[field] = display(field, value) if field in SELECTIONS else value
    if plan.action == 'created':
        values[REQUEST_ID] = plan.entry_id
    if GROUP_LIST in values:
        values[GROUP_LIST] = join_group_list(resolver.stored_ids(values[GROUP_LIST])) if values[GROUP_LIST] else None
    return normalize_user(values, resolver if GROUP_LIST in values else None)
