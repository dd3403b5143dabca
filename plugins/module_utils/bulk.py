# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Declaring users, one or many: validate every item, read the population cheaply, plan, apply concurrently.

helix_user declares a single user as a bulk run of one item, so every check here
holds for both. Bulk work validates everything before its first write: a bad
item, an unknown group, a create without its required fields, a login that
differs from a stored one only by case, or a purge over its limit fails the task
with nothing written. Writes then run on a thread pool sharing the client (one
keep-alive session, one token); one user's failure does not stop the others.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.helix.users.plugins.module_utils.errors import (
    AR_BAD_SELECTION,
    AR_DUPLICATE,
    AR_NO_ACCESS,
    AR_NO_FIELD_ACCESS,
    HelixAPIError,
    HelixConnectionError,
    HelixError,
)
from ansible_collections.helix.users.plugins.module_utils.user_reads import (
    LoginMatcher,
    find_user_id,
    read_population,
    scan_purge_scope,
)
from ansible_collections.helix.users.plugins.module_utils.users import (
    ACTIONS,
    LOGIN,
    SELECTIONS,
    STATUS,
    VERBS,
    UserError,
    UserPlan,
    fields_to_read,
    plan_user,
    selection_key,
    stored_entry_id,
    validate_spec,
)

# Users shown by name when a purge is refused for exceeding its limit.
PURGE_SHOWN = 10


class BulkError(HelixError):
    """A task refused before any write, or failed for some users; `result` holds what the module returns with it."""

    def __init__(self, msg, result=None, status=None, messages=None):
        super(BulkError, self).__init__(msg, status=status, messages=messages)
        self.result = result or {}


# ---------------------------------------------------------------------- validating
class ItemValidator(object):
    """Checks items against the per-user argument spec, built once.

    A well-formed item (known options, each of its exact type) is accepted by a cheap check; any other
    goes through Ansible's ArgumentSpecValidator, so conversions and messages are Ansible's own. At
    10,000 items the validator alone cost most of the module's time.
    """

    _TYPES = {'str': str, 'bool': bool, 'dict': dict, 'raw': object}

    def __init__(self, item_spec):
        self._full = ArgumentSpecValidator(item_spec)
        self._defaults = dict((name, option.get('default')) for name, option in item_spec.items())
        self._required = [name for name, option in item_spec.items() if option.get('required')]
        self._names = dict((name, name) for name in item_spec)
        for name, option in item_spec.items():
            self._names.update((alias, name) for alias in option.get('aliases') or [])
        self._checks = dict((name, self._check_of(option)) for name, option in item_spec.items())

    def _check_of(self, option):
        kind, choices = option.get('type', 'str'), option.get('choices')
        if kind == 'list':
            element = self._TYPES.get(option.get('elements', 'raw'))
            return lambda value: isinstance(value, list) and element is not None and all(
                isinstance(item, element) and not isinstance(item, bool) or element is object for item in value)
        expected = self._TYPES.get(kind)
        if expected is None:
            return lambda value: False
        if choices:
            return lambda value: isinstance(value, expected) and value in choices
        if expected is str:
            return lambda value: isinstance(value, str)
        return lambda value: isinstance(value, expected)

    def validate(self, item):
        """(params, problems) of one item (a dict)."""
        params = self._quick(item)
        if params is not None:
            return params, []
        outcome = self._full.validate(item)
        return outcome.validated_parameters, list(outcome.error_messages)

    def _quick(self, item):
        params = dict(self._defaults)
        for key, value in item.items():
            name = self._names.get(key)
            if name is None or (name != key and name in item) or not self._checks[name](value):
                return None  # unknown, given twice, or not of its exact type: Ansible decides and words it
            params[name] = params[key] = value  # Ansible keeps an alias beside its option too
        if any(params[name] is None for name in self._required):
            return None
        return params


def validate_items(items, item_spec, defaults, single=False, labels=None):
    """Validate every item with the per-user argument spec; returns (specs, problems).

    :param defaults: options items inherit from the module when they do not set them.
    :param single: the one item is the module's own options: problems are labelled by the login alone.
    :param labels: how each item is named in problems (rows of a users_file); users[N] by default.
    """
    validator = ItemValidator(item_spec)
    specs, problems, seen = [], [], {}
    for index, item in enumerate(items):
        label = labels[index] if labels else 'users[%d]' % index
        if isinstance(item, str):
            item = dict(login_name=item)  # a login alone takes the defaults: handy with state=obsolete
        if not isinstance(item, dict):
            problems.append('%s must be a dict with at least login_name, or a login name, got %r' % (label, item))
            continue
        merged = dict(defaults)
        merged.update((key, value) for key, value in item.items() if value is not None)
        spec, item_problems = validator.validate(merged)
        login = item.get('login_name', item.get('name'))
        if single:
            label = 'user %r' % (login,)
        elif isinstance(login, str) and login:
            label = '%s (%s)' % (label, login)
        if not item_problems:
            item_problems = validate_spec(spec)
            if not item_problems:
                folded = spec['login_name'].casefold()
                if folded in seen:
                    first_index, first_login = seen[folded]
                    item_problems.append('login_name %r is repeated (first in %s%s)' % (
                        spec['login_name'], labels[first_index] if labels else 'users[%d]' % first_index,
                        '' if first_login == spec['login_name'] else ' as %r: logins that differ only by case are'
                        ' one user on most tenants' % first_login))
                else:
                    seen[folded] = (index, spec['login_name'])
                    specs.append(spec)
        problems.extend('%s: %s' % (label, problem) for problem in item_problems)
    return specs, problems


