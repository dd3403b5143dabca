"""Fault injection: latency, error statuses before processing, dropped connections, broken JSON.

Decisions come from random.Random(fault_seed) so a run with the same seed and the
same request sequence fails the same requests.
"""

import json
import random
import threading

from werkzeug.wrappers import Response

from .errors import MODIFIED_SINCE_READ, RPC_TIMEOUT, RPC_TIMEOUT_BUSY, ARError, message

LOGIN_PATH = "/api/jwt/login"
INVALID_JSON_PATH = "/api/arsys/"   # rate_invalid_json only breaks successful GETs under this prefix

_HTML = ("<!DOCTYPE html><html><head><title>{status} {reason}</title></head>"
         "<body><h1>{reason}</h1><p>The server is temporarily unable to service your request.</p></body></html>")
_REASONS = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable", 504: "Gateway Timeout"}


class FaultInjector:
    """Decides, per API request, whether and how it fails. Thread-safe."""

    def __init__(self, settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._rng = random.Random(settings.fault_seed)
        self._latency_rng = random.Random(f"latency-{settings.fault_seed}")

    def reseed(self):
        with self._lock:
            self._rng = random.Random(self.settings.fault_seed)
            self._latency_rng = random.Random(f"latency-{self.settings.fault_seed}")

    def applies(self, path, method=None):
        s = self.settings
        if s.faults_skip_login and path == LOGIN_PATH:
            return False
        if s.fault_methods and method is not None and method.upper() not in s.fault_methods:
            return False
        return any(path.startswith(prefix) for prefix in s.fault_paths)

    def delay(self):
        """Seconds this request should wait before it is handled."""
        s = self.settings
        if not (s.latency_ms or s.latency_jitter_ms or s.latency_spike_rate):
            return 0.0
        with self._lock:
            ms = s.latency_ms + self._latency_rng.uniform(0, s.latency_jitter_ms)
            if s.latency_spike_rate and self._latency_rng.random() < s.latency_spike_rate:
                ms += s.latency_spike_ms
        return ms / 1000.0

    def before(self):
        """(kind, response) for a request failing before processing, or None.

        kind is 'drop' (response None: close the connection), 'fail_first', 'rate_503',
        'rate_429' or 'rate_93'. One random draw per request picks among the rates.
        """
        s = self.settings
        with self._lock:
            if s.fail_first > 0:
                s.fail_first -= 1
                return "fail_first", self._response(s.fail_first_status)
            if not (s.drop_rate or s.rate_503 or s.rate_429 or s.rate_93):
                return None
            draw = self._rng.random()
            for kind, rate, status in (("drop", s.drop_rate, None), ("rate_503", s.rate_503, 503),
                                       ("rate_429", s.rate_429, 429), ("rate_93", s.rate_93, 500)):
                if draw < rate:
                    return kind, None if status is None else self._response(status)
                draw -= rate
        return None

    def drop_after_commit(self, method):
        """True when this (processed) request's connection must now be dropped."""
        s = self.settings
        with self._lock:
            if s.drop_after_commit > 0 and method in s.drop_after_commit_methods:
                s.drop_after_commit -= 1
                return True
        return False

    def timeout_after_commit(self, method):
        """The reply (500 + an AR RPC timeout) that replaces a processed write's, or None."""
        s = self.settings
        with self._lock:
            if s.timeout_after_commit <= 0 or method not in s.timeout_after_commit_methods:
                return None
            s.timeout_after_commit -= 1
        return _json(500, [message(s.timeout_after_commit_number)])

    def conflict(self, method):
        """The AR 309 error a PUT meets (its entry modified since it was read), or None."""
        s = self.settings
        with self._lock:
            if s.conflict_on_update <= 0 or method != "PUT":
                return None
            s.conflict_on_update -= 1
        return ARError(400, MODIFIED_SINCE_READ, "the entry was changed by another user after it was read")

    def invalid_json(self, method, path, status):
        """True when this processed request's (valid JSON) reply must be sent truncated."""
        s = self.settings
        if not s.rate_invalid_json or method != "GET" or status != 200 or not path.startswith(INVALID_JSON_PATH):
            return False
        with self._lock:
            return self._rng.random() < s.rate_invalid_json

    def _response(self, status):
        """The body a tenant's front end gives for status: HTML or empty (503), AR array or empty (429)..."""
        plain = self._rng.random() < 0.5
        if status == 500:
            return _json(status, [message(RPC_TIMEOUT)])
        if status == 429:
            return Response(b"", status) if plain else _json(status, [message(RPC_TIMEOUT_BUSY)])
        if status == 503 and plain:
            return Response(b"", status)
        body = _HTML.format(status=status, reason=_REASONS.get(status, "Error"))
        return Response(body, status, mimetype="text/html")


def truncated_json(response):
    """The same reply (status, headers), its JSON body cut in half at a character boundary.

    Never valid JSON: any proper prefix of a compact JSON object or array lacks its closing bracket.
    """
    text = response.get_data(as_text=True)
    response.set_data(text[:max(1, len(text) // 2)])
    return response


def _json(status, body):
    return Response(json.dumps(body), status, mimetype="application/json")
