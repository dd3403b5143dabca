# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The logic of the event source helix.users.changes (extensions/eda/plugins/event_source/changes.py).

Nothing here is asynchronous, and nothing here knows Event-Driven Ansible: the source runs these steps
in a worker thread and puts what they return on its queue.

- source_params(): the source's options, checked as a module checks its own: the connection options of
  every module (CONNECTION_OPTIONS, with their HELIX_* variables), then the source's own.
- Poller: entries of a form whose `Modified Date` is at or past a watermark (integers of seconds, as AR
  qualifications take dates), in a window that reaches `overlap` seconds back so that an entry committed
  late in a second already seen is not missed; events de-duplicated by (entry id, Modified Date, a digest of
  the values: two changes of one entry within one second are two versions, one version read twice is one);
  the watermark and the versions still inside the window kept in a state file, written as the events are
  queued, so that a restart neither loses nor repeats events.
- Callbacks: a webhook call turned into the same event, the entry re-read by its id (and the source's
  query), never taken from the payload.

Each event is {'helix': {form, entry_id, key, operation, values, modified_date}}; values never hold a
secret field (Password, Auth String, anything named like a password, token or secret).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import datetime
import hashlib
import json
import logging
import math
import os
import re
import tempfile
import time

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.helix.users.plugins.module_utils.connection import (
    connection_argument_spec,
    connection_problems,
    non_empty_env_fallback,
)
from ansible_collections.helix.users.plugins.module_utils.errors import redact
from ansible_collections.helix.users.plugins.module_utils.fields import field_name
from ansible_collections.helix.users.plugins.module_utils.qualification import all_of, balance_problem, quote_field
from ansible_collections.helix.users.plugins.module_utils.reads import FIELD_ONE, read_by_keys, read_entries

MODIFIED = 'Modified Date'
CREATED = 'Create Date'
MODIFIED_BY = 'Last Modified By'
OPERATIONS = ('create', 'update', 'merge', 'delete')
STATE_VERSION = 1
LOG = logging.getLogger('helix.users.changes')

# The key an event names its entry by, per form: a login on the User form, the Person ID (field 1) on
# CTM:People; other forms name it by their entry id unless key_field says otherwise.
DEFAULT_KEY_FIELDS = {'user': 'Login Name', 'ctm:people': FIELD_ONE}

# The source's own options; the connection options of every module come first (connection.py).
SOURCE_OPTIONS = {
    'mode': dict(type='str', choices=['poll', 'webhook'], default='poll'),
    'form': dict(type='str', default='User'),
    'query': dict(type='str'),
    'fields': dict(type='list', elements='str'),
    'key_field': dict(type='str'),
    'interval': dict(type='float', default=60),
    'overlap': dict(type='int', default=5),
    'backoff_max': dict(type='float', default=300),
    'state_file': dict(type='path'),
    'host': dict(type='str', default='0.0.0.0'),
    'port': dict(type='int'),
    'secret': dict(type='str', no_log=True, fallback_env='HELIX_WEBHOOK_SECRET'),
    'certfile': dict(type='path'),
    'keyfile': dict(type='path'),
}


def source_argument_spec():
    """The argument spec of the source: the modules' connection options (env fallbacks included) and its own."""
    spec = connection_argument_spec()
    for name, option in SOURCE_OPTIONS.items():
        entry = dict((key, value) for key, value in option.items() if key != 'fallback_env')
        if 'fallback_env' in option:
            entry['fallback'] = (non_empty_env_fallback, [option['fallback_env']])
        spec[name] = entry
    return spec


