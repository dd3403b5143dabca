# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one write engine of every form: changes made of steps, checked, then sent.

A Change is what a task does to one thing it declares (a user, an entry, a person): its planned
action, the before/after of the managed fields, and its Steps, each one write (form, method,
entry id, values, and the key that finds the entry again). Every module plans Changes and hands
them to execute(), which

1. refuses, before the first write of the task, what the guard layer forbids and every write
   to an entry whose id was never read unless its address is proven (proven_address);
   the form's own rules where the tenant tells them (field metadata: required fields of a create,
   selection values, lengths) are checked there too;
2. in check mode stops there; otherwise sends the steps, a change's in order, changes
   `concurrency` at a time, a breaker stopping the run when the tenant stops answering. An update
   or delete whose outcome is unknown (reply lost, AR 92-94) is re-read: confirmed, it counts as
   done. An update refused with AR 309 (the entry changed after it was read) is planned again once
   from a fresh read, when the change knows how (Change.replan).

One outcome vocabulary: a step is created, updated or deleted, or its change is failed (not
applied) or unknown (it may have been applied: its reply was lost and nothing confirmed it).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.helix.users.plugins.module_utils.errors import (
    AR_BAD_SELECTION,
    AR_DUPLICATE,
    AR_MODIFIED_SINCE_READ,
    AR_NO_ACCESS,
    AR_NO_FIELD_ACCESS,
    AR_NO_WRITE_ACCESS,
    AR_TIMEOUTS,
    AR_UNKNOWN_COMPANY,
    HelixAPIError,
    HelixConnectionError,
    HelixError,
)
from ansible_collections.helix.users.plugins.module_utils.fields import field_name, is_field_id, known_limit_problems
from ansible_collections.helix.users.plugins.module_utils.reads import FIELD_ONE, key_text, read_by_keys, read_entries

DONE = {'create': 'created', 'update': 'updated', 'delete': 'deleted'}
OUTCOMES = ('created', 'updated', 'deleted', 'unchanged', 'unknown', 'failed', 'not_attempted')


class WriteError(HelixError):
    """A task refused before any write, or a write that failed; `result` holds what the module returns with it."""

    def __init__(self, msg, result=None, status=None, messages=None):
        super(WriteError, self).__init__(msg, status=status, messages=messages)
        self.result = result or {}


class Step(object):  # pylint: disable=too-many-instance-attributes
    """One write.

    :param method: create, update or delete.
    :param key: {field: value} (or a qualification) that finds the entry again: after a create whose reply
        was lost, and (a one-field key) to prove an address that was not read.
    :param current: the entry's values as read (None for a create); the guards judge the step by them.
    :param what: the write in words, as failures name it ("update user 'jdoe'").
    :param noun: the same as a noun ("update of user 'jdoe'"); by default "step '<what>'".
    :param links: {field: an earlier Step}: that step's entry id goes into this field before sending.
    :param then: callable(client, step) -> Steps to send right after this one (what its write left behind).
    :param optional: a write the tenant may refuse for lack of permission: the refusal becomes a warning.
    :param rekeys: the write changes its key field on purpose (a person's Login ID removed when offboarding);
        any other write that would change its key is refused by the guard layer.
    """

    __slots__ = ('form', 'method', 'entry_id', 'values', 'key', 'current', 'what', 'noun', 'links', 'then', 'optional',
                 'rekeys', 'outcome', 'replanned')  # a bulk run holds one per user

    def __init__(self, form, method, entry_id=None, values=None, key=None, current=None, what=None, noun=None,
                 links=None, then=None, optional=None, rekeys=False):
        self.form = form
        self.method = method
        self.entry_id = entry_id
        self.values = dict(values) if values is not None else None
        self.key = key if isinstance(key, str) else dict(key or {})
        self.current = current
        self.what = what or '%s the %s entry %s' % (method, form, entry_id or '(new)')
        self.noun = noun or "step '%s'" % self.what
        self.links = dict(links or {})
        self.then = then
        self.optional = optional
        self.rekeys = rekeys
        self.outcome = None
        self.replanned = False  # sent again after AR 309 made its change plan anew

    def as_dict(self):
        return dict(form=self.form, action=DONE[self.method], entry_id=self.entry_id, what=self.what)

    def __repr__(self):
        return 'Step(%s %s %s %r)' % (self.method, self.form, self.entry_id, self.values)


