# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan of a user's change: a writes.Change of one step, compared on the declared fields only.

The plan is data: check mode returns it, diff mode renders it, writes.execute applies it. Nothing
here sends a request: the group resolver handed in is the only thing that may read the server.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.errors import HelixError
from ansible_collections.helix.users.plugins.module_utils.groups import join_group_list
from ansible_collections.helix.users.plugins.module_utils.user_form import (
    GROUP_LIST,
    LOGIN,
    MASK,
    OPTION_FIELDS,
    PASSWORD,
    REQUEST_ID,
    SELECTIONS,
    STATUS,
    StatusRule,
    display,
    normalize_user,
    selection_key,
    text_key,
    values_equal,
)
from ansible_collections.helix.users.plugins.module_utils.writes import Change, Step

# 'unknown': a write whose reply was lost and whose outcome could not be confirmed.
# 'not_attempted': the run stopped (the tenant stopped accepting writes) before this user's write.
ACTIONS = ('created', 'updated', 'obsoleted', 'reactivated', 'deleted', 'unchanged', 'failed', 'unknown',
           'not_attempted')
VERBS = {'created': 'create', 'updated': 'update', 'obsoleted': 'obsolete', 'reactivated': 'reactivate',
         'deleted': 'delete'}
METHODS = {'created': 'create', 'deleted': 'delete'}  # the others are updates


class UserError(HelixError):
    """A user that can not be planned, its message naming the user."""


def fields_to_read(specs):
    """The AR fields the plans of these user specs compare, in the order of the option table."""
    given, extra = set(), {}
    for spec in specs:
        given.update(option for option, value in spec.items() if value is not None)
        if spec.get('fields'):
            extra.update(dict.fromkeys(spec['fields']))
    fields = [field for option, field in OPTION_FIELDS if option in given]
    if 'groups' in given:
        fields.append(GROUP_LIST)
    return list(dict.fromkeys(fields + list(extra)))


# ---------------------------------------------------------------------- planning
class UserPlan(Change):
    """What to do with one user: a Change of at most one step, named by the login."""

    __slots__ = ('login',)

    def __init__(self, login, action, entry_id_=None, write=None, before=None, after=None, current=None, msg=None,
                 form='User'):
        super(UserPlan, self).__init__("user %r" % (login,), action, before=before, after=after, current=current,
                                       entry_id=entry_id_, msg=msg)
        self.login = login
        if write is not None or action == 'deleted':
            verb = VERBS[action]
            self.steps.append(Step(form, METHODS.get(action, 'update'), entry_id_, write, key={LOGIN: login},
                                   current=current, what='%s user %r' % (verb, login),
                                   noun='%s of user %r' % (verb, login)))

    @property
    def write(self):
        return self.steps[0].values if self.steps else None

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


def plan_user(spec, current, resolver, status_rule=None, form='User'):
    """The plan for one validated user spec, given its stored entry ({'entry_id', 'values'}; None when it does not
    exist).

    Raises UserError (naming the user) for what only the server's data reveals: a create without
    its required fields, unknown groups.
    """
    login = spec['login_name']
    state = spec.get('state') or 'present'
    status_rule = status_rule or StatusRule()
    entry_id_ = current['entry_id'] if current else None
    current = current['values'] if current else None
    if state == 'absent':
        if current is None:
            return UserPlan(login, 'unchanged')
        before = dict(login_name=login, state=status_rule.state_of(current.get(STATUS)))
        return UserPlan(login, 'deleted', entry_id_, before=before, after={}, current=current, form=form)
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
        return UserPlan(login, 'created', write=write, before={}, after=after, form=form)

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
    return UserPlan(login, action, entry_id_, write=write or None, before=before, after=after, current=current,
                    form=form)


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
    if GROUP_LIST in values:
        values[GROUP_LIST] = join_group_list(resolver.stored_ids(values[GROUP_LIST])) if values[GROUP_LIST] else None
    if plan.entry_id and REQUEST_ID in values:
        values[REQUEST_ID] = plan.entry_id
    return normalize_user(values, resolver if GROUP_LIST in values else None, entry_id=plan.entry_id)
