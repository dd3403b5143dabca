# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Declaring many users at once: validate every item, read the population cheaply, plan, apply concurrently.

Bulk work validates everything before its first write: a bad item, an unknown
group, a create without its required fields or a purge over its limit fails
the task with nothing written. Writes then run on a thread pool sharing the
client (one keep-alive session, one token); one user's failure does not stop
the others.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.helix.users.plugins.module_utils.ar_client import REQUEST_ID, entry_values
from ansible_collections.helix.users.plugins.module_utils.errors import HelixError
from ansible_collections.helix.users.plugins.module_utils.qualification import chunked_any_of
from ansible_collections.helix.users.plugins.module_utils.users import (
    ACTIONS,
    LOGIN,
    STATUS,
    LoginMatcher,
    UserError,
    UserPlan,
    apply_plan,
    fields_to_read,
    plan_user,
    read_fields,
    read_users,
    selection_key,
    state_of,
    validate_spec,
)

# Users shown by name when a purge is refused for exceeding its limit.
PURGE_SHOWN = 10


class BulkError(HelixError):
    """A bulk task refused before any write; `result` holds what the module returns with the failure."""

    def __init__(self, msg, result=None):
        super(BulkError, self).__init__(msg)
        self.result = result or {}


def validate_items(items, item_spec, defaults):
    """Validate every users item with the per-user argument spec; returns (specs, problems)."""
    validator = ArgumentSpecValidator(item_spec)
    specs, problems, seen = [], [], {}
    for index, item in enumerate(items):
        label = 'users[%d]' % index
        if isinstance(item, str):
            item = dict(login_name=item)  # a login alone takes the defaults: handy with state=obsolete
        if not isinstance(item, dict):
            problems.append('%s must be a dict with at least login_name, or a login name, got %r' % (label, item))
            continue
        merged = dict(defaults)
        merged.update((key, value) for key, value in item.items() if value is not None)
        outcome = validator.validate(merged)
        login = item.get('login_name', item.get('name'))
        if isinstance(login, str) and login:
            label = '%s (%s)' % (label, login)
        item_problems = list(outcome.error_messages)
        if not item_problems:
            spec = outcome.validated_parameters
            item_problems = validate_spec(spec)
            if not item_problems:
                if spec['login_name'] in seen:
                    item_problems.append('login_name %r is repeated (first in users[%d])' % (
                        spec['login_name'], seen[spec['login_name']]))
                else:
                    seen[spec['login_name']] = index
                    specs.append(spec)
        problems.extend('%s: %s' % (label, problem) for problem in item_problems)
    return specs, problems


def read_population(client, logins, fields, form, page_size):
    """Current values of the listed logins, by whichever read is cheaper.

    Looking users up by login costs one request per batch of logins; scanning the form costs one
    request per page. The scan goes first, but may spend no more requests than the look-ups would:
    if the form turns out bigger, the logins not seen yet are looked up.
    """
    batches = len(list(chunked_any_of(LOGIN, logins)))
    if batches <= 2:
        return read_users(client, logins, fields, form, page_size)
    matcher = LoginMatcher(logins)
    pages = client.list_pages(form, fields=read_fields(fields), page_size=page_size)
    for spent, page in enumerate(pages, 1):
        for entry in page:
            matcher.offer(entry)
        if spent >= batches or len(matcher.matches()) == len(matcher.wanted):
            break  # over budget, or every listed user seen: the rest of the form does not matter
    else:
        return matcher.matches()  # the whole form was read: whoever was not seen does not exist
    found = matcher.matches()
    missing = [login for login in matcher.wanted if login not in found]
    found.update(read_users(client, missing, fields, form, page_size))
    return found


def scan_purge_scope(client, purge_query, logins, fields, form, page_size):
    """One scan of the users purge_query matches: ({listed login: values}, [values of the unlisted]).

    The scan fetches the fields the plans compare, so listed users inside the scope need no
    second read. A user whose login differs from a listed one only by case counts as listed:
    the safe side for a purge.
    """
    exact = set(logins)
    folded = dict((login.casefold(), login) for login in logins)
    found, unlisted = {}, []
    for entry in client.list_entries(form, q=purge_query, fields=read_fields(fields), page_size=page_size):
        values = entry_values(entry)
        login = values.get(LOGIN)
        if not login:
            continue
        if login in exact:
            found[login] = values
        elif login.casefold() in folded:
            found.setdefault(folded[login.casefold()], values)
        else:
            unlisted.append(values)
    return found, unlisted


def plan_purge(unlisted, obsolete_status, limit):
    """Plans that obsolete the unlisted users not obsolete yet; BulkError when more than limit."""
    plans = []
    for values in unlisted:
        if selection_key(STATUS, values.get(STATUS)) == selection_key(STATUS, obsolete_status):
            continue
        plans.append(UserPlan(values[LOGIN], 'obsoleted', values[REQUEST_ID], write={STATUS: obsolete_status},
                              before=dict(state=state_of(values.get(STATUS), obsolete_status=obsolete_status)),
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
    current, unlisted = {}, []
    if settings.get('purge'):
        current, unlisted = scan_purge_scope(client, settings['purge_query'], logins, fields, form, page_size)
    missing = [login for login in logins if login not in current]
    current.update(read_population(client, missing, fields, form, page_size))
    plans, problems = [], []
    for spec in specs:
        try:
            plans.append(plan_user(spec, current.get(spec['login_name']), resolver,
                                   settings['current_status'], settings['obsolete_status']))
        except UserError as exc:
            problems.append(str(exc))
    if problems:
        raise BulkError('nothing was written: %d user%s cannot be declared: %s' % (
            len(problems), '' if len(problems) == 1 else 's', '; '.join(problems)))
    if settings.get('purge'):
        plans.extend(plan_purge(unlisted, settings['obsolete_status'], settings['purge_limit']))
    return plans


def apply_all(client, plans, form, concurrency):
    """Apply the plans that change something, `concurrency` at a time; failed ones get action 'failed'."""
    todo = [plan for plan in plans if plan.changed]

    def apply_one(plan):
        try:
            apply_plan(client, plan, form)
        except HelixError as exc:
            plan.fail(str(exc))
        except Exception as exc:  # pylint: disable=broad-except
            # one user's surprise must not cost the others their outcome
            plan.fail(client.redact('could not %s user %r: unexpected %s: %s' % (
                plan.action, plan.login, type(exc).__name__, exc)))

    if concurrency <= 1 or len(todo) <= 1:
        for plan in todo:
            apply_one(plan)
    else:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(apply_one, todo))


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