def source_params(args):
    """(params, problems) of the source's arguments as the rulebook gives them; problems never quote a secret."""
    # an option templated to '' or blanks (a rulebook variable left unset) is an option not given, as with AWX's
    # credentials: a blank query, state_file or form would otherwise be sent, or written to, as it is
    args = dict((name, value) for name, value in (args or {}).items()
                if not name.startswith('eda_') and value is not None and not (isinstance(value, str) and not value.strip()))
    result = ArgumentSpecValidator(source_argument_spec()).validate(args)
    params = result.validated_parameters
    secrets = set(str(value) for value in result._no_log_values)  # pylint: disable=protected-access
    problems = [redact(message, secrets) for message in result.error_messages]
    if problems:
        return params, problems
    problems = connection_problems(params)
    for name, minimum in (('interval', 0.01), ('overlap', 0), ('backoff_max', 0.01)):
        if not math.isfinite(params[name]) or params[name] < minimum:
            problems.append('%s must be %s or more' % (name, minimum))
    problem = state_file_problem(params.get('state_file'))
    if problem:
        problems.append(problem)
    if params.get('query'):
        problem = balance_problem(params['query'])
        if problem:
            problems.append('query has %s: it could escape the AND with the Modified Date window' % problem)
    if params['mode'] == 'webhook':
        if not params.get('port'):
            problems.append('mode webhook needs port (the port the listener binds)')
        if not params.get('secret'):
            problems.append('mode webhook needs secret (or HELIX_WEBHOOK_SECRET): the password the tenant sends'
                            ' with Basic authentication on every call')
        if params.get('keyfile') and not params.get('certfile'):
            problems.append('keyfile needs certfile')
        for name in ('certfile', 'keyfile'):
            if params.get(name) and not os.path.isfile(params[name]):
                problems.append('%s %s is not a readable file' % (name, params[name]))
    return params, problems


def state_file_problem(path):
    """Why the state file can not be kept at path (None when it can): told at the start, not at the first event."""
    if not path:
        return None
    if os.path.isdir(path):
        return 'state_file %s is a directory' % path
    folder = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(folder):
        folder = os.path.dirname(folder)
    if not os.path.isdir(folder):
        return 'state_file %s can not be created: %s is not a directory' % (path, folder)
    if not os.access(folder, os.W_OK | os.X_OK) or (os.path.exists(path) and not os.access(path, os.R_OK)):
        return 'state_file %s can not be written or read' % path
    return None


# ---------------------------------------------------------------------- dates
_AR_DATE = re.compile(r'^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.\d+)?(Z|[+-]\d\d:?\d\d)?$')


def epoch_of(value):
    """Seconds since the epoch of an AR date as the REST API returns it (2026-11-27T08:45:00.000+0000, or a
    number of seconds); None when it is no date."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value)
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    match = _AR_DATE.match(text)
    if not match:
        return None
    moment = datetime.datetime(*[int(part) for part in match.groups()[:6]])
    seconds = calendar.timegm(moment.timetuple())
    zone = match.group(7)
    if zone and zone != 'Z':
        sign = -1 if zone[0] == '-' else 1
        digits = zone[1:].replace(':', '')
        seconds -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return seconds


def window_query(query, since):
    """The qualification of a poll: Modified Date at or past `since` (an integer of seconds), ANDed with query."""
    return all_of('%s >= %d' % (quote_field(MODIFIED), int(since)), query)


# ---------------------------------------------------------------------- events
_SECRET_WORDS = ('password', 'passwd', 'pwd', 'passphrase', 'token', 'secret', 'jwt', 'authstring', 'credential', 'apikey',
                 'privatekey', 'bearer')


def is_secret_field(form, name):
    """A field whose value an event must never carry: Password, Auth String, and anything named like a secret."""
    folded = re.sub(r'[\s_-]', '', field_name(form, name)).casefold()
    return any(word in folded for word in _SECRET_WORDS)


def shown_values(form, values):
    """The values an event may carry: every field but the secret ones."""
    return dict((name, value) for name, value in (values or {}).items() if not is_secret_field(form, name))


def key_field_of(form, key_field=None):
    return key_field or DEFAULT_KEY_FIELDS.get(str(form).strip().casefold())


def make_event(form, entry_id, key, operation, values, modified_date):
    return {'helix': dict(form=form, entry_id=entry_id, key=key, operation=operation,
                          values=shown_values(form, values), modified_date=modified_date)}


def digest(form, values):
    """A short digest of an entry's shown values: one version of an entry, read twice, has one digest."""
    text = json.dumps(shown_values(form, values), sort_keys=True, default=str)
    return hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]


