"""The request log and the counters behind /__sim/stats (both thread-safe)."""

import collections
import copy
import threading


class RequestLog:
    """Records of API requests, oldest first, capped at log_limit (oldest dropped)."""

    def __init__(self, limit):
        self._lock = threading.Lock()
        self._records = collections.deque(maxlen=limit)
        self._seq = 0

    def append(self, record):
        with self._lock:
            self._seq += 1
            record["seq"] = self._seq
            self._records.append(record)

    def snapshot(self):
        with self._lock:
            return copy.deepcopy(list(self._records))

    def clear(self, limit=None):
        with self._lock:
            self._records = collections.deque(maxlen=limit or self._records.maxlen)


class Stats:
    """Counters: requests by method and status, faults by kind, and per-operation totals."""

    def __init__(self):
        self._lock = threading.Lock()
        self._by_method = collections.Counter()
        self._by_status = collections.Counter()
        self._faults = collections.Counter()
        self._events = collections.Counter()

    def request(self, method, status, fault):
        with self._lock:
            self._by_method[method] += 1
            self._by_status[str(status) if status is not None else "dropped"] += 1
            if fault:
                self._faults[fault] += 1

    def event(self, name):
        with self._lock:
            self._events[name] += 1

    def snapshot(self):
        with self._lock:
            return {
                "requests": sum(self._by_method.values()),
                "by_method": dict(self._by_method),
                "by_status": dict(self._by_status),
                "faults": dict(self._faults),
                "faults_total": sum(self._faults.values()),
                **{name: self._events[name] for name in EVENTS},
            }


# Per-operation counters always present in the snapshot (zero when nothing happened).
EVENTS = ("logins", "login_failures", "guest_logins", "logouts", "auth_failures",
          "lists", "reads", "creates", "updates", "deletes", "errors", "http_refusals")
