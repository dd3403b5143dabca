"""Simulator: the object tests use to run, steer and inspect a simulated Helix tenant."""

import time

from .app import SimulatorApp
from .config import FAULT_SWITCHES, Settings
from .faults import FaultInjector
from .itsm_forms import ITSM_FORMS, PEOPLE
from .records import RequestLog, Stats
from .server import ServerThread, tls_context
from .store import EntryStore
from .tokens import TokenService
from .webhooks import Webhooks


class Simulator:  # pylint: disable=too-many-instance-attributes
    """A simulated AR System REST server on 127.0.0.1.

    >>> with Simulator(port=0, guest_mode=True) as sim:
    ...     requests.post(sim.url + "/api/jwt/login", data={...})

    tls_cert (and tls_key, unless the key is in the same PEM file) serve HTTPS instead of HTTP.
    """

    host = "127.0.0.1"  # loopback only: a test double must never be reachable from outside

    def __init__(self, port=0, tls_cert=None, tls_key=None, **options):
        if tls_key and not tls_cert:
            raise ValueError("tls_key needs tls_cert")
        self.requested_port = port
        # Loaded now, so a bad certificate or key fails here rather than in the server thread.
        self.ssl_context = tls_context(tls_cert, tls_key or None) if tls_cert else None
        self.settings = Settings()
        self.settings.apply(options)
        # reset() returns to these settings, with every fault switch off.
        self._initial = self.settings.copy()
        self.store = EntryStore(self.settings)
        self.webhooks = Webhooks()
        self.store.listener = self.webhooks.notify
        self.tokens = TokenService()
        self.faults = FaultInjector(self.settings)
        self.request_log = RequestLog(self.settings.log_limit)
        self.stats = Stats()
        self.app = SimulatorApp(self)
        self._server = None

    # ------------------------------------------------------------ lifecycle

    def start(self):
        if self._server is None:
            self._server = ServerThread(self.app, self.host, self.requested_port, self.ssl_context).start()
        return self

    def stop(self):
        self.webhooks.stop()
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def port(self):
        return None if self._server is None else self._server.port

    @property
    def url(self):
        return None if self._server is None else f"{self._server.scheme}://{self.host}:{self._server.port}"

    # ------------------------------------------------------------ control

    def configure(self, **options):
        """Change switches at run time (same names as the constructor options).

        Switching itsm reseeds every form (the data as reset() seeds it; settings, log and stats stay).
        """
        itsm = self.settings.itsm
        self.settings.apply(options)
        if self.settings.itsm != itsm:
            self.store.reset()
        if "fault_seed" in options:
            self.faults.reseed()
        if "log_limit" in options:
            self.request_log.clear(self.settings.log_limit)
        return self

    def config(self):
        """Current settings, admin passwords masked."""
        return self.settings.as_dict()

    def reset(self):
        """Seeded initial state, log cleared, faults off, counters zeroed."""
        initial = self._initial.copy()
        for name in FAULT_SWITCHES:
            setattr(initial, name, getattr(Settings(), name))
        self.settings.apply(initial.as_dict(masked=False))
        self.faults.reseed()
        self.webhooks.clear()
        self.store.reset()
        self.stats = Stats()
        self.clear_log()
        return self

    def seed_users(self, n, prefix="user", password=None):
        """Add n valid users prefix00001.. (Current, Fixed or Read, one group each)."""
        return self.store.seed_users(n, prefix, password)

    def backdate_user(self, login_name, days):
        """Make a user look untouched for this many days (its Modified Date moved back)."""
        values = self.store.user_values(login_name)
        if values is None:
            raise KeyError(login_name)
        return self.store.backdate("User", values["Request ID"], time.time() - days * 86400)

    # ------------------------------------------------------------ inspection

    def state(self):
        """Every entry, rendered: users and groups, and with itsm on "itsm" (form name -> rows)."""
        state = {"users": self.store.rows("User"), "groups": self.store.rows("Group")}
        if self.settings.itsm:
            state["itsm"] = {definition.name: self.store.rows(definition.name) for definition in ITSM_FORMS}
        return state

    def rows(self, form_name):
        """Every entry of a form, rendered (copies); ARError 303 when the form does not exist."""
        return self.store.rows(form_name)

    def person(self, login_id):
        """The CTM:People entry of a Remedy Login ID (rendered), or None."""
        found = [row for row in self.rows(PEOPLE) if row["Remedy Login ID"] is not None
                 and self.store.fold(row["Remedy Login ID"]) == self.store.fold(login_id)]
        return found[0] if found else None

    def user(self, login_name):
        return self.store.user(login_name)

    def webhook_deliveries(self):
        """The webhook calls made since the last reset (see webhooks.py), oldest first."""
        return self.webhooks.deliveries()

    def password_matches(self, login_name, password):
        return self.store.password_matches(login_name, password)

    @property
    def log(self):
        return self.request_log.snapshot()

    def clear_log(self):
        self.request_log.clear()

    def issued_tokens(self):
        """Every token issued since this Simulator was made, oldest first (reset() keeps them).

        Held in memory only, for tests that scan their own output for leaked tokens; no
        log, dump, stats, config or admin endpoint ever shows them.
        """
        return self.tokens.issued()
