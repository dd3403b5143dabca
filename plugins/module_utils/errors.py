# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors of the AR client.

An error carries what a user needs to act (HTTP status, AR message number,
text and appended text, what was being done) and never a header, a request
body, a password or a token.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from urllib.parse import urlsplit

# AR message numbers the client and the modules act on, as AR's own arerrno.h names them.
AR_GUEST_USER = 59          # AR_WARN_NO_SUCH_USER
AR_NO_SUCH_ENTRY = 302
AR_NO_SUCH_FORM = 303
AR_BAD_SELECTION = 306      # AR_ERROR_VALUE_OUT_OF_LIMIT
AR_MODIFIED_SINCE_READ = 309  # AR_ERROR_MODIFIED_SINCE_GET: the entry changed after it was read
AR_NO_SUCH_FIELD = 314
AR_NO_WRITE_ACCESS = 330    # AR_ERROR_NO_WRITE_ACCESS: with a field appended, that field can not be written
AR_NO_ACCESS = (330, 353)  # no access to the form or the operation
AR_NO_FIELD_ACCESS = 333   # no access to one field: a field permission, not a login problem
AR_DUPLICATE = 382
AR_SERVER_BUSY = 93
AR_TIMEOUTS = (92, 93, 94)  # AR_ERROR_RPC_TIMEOUT(_2, _3): a write that ended in one may well have been applied
AR_HOST_IP_OVERRIDE = 9093  # AR_ERROR_USER_HOST_IP_OVERRIDE_OPTION
AR_UNKNOWN_COMPANY = 10102  # ITSM: the company of a person is not a company of the tenant

REDACTED = '********'

_TAG = re.compile(r'<[^>]*>')
_SPACE = re.compile(r'\s+')


class ARMessage(object):
    """One element of an AR error array."""

    def __init__(self, number=None, text=None, appended=None, message_type=None):
        self.number = number
        self.text = text
        self.appended = appended
        self.message_type = message_type

    @classmethod
    def from_dict(cls, data):
        number = data.get('messageNumber')
        try:
            number = int(number) if number is not None else None
        except (TypeError, ValueError):
            pass
        return cls(number, data.get('messageText'), data.get('messageAppendedText'), data.get('messageType'))

    def as_dict(self):
        return dict(number=self.number, type=self.message_type, text=self.text, appended_text=self.appended)

    def __str__(self):
        parts = []
        if self.number is not None:
            parts.append('AR %s' % self.number)
        if self.text:
            parts.append(self.text)
        if self.appended:
            parts.append(self.appended)
        return ': '.join(parts)


def parse_ar_messages(text):
    """The AR messages in a body or X-AR-Messages header; [] for empty, plain-text or HTML bodies."""
    if not text:
        return []
    try:
        data = json.loads(text)
    except ValueError:
        return []
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        return []
    return [ARMessage.from_dict(item) for item in data if isinstance(item, dict)]


def is_html(text, content_type=''):
    """A body that is a web page (a login page of single sign-on, a proxy's error page), not an API answer."""
    return 'html' in (content_type or '').lower() or (text or '').lstrip().startswith('<')


def summarize_body(text, content_type=''):
    """A short, single-line description of a non-JSON error body (HTML pages reduced to their text)."""
    if not text:
        return 'empty body'
    if is_html(text, content_type):
        stripped = _SPACE.sub(' ', _TAG.sub(' ', text)).strip()
        return 'an HTML page%s' % ((': ' + stripped[:120]) if stripped else '')
    return _SPACE.sub(' ', text).strip()[:200]


