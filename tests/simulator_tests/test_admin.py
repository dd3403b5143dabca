"""The /__sim admin endpoints, the request log and the Python control API."""

import http.client
import time

import requests

from simulator import Simulator
from simulator.config import Settings

from sim_helpers import Api, new_user


def test_state_and_seed(api, sim):
    state = api.session.get(api.url("/__sim/state")).json()
    assert [u["Login Name"] for u in state["users"]] == ["Demo", "jdoe", "asmith"]
    assert len(state["groups"]) == 13
    response = api.session.post(api.url("/__sim/seed"), json={"count": 5, "prefix": "svc"})
    assert response.json() == {"created": 5}
    assert sim.user("svc00005")["Login Name"] == "svc00005"


def test_config_round_trip(api, sim):
    response = api.session.post(api.url("/__sim/config"), json={"server_cap": 7, "guest_mode": True})
    assert response.status_code == 200
    assert response.json()["server_cap"] == 7
    assert api.session.get(api.url("/__sim/config")).json()["guest_mode"] is True
    assert sim.settings.server_cap == 7
    bad = api.session.post(api.url("/__sim/config"), json={"no_such_option": 1})
    assert bad.status_code == 400 and "no_such_option" in bad.json()["error"]
    assert api.session.post(api.url("/__sim/config"), json={"rate_503": 2}).status_code == 400
    assert api.session.post(api.url("/__sim/config"), json={"group_list_mode": "names"}).status_code == 400


def test_reset_endpoint(api, sim):
    api.login()
    api.create(new_user("temp"))
    sim.configure(server_cap=3)
    assert api.session.post(api.url("/__sim/reset")).status_code == 200
    assert sim.user("temp") is None
    assert sim.log == []
    assert sim.settings.server_cap == 2000
    assert api.session.get(api.url("/__sim/stats")).json()["requests"] == 0


def test_log_records(api, sim):
    api.login()
    api.users(q="'Login Name' = \"jdoe\"", limit=5)
    created = api.create(new_user("logged", Password="Pw-123456", **{"Email Address": "l@example.com"}))
    entry_id = created.headers["Location"].rsplit("/", 1)[1]
    api.update(entry_id, {"Phone Number": "1"})
    log = api.session.get(api.url("/__sim/log")).json()
    assert log == sim.log
    login, listing, create, update = log
    assert [r["seq"] for r in log] == sorted(r["seq"] for r in log)
    assert login["path"] == "/api/jwt/login" and login["user"] == "Demo" and login["status"] == 200
    assert listing["query"] == {"q": "'Login Name' = \"jdoe\"", "limit": "5"}
    assert listing["form"] == "User" and listing["user"] == "Demo" and listing["method"] == "GET"
    assert create["status"] == 201 and create["entry_id"] == entry_id
    assert create["body_fields"] == ["Login Name", "Full Name", "License Type", "Password", "Email Address"]
    assert create["values"]["Password"] == "***"
    assert update["method"] == "PUT" and update["values"] == {"Phone Number": "1"}
    for record in log:
        assert {"seq", "time", "method", "path", "query", "status", "fault", "form", "entry_id",
                "body_fields", "values", "user", "ar_timeout"} <= set(record)
    assert api.session.delete(api.url("/__sim/log")).status_code == 204
    assert sim.log == []


def test_admin_requests_are_not_logged_or_counted(api, sim):
    for path in ("/__sim/state", "/__sim/log", "/__sim/config", "/__sim/stats"):
        assert api.session.get(api.url(path)).status_code == 200
    assert sim.log == []
    assert sim.stats.snapshot()["requests"] == 0


def test_stats(api, sim):
    api.login()
    api.login("Demo", "bad")
    api.create(new_user("s1"))
    api.create(new_user("s1"))
    api.users()
    api.get("000000000000001")
    stats = api.session.get(api.url("/__sim/stats")).json()
    assert stats["requests"] == 6
    assert stats["by_method"] == {"POST": 4, "GET": 2}
    assert stats["by_status"] == {"200": 3, "401": 1, "201": 1, "400": 1}
    assert (stats["logins"], stats["login_failures"], stats["creates"], stats["lists"], stats["reads"]) == (1, 1, 1, 1, 1)