class Change(object):
    """What a task does to one thing it declares: its action, its steps in order, its diff, its outcome."""

    __slots__ = ('subject', 'action', 'steps', 'before', 'after', 'current', 'entry_id', 'msg', 'attempted', 'error',
                 'warnings', 'replan', 'replanned', '__dict__')  # a bulk run holds one per user; subclasses may add attributes

    def __init__(self, subject, action, steps=None, before=None, after=None, current=None, entry_id=None, msg=None):
        self.subject = subject
        self.action = action
        self.steps = list(steps or [])
        self.before = before or {}
        self.after = after or {}
        self.current = current
        self.entry_id = entry_id
        self.msg = msg
        self.attempted = None  # the action a failed write tried
        self.error = None  # the HelixError of a failed write, with its AR messages
        self.warnings = []
        # callable(client, change) -> a Change planned anew from a fresh read, after an update met AR 309 (once);
        # one callable may serve every change of a task
        self.replan = None
        self.replanned = False

    @property
    def changed(self):
        return self.action not in ('unchanged', 'failed', 'not_attempted')  # 'unknown' counts: it may have been applied

    @property
    def diff(self):
        return dict(before=dict(self.before), after=dict(self.after))

    def done(self):
        """The steps sent and applied, in words."""
        return [step.what for step in self.steps if step.outcome in DONE.values()]

    def fail(self, msg, error=None):
        """A write was tried and failed, or (error.outcome_unknown) may have been applied all the same."""
        unknown = error is not None and error.outcome_unknown
        self.attempted, self.action, self.msg, self.error = self.action, 'unknown' if unknown else 'failed', msg, error

    def skip(self, msg):
        """Nothing was tried (the breaker stopped the run): it stays undone."""
        self.action, self.msg = 'not_attempted', msg

    def adopt(self, fresh, index):
        """Take a plan made anew after the entry changed under this one: its steps replace those not yet sent."""
        self.steps[index:] = fresh.steps
        if not self.done():
            self.action, self.before, self.after, self.current = fresh.action, fresh.before, fresh.after, fresh.current
        else:
            self.after.update(fresh.after)


# ---------------------------------------------------------------------- before the first write
def proven_address(client, form, key, what):
    """(the address an entry whose id was never read is proven to have, or None; why not, or None).

    The only candidate is the value of a one-field key (a server that shows no ids may still address an
    entry by it, as the guide does the User form by Login Name). It is proven by reading the entry at
    that address and finding the same key value; anything else is refused, never guessed.
    """
    why = 'cannot %s: the server showed no id for it (neither _links.self nor field 1), and ' % what
    if isinstance(key, str) or len(key) != 1:
        return None, why + 'only a key of one field gives an address to try'
    field, value = next(iter(key.items()))
    candidate = key_text(value)
    found = client.get_entry(form, candidate, fields=[field]) if candidate else None
    if found is None:
        return None, why + 'no entry of form %r is at the address %r' % (form, candidate)
    values = found.get('values') or {}
    stored = values.get(field, values.get(field_name(form, field)))
    if key_text(stored) != candidate:
        return None, why + 'the entry of form %r at the address %r is another one (%s %r)' % (
            form, candidate, field, stored)
    return candidate, None


def form_problems(client, step):
    """What the form itself would refuse of a step, found before any write: from its field metadata where the tenant
    serves it (a required field a create leaves empty, a selection value it does not list, a text too long), else
    from the limits this collection knows (the User form's Group List)."""
    if step.method == 'delete' or not step.values:
        return []
    meta = client.form_fields(step.form)
    if meta is None:
        return known_limit_problems(step.form, step.values, step.what)
    problems = meta.value_problems(step.values, step.what)
    if step.method == 'create':
        given = dict(step.values, **dict((field, 'from an earlier step') for field in step.links))
        missing = meta.missing_on_create(given)
        if missing:
            problems.append('%s: form %r requires %s, which the create leaves empty' % (
                step.what, step.form, ', '.join(repr(name) for name in missing)))
    return problems


def refusals(client, changes, guard=None):
    """What must not be written, found before any write: the guard layer's rules, unproven addresses, and what the
    form itself would refuse."""
    problems = []
    for change in changes:
        for step in change.steps:
            found = guard.problems(step) if guard is not None else []
            if not found and step.method != 'create' and not step.entry_id:
                step.entry_id, problem = proven_address(client, step.form, step.key, step.what)
                found = [problem] if problem else []
                change.entry_id = change.entry_id or step.entry_id
            problems.extend(found or form_problems(client, step))
    return problems


def execute(client, changes, check_mode, guard=None, concurrency=1, breaker=None):
    """Check every change, then (not in check mode) apply them. WriteError before any write when refused.

    Returns the breaker (its reason is set when the tenant stopped accepting writes), or None in check mode.
    """
    problems = refusals(client, changes, guard)
    if problems:
        raise WriteError('nothing was written: %s' % '; '.join(problems), result=dict(problems=problems))
    if check_mode:
        return None
    return apply_changes(client, changes, concurrency, breaker, guard)


