# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Declaring users, one or many: validate every item, read the population cheaply, plan, and the results.

helix_user declares a single user as a bulk run of one item, so every check here holds for both.
Bulk work validates everything before its first write: a bad item, an unknown group, a create
without its required fields, a login that differs from a stored one only by case, or a purge over
its limit fails the task with nothing written. writes.execute then checks the guards and sends the
writes concurrently on one client; one user's failure does not stop the others.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.helix.users.plugins.module_utils.strict import Door, describe_type
from ansible_collections.helix.users.plugins.module_utils.user_form import (
    LOGIN,
    NUMERIC_FIELDS,
    STATUS,
    selection_key,
    validate_spec,
)
from ansible_collections.helix.users.plugins.module_utils.user_reads import read_users
from ansible_collections.helix.users.plugins.module_utils.users import ACTIONS, UserError, UserPlan, fields_to_read, plan_user
from ansible_collections.helix.users.plugins.module_utils.writes import WriteError, summarize as count_actions

# Users shown by name when a purge is refused for exceeding its limit.
PURGE_SHOWN = 10
# Up to this many users, the bulk result lists the unchanged ones too (list_unchanged unset).
LIST_ALL_UP_TO = 1000


# ---------------------------------------------------------------------- validating
def compact(params):
    """params without the options that are None."""
    return dict((key, value) for key, value in params.items() if value is not None)


class ItemValidator(object):
    """Checks items against the per-user argument spec, built once.

    A well-formed item (known options, each of its exact type) is accepted by a cheap check; any other
    goes through Ansible's ArgumentSpecValidator, so conversions and messages are Ansible's own. At
    10,000 items the validator alone cost most of the module's time.
    """

    _TYPES = {'str': str, 'bool': bool, 'dict': dict, 'raw': object}

    def __init__(self, item_spec):
        self._full = ArgumentSpecValidator(item_spec)
        self._given_defaults = dict((name, option['default']) for name, option in item_spec.items()
                                    if option.get('default') is not None)
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
        """(params, problems) of one item (a dict); params hold the options given or defaulted, none that is None
        (100,000 items of every option, most of them None, were 100 MB)."""
        params = self._quick(item)
        if params is not None:
            return params, []
        outcome = self._full.validate(item)
        return compact(outcome.validated_parameters), list(outcome.error_messages)

    def _quick(self, item):
        params = dict(self._given_defaults)
        for key, value in item.items():
            name = self._names.get(key)
            if name is None or (name != key and name in item) or not self._checks[name](value):
                return None  # unknown, given twice, or not of its exact type: Ansible decides and words it
            if value is not None:
                params[name] = params[key] = value  # Ansible keeps an alias beside its option too
        if any(params.get(name) is None for name in self._required):
            return None
        return params


def validate_items(items, item_spec, defaults, single=False, labels=None):
    """Validate every item with the per-user argument spec; returns (specs, problems).

    :param defaults: options items inherit from the module when they do not set them.
    :param single: the one item is the module's own options: problems are labelled by the login alone.
    :param labels: how each item is named in problems (rows of a users_file); users[N] by default.
    """
    validator = ItemValidator(item_spec)
    door = Door(item_spec, NUMERIC_FIELDS)
    specs, problems, seen = [], [], {}

    def label_of(index, item):
        label = labels[index] if labels else 'users[%d]' % index
        login = item.get('login_name', item.get('name')) if isinstance(item, dict) else None
        if single:
            return 'user %r' % (login,)
        return '%s (%s)' % (label, login) if isinstance(login, str) and login else label

    for index, item in enumerate(items):
        if isinstance(item, str):
            item = dict(login_name=item)  # a login alone takes the defaults: handy with state=obsolete
        if not isinstance(item, dict):
            problems.append('%s must be a dict with at least login_name, or a login name, got %s' % (
                label_of(index, item), describe_type(item)))
            continue
        # the module's own options passed the door before Ansible converted them; items pass it here, as given
        item_problems = [] if single else door.problems(item)
        if not item_problems:
            merged = dict(defaults)
            merged.update((key, value) for key, value in item.items() if value is not None)
            spec, item_problems = validator.validate(merged)
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
        if item_problems:
            label = label_of(index, item)
            problems.extend('%s: %s' % (label, problem) for problem in item_problems)
    return specs, problems


# ---------------------------------------------------------------------- planning
def plan_purge(unlisted, status_rule, limit, form='User'):
    """Plans that obsolete the unlisted users not obsolete yet; WriteError when more than limit."""
    plans = []
    for entry in unlisted:
        values = entry['values']
        if status_rule.is_state(values.get(STATUS), 'obsolete'):
            continue
        plans.append(UserPlan(values[LOGIN], 'obsoleted', entry['entry_id'], write={STATUS: status_rule.value('obsolete')},
                              before=dict(state=status_rule.state_of(values.get(STATUS))),
                              after=dict(state='obsolete'), current=values, form=form))
    if len(plans) > limit:
        shown = ', '.join(plan.login for plan in plans[:PURGE_SHOWN])
        raise WriteError(
            'nothing was written: the purge would obsolete %d users, more than purge_limit=%d (%s%s). '
            'Check purge_query, or raise purge_limit if this is intended.' % (
                len(plans), limit, shown, ', ...' if len(plans) > PURGE_SHOWN else ''),
            result=dict(purge_count=len(plans), purge_sample=[plan.login for plan in plans[:PURGE_SHOWN]]))
    return plans


