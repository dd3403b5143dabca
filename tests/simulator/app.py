"""The WSGI application: AR REST routes, the /__sim admin routes, faults and the request log."""

import json
import logging
import time
from urllib.parse import quote, urlencode

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .errors import (ACCOUNT_INVALID, AUTH_FAILED, BAD_REQUEST, ENTRY_MISSING, FORM_NO_ACCESS, HOST_IP_OVERRIDE,
                     NO_SUCH_USER, ARError, message)
from .faults import truncated_json
from .metadata import field_json
from .tokens import TokenError
from .webhooks import WebhookError

# The server handler closes the connection without a reply when this key is set.
DROP_KEY = "simulator.drop_connection"
ENTRY_PATH = "/api/arsys/v1/entry/"
LOG = logging.getLogger("simulator")

_ROUTES = Map([
    Rule("/api/about", endpoint="about", methods=["GET"]),
    Rule("/api/version", endpoint="version", methods=["GET"]),
    Rule("/api/jwt/login", endpoint="login", methods=["POST"]),
    Rule("/api/jwt/logout", endpoint="logout", methods=["POST"]),
    Rule("/api/arsys/v1/entry/<form>", endpoint="entries", methods=["GET", "POST"]),
    Rule("/api/arsys/v1/entry/<form>/<entry_id>", endpoint="entry", methods=["GET", "PUT", "DELETE"]),
    Rule("/api/arsys/v1/webhook", endpoint="webhooks", methods=["GET", "POST"]),
    Rule("/api/arsys/v1/webhook/<hook_id>", endpoint="webhook", methods=["GET", "DELETE"]),
    Rule("/api/arsys/v1.0/fields/<form>", endpoint="fields", methods=["GET"]),
    Rule("/api/arsys/v1.0/fields/<form>/<ids>", endpoint="fields", methods=["GET"]),
    Rule("/__sim/state", endpoint="sim_state", methods=["GET"]),
    Rule("/__sim/log", endpoint="sim_log", methods=["GET", "DELETE"]),
    Rule("/__sim/reset", endpoint="sim_reset", methods=["POST"]),
    Rule("/__sim/seed", endpoint="sim_seed", methods=["POST"]),
    Rule("/__sim/config", endpoint="sim_config", methods=["GET", "POST"]),
    Rule("/__sim/stats", endpoint="sim_stats", methods=["GET"]),
], strict_slashes=False, merge_slashes=False)

_SSO_PAGE = ("<!DOCTYPE html><html><head><title>Sign in</title></head><body>"
             "<form method=\"post\" action=\"/sso/login\"><h1>Single sign-on</h1>"
             "<input name=\"user\"><input name=\"password\" type=\"password\"><button>Sign in</button>"
             "</form></body></html>")
_SECRET_PARAMS = ("password", "token", "jwt")
# What a tenant that refuses plain HTTP answers: not an AR error array, and only these paths escape it.
HTTP_REFUSAL = {"message": "Access forbidden", "code": 403, "transient": False}
_OPEN_OVER_HTTP = ("/api/about", "/api/version")
# The "server" /api/about and /api/version describe (a shape of the simulator's own).
SERVER_VERSION = "25.1.00"
# Where the sso_ui switch sends an API request: the SSO login of a tenant's UI host (the shape is the simulator's own).
SSO_LOGIN = "https://sso.example.invalid/rsso/start?tenant=acme"


class AuthFailure(ARError):
    """401 for a missing, malformed, expired or revoked token (may answer as an HTML page)."""

    def __init__(self, reason):
        super().__init__(401, AUTH_FAILED, f"token {reason}")


def json_response(body, status=200, headers=None):
    return Response(json.dumps(body, separators=(",", ":")), status, headers=headers, mimetype="application/json")