# ---------------------------------------------------------------------- sending
def _send(client, step):
    for field, source in step.links.items():
        step.values[field] = source.entry_id
    if step.method == 'create':
        # without a key to find it again, a create whose reply was lost is not repeated: it is reported unknown
        find_existing = (lambda: _find_again(client, step)) if step.key else None
        step.entry_id = client.create_entry(step.form, step.values, find_existing=find_existing)
    elif step.method == 'update':
        client.update_entry(step.form, step.entry_id, step.values)
    else:
        client.delete_entry(step.form, step.entry_id)
    step.outcome = DONE[step.method]


def _find_again(client, step):
    """The id of the entry a create's key finds (after its reply was lost), or None: never a duplicate."""
    if isinstance(step.key, str):
        found = read_entries(client, step.form, step.key, [], limit=2, page_size=2)
        return found[0]['entry_id'] if len(found) == 1 else None
    named = [(field, value) for field, value in step.key.items() if not is_field_id(field)]
    if not named:
        return None
    (field, value), rest = named[0], named[1:]
    found = read_by_keys(client, step.form, field, [value], fields=[name for name, _value in rest], page_size=10)
    for entry in found.entries:
        if all(key_text(entry['values'].get(name)) == key_text(wanted) for name, wanted in rest):
            return entry['entry_id']
    return None


def failure_message(change, step, exc):
    """What a failed step means: the write, the AR message, what it hints at, and what was done before it."""
    if exc.outcome_unknown:
        message = ('the %s may have been applied: its reply was lost and the outcome could not be confirmed (%s);'
                   ' check %s before running again' % (step.noun, exc, change.subject))
    else:
        message = 'could not %s: %s%s' % (step.what, exc, _hint(step, exc))
    done = change.done()
    if done and len(change.steps) > 1:
        message += '; done before it: %s' % ', '.join(done)
    return message


def _hint(step, exc):
    if not isinstance(exc, HelixAPIError):
        return ''
    if exc.has_number(AR_DUPLICATE):
        return ' (a unique value, such as the Login Name, is already taken)'
    if exc.has_number(AR_BAD_SELECTION):
        sent = ', '.join('%s=%r' % (field, value) for field, value in sorted((step.values or {}).items())
                         if isinstance(value, (str, int)) and not isinstance(value, bool))
        return ' (values sent: %s)' % sent if sent else ''
    if exc.has_number(AR_NO_FIELD_ACCESS):
        fields = ', '.join(m.appended for m in exc.messages if m.number == AR_NO_FIELD_ACCESS and m.appended)
        return ' (the account may not write the field%s %s: a field permission on the tenant)' % (
            '' if ',' not in fields else 's', fields or 'named above')
    if exc.has_number(AR_MODIFIED_SINCE_READ):
        return (' (the entry was changed by someone else after this task read it%s)' % (
            '; it was read and planned again once, and changed again: run the task again later' if step.replanned
            else ''))
    if exc.has_number(AR_NO_WRITE_ACCESS):
        fields = ', '.join(m.appended for m in exc.messages if m.number == AR_NO_WRITE_ACCESS and m.appended)
        if fields:
            return ' (the field %s can not be written by this account: a system or display-only field, or no write' \
                   ' access to it)' % fields
    if exc.has_number(AR_UNKNOWN_COMPANY):
        return ' (the tenant does not know the company %r)' % ((step.values or {}).get('Company'),)
    if exc.has_number(*AR_NO_ACCESS) or exc.status == 403:
        return ' (the account has no permission to %s entries of form %s)' % (step.method, step.form)
    return ''


def _refused_for_permission(exc):
    return exc.status == 403 or exc.has_number(*AR_NO_ACCESS)


def _confirmed(client, step):
    """After an update or delete whose outcome is unknown: True when a re-read shows it was applied."""
    if not step.entry_id or step.method not in ('update', 'delete'):
        return False
    try:
        found = client.get_entry(step.form, step.entry_id, fields=[FIELD_ONE] if step.method == 'delete' else None)
    except HelixError:
        return False
    if step.method == 'delete' or found is None:
        return step.method == 'delete' and found is None
    meta = client.form_fields(step.form)
    stored = dict((field_name(step.form, name, client.field_names(step.form)), value)
                  for name, value in (found.get('values') or {}).items())
    for field, value in step.values.items():
        name = field_name(step.form, field, client.field_names(step.form))
        same = meta.same_value(name, value, stored.get(name)) if meta is not None else None
        if stored.get(name) == '***':
            continue  # a password reads back masked: nothing to compare
        if not (same if same is not None else key_text(value) == key_text(stored.get(name))):
            return False
    return True


