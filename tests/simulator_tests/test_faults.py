"""Fault switches: failures before processing, drops before and after commit, latency, repeatability."""

import time

import pytest
import requests

from sim_helpers import error_number, new_user


def statuses(api, count):
    return [api.users(limit=1).status_code for unused in range(count)]


def test_fail_first(api, sim):
    api.login()
    sim.configure(fail_first=2)
    assert statuses(api, 3) == [503, 503, 200]
    faults = [record["fault"] for record in sim.log[-3:]]
    assert faults == ["fail_first", "fail_first", None]
    assert sim.stats.snapshot()["faults"] == {"fail_first": 2}
    assert sim.config()["fail_first"] == 0


def test_fail_first_other_status_and_login(api, sim):
    sim.configure(fail_first=1, fail_first_status=429)
    response = api.login()
    assert response.status_code == 429
    assert response.content == b"" or error_number(response) == 94
    assert api.login().status_code == 200


def test_faults_skip_login(api, sim):
    sim.configure(rate_503=1.0, faults_skip_login=True)
    assert api.login().status_code == 200
    assert api.users().status_code == 503


def test_rate_503_commits_nothing(api, sim):
    api.login()
    sim.configure(rate_503=1.0)
    bodies = set()
    for number in range(12):
        response = api.create(new_user(f"u503x{number}"))
        assert response.status_code == 503
        bodies.add("html" if "<html" in response.text else response.text)
    assert bodies == {"html", ""}          # both shapes a front end gives
    assert sim.user("u503x0") is None
    assert sim.stats.snapshot()["faults"] == {"rate_503": 12}


def test_rate_429(api, sim):
    api.login()
    sim.configure(rate_429=1.0)
    shapes = set()
    for unused in range(12):
        response = api.users()
        assert response.status_code == 429 and "Retry-After" not in response.headers
        shapes.add("empty" if not response.content else error_number(response))
    assert shapes == {"empty", 94}


def test_rate_93(api, sim):
    api.login()
    sim.configure(rate_93=1.0)
    response = api.update("000000000000002", {"Full Name": "Changed"})
    assert response.status_code == 500 and error_number(response) == 93
    assert "Timeout" in response.json()[0]["messageText"]
    assert sim.user("jdoe")["Full Name"] == "John Doe"


def test_drop_rate_closes_without_reply_and_commits_nothing(api, sim):
    api.login()
    sim.configure(drop_rate=1.0)
    with pytest.raises(requests.exceptions.ConnectionError):
        api.create(new_user("dropped"))
    sim.configure(drop_rate=0.0)
    assert sim.user("dropped") is None
    assert api.users().status_code == 200      # same session, new connection, server alive
    record = [r for r in sim.log if r["fault"] == "drop"][0]
    assert record["status"] is None and record["method"] == "POST"


def test_drop_after_commit(api, sim):
    api.login()
    sim.configure(drop_after_commit=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        api.create(new_user("ghostly"))
    assert sim.user("ghostly") is not None     # committed although the client saw no reply
    retry = api.create(new_user("ghostly"))
    assert retry.status_code == 400 and error_number(retry) == 382
    assert api.create(new_user("after")).status_code == 201   # only the next N requests
    assert sim.stats.snapshot()["faults"] == {"drop_after_commit": 1}


def test_drop_after_commit_skips_failed_requests(api, sim):
    api.login()
    sim.configure(drop_after_commit=1)
    assert error_number(api.create(new_user("jdoe"))) == 382     # nothing committed: answered normally
    with pytest.raises(requests.exceptions.ConnectionError):
        api.create(new_user("second"))
    record = sim.log[-1]
    assert (record["fault"], record["status"], record["committed_status"]) == ("drop_after_commit", None, 201)


def test_drop_after_commit_methods(api, sim):
    api.login()
    sim.configure(drop_after_commit=2, drop_after_commit_methods=["PUT"])
    assert api.create(new_user("keep")).status_code == 201
    with pytest.raises(requests.exceptions.ConnectionError):
        api.update("000000000000002", {"Full Name": "Committed"})
    assert sim.user("jdoe")["Full Name"] == "Committed"
    with pytest.raises(requests.exceptions.ConnectionError):
        api.update("000000000000002", {"Full Name": "Again"})
    assert api.update("000000000000002", {"Full Name": "Third"}).status_code == 204


def test_server_survives_many_drops(api, sim):
    api.login()
    sim.configure(drop_rate=0.5, fault_seed=3)
    outcomes = []
    for unused in range(40):
        try:
            outcomes.append(api.users(limit=1).status_code)
        except requests.exceptions.ConnectionError:
            outcomes.append("dropped")
    assert "dropped" in outcomes and 200 in outcomes
    sim.configure(drop_rate=0.0)
    assert statuses(api, 5) == [200] * 5


def test_fault_seed_repeats(api, sim):
    api.login()
    sim.configure(rate_503=0.3, rate_429=0.2, fault_seed=11)
    first = statuses(api, 30)
    sim.configure(fault_seed=11)
    assert statuses(api, 30) == first
    assert set(first) == {200, 429, 503}


def test_latency(api, sim):
    api.login()
    sim.configure(latency_ms=60)
    started = time.perf_counter()
    api.users(limit=1)
    assert time.perf_counter() - started >= 0.06
    started = time.perf_counter()
    api.session.get(api.url("/__sim/stats"))
    assert time.perf_counter() - started < 0.05     # admin requests are never delayed
    sim.configure(latency_ms=0, latency_spike_rate=1.0, latency_spike_ms=80)
    started = time.perf_counter()
    api.users(limit=1)
    assert time.perf_counter() - started >= 0.08


def test_admin_requests_ignore_faults(api, sim):
    sim.configure(rate_503=1.0, drop_rate=0.0)
    assert api.session.get(api.url("/__sim/state")).status_code == 200
    sim.configure(rate_503=0.0, drop_rate=1.0)
    assert api.session.get(api.url("/__sim/log")).status_code == 200
    assert sim.log == []


def test_reset_turns_faults_off(api, sim):
    sim.configure(rate_503=1.0, fail_first=3, drop_after_commit=2, latency_ms=5)
    sim.reset()
    config = sim.config()
    assert (config["rate_503"], config["fail_first"], config["drop_after_commit"], config["latency_ms"]) == (0, 0, 0, 0)
    assert api.login().status_code == 200