class Memory(object):
    """The versions already reported, (entry, Modified Date, digest), and the key of each entry seen; at most
    `limit` of each (the oldest forgotten first)."""

    def __init__(self, limit=100000):
        self.limit = limit
        self.pairs = {}   # (identity, modified epoch, digest) -> modified epoch, oldest first
        self.keys = {}    # identity -> key, oldest first

    def seen(self, version):
        return tuple(version) in self.pairs

    def add(self, version, key=None):
        identity, modified = version[0], version[1]
        self.pairs[tuple(version)] = modified
        self.keys.pop(identity, None)
        self.keys[identity] = key
        for table in (self.pairs, self.keys):
            while len(table) > self.limit:
                table.pop(next(iter(table)))

    def reported(self, identity):
        return identity in self.keys

    def prune(self, oldest):
        """Forget the pairs older than oldest (they can not come back through the window)."""
        self.pairs = dict((pair, modified) for pair, modified in self.pairs.items() if modified >= oldest)


# ---------------------------------------------------------------------- the state file
class StateFile(object):
    """The watermark and the pairs inside the window, in a JSON file written atomically (mode 0600).

    A file of another form or query is not this source's: it is left alone and the source starts afresh.
    """

    def __init__(self, path, form, query, log=LOG):
        self.path = path
        self.form = form
        self.query = query or ''
        self.log = log

    def load(self):
        """(watermark, [(identity, modified, digest)]) or None when there is no usable state."""
        if not self.path or not os.path.exists(self.path):
            return None
        try:
            with open(self.path, encoding='utf-8') as handle:
                data = json.load(handle)
            if data.get('version') != STATE_VERSION or not isinstance(data.get('watermark'), int):
                raise ValueError('not a state file of this version')
            if data.get('form') != self.form or data.get('query', '') != self.query:
                self.log.warning('state file %s watches another form or query: starting afresh (it is left as it'
                                 ' is until the first poll writes it)', self.path)
                return None
            seen = [(identity, int(modified), str(version)) for identity, modified, version in data.get('seen', [])]
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            self.log.warning('state file %s is not readable (%s): starting afresh', self.path, type(exc).__name__)
            return None
        return data['watermark'], seen

    def save(self, watermark, pairs):
        if not self.path:
            return
        data = dict(version=STATE_VERSION, form=self.form, query=self.query, watermark=int(watermark),
                    seen=sorted(list(version) for version in pairs))
        folder = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix='.helix-changes-', dir=folder)
        try:
            with os.fdopen(handle, 'w', encoding='utf-8') as stream:
                json.dump(data, stream)
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise


# ---------------------------------------------------------------------- polling
class Poller(object):
    """Polls one form through one client (one login for its life; the client logs in again on expiry).

    poll() returns the new events (oldest first) and keeps them pending; commit(count) (once that many of them are
    queued) remembers them, moves the watermark to the newest of them and writes the state file. A poll that
    failed, or events not queued, change nothing: the next poll asks for them again.
    """

    def __init__(self, client, form='User', query=None, fields=None, key_field=None, overlap=5, state_file=None,
                 log=LOG, clock=time.time):
        self.client = client
        self.form = form
        self.query = query or None
        self.key_field = key_field_of(form, key_field)
        self.fields = None
        if fields:
            extra = [MODIFIED, CREATED, MODIFIED_BY] + ([self.key_field] if self.key_field not in (None, FIELD_ONE) else [])
            self.fields = list(dict.fromkeys(list(fields) + extra))
        self.overlap = max(0, int(overlap))
        self.state = StateFile(state_file, form, query, log)
        self.log = log
        self.clock = clock
        self.memory = Memory()
        self.watermark = None
        self._pending = None
        self.polls = 0
        self.unsaved = False  # the state file is behind what was queued (it could not be written)

    # the identity of an entry for de-duplication: its id, else (no id shown) its key
    @staticmethod
    def identity(entry_id, key):
        return entry_id if entry_id is not None else 'key:%s' % (key,)

    def version(self, entry, key, modified):
        return (self.identity(entry['entry_id'], key), modified, digest(self.form, entry['values']))

    def key_of(self, entry):
        if self.key_field in (None, FIELD_ONE):
            return entry['entry_id']
        value = entry['values'].get(self.key_field)
        return None if value is None else str(value)

    def start(self):
        """The watermark from the state file, else from the tenant: the newest Modified Date of the watched entries
        (the tenant's clock, not this host's), the entries inside the window then taken as reported."""
        loaded = self.state.load()
        if loaded is not None:
            self.watermark, seen = loaded
            for version in seen:
                self.memory.add(version)
            self.log.info('watching %s from the state file: Modified Date >= %d (%d seconds of overlap)',
                          self.form, self.watermark - self.overlap, self.overlap)
            return
        newest = read_entries(self.client, self.form, self.query, fields=[MODIFIED], sort='%s.desc' % MODIFIED,
                              limit=1, page_size=1)
        watermark = (epoch_of(newest[0]['values'].get(MODIFIED)) or 0) if newest else 0
        seen = []
        for entry in self._window(watermark):
            modified = epoch_of(entry['values'].get(MODIFIED))
            if modified is not None:
                key = self.key_of(entry)
                seen.append((self.version(entry, key, modified), key))
        # only now that both reads succeeded: a start that failed half-way starts again, reporting nothing old
        self.watermark = watermark
        for version, key in seen:
            self.memory.add(version, key)
        self.save()
        self.log.info('watching %s for changes after the newest one the tenant has (%s)', self.form,
                      _iso(self.watermark) if self.watermark else 'none yet')

    def _window(self, watermark=None):
        since = (self.watermark if watermark is None else watermark) - self.overlap
        return read_entries(self.client, self.form, window_query(self.query, since), fields=self.fields,
                            sort='%s.asc' % MODIFIED)

    def save(self):
        """Write the state file. A file that can not be written stops nothing (the tenant answers, the events are
        queued, none is repeated while the source runs): it is said once, tried again with every poll, and its
        recovery said."""
        try:
            self.state.save(self.watermark, self.memory.pairs)
        except OSError as exc:
            if not self.unsaved:
                self.log.error('state file %s could not be written (%s: %s): the source keeps running, but a restart'
                               ' now would report again what was queued since; tried again with every poll',
                               self.state.path, type(exc).__name__, exc.strerror or exc)
            self.unsaved = True
            return
        if self.unsaved:
            self.log.warning('state file %s is written again', self.state.path)
        self.unsaved = False

    def poll(self):
        """The events of the entries changed since the last poll (none already reported)."""
        if self.watermark is None:
            self.start()
        elif self.unsaved:
            self.save()
        since = self.watermark - self.overlap
        events, versions = [], []
        for entry in self._window():
            values = entry['values']
            modified = epoch_of(values.get(MODIFIED))
            if modified is None:
                self.log.warning('an entry of %s without a readable Modified Date was skipped', self.form)
                continue
            key = self.key_of(entry)
            version = self.version(entry, key, modified)
            if self.memory.seen(version) or version in versions:
                continue
            created = epoch_of(values.get(CREATED))
            operation = 'create' if created is not None and created >= since and not self.memory.reported(version[0]) \
                else 'update'
            events.append(make_event(self.form, entry['entry_id'], key, operation, values, values.get(MODIFIED)))
            versions.append(version)
        self.polls += 1
        self._pending = list(zip(versions, [event['helix']['key'] for event in events]))
        return events

    def commit(self, count=None):
        """The first `count` events of the last poll (all by default) are queued: remember them, move the watermark
        to the newest of them, write the state file. The others come again with the next poll."""
        pending, self._pending = self._pending or [], None
        done = pending if count is None else pending[:count]
        if not done:
            return
        for version, key in done:
            self.memory.add(version, key)
        self.watermark = max([self.watermark] + [version[1] for version, _key in done])
        self.memory.prune(self.watermark - self.overlap)
        self.save()