# ---------------------------------------------------------------------- planning
def plan_purge(unlisted, status_rule, limit):
    """Plans that obsolete the unlisted users not obsolete yet; BulkError when more than limit."""
    plans = []
    for values in unlisted:
        if status_rule.is_state(values.get(STATUS), 'obsolete'):
            continue
        plans.append(UserPlan(values[LOGIN], 'obsoleted', stored_entry_id(values),
                              write={STATUS: status_rule.value('obsolete')},
                              before=dict(state=status_rule.state_of(values.get(STATUS))),
                              after=dict(state='obsolete'), current=values))
    if len(plans) > limit:
        shown = ', '.join(plan.login for plan in plans[:PURGE_SHOWN])
        raise BulkError(
            'nothing was written: the purge would obsolete %d users, more than purge_limit=%d (%s%s). '
            'Check purge_query, or raise purge_limit if this is intended.' % (
                len(plans), limit, shown, ', ...' if len(plans) > PURGE_SHOWN else ''),
            result=dict(purge_count=len(plans), purge_sample=[plan.login for plan in plans[:PURGE_SHOWN]]))
    return plans


def plan_all(client, specs, resolver, settings, page_size):
    """Plans for all specs (and the purge), or BulkError listing every user that cannot be planned."""
    form = settings['form']
    logins = [spec['login_name'] for spec in specs]
    fields = fields_to_read(specs)
    matcher = LoginMatcher(logins)
    unlisted = []
    if settings.get('purge'):
        unlisted = scan_purge_scope(client, matcher, settings['purge_query'], fields, form, page_size)
    found = matcher.matches()
    read_population(client, matcher, [login for login in logins if login not in found], fields, form, page_size)
    current, conflicts = matcher.matches(), matcher.conflicts()
    plans, problems = [], []
    for spec in specs:
        login = spec['login_name']
        if login in conflicts:
            problems.append('user %r: the tenant has %s, which differs only by case; declare the login exactly'
                            ' as it is stored' % (login, ', '.join(repr(stored) for stored in conflicts[login])))
            continue
        try:
            plans.append(plan_user(spec, current.get(login), resolver, settings['status_rule']))
        except UserError as exc:
            problems.append(str(exc))
    if problems:
        raise BulkError('nothing was written: %d user%s cannot be declared: %s' % (
            len(problems), '' if len(problems) == 1 else 's', '; '.join(problems)), result=dict(problems=problems))
    if settings.get('purge'):
        excluded = set(str(login).casefold() for login in settings.get('purge_exclude') or [] if login)
        unlisted = [values for values in unlisted if str(values[LOGIN]).casefold() not in excluded]
        plans.extend(plan_purge(unlisted, settings['status_rule'], settings['purge_limit']))
    return plans


def status_labels(plans):
    """{Status index: label} as the tenant labels them, from the users this run read."""
    labels = {0: 'Current'}  # index 0 is Current in every labelling known
    for plan in plans:
        status = (plan.current or {}).get(STATUS)
        if isinstance(status, str) and not status.strip().isdigit():
            labels.setdefault(selection_key(STATUS, status), status)
    return labels


# ---------------------------------------------------------------------- applying
def apply_plan(client, plan, form):
    """Send the plan's one write. Raises UserError naming the user, the operation and the AR message."""
    try:
        if plan.action == 'created':
            plan.entry_id = client.create_entry(
                form, plan.write, find_existing=lambda: find_user_id(client, plan.login, form))
        elif plan.action == 'deleted':
            client.delete_entry(form, plan.entry_id)
        elif plan.action in ('updated', 'obsoleted', 'reactivated'):
            client.update_entry(form, plan.entry_id, plan.write)
    except HelixError as exc:
        error = UserError(describe_failure(plan, exc), status=exc.status, messages=exc.messages)
        error.outcome_unknown = exc.outcome_unknown
        error.connection_failed = isinstance(exc, HelixConnectionError)
        raise error