def test_unknown_paths(api):
    assert api.session.get(api.url("/__sim/nothing")).status_code == 404
    response = api.session.get(api.url("/api/nothing"))
    assert response.status_code == 404 and isinstance(response.json(), list)


def test_context_manager_and_options():
    with Simulator(port=0, server_cap=5, group_list_mode="as-written") as sim:
        assert sim.url.startswith("http://127.0.0.1:")
        client = Api(sim.url)
        assert client.login().status_code == 200
        sim.seed_users(10)
        assert len(client.users().json()["entries"]) == 5
        sim.configure(server_cap=50)
        sim.reset()
        assert sim.settings.server_cap == 5           # reset returns to the constructor options
        url = sim.url
    try:
        requests.get(url + "/__sim/state", timeout=1)
        raise AssertionError("server still answering after stop()")
    except requests.exceptions.ConnectionError:
        pass


def test_keep_alive_and_nodelay(sim):
    connection = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=5)
    connection.request("POST", "/api/jwt/login", body="username=Demo&password=Demo-Passw0rd%21",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    login = connection.getresponse()
    token = login.read().decode()
    assert login.status == 200 and login.version == 11
    first_socket = connection.sock
    started = time.perf_counter()
    for unused in range(20):
        connection.request("GET", "/api/arsys/v1/entry/User?limit=1", headers={"Authorization": "AR-JWT " + token})
        response = connection.getresponse()
        response.read()
        assert response.status == 200 and response.getheader("Connection") != "close"
        assert connection.sock is first_socket      # the same TCP connection every time
    # Headers and body go out in two writes: without TCP_NODELAY each request stalls ~40 ms.
    assert time.perf_counter() - started < 0.4
    connection.close()


def test_log_records_the_ar_timeout_header(api, sim):
    api.login()
    api.request("GET", "/api/arsys/v1/entry/User", headers={**api.headers(), "X-AR-Timeout": "90"})
    api.request("GET", "/api/arsys/v1/entry/User/000000000000002", headers={**api.headers(), "X-AR-Timeout": "thirty"})
    api.session.post(api.url("/api/jwt/login"), data={"username": "Demo", "password": "x"}, headers={"X-AR-Timeout": "5"})
    sim.configure(rate_503=1.0)
    api.request("GET", "/api/arsys/v1/entry/User", headers={**api.headers(), "X-AR-Timeout": "7"})  # faulted: logged too
    records = sim.log
    assert [r["ar_timeout"] for r in records] == [None, "90", "thirty", "5", "7"]
    assert records[-1]["fault"] == "rate_503"
    assert "Authorization" not in repr(records) and api.token not in repr(records)


# The switches of the real-tenant work, each set away from its default.
TENANT_SWITCHES = {"status_labels": "real" if Settings().status_labels == "guide" else "guide",
                   "entry_links": False, "omit_request_id": True, "login_name_ids": True, "refuse_http": True,
                   "invalid_accounts": ["jdoe"], "forbidden_fields": ["Group List", "Status"]}


def test_reset_restores_every_tenant_switch_to_the_constructor_value():
    with Simulator(port=0, **TENANT_SWITCHES) as sim:
        defaults = {name: getattr(Settings(), name) for name in TENANT_SWITCHES}
        sim.configure(**defaults)
        assert {name: getattr(sim.settings, name) for name in TENANT_SWITCHES} == defaults
        sim.reset()
        assert {name: getattr(sim.settings, name) for name in TENANT_SWITCHES} == TENANT_SWITCHES
        sim.settings.invalid_accounts.append("asmith")           # the initial copy is not shared
        sim.reset()
        assert sim.settings.invalid_accounts == ["jdoe"]
        assert sim.user("Demo")["Group List"] == "1;"              # seeding ignores forbidden_fields
    with Simulator(port=0) as sim:
        sim.configure(**TENANT_SWITCHES)
        sim.reset()
        assert {name: getattr(sim.settings, name) for name in TENANT_SWITCHES} == \
            {name: getattr(Settings(), name) for name in TENANT_SWITCHES}