def _replan(client, change, step, index, guard):
    """After AR 309: the change planned anew from a fresh read and checked like the first plan (WriteError if refused)."""
    change.replanned = step.replanned = True
    fresh = change.replan(client, change)
    problems = refusals(client, [fresh], guard)
    if problems:
        raise WriteError('planned again after the entry changed, it is refused: %s' % '; '.join(problems))
    change.adopt(fresh, index)
    for later in change.steps[index:]:
        later.replanned = True


def apply_change(client, change, breaker=None, guard=None):
    """Send a change's steps in order; the first failure ends it (change.action failed or unknown)."""
    index = 0
    while index < len(change.steps):
        step = change.steps[index]
        try:
            _send(client, step)
        except HelixError as exc:
            if step.optional and not exc.outcome_unknown and _refused_for_permission(exc):
                change.warnings.append('%s (%s)' % (step.optional, exc))
                step.outcome = 'unchanged'
                index += 1
                continue
            if step.method == 'update' and exc.has_number(AR_MODIFIED_SINCE_READ) and change.replan is not None \
                    and not change.replanned:
                try:
                    _replan(client, change, step, index, guard)
                except HelixError as replan_error:
                    change.fail('could not %s: %s; %s' % (step.what, exc, replan_error), exc)
                    return
                continue
            if not (exc.outcome_unknown and _confirmed(client, step)):
                change.fail(failure_message(change, step, exc), exc)
                return
            change.warnings.append('the %s timed out or lost its reply, and a re-read shows it applied (%s)' % (
                step.noun, exc))
            step.outcome = DONE[step.method]
        except Exception as exc:  # pylint: disable=broad-except
            # one surprise must not cost the other changes their outcome
            change.fail(client.redact('could not %s: unexpected %s: %s' % (step.what, type(exc).__name__, exc)))
            return
        if step.method == 'create' and change.entry_id is None:
            change.entry_id = step.entry_id
        if step.then is not None:
            change.steps[index + 1:index + 1] = step.then(client, step)
        index += 1


def tenant_failure(error):
    """True when a write failed on the tenant's side, not on its data: no connection, a timeout, HTTP 5xx or 429,
    AR 92/93/94 (RPC timeouts). Many in a row mean the tenant is down or overloaded, not that the users are wrong."""
    if error is None:
        return False
    if isinstance(error, HelixConnectionError):
        return True
    status = getattr(error, 'status', None)
    return (status is not None and (status >= 500 or status == 429)) or error.has_number(*AR_TIMEOUTS)


class Breaker(object):
    """Stops starting changes after `threshold` consecutive ones failed on the tenant's side, across the workers.

    Against a dead or failing tenant each write would spend its whole retry budget; with the breaker the
    task ends after the writes already in flight (about 2 x concurrency), whatever the number of changes.
    The changes not started are `not_attempted`.
    """

    def __init__(self, threshold=3):
        self.threshold = max(3, threshold)
        self._consecutive = 0
        self._lock = threading.Lock()
        self.reason = None

    @property
    def open(self):
        return self.reason is not None

    def record(self, change):
        with self._lock:
            if change.action in ('failed', 'unknown') and tenant_failure(change.error):
                self._consecutive += 1
                if self._consecutive >= self.threshold and self.reason is None:
                    self.reason = change.msg
            elif change.action != 'not_attempted':
                self._consecutive = 0


def apply_changes(client, changes, concurrency=1, breaker=None, guard=None):
    """Apply the changes that change something, `concurrency` at a time; returns the breaker."""
    todo = [change for change in changes if change.changed and change.steps]
    breaker = breaker or Breaker(2 * concurrency)

    def apply_one(change):
        if breaker.open:
            change.skip('not attempted: the tenant stopped accepting writes (%d in a row failed on its side)'
                        % breaker.threshold)
            return
        apply_change(client, change, guard=guard)
        breaker.record(change)

    if concurrency <= 1 or len(todo) <= 1:
        for change in todo:
            apply_one(change)
    else:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(apply_one, todo))
    return breaker


def raise_failure(change, **result):
    """Raise the WriteError of a change that failed (or may have been applied): its message, its AR messages,
    and the result keys a module returns with it (changed, action, and what the caller adds)."""
    error = change.error
    result.update(changed=change.changed or bool(change.done()), action=change.action)
    if len(change.steps) > 1:
        result['done'] = change.done()
    raise WriteError(change.msg, result=result, status=getattr(error, 'status', None),
                     messages=getattr(error, 'messages', None))


def summarize(changes, actions):
    """{action: count} over the changes, every action of `actions` present."""
    summary = dict((action, 0) for action in actions)
    for change in changes:
        summary[change.action] = summary.get(change.action, 0) + 1
    return summary