def plan_all(client, specs, resolver, settings, page_size, hold_unchanged=True):
    """Plans for all specs (and the purge), or WriteError listing every user that cannot be planned.

    Each stored user is planned as its entry arrives, so that the entries of users who need no write are not
    held to the end of the read (100,000 entries were 130 MB).

    :param hold_unchanged: whether the plans of unchanged users keep the values read (a single user's result
        shows them); a bulk run needs them only for the users it writes.
    """
    form, status_rule = settings['form'], settings['status_rule']
    by_login = dict((spec['login_name'], spec) for spec in specs)
    planned = {}  # login -> its plan, or the UserError that stops it

    def plan_or_error(spec, entry):
        try:
            return plan_user(spec, entry, resolver, status_rule, form)
        except UserError as exc:
            return exc

    def plan_stored(login, entry):
        if login in planned:
            return  # a second entry of one login: refused below, by the count
        plan = planned[login] = plan_or_error(by_login[login], entry)
        if not hold_unchanged and not isinstance(plan, UserError) and plan.action == 'unchanged':
            plan.current = None

    found, unlisted = read_users(client, list(by_login), fields_to_read(specs), form, page_size,
                                 purge_query=settings['purge_query'] if settings.get('purge') else None,
                                 on_exact=plan_stored)
    conflicts = found.variants()
    plans, problems = [], []
    for spec in specs:
        login = spec['login_name']
        count = found.count(login)
        if login in conflicts:
            problems.append('user %r: the tenant has %s, which differs only by case; declare the login exactly'
                            ' as it is stored' % (login, ', '.join(repr(other) for other in conflicts[login])))
        elif count > 1:
            problems.append('user %r: %d entries of form %r have this Login Name; a login must find one user' % (
                login, count, form))
        else:
            plan = planned.pop(login) if count else plan_or_error(spec, None)
            if isinstance(plan, UserError):
                problems.append(str(plan))
            else:
                plans.append(plan)
    if problems:
        raise WriteError('nothing was written: %d user%s cannot be declared: %s' % (
            len(problems), '' if len(problems) == 1 else 's', '; '.join(problems)), result=dict(problems=problems))
    if settings.get('purge'):
        excluded = set(str(login).casefold() for login in settings.get('purge_exclude') or [] if login)
        unlisted = [entry for entry in unlisted if str(entry['values'][LOGIN]).casefold() not in excluded]
        plans.extend(plan_purge(unlisted, settings['status_rule'], settings['purge_limit'], form))
    return plans


def status_labels(plans):
    """{Status index: label} as the tenant labels them, from the users this run read."""
    labels = {0: 'Current'}  # index 0 is Current in every labelling known
    for plan in plans:
        status = (plan.current or {}).get(STATUS)
        if isinstance(status, str) and not status.strip().isdigit():
            labels.setdefault(selection_key(STATUS, status), status)
    return labels


# ---------------------------------------------------------------------- results
def summarize(plans):
    return count_actions(plans, ACTIONS)


def compact_diff(plans):
    """One before/after pair for the whole task, keyed by login: the users written, or tried and failed."""
    before, after = {}, {}
    for plan in plans:
        if plan.changed or plan.attempted:
            before[plan.login] = plan.before
            after[plan.login] = plan.after
    return dict(before=before, after=after)


def bulk_result(plans, diff, breaker=None, list_unchanged=None):
    """The bulk-mode result; WriteError (carrying the result) when any user failed or was not attempted.

    :param list_unchanged: whether `users` lists the unchanged users too; None: up to LIST_ALL_UP_TO users it
        does, above it `users` lists the others and `summary` counts them (a result of 100,000 items costs more
        to build, mask and hand to Ansible than the run itself).
    """
    summary = summarize(plans)
    if list_unchanged is None:
        list_unchanged = len(plans) <= LIST_ALL_UP_TO
    result = dict(changed=any(plan.changed for plan in plans), summary=summary,
                  users=[plan.as_result() for plan in plans if list_unchanged or plan.action != 'unchanged'])
    if diff:
        result['diff'] = compact_diff(plans)
    if breaker is not None and breaker.open:
        done = ', '.join('%d %s' % (n, a) for a, n in summary.items() if n and a not in (
            'failed', 'unknown', 'not_attempted'))
        raise WriteError('the tenant stopped accepting writes: %d writes in a row failed on its side, so the run stopped'
                         ' there; %d of %d users were not attempted, %d failed%s%s. The last failure: %s' % (
                             breaker.threshold, summary['not_attempted'], len(plans), summary['failed'],
                             ', %d may have been applied (action unknown)' % summary['unknown'] if summary['unknown']
                             else '', '; applied: %s' % done if done else '', breaker.reason), result=result)
    failed = [plan for plan in plans if plan.action in ('failed', 'unknown')]
    if failed:
        done = ', '.join('%d %s' % (n, a) for a, n in summary.items() if n and a not in ('failed', 'unknown'))
        skipped = [plan for plan in failed if plan.action == 'failed' and plan.attempted is None]
        raise WriteError('%d of %d users failed (%s%s%s): %s' % (
            len(failed), len(plans), 'the others were applied: %s' % done if done else 'none was applied',
            '; %d may have been applied (action unknown)' % summary['unknown'] if summary['unknown'] else '',
            '; %d not attempted' % len(skipped) if skipped else '',
            '; '.join(plan.msg for plan in failed if plan.attempted is not None) or failed[0].msg), result=result)
    return result
