"""The simulator's webhooks (its own model of BMC's registration and call, docs/ar-api.md): registered by an
administrator, called once per committed write (workflow writes too), with Basic authentication."""

import base64
import http.server
import json
import threading

import pytest

from sim_helpers import error_number, new_user

HOOKS = "/api/arsys/v1/webhook"


class Receiver:
    """A listener that records each call (its JSON body and its Authorization header)."""

    def __init__(self):
        self.calls = []
        received = self.calls

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  (the http.server hook's name)
                length = int(self.headers.get("Content-Length") or 0)
                received.append((json.loads(self.rfile.read(length)), self.headers.get("Authorization")))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):  # pylint: disable=arguments-differ
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/helix" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


def register(api, url, **extra):
    body = {"form": "User", "url": url, "events": ["create", "update", "delete"],
            "authentication": {"type": "basic", "username": "eda", "password": "hook-Secret-1"}}
    body.update(extra)
    return api.request("POST", HOOKS, json=body)


def test_a_registered_webhook_is_called_after_each_write_with_basic_auth(sim, api, receiver):
    response = register(api, receiver.url)
    assert response.status_code == 201 and response.headers["Location"].endswith("/WH00000001")
    assert api.create(new_user("hooked")).status_code == 201
    entry_id = sim.user("hooked")["Request ID"]
    assert api.update(entry_id, {"Email Address": "h@example.com"}).status_code == 204
    assert api.delete(entry_id).status_code == 204
    assert api.update("000000000000002", {"Department": "x"}, form="User").status_code == 204
    assert sim.webhooks.wait_idle()
    events = [(body["entryEvent"], body["entryId"]) for body, _auth in receiver.calls]
    assert events == [("Create", entry_id), ("Update", entry_id), ("Delete", entry_id), ("Update", "000000000000002")]
    body, auth = receiver.calls[0]
    assert set(body) == {"webhookId", "formName", "entryEvent", "entryId", "timestamp"} and body["formName"] == "User"
    assert auth == "Basic " + base64.b64encode(b"eda:hook-Secret-1").decode()
    assert [d["status"] for d in sim.webhook_deliveries()] == [200] * 4


def test_only_the_form_and_events_registered_and_a_listing_masks_the_password(sim, api, receiver):
    assert register(api, receiver.url, events=["delete"], authentication={"type": "none"}).status_code == 201
    assert register(api, receiver.url, form="Group").status_code == 201
    assert api.update("000000000000002", {"Department": "x"}).status_code == 204
    assert register(api, receiver.url).status_code == 201
    listing = api.request("GET", HOOKS).json()["webhooks"]
    assert [hook["authentication"].get("password") for hook in listing] == [None, "***", "***"]
    assert "hook-Secret-1" not in json.dumps(listing) + json.dumps(sim.log)
    assert api.request("DELETE", HOOKS + "/WH00000003").status_code == 204
    assert api.update("000000000000002", {"Department": "y"}).status_code == 204
    assert sim.webhooks.wait_idle() and receiver.calls == []


def test_people_workflow_writes_call_the_user_webhooks(sim, api, receiver):
    sim.configure(itsm=True)
    assert register(api, receiver.url).status_code == 201
    mary = sim.person("mary")
    response = api.update(mary["Person ID"], {"Internet E-mail": "mary@calbro.example"}, form="CTM:People")
    assert response.status_code == 204
    assert sim.webhooks.wait_idle()
    assert [(body["formName"], body["entryEvent"], body["entryId"]) for body, _auth in receiver.calls] == [
        ("User", "Update", sim.user("mary")["Request ID"])]


def test_registration_is_for_administrators_and_checked(sim, api, receiver):
    assert register(api, "ftp://example.com").status_code == 400
    assert register(api, receiver.url, events=["rename"]).status_code == 400
    assert register(api, receiver.url, authentication={"type": "basic", "username": "x"}).status_code == 400
    api.create(new_user("plain", Password="Plain-Passw0rd!"))
    token = api.session.post(api.url("/api/jwt/login"), data={"username": "plain", "password": "Plain-Passw0rd!"}).text
    response = api.request("POST", HOOKS, token=token, json={"form": "User", "url": receiver.url})
    assert response.status_code == 403 and error_number(response) == 353
    assert api.request("GET", HOOKS + "/WH09999999").status_code == 404


def test_an_unreachable_webhook_is_recorded_and_the_write_still_succeeds(sim, api):
    assert register(api, "http://127.0.0.1:9/nothing").status_code == 201
    assert api.update("000000000000002", {"Department": "z"}).status_code == 204
    assert sim.webhooks.wait_idle()
    delivery, = sim.webhook_deliveries()
    assert delivery["status"] is None and delivery["error"]
