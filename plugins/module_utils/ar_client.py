# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP client of the AR System REST API: session, authentication, retries, paging, AR errors.

It knows entries and forms, nothing of users. One ARClient per module run
holds one requests.Session (keep-alive, a connection pool sized for the
module's concurrency) and one token. The bulk writer shares it between
threads: the counters, the token and re-login are guarded by locks, and each
request only reads the session's settings.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import random
import threading
import time

from urllib.parse import quote, urlencode, urlsplit

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised only where requests is missing
    requests = HTTPAdapter = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

from ansible_collections.helix.users.plugins.module_utils.errors import (
    AR_GUEST_USER,
    AR_TIMEOUTS,
    HelixAPIError,
    HelixAuthError,
    HelixConnectionError,
    HelixError,
    is_access_forbidden,
    is_html,
    login_hint,
    message_hints,
    never_connected,
    parse_ar_messages,
    reason_of,
    redact,
    summarize_body,
    ui_host_hint,
)
from ansible_collections.helix.users.plugins.module_utils.entry_calls import EntryCalls, last_segment
from ansible_collections.helix.users.plugins.module_utils.field_calls import FieldCalls
from ansible_collections.helix.users.plugins.module_utils.tokens import strip_token, token_claims

WRITE_METHODS = ('POST', 'PUT', 'DELETE')
LOGIN_PATH = '/api/jwt/login'
LOGOUT_PATH = '/api/jwt/logout'


class _Call(object):
    """One API request as the retry loop sends it (again, after a backoff or a re-login)."""

    def __init__(self, method, url, operation, json_body=None, form=None, ok=(200,), auth=True, relogin=True,
                 decode=False):
        self.method = method
        self.url = url
        self.operation = operation
        self.json_body = json_body
        self.form = form
        self.ok = ok
        self.auth = auth
        self.relogin = relogin
        self.decode = decode


class _Retryable(Exception):
    """An attempt failed in a way worth trying again (connection error, 429, 5xx, AR 92-94, JSON cut short)."""

    REFUSED = 'refused'    # never connected, or 429: no work was done
    ANSWERED = 'answered'  # the server answered with a failure (5xx, a body cut short)
    LOST = 'lost'          # connected, but the reply never came, or (a write) it timed out: it may have been applied

    def __init__(self, error, kind):
        super(_Retryable, self).__init__(str(error))
        self.error = error
        self.kind = kind


def _timed_out(response):
    """The server answered with an RPC timeout (AR 92, 93, 94)."""
    return any(m.number in AR_TIMEOUTS for m in parse_ar_messages(response.text))


class ARClient(EntryCalls, FieldCalls):
    """AR REST client.

    :param url: base URL of the tenant.
    :param token: a token to use; the client then does not log out at close().
    :param username, password, auth_string: credentials to log in, and to log in again when a token expires.
    :param max_retries: retries after the first attempt on connection errors, 429, 5xx and AR messages 92-94.
    :param backoff: first backoff delay in seconds; doubled each retry, capped at backoff_max, with jitter.
    :param pool_size: connections kept alive, at least the number of threads sharing the client.
    """

    def __init__(self, url, username=None, password=None, auth_string=None, token=None,
                 validate_certs=True, ca_path=None, timeout=30, max_retries=3,
                 backoff=0.5, backoff_max=8.0, pool_size=10, sleep=time.sleep):
        try:
            parts = urlsplit(url or '')
            has_credentials = bool(parts.username or parts.password)
            parts.port  # pylint: disable=pointless-statement  # raises ValueError on a port that is not a number
        except ValueError as exc:
            raise HelixConnectionError('helix_url is not a valid URL: %s' % exc)
        if has_credentials:
            raise HelixConnectionError('helix_url must not carry credentials; use helix_username and helix_password')
        if parts.scheme not in ('http', 'https') or not parts.netloc:
            raise HelixConnectionError(
                "helix_url must be an absolute http:// or https:// URL such as https://acme-restapi.onbmc.com, got %s" % (
                    '%r' % (url,) if '@' not in str(url) else 'one with a user@ part (not shown)'))
        self.base_url = '%s://%s%s' % (parts.scheme, parts.netloc, parts.path.rstrip('/'))
        self.username = username
        self._password = password
        self._auth_string = auth_string
        self._token = strip_token(token) if token else None
        self._owns_token = False
        self._login_failure = None
        self.timeout = timeout
        self.max_retries = max(0, int(max_retries))
        self.backoff = backoff
        self.backoff_max = backoff_max
        self._sleep = sleep
        self._lock = threading.Lock()
        self._login_lock = threading.Lock()
        self.api_calls = 0
        self.retries = 0
        self.relogins = 0
        self.init_field_state()

        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(1, pool_size))
        self.session.mount('http://', adapter)
        self.session.mount('https://', adapter)
        self.session.headers['Accept'] = 'application/json'
        if not validate_certs:
            self.session.verify = False
            try:
                requests.packages.urllib3.disable_warnings()  # the user chose this; the warning would only repeat it
            except AttributeError:
                pass
        elif ca_path:
            if not os.path.isfile(ca_path) or not os.access(ca_path, os.R_OK):
                raise HelixConnectionError('ca_path %r is not a readable file: give the PEM bundle of the certificate'
                                           ' authority that signed the tenant certificate' % (ca_path,))
            self.session.verify = ca_path
        # The environment is read here once, not by requests for every request (it walks os.environ for proxies
        # each time: a third of a write's time on the client in a bulk run): the proxies for this tenant
        # (no_proxy honoured) and, when no ca_path was given, a CA bundle it names. Nothing else of it is used.
        if self.session.verify is True:
            self.session.verify = os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or True
        self.session.proxies.update(requests.utils.get_environ_proxies(self.base_url))
        self.session.trust_env = False

    # ---------------------------------------------------------------- secrets
    def _secrets(self):
        return [secret for secret in (self._password, self._auth_string, self._token) if secret]

    def redact(self, text):
        """text with every secret the client holds replaced; applied to every error message."""
        return redact(text, self._secrets())

    @property
    def token(self):
        return self._token

    def keep_token(self):
        """Leave the current token logged in at close(): it is handed over to the caller."""
        self._owns_token = False

    @property
    def login_name(self):
        """The login this client works as: its username, else the subject of its token (None when neither says)."""
        if self.username:
            return self.username
        subject = token_claims(self._token).get('sub') if self._token else None
        return subject if isinstance(subject, str) and subject else None

    @property
    def can_login(self):
        return bool(self.username and self._password)

    # ---------------------------------------------------------------- low level
    def _count(self, name='api_calls'):
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)

    def _url(self, path, params=None):
        url = self.base_url + path
        if params:
            # quote (not quote_plus): %20 for spaces is what every AR server decodes the same way
            url += '?' + urlencode([(k, v) for k, v in params.items() if v is not None], quote_via=quote)
        return url

    def _send(self, call, token):
        # the server gives up when the client does, instead of working on for a client that has gone
        headers = {'X-AR-Timeout': str(self.timeout)}
        if token:
            headers['Authorization'] = 'AR-JWT ' + token
        self._count()
        try:
            # verify is passed per request: a session's own verify loses to REQUESTS_CA_BUNDLE and
            # CURL_CA_BUNDLE from the environment, which would silently override ca_path and validate_certs.
            return self.session.request(call.method, call.url, headers=headers, json=call.json_body, data=call.form,
                                        timeout=self.timeout, allow_redirects=False, verify=self.session.verify)
        except requests.exceptions.SSLError as exc:
            raise HelixConnectionError(self.redact(
                'TLS failure talking to %s: %s. Set ca_path to the CA bundle of the tenant certificate,'
                ' or validate_certs: false for a test system.' % (self.base_url, reason_of(exc))))

    def _delay(self, attempt):
        delay = min(self.backoff_max, self.backoff * (2 ** attempt))
        return random.uniform(delay / 2.0, delay)  # jitter: concurrent workers do not retry in lockstep

    @staticmethod
    def _retryable(response):
        if response.status_code == 429 or response.status_code >= 500:
            return True
        return _timed_out(response)

    def _attempt(self, call, attempt):
        """Send call once (again after one re-login on a 401); return (response, decoded body or None).

        Raises _Retryable for a failure worth another attempt, HelixError for one that is final.
        """
        relogged = False
        while True:
            token = self._ensure_token() if call.auth else None
            try:
                response = self._send(call, token)
            except requests.exceptions.RequestException as exc:  # refused, dropped, timed out, cut mid-body
                raise _Retryable(HelixConnectionError(self.redact('%s failed after %d attempt(s): %s' % (
                    call.operation, attempt + 1, reason_of(exc)))),
                    _Retryable.REFUSED if never_connected(exc) else _Retryable.LOST)
            if response.status_code == 401 and call.auth:
                if call.relogin and not relogged and self.can_login:
                    relogged = True
                    self._relogin(token)
                    continue
                raise self._auth_error(response, call.operation)
            break
        if response.status_code in call.ok:
            if not call.decode:
                return response, None
            try:
                return response, response.json()
            except ValueError:
                raise _Retryable(HelixAPIError(self.redact(
                    '%s failed after %d attempt(s): HTTP %s with a body that is not valid JSON (%d bytes of %s)' % (
                        call.operation, attempt + 1, response.status_code, len(response.content),
                        response.headers.get('Content-Type') or 'no type')), status=response.status_code),
                    _Retryable.ANSWERED)
        if not self._retryable(response):
            raise self._api_error(response, call.operation)
        if response.status_code == 429:
            kind = _Retryable.REFUSED
        elif call.method in WRITE_METHODS and _timed_out(response):
            kind = _Retryable.LOST  # AR 92-94: a write that timed out has usually been applied
        else:
            kind = _Retryable.ANSWERED
        raise _Retryable(self._api_error(response, call.operation, attempt + 1), kind)

    def _backoff(self, attempt):
        self._sleep(self._delay(attempt))
        self._count('retries')

    def _send_retrying(self, call):
        """(response, decoded body) of call, retried up to max_retries times with backoff.

        A write that failed after an attempt whose reply was lost may have been applied by that attempt
        (a retried DELETE answered 404, a PUT answered 5xx): its error says the outcome is unknown.
        """
        attempt, lost = 0, False
        while True:
            try:
                return self._attempt(call, attempt)
            except _Retryable as failure:
                lost = lost or failure.kind == _Retryable.LOST
                if attempt >= self.max_retries:
                    failure.error.outcome_unknown = call.method in WRITE_METHODS and lost
                    raise failure.error
            except HelixError as error:
                error.outcome_unknown = call.method in WRITE_METHODS and lost
                raise
            self._backoff(attempt)
            attempt += 1

    def request(self, method, path, params=None, body=None, ok=(200,), operation=None):
        """Send one API request with retries and re-login; return the requests.Response."""
        call = _Call(method, self._url(path, params), operation or '%s %s' % (method, path), json_body=body, ok=ok)
        return self._send_retrying(call)[0]

    def request_json(self, method, path, params=None, operation=None):
        """Send one API request with retries and re-login; return its parsed JSON body.

        A body that does not parse (a proxy's error page, a connection cut mid-body) is retried like a 5xx.
        """
        call = _Call(method, self._url(path, params), operation or '%s %s' % (method, path), decode=True)
        return self._send_retrying(call)[1]

    def _api_error(self, response, operation, attempts=None):
        if 300 <= response.status_code < 400:
            location = response.headers.get('Location') or ''
            why = ui_host_hint(self.base_url, location) or (
                'set helix_url to the address the tenant serves its API on (a redirect from http:// to https:// is the'
                ' usual cause)')
            return HelixAPIError(self.redact('%s was answered with HTTP %s, a redirect to %s: %s' % (
                operation, response.status_code, location or 'no Location', why)), status=response.status_code)
        if response.status_code == 403 and self.base_url.startswith('http://') and is_access_forbidden(response):
            error = HelixAPIError(
                '%s was refused with HTTP 403 "Access forbidden": the tenant refuses plain HTTP; use https:// in'
                ' helix_url (%s)' % (operation, 'https://' + self.base_url[len('http://'):]), status=403)
            error.plain_http_refused = True
            return error
        messages = parse_ar_messages(response.text)
        if messages:
            detail = '; '.join(str(message) for message in messages)
        else:
            detail = summarize_body(response.text, response.headers.get('Content-Type'))
        tried = ' after %d attempt(s)' % attempts if attempts and attempts > 1 else ''
        return HelixAPIError(self.redact('%s failed with HTTP %s%s: %s%s' % (
            operation, response.status_code, tried, detail, message_hints(messages))),
            status=response.status_code, messages=messages)

    def _auth_error(self, response, operation):
        messages = parse_ar_messages(response.text)
        detail = '; '.join(str(m) for m in messages) or summarize_body(response.text, response.headers.get('Content-Type'))
        how = ('log in with helix_username/helix_password, or get a new token with helix.users.helix_token'
               if not self.can_login else 'logging in again did not help')
        return HelixAuthError(self.redact('%s was refused (HTTP 401): the token is expired, revoked or invalid (%s); %s.' % (
            operation, detail, how)), status=401, messages=messages)

    # ---------------------------------------------------------------- auth
    def _ensure_token(self):
        if self._token is None:
            with self._login_lock:
                if self._login_failure is not None:
                    raise self._login_failure
                if self._token is None:
                    self._login_once()
        return self._token

    def _relogin(self, stale_token):
        with self._login_lock:
            if self._login_failure is not None:
                raise self._login_failure
            if self._token == stale_token:  # another thread may have renewed it already
                self._count('relogins')
                self._token = None
                self._login_once()

    def _login_once(self):
        """Log in; a refusal is kept, so that other threads and later requests do not hammer the account."""
        try:
            self.login()
        except HelixAuthError as exc:
            self._login_failure = exc
            raise

    def login(self):
        """Log in with the credentials; returns the token."""
        if not self.can_login:
            raise HelixAuthError('No usable credentials: give helix_token, or helix_username with helix_password.')
        form = {'username': self.username, 'password': self._password}
        if self._auth_string:
            form['authString'] = self._auth_string
        call = _Call('POST', self._url(LOGIN_PATH), 'Login of user %r' % self.username, form=form, auth=False)
        try:
            response = self._send_retrying(call)[0]
        except HelixAPIError as exc:
            if exc.status in (401, 403) and not getattr(exc, 'plain_http_refused', False):
                raise HelixAuthError(self.redact('Authentication failed for user %r: %s%s' % (
                    self.username, '; '.join(str(m) for m in exc.messages) or 'HTTP %s' % exc.status,
                    login_hint(exc))), status=exc.status, messages=exc.messages)
            raise
        warnings = parse_ar_messages(response.headers.get('X-AR-Messages'))
        if any(m.number == AR_GUEST_USER for m in warnings):
            # A server that allows guests answers an unknown user with a (guest) token; that is no login.
            self._token = strip_token(response.text) or None
            self.logout()  # do not leave the guest session open
            raise HelixAuthError(self.redact(
                'Authentication failed for user %r: the server does not know this user and would only'
                ' grant a guest session (AR 59).' % self.username), status=response.status_code, messages=warnings)
        if is_html(response.text, response.headers.get('Content-Type')):
            # the tenant's web UI (single sign-on) answered, not its REST API; the page is not shown
            raise HelixAuthError('Login of user %r was answered with an HTML page (%d bytes), not a token: %s' % (
                self.username, len(response.content), ui_host_hint(self.base_url)))
        token = strip_token(response.text)
        if not token or ' ' in token or '<' in token or '{' in token:
            # the body is not shown: whatever it is, it may hold a token
            raise HelixAuthError('Login of user %r returned no usable token (%d bytes of %s).' % (
                self.username, len(response.content), response.headers.get('Content-Type') or 'no type'))
        self._token = token
        self._owns_token = True
        return token

    def logout(self):
        """Log the current token out; False when the server no longer accepted it."""
        if not self._token:
            return False
        try:
            self._send_retrying(_Call('POST', self._url(LOGOUT_PATH), 'Logout', ok=(200, 204), relogin=False))
            return True
        except HelixAuthError:
            return False
        finally:
            self._token = None
            self._owns_token = False

    def close(self):
        """Log out a token this client obtained itself, and release the connections. Never raises."""
        try:
            if self._owns_token and self._token:
                self.logout()
        except Exception:  # pylint: disable=broad-except
            pass  # closing must not hide the error that may be on its way out
        finally:
            self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # ---------------------------------------------------------------- creating entries
    def create_entry(self, form, values, find_existing=None):
        """Create an entry; return its Request ID (from Location).

        :param find_existing: callable returning the id of the entry if it exists (looked up by its key).
            A create whose outcome is unknown (lost reply, timeout, 5xx) is repeated only after
            find_existing() found no entry, so no retry makes a duplicate; without it, such a create
            is not repeated.
        """
        # 204 without Location: a join or display-only form, whose new entry is found by its key
        call = _Call('POST', self._url(self.form_path(form)), 'Creating %s entry' % form,
                     json_body={'values': values}, ok=(200, 201, 204))
        attempt, failure = 0, None
        while True:
            try:
                response = self._attempt(call, attempt)[0]
                break
            except _Retryable as exc:
                failure = exc
            # a 5xx may come from a proxy after the server committed: only a refusal is surely no create
            outcome_unknown = failure.kind != _Retryable.REFUSED
            if outcome_unknown and find_existing is None:
                failure.error.outcome_unknown = True
                raise failure.error
            if attempt >= self.max_retries:
                # the last reply was lost too: the entry may exist all the same
                found = self._look_up_created(find_existing, failure.error) if outcome_unknown else None
                if found is not None:
                    return found
                raise failure.error  # looked up and not found: it was not created
            self._backoff(attempt)
            attempt += 1
            if outcome_unknown:
                found = self._look_up_created(find_existing, failure.error)
                if found is not None:
                    return found
        location = response.headers.get('Location') or ''
        new_id = last_segment(location) if location else None
        if not new_id and find_existing is not None:
            new_id = find_existing()
        return new_id

    @staticmethod
    def _look_up_created(find_existing, create_error):
        """find_existing() after a create whose outcome is unknown. When the look-up fails too, the create's
        own error is raised, marked as possibly applied (not the look-up's error: the create is what failed)."""
        try:
            return find_existing()
        except HelixError as exc:
            create_error.outcome_unknown = True
            create_error.msg = '%s; looking the entry up afterwards failed too (%s), so it may have been created' % (
                create_error.msg, exc)
            raise create_error