def redact(text, secrets):
    """text (any object, as text) with each of the secrets replaced; empty secrets are skipped."""
    text = '' if text is None else str(text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


class HelixError(Exception):
    """Base of every error the client raises.

    :param msg: what went wrong, in words; already free of secrets.
    :param status: HTTP status, when there was an answer.
    :param messages: the ARMessage list of the answer.
    """

    def __init__(self, msg, status=None, messages=None):
        super(HelixError, self).__init__(msg)
        self.msg = msg
        self.status = status
        self.messages = list(messages or [])
        # a write that failed this way may have been applied all the same (its reply was lost)
        self.outcome_unknown = False

    def has_number(self, *numbers):
        return any(message.number in numbers for message in self.messages)

    def as_dict(self):
        """Extra keys for fail_json."""
        return dict(status=self.status, ar_messages=[message.as_dict() for message in self.messages])

    def __str__(self):
        return self.msg


class HelixConnectionError(HelixError):
    """No usable answer: connection refused or dropped, timeout, TLS failure."""


class HelixAuthError(HelixError):
    """Login refused, guest-user trap, or a token the server no longer accepts."""


class HelixAPIError(HelixError):
    """The server answered with an error status."""


# ---------------------------------------------------------------------- what a failed request means
def is_access_forbidden(response):
    """The refusal of plain HTTP: {"message": "Access forbidden", ...}, not an AR error array."""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and str(body.get('message', '')).strip().lower() == 'access forbidden'


# What an AR message means, in words, where the number alone sends a user the wrong way.
HINTS = {
    AR_HOST_IP_OVERRIDE: 'AR_ERROR_USER_HOST_IP_OVERRIDE_OPTION: the account is logged in from another IP address,'
                         ' and AR lets a non-administrator account be logged in from one IP address at a time; one'
                         ' service account used from several AWX execution nodes or controllers meets this. Give'
                         ' each node its own service account, or run the jobs that use this one on one node (an'
                         ' instance group of one)',
}
LOGIN_HINTS = dict(HINTS)
LOGIN_HINTS.update({
    623: 'wrong username or password',
    624: 'the account is marked invalid on the tenant; an administrator must re-enable it',
})


def login_hint(exc):
    hints = [LOGIN_HINTS[m.number] for m in exc.messages if m.number in LOGIN_HINTS]
    return ' (%s)' % '; '.join(hints) if hints else ''


def message_hints(messages):
    """' (what the messages mean)' for the AR numbers whose meaning is not what their text suggests."""
    hints = [HINTS[m.number] for m in messages if m.number in HINTS]
    return ' (%s)' % '; '.join(hints) if hints else ''


def ui_host_hint(base_url, location=''):
    """Why a login page or a redirect to single sign-on answered an API request, and where the API is; None when a
    redirect does not look like one (it stays on the same host, as http:// to https:// does)."""
    host = urlsplit(base_url).hostname or ''
    target = urlsplit(location).hostname if location else None
    if location and (target is None or target == host):
        return None
    match = re.match(r'^([a-z0-9-]+)\.onbmc\.com$', host)
    where = ('https://%s-restapi.onbmc.com' % match.group(1)) if match and not match.group(1).endswith(
        '-restapi') else 'the tenant\'s REST API host'
    return ('helix_url points at the tenant\'s web UI, which sends API requests to its single sign-on login; on BMC'
            ' Helix SaaS the REST API is served at https://<tenant>-restapi.onbmc.com, not at the UI host: set'
            ' helix_url to %s' % where)


def never_connected(exc):
    """True when the request never reached the server (refused, unresolvable, connect timeout): nothing was done."""
    if any(kind.__name__ == 'ConnectTimeout' for kind in type(exc).__mro__):  # requests' own, not imported here
        return True
    reason = exc
    for _dummy in range(5):
        if isinstance(reason, ConnectionRefusedError) or type(reason).__name__ in ('NewConnectionError', 'NameResolutionError'):
            return True
        inner = getattr(reason, 'reason', None) or (reason.args[0] if getattr(reason, 'args', None) else None)
        if inner is None or inner is reason or isinstance(inner, str):
            return False
        reason = inner
    return False


def reason_of(exc):
    """The innermost reason of a requests exception, without the URL noise."""
    reason = exc
    for _dummy in range(5):
        inner = getattr(reason, 'reason', None) or (reason.args[0] if getattr(reason, 'args', None) else None)
        if inner is None or inner is reason or isinstance(inner, str):
            break
        reason = inner
    return '%s: %s' % (type(reason).__name__, reason)