# ---------------------------------------------------------------------- webhooks
# Where a callback may name the form, the event and the entry id (BMC publishes no payload schema: a
# receiver tolerates extra and missing keys, docs/ar-api.md).
_FORM_KEYS = ('formName', 'form_name', 'form', 'Form')
_EVENT_KEYS = ('entryEvent', 'entry_event', 'event', 'eventType', 'event_type', 'operation', 'action')
_ID_KEYS = ('entryId', 'entry_id', 'requestId', 'request_id', 'id', 'Request ID')


def _first(payload, names):
    for name in names:
        value = payload.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return None


def callback_fields(payload):
    """(form, operation, entry id) a callback names, each None when it does not say; never its values."""
    if not isinstance(payload, dict):
        return None, None, None
    scopes = [payload] + [payload[name] for name in ('entry', 'data', 'event') if isinstance(payload.get(name), dict)]
    form = operation = entry_id = None
    for scope in scopes:
        form = form or _first(scope, _FORM_KEYS)
        operation = operation or _first(scope, _EVENT_KEYS)
        entry_id = entry_id or _first(scope, _ID_KEYS)
    if operation is not None:
        folded = operation.strip().lower()
        operation = next((name for name in OPERATIONS if folded.startswith(name) or folded.startswith(name[:-1])
                          or folded == name + 'd'), 'update')
    return form, operation, entry_id


class Callbacks(object):
    """Webhook calls of one form, each turned into an event by re-reading the entry by its id and the query."""

    def __init__(self, client, form='User', query=None, fields=None, key_field=None, log=LOG):
        self.client = client
        self.form = form
        self.query = query or None
        self.key_field = key_field_of(form, key_field)
        self.fields = fields
        self.log = log
        self.memory = Memory()

    def event(self, payload):
        """The event of a callback (None: not of this form, not matching the query, or already reported)."""
        form, operation, entry_id = callback_fields(payload)
        if entry_id is None:
            self.log.warning('a webhook call named no entry id: ignored')
            return None
        if form is not None and form.casefold() != self.form.casefold():
            self.log.info('a webhook call of form %s ignored: this source watches %s', form, self.form)
            return None
        if operation == 'delete':
            key = self.memory.keys.get(entry_id, entry_id if self.key_field in (None, FIELD_ONE) else None)
            return make_event(self.form, entry_id, key, 'delete', {}, None)
        fields = None
        if self.fields:
            fields = list(dict.fromkeys(list(self.fields) + [MODIFIED, CREATED, MODIFIED_BY]))
        found = read_by_keys(self.client, self.form, FIELD_ONE, [entry_id], base_query=self.query, fields=fields)
        entries = found.found(entry_id)
        if not entries:
            self.log.info('%s entry %s is gone or outside the query: no event', self.form, entry_id)
            return None
        entry = entries[0]
        values = entry['values']
        key = entry_id if self.key_field in (None, FIELD_ONE) else values.get(self.key_field)
        key = None if key is None else str(key)
        modified = epoch_of(values.get(MODIFIED))
        if modified is not None:
            version = (entry_id, modified, digest(self.form, values))
            if self.memory.seen(version):
                return None  # a repeated call, or two calls for one version of the entry
            self.memory.add(version, key)
        return make_event(self.form, entry_id, key, operation or 'update', values, values.get(MODIFIED))


def _iso(epoch):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(epoch))


class Backoff(object):
    """Seconds to wait after failures in a row: the interval, doubled per failure, at most `maximum`."""

    def __init__(self, interval, maximum):
        self.interval = interval
        self.maximum = max(interval, maximum)
        self.failures = 0

    def failed(self):
        self.failures += 1
        return min(self.maximum, self.interval * (2 ** self.failures))

    def succeeded(self):
        recovered = self.failures
        self.failures = 0
        return recovered