class SimulatorApp:
    """WSGI callable. ``sim`` is the owning Simulator (settings, store, tokens, faults, log, stats)."""

    def __init__(self, sim):
        self.sim = sim

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path.startswith("/__sim/"):
            response = self._admin(request)
        else:
            response = self._api(request)
        return response(environ, start_response)

    # ------------------------------------------------------------ API requests

    def _api(self, request):
        sim = self.sim
        started = time.time()
        record = {"seq": None, "time": started, "method": request.method, "path": request.path,
                  "query": _safe_query(request), "status": None, "fault": None, "form": None,
                  "entry_id": None, "body_fields": None, "values": None, "user": None,
                  # So tests can check the client sends it; a timeout in seconds, never a secret.
                  "ar_timeout": request.headers.get("X-AR-Timeout")}
        faultable = sim.faults.applies(request.path, request.method)
        delay = sim.faults.delay() if faultable else 0.0
        if delay:
            time.sleep(delay)
        fault = sim.faults.before() if faultable else None
        if fault:
            record["fault"], response = fault
        else:
            response = self._dispatch(request, record)
            # Only an entry request that succeeded has committed anything worth losing the reply of.
            committed = faultable and response.status_code < 400 and request.path.startswith("/api/arsys/")
            if committed and sim.faults.drop_after_commit(request.method):
                record["fault"], record["committed_status"], response = "drop_after_commit", response.status_code, None
            elif committed and (timed_out := sim.faults.timeout_after_commit(request.method)) is not None:
                # applied, then answered as a server whose reply timed out (AR 92, 93 or 94)
                record["fault"], record["committed_status"], response = ("timeout_after_commit", response.status_code,
                                                                         timed_out)
            elif faultable and sim.faults.invalid_json(request.method, request.path, response.status_code):
                record["fault"], response = "rate_invalid_json", truncated_json(response)
        if response is None:
            request.environ[DROP_KEY] = True
            response = Response(b"", 500)
        else:
            record["status"] = response.status_code
        record["duration_ms"] = round((time.time() - started) * 1000, 3)
        sim.request_log.append(record)
        sim.stats.request(request.method, record["status"], record["fault"])
        return response

    def _dispatch(self, request, record):
        if self._refused_over_http(request):
            self.sim.stats.event("http_refusals")
            return json_response(HTTP_REFUSAL, 403)
        if self.sim.settings.sso_ui:
            return self._sso_ui(request)
        try:
            endpoint, args = _ROUTES.bind_to_environ(request.environ).match()
            return getattr(self, "_" + endpoint)(request, record, **args)
        except ARError as exc:
            self.sim.stats.event("auth_failures" if exc.status == 401 else "errors")
            return self._error(exc)
        except MethodNotAllowed:
            return self._error(ARError(405, BAD_REQUEST, f"method {request.method} is not allowed on {request.path}"))
        except HTTPException as exc:
            return self._error(ARError(exc.code or 400, BAD_REQUEST, request.path))
        except Exception:  # pylint: disable=broad-exception-caught
            # A simulator bug must still answer like a server (500), not kill the connection.
            LOG.exception("simulator error on %s %s", request.method, request.path)
            return self._error(ARError(500, BAD_REQUEST, "internal simulator error"))

    def _refused_over_http(self, request):
        """refuse_http: a plain-HTTP request other than GET /api/about or /api/version."""
        if not self.sim.settings.refuse_http or request.environ["wsgi.url_scheme"] != "http":
            return False
        return not (request.method == "GET" and request.path.rstrip("/") in _OPEN_OVER_HTTP)

    def _sso_ui(self, request):
        """sso_ui: the tenant's UI host, not its REST API: a redirect to the SSO login, or its HTML page."""
        self.sim.stats.event("sso_ui_answers")
        if self.sim.settings.sso_ui == "redirect":
            return Response(b"", 302, headers={"Location": SSO_LOGIN + "&goto=" + quote(request.path)})
        return Response(_SSO_PAGE, 200, mimetype="text/html")

    def _error(self, exc):
        if isinstance(exc, AuthFailure) and self.sim.settings.html_401:
            return Response(_SSO_PAGE, 401, mimetype="text/html")
        return json_response(exc.body(), exc.status)

    def _claims(self, request, record):
        """Token claims from 'Authorization: AR-JWT <token>', or AuthFailure."""
        try:
            claims = self.sim.tokens.verify(_bearer(request))
        except TokenError as exc:
            raise AuthFailure(exc.reason) from None
        record["user"] = claims["sub"]
        return claims

    def _about(self, request, record):  # pylint: disable=unused-argument
        return json_response({"name": "AR System REST API", "product": "BMC Helix simulator",
                              "version": SERVER_VERSION, "apiVersions": ["v1"]})

    def _version(self, request, record):  # pylint: disable=unused-argument
        return json_response({"version": SERVER_VERSION})

    def _login(self, request, record):
        sim = self.sim
        username, password = request.form.get("username"), request.form.get("password")
        record["user"] = username
        if not username or password is None:
            sim.stats.event("login_failures")
            raise ARError(400, BAD_REQUEST, "username and password are required")
        if self._marked_invalid(username):
            # Refused whatever the password: the account itself is barred, not the credentials.
            sim.stats.event("login_failures")
            raise ARError(401, ACCOUNT_INVALID, None)
        if self._listed(username, sim.settings.other_ip_logins):
            # Logged in from another IP address: a non-administrator may be logged in from one at a time.
            sim.stats.event("login_failures")
            raise ARError(401, HOST_IP_OVERRIDE, username)
        headers = {}
        if sim.settings.admin_users.get(username) == password:
            subject = username
        else:
            outcome, subject = sim.store.authenticate(username, password)
            if outcome == "unknown" and sim.settings.guest_mode:
                # The guest-user trap: a token anyway, with message 59 only in a header.
                headers["X-AR-Messages"] = json.dumps([message(NO_SUCH_USER, None, "WARNING")])
                sim.stats.event("guest_logins")
            elif outcome != "ok":
                sim.stats.event("login_failures")
                raise ARError(401, AUTH_FAILED, None)
        sim.stats.event("logins")
        token = sim.tokens.issue(subject, sim.settings.token_lifetime)
        return Response(token, 200, headers=headers, mimetype="text/plain")

    def _marked_invalid(self, login):
        """invalid_accounts holds this login (compared with the server's case rule)."""
        return self._listed(login, self.sim.settings.invalid_accounts)

    def _listed(self, login, logins):
        """logins holds this login (compared with the server's case rule)."""
        if self.sim.settings.case_sensitive:
            return login in logins
        return login.casefold() in {account.casefold() for account in logins}

    def _logout(self, request, record):
        try:
            record["user"] = self.sim.tokens.revoke(_bearer(request))["sub"]
        except TokenError as exc:
            raise AuthFailure(exc.reason) from None
        self.sim.stats.event("logouts")
        return _empty(204)

    def _entries(self, request, record, form):
        claims = self._claims(request, record)
        record["form"] = form
        if request.method == "POST":
            values = self._body_values(request, record)
            entry_id = self.sim.store.create(form, values, claims["sub"])
            record["entry_id"] = entry_id
            self.sim.stats.event("creates")
            if form in self.sim.settings.no_location_forms:
                return _empty(204)  # as join and display-only forms answer: no Location, no id
            return _empty(201, {"Location": self._href(request, form, entry_id)})
        return self._list(request, form, claims)

    def _list(self, request, form, claims):
        sim, args = self.sim, request.args
        offset, limit = _non_negative(args, "offset"), _non_negative(args, "limit")
        size = min(limit or sim.settings.default_page_size or sim.settings.server_cap, sim.settings.server_cap)
        rows, more = sim.store.list_page(form, args.get("q"), _field_list(args.get("fields")), args.get("sort"),
                                         offset, size, claims["sub"])
        links = {"self": [{"href": _request_url(request)}]}
        if more:
            links["next"] = [{"href": self._page_url(request, offset + len(rows), limit)}]
        if offset > 0:
            links["prev"] = [{"href": self._page_url(request, max(0, offset - size), limit)}]
        # one base for every self link of the page: a page of 1,000 entries once built the origin 1,000 times
        base = f"{_origin(request)}/api/arsys/v1/entry/{quote(form)}/"
        linked = self.sim.settings.entry_links and not self.sim.settings.hide_entry_ids
        entries = [{"values": self._shown(form, values),
                    "_links": {"self": [{"href": base + entry_id}]} if linked else {}}
                   for entry_id, values in rows]
        sim.stats.event("lists")
        return json_response({"entries": entries, "_links": links, "numMatches": None})

    def _entry(self, request, record, form, entry_id):
        claims = self._claims(request, record)
        record["form"], record["entry_id"] = form, entry_id
        store = self.sim.store
        if request.method == "GET":
            values = store.get(form, entry_id, _field_list(request.args.get("fields")))
            self.sim.stats.event("reads")
            # The self link names the entry's Request ID, also when the URL used a Login Name.
            request_id = store.request_id(form, entry_id)
            return json_response({"values": self._shown(form, values), "_links": self._entry_links(request, form, request_id)})
        if request.method == "PUT":
            values = self._body_values(request, record)
            conflict = self.sim.faults.conflict(request.method)
            if conflict is not None:
                self._change_meanwhile(form, entry_id)
                raise conflict
            store.update(form, entry_id, values, claims["sub"])
            self.sim.stats.event("updates")
        else:
            store.delete(form, entry_id, claims["sub"])
            self.sim.stats.event("deletes")
        return _empty(204)

    def _webhooks(self, request, record):
        """Register (admins only) or list the webhooks (webhooks.py); the body is never logged (it may hold a password)."""
        claims = self._admin_claims(request, record)
        if request.method == "GET":
            return json_response({"webhooks": self.sim.webhooks.list()})
        try:
            body = json.loads(request.get_data() or b"null")
            hook_id = self.sim.webhooks.register(body, claims["sub"])
        except (ValueError, WebhookError) as exc:
            raise ARError(400, BAD_REQUEST, str(exc) if isinstance(exc, WebhookError) else "the body is not valid JSON") from None
        return _empty(201, {"Location": f"{_origin(request)}/api/arsys/v1/webhook/{hook_id}"})

    def _webhook(self, request, record, hook_id):
        self._admin_claims(request, record)
        if request.method == "DELETE":
            if not self.sim.webhooks.delete(hook_id):
                raise ARError(404, ENTRY_MISSING, f"webhook {hook_id}")
            return _empty(204)
        hook = self.sim.webhooks.get(hook_id)
        if hook is None:
            raise ARError(404, ENTRY_MISSING, f"webhook {hook_id}")
        return json_response(hook)

    def _admin_claims(self, request, record):
        claims = self._claims(request, record)
        if claims["sub"] not in self.sim.settings.admin_users:
            raise ARError(403, FORM_NO_ACCESS, "webhooks are registered by administrators only")
        return claims

    def _change_meanwhile(self, form, entry_id):
        """conflict_on_update: another user's write of conflict_values (the fields this form has) to the entry."""
        store = self.sim.store
        definition = store.form(form).definition
        changes = {name: value for name, value in self.sim.settings.conflict_values.items() if definition.field(name)}
        if changes:
            store.update(form, entry_id, changes, "Someone Else")

    def _fields(self, request, record, form, ids=None):
        """GET /api/arsys/v1.0/fields/{form}[/{id,id...}]: the form's field definitions (field_metadata)."""
        self._claims(request, record)
        record["form"] = form
        mode = self.sim.settings.field_metadata
        if mode == "404":
            return Response(b"", 404)  # an older server: no such endpoint
        if mode == "403":
            raise ARError(403, FORM_NO_ACCESS, f"field definitions of {form}")
        refs = [part for part in (ids or "").split(",") if part.strip()] or None
        self.sim.stats.event("field_reads")
        return json_response([field_json(field) for field in self.sim.store.field_definitions(form, refs)])

    def _shown(self, form, values):
        """Entry values as the tenant returns them: without the entry id (field 1) when omit_request_id or
        hide_entry_ids is set."""
        if not (self.sim.settings.omit_request_id or self.sim.settings.hide_entry_ids):
            return values
        id_name = self.sim.store.form(form).definition.id_name
        if id_name not in values:
            return values
        return {name: value for name, value in values.items() if name != id_name}

    def _entry_links(self, request, form, entry_id):
        """An entry's "_links": its self href, or {} as the guide's examples show (entry_links off, hide_entry_ids)."""
        if not self.sim.settings.entry_links or self.sim.settings.hide_entry_ids:
            return {}
        return {"self": [{"href": self._href(request, form, entry_id)}]}

    @staticmethod
    def _body_values(request, record):
        """The "values" object of a JSON body; the log gets names and masked values."""
        try:
            body = json.loads(request.get_data() or b"null")
        except ValueError:
            raise ARError(400, BAD_REQUEST, "the body is not valid JSON") from None
        values = body.get("values") if isinstance(body, dict) else None
        if not isinstance(values, dict):
            raise ARError(400, BAD_REQUEST, 'the body must be {"values": {...}}')
        record["body_fields"] = list(values)
        record["values"] = {k: ("***" if _is_secret(k) and v is not None else v) for k, v in values.items()}
        return values

    @staticmethod
    def _href(request, form, entry_id):
        return f"{_origin(request)}/api/arsys/v1/entry/{quote(form)}/{entry_id}"

    @staticmethod
    def _page_url(request, offset, limit):
        params = [(k, v) for k, v in request.args.items(multi=True) if k not in ("offset", "limit")]
        params.append(("offset", str(offset)))
        if limit:
            params.append(("limit", str(limit)))
        return f"{_origin(request)}{quote(request.path)}?{urlencode(params, quote_via=quote)}"

    # ------------------------------------------------------------ admin requests

    def _admin(self, request):
        sim = self.sim
        try:
            endpoint = _ROUTES.bind_to_environ(request.environ).match()[0]
        except HTTPException as exc:
            return json_response({"error": exc.description}, exc.code or 404)
        try:
            if endpoint == "sim_state":
                return json_response(sim.state())
            if endpoint == "sim_log":
                if request.method == "DELETE":
                    sim.clear_log()
                    return Response(status=204)
                return json_response(sim.log)
            if endpoint == "sim_reset":
                sim.reset()
                return json_response({"reset": True})
            if endpoint == "sim_stats":
                return json_response(sim.stats.snapshot())
            body = request.get_json(force=True, silent=True) if request.get_data() else {}
            if not isinstance(body, dict):
                return json_response({"error": "a JSON object is required"}, 400)
            if endpoint == "sim_seed":
                count = sim.seed_users(int(body.get("count", 0)), prefix=str(body.get("prefix", "user")),
                                       password=body.get("password"))
                return json_response({"created": count})
            if request.method == "POST":
                sim.configure(**body)
            return json_response(sim.config())
        except (ValueError, TypeError) as exc:
            return json_response({"error": str(exc)}, 400)


