"""Run-time switches of the simulator, their defaults, and type coercion.

The same names are constructor keyword arguments, ``Simulator.configure()`` keys,
``POST /__sim/config`` JSON keys and (with ``-`` for ``_``) CLI flags.
"""

import copy
from dataclasses import asdict, dataclass, field, fields


@dataclass
class Settings:  # pylint: disable=too-many-instance-attributes
    """Every switch, with its default. Plain data: read it, change it through apply()."""

    admin_users: dict = field(default_factory=lambda: {"Demo": "Demo-Passw0rd!"})
    token_lifetime: float = 3600.0
    guest_mode: bool = False
    html_401: bool = False
    delete_allowed: bool = True
    server_cap: int = 2000
    default_page_size: int = 0          # 0: no limit sent -> up to server_cap, as real AR does
    group_list_mode: str = "ids"        # "ids" or "as-written"
    # User form Status labels: "real" (0 Current, 1 Disabled) or "guide" (0 Current, 1 Obsolete,
    # 2 Proposed, 3 Deleted). "guide" until the collection stops writing Obsolete; then "real".
    status_labels: str = "real"
    # Entries as the guide's examples show them: no self link, no Request ID, Login Name as the id.
    entry_links: bool = True            # False: every entry's "_links" is {}
    omit_request_id: bool = False       # True: Request ID never in "values", even when asked for
    login_name_ids: bool = False        # True: /entry/User/{id} also takes the Login Name as {id}
    # True: no entry shows its id (no self link, no field 1 on any form), while entries are still addressed
    # by their Request ID (or Person ID...) only: a client must never guess an id
    hide_entry_ids: bool = False
    refuse_http: bool = False           # True: over plain HTTP only GET /api/about and /api/version answer
    invalid_accounts: list = field(default_factory=list)   # logins refused with 401 + AR 624
    forbidden_fields: list = field(default_factory=list)   # fields (names or ids) a write may not set: 400 + AR 333
    # A Helix ITSM tenant: CTM:People and its foundation forms exist and are seeded, and the People
    # workflow writes the User form. Off: those forms answer 404 + AR 303 like any unknown form.
    itsm: bool = False
    # GET /api/arsys/v1.0/fields/{form}: "served" (from the form definitions), or answered "404" (an older server
    # without the endpoint) or "403" (an account without permission to read definitions)
    field_metadata: str = "served"
    # Fields a customised or older tenant's forms lack: "Form=Field" each (e.g. "SIT:Site=Time Zone"); such a field
    # is unknown to reads (314), writes (314) and the field metadata, and its stored values are hidden
    drop_fields: list = field(default_factory=list)
    # Forms whose creates answer 204 with no Location (as join and display-only forms do): the client must find
    # the new entry by its key
    no_location_forms: list = field(default_factory=list)
    # Logins the server sees as logged in from another IP address: their login answers 401 with AR 9093
    # (AR_ERROR_USER_HOST_IP_OVERRIDE_OPTION: a non-administrator may be logged in from one IP address at a time)
    other_ip_logins: list = field(default_factory=list)
    # Answer every /api/ request as a tenant's SSO-protected UI host does: "redirect" (302 to an SSO login) or
    # "page" (200 with an HTML sign-in page); "" serves the REST API
    sso_ui: str = ""
    case_sensitive: bool = True
    latency_ms: float = 0.0
    latency_jitter_ms: float = 0.0
    latency_spike_rate: float = 0.0
    latency_spike_ms: float = 0.0
    rate_503: float = 0.0
    rate_429: float = 0.0
    rate_93: float = 0.0
    rate_invalid_json: float = 0.0     # successful GETs under /api/arsys/ answered 200 with a truncated JSON body
    drop_rate: float = 0.0
    fail_first: int = 0
    fail_first_status: int = 503
    drop_after_commit: int = 0
    drop_after_commit_methods: list = field(default_factory=lambda: ["POST"])
    # The next N writes (of timeout_after_commit_methods) are applied, then answered 500 with AR message
    # timeout_after_commit_number (92, 93 or 94: the RPC timeouts), as a server whose reply timed out
    timeout_after_commit: int = 0
    timeout_after_commit_number: int = 92
    timeout_after_commit_methods: list = field(default_factory=lambda: ["POST", "PUT", "DELETE"])
    # The next N updates (PUT) find their entry modified since it was read: conflict_values (field -> value, those
    # the form has) are written first as another user's change, then the PUT answers 400 with AR 309
    conflict_on_update: int = 0
    conflict_values: dict = field(default_factory=dict)
    fault_seed: int = 0
    fault_paths: list = field(default_factory=lambda: ["/api/"])
    fault_methods: list = field(default_factory=list)  # [] every method; else only these (e.g. PUT,POST,DELETE)
    faults_skip_login: bool = False
    log_limit: int = 50000            # newest request records kept

    def apply(self, options):
        """Validate and set options (a dict); raise ValueError naming a bad key or value."""
        coerced = {name: _coerce(name, value) for name, value in options.items()}
        for name, value in coerced.items():
            setattr(self, name, value)

    def as_dict(self, masked=True):
        """Plain dict of all settings; admin passwords shown as "***" unless masked is False."""
        data = copy.deepcopy(asdict(self))
        if masked:
            data["admin_users"] = {login: "***" for login in data["admin_users"]}
        return data

    def copy(self):
        return copy.deepcopy(self)


# Switches that inject faults: reset() turns these off whatever the constructor said.
FAULT_SWITCHES = ("rate_503", "rate_429", "rate_93", "rate_invalid_json", "drop_rate", "fail_first", "drop_after_commit",
                  "timeout_after_commit", "conflict_on_update")
RATES = ("latency_spike_rate", "rate_503", "rate_429", "rate_93", "rate_invalid_json", "drop_rate")
CHOICES = {"group_list_mode": ("ids", "as-written"), "status_labels": ("real", "guide"),
           "field_metadata": ("served", "404", "403"), "sso_ui": ("", "redirect", "page"),
           "timeout_after_commit_number": (92, 93, 94)}
DEFAULTS = Settings()
TYPES = {f.name: type(getattr(DEFAULTS, f.name)) for f in fields(Settings)}


def _coerce(name, value):
    """One option value, converted to the type of its default (strings accepted, for the CLI)."""
    if name not in TYPES:
        raise ValueError(f"unknown option {name!r}")
    kind = TYPES[name]
    try:
        if kind is bool:
            result = _to_bool(value)
        elif kind is int:
            result = int(value)
        elif kind is float:
            result = float(value)
        elif kind is list:
            result = [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else list(value)
        elif kind is dict:
            result = _to_dict(value)
        else:
            result = str(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"bad value for {name}: {value!r}") from exc
    if name in RATES and not 0.0 <= result <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1")
    if name in CHOICES and result not in CHOICES[name]:
        raise ValueError(f"{name} must be one of {', '.join(CHOICES[name])}")
    if name in ("drop_after_commit_methods", "fault_methods", "timeout_after_commit_methods"):
        result = [method.upper() for method in result]
    if name == "server_cap" and result < 1:
        raise ValueError("server_cap must be at least 1")
    return result


def _to_bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(value)


def _to_dict(value):
    """admin_users: a dict, or "login:password,login2:password2" from the CLI."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    pairs = [part.split(":", 1) for part in str(value).split(",") if part]
    if any(len(pair) != 2 for pair in pairs):
        raise ValueError(value)
    return dict(pairs)