def describe_failure(plan, exc):
    verb = VERBS.get(plan.action, plan.action)
    if exc.outcome_unknown:
        return 'the %s of user %r may have been applied: its reply was lost and the outcome could not be confirmed' \
               ' (%s); check the user before running again' % (verb, plan.login, exc)
    message = 'could not %s user %r: %s' % (verb, plan.login, exc)
    if isinstance(exc, HelixAPIError):
        if exc.has_number(AR_DUPLICATE):
            message += ' (the Login Name or another unique value is already taken)'
        elif exc.has_number(AR_BAD_SELECTION):
            sent = ', '.join('%s=%r' % (field, plan.write[field]) for field in sorted(plan.write or {})
                             if field in SELECTIONS)
            message += ' (selection values sent: %s)' % sent if sent else ''
        elif exc.has_number(AR_NO_FIELD_ACCESS):
            fields = ', '.join(m.appended for m in exc.messages if m.number == AR_NO_FIELD_ACCESS and m.appended)
            message += ' (the account may not write the field%s %s: a field permission on the tenant)' % (
                '' if ',' not in fields else 's', fields or 'named above')
        elif exc.has_number(*AR_NO_ACCESS) or exc.status == 403:
            message += ' (the account has no permission to %s users on this form)' % verb
    return message


class DeadTenantBreaker(object):
    """Stops starting writes after `threshold` consecutive connection failures across the workers.

    Against a dead tenant each write would spend the whole retry budget; with the breaker the task
    ends after the writes already in flight, whatever the number of users.
    """

    def __init__(self, threshold=3):
        self.threshold = threshold
        self._consecutive = 0
        self._lock = threading.Lock()
        self.reason = None

    @property
    def open(self):
        return self.reason is not None

    def record(self, plan):
        with self._lock:
            if plan.action in ('failed', 'unknown') and getattr(plan.error, 'connection_failed', False):
                self._consecutive += 1
                if self._consecutive >= self.threshold and self.reason is None:
                    self.reason = plan.msg
            else:
                self._consecutive = 0


def apply_all(client, plans, form, concurrency, breaker=None):
    """Apply the plans that change something, `concurrency` at a time; failed ones get action 'failed'."""
    todo = [plan for plan in plans if plan.changed]
    breaker = breaker or DeadTenantBreaker()

    def apply_one(plan):
        if breaker.open:
            plan.skip('not attempted: the tenant stopped answering (%d writes in a row failed to connect; the last:'
                      ' %s)' % (breaker.threshold, breaker.reason))
            return
        try:
            apply_plan(client, plan, form)
        except HelixError as exc:
            plan.fail(str(exc), exc)
        except Exception as exc:  # pylint: disable=broad-except
            # one user's surprise must not cost the others their outcome
            plan.fail(client.redact('could not %s user %r: unexpected %s: %s' % (
                plan.action, plan.login, type(exc).__name__, exc)))
        breaker.record(plan)

    if concurrency <= 1 or len(todo) <= 1:
        for plan in todo:
            apply_one(plan)
    else:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(apply_one, todo))


# ---------------------------------------------------------------------- results
def summarize(plans):
    summary = dict((action, 0) for action in ACTIONS)
    for plan in plans:
        summary[plan.action] += 1
    return summary


def compact_diff(plans):
    """One before/after pair for the whole task, keyed by login: the users written, or tried and failed."""
    before, after = {}, {}
    for plan in plans:
        if plan.changed or plan.attempted:
            before[plan.login] = plan.before
            after[plan.login] = plan.after
    return dict(before=before, after=after)


def bulk_result(plans, diff):
    """The bulk-mode result; BulkError (carrying the result) when any user failed."""
    summary = summarize(plans)
    result = dict(changed=any(plan.changed for plan in plans), summary=summary,
                  users=[plan.as_result() for plan in plans])
    if diff:
        result['diff'] = compact_diff(plans)
    failed = [plan for plan in plans if plan.action in ('failed', 'unknown')]
    if failed:
        done = ', '.join('%d %s' % (n, a) for a, n in summary.items() if n and a not in ('failed', 'unknown'))
        skipped = [plan for plan in failed if plan.action == 'failed' and plan.attempted is None]
        raise BulkError('%d of %d users failed (%s%s%s): %s' % (
            len(failed), len(plans), 'the others were applied: %s' % done if done else 'none was applied',
            '; %d may have been applied (action unknown)' % summary['unknown'] if summary['unknown'] else '',
            '; %d not attempted' % len(skipped) if skipped else '',
            '; '.join(plan.msg for plan in failed if plan.attempted is not None) or failed[0].msg), result=result)
    return result