def _empty(status, headers=None):
    """A body-less reply (201, 204) without werkzeug's default Content-Type."""
    response = Response(b"", status, headers=headers)
    del response.headers["Content-Type"]
    return response


def _bearer(request):
    """The token of 'Authorization: AR-JWT <token>' ('' for any other scheme, Bearer included)."""
    scheme, space, token = request.headers.get("Authorization", "").strip().partition(" ")
    return token.strip() if space and scheme.upper() == "AR-JWT" else ""


def _non_negative(args, name):
    text = args.get(name)
    if text is None or text == "":
        return 0
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise ARError(400, BAD_REQUEST, f"{name} must be a non-negative integer: {text!r}")
    return value


def _field_list(text):
    """fields=values(A,B) -> ["A", "B"]; None when absent."""
    if not text:
        return None
    text = text.strip()
    if text.lower().startswith("values(") and text.endswith(")"):
        text = text[len("values("):-1]
    names = [name.strip() for name in text.split(",") if name.strip()]
    return names or None


def _is_secret(name):
    return name.replace(" ", "").lower() in _SECRET_PARAMS


def _safe_query(request):
    return {k: ("***" if _is_secret(k) else v) for k, v in request.args.items()}


def _origin(request):
    """scheme://host:port as the client addressed us (werkzeug's request.url is slow: IRI round trips)."""
    environ = request.environ
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    return f"{environ['wsgi.url_scheme']}://{host}"


def _request_url(request):
    """The request URL as sent (raw query string), for _links.self."""
    query = request.environ.get("QUERY_STRING", "")
    return f"{_origin(request)}{quote(request.path)}" + (f"?{query}" if query else "")
