"""Lists: fields, sort, offset/limit, the server cap with short pages, next/prev links."""

import time
from urllib.parse import parse_qs, urlsplit

from sim_helpers import deactivated, error_number


def logins(response):
    assert response.status_code == 200, response.text
    return [entry["values"]["Login Name"] for entry in response.json()["entries"]]


def walk(api, first_url):
    """Follow _links.next until it is gone; return (all logins, page sizes)."""
    names, sizes, url = [], [], first_url
    while url:
        response = api.session.get(url, headers=api.headers(), timeout=10)
        page = logins(response)
        names += page
        sizes.append(len(page))
        url = response.json()["_links"].get("next", [{}])[0].get("href")
    return names, sizes


def test_list_shape(api, sim):
    response = api.users(limit=2)
    body = response.json()
    assert set(body) == {"entries", "_links", "numMatches"} and body["numMatches"] is None
    assert body["_links"]["self"][0]["href"] == sim.url + "/api/arsys/v1/entry/User?limit=2"
    entry = body["entries"][0]
    assert entry["_links"]["self"][0]["href"] == sim.url + "/api/arsys/v1/entry/User/000000000000001"
    assert "prev" not in body["_links"]
    assert urlsplit(body["_links"]["next"][0]["href"]).query == "offset=2&limit=2"


def test_fields_and_sort(api, sim):
    response = api.users(fields="values(Login Name,Status)", sort="Login Name.desc")
    assert [e["values"] for e in response.json()["entries"]] == [
        {"Login Name": "jdoe", "Status": "Current"}, {"Login Name": "asmith", "Status": deactivated(sim)},
        {"Login Name": "Demo", "Status": "Current"}]
    assert logins(api.users(sort="License Type.asc,Login Name.desc")) == ["asmith", "jdoe", "Demo"]
    assert logins(api.users(sort="Status.desc,Login Name")) == ["asmith", "Demo", "jdoe"]


def test_unknown_field_in_fields_or_sort(api):
    for params in ({"fields": "values(Login Name,Bogus)"}, {"sort": "Bogus.asc"}, {"q": "'Bogus' = 1"}):
        response = api.users(**params)
        assert response.status_code == 400 and error_number(response) == 314
        assert "Bogus" in response.json()[0]["messageAppendedText"]


def test_bad_offset_limit(api):
    assert api.users(limit="ten").status_code == 400
    assert api.users(offset=-1).status_code == 400


def test_no_limit_returns_up_to_cap(api, sim):
    sim.seed_users(30)
    assert len(logins(api.users())) == 33
    sim.configure(server_cap=20)
    response = api.users()
    assert len(response.json()["entries"]) == 20
    assert "next" in response.json()["_links"]


def test_offset_limit_pages(api, sim):
    sim.seed_users(25)
    names, sizes = walk(api, api.url("/api/arsys/v1/entry/User?limit=10&sort=Login Name.asc"))
    assert sizes == [10, 10, 8]
    assert len(names) == len(set(names)) == 28
    assert names == sorted(names)
    last = api.users(limit=10, offset=20, sort="Login Name.asc")
    links = last.json()["_links"]
    assert "next" not in links
    assert parse_qs(urlsplit(links["prev"][0]["href"]).query)["offset"] == ["10"]
    assert logins(api.users(offset=100)) == []


def test_server_cap_short_pages_keep_next(api, sim):
    sim.seed_users(45)
    sim.configure(server_cap=20)
    response = api.users(limit=50, q="'Login Name' LIKE \"user%\"")
    body = response.json()
    assert len(body["entries"]) == 20                 # short page although 45 rows match
    next_query = parse_qs(urlsplit(body["_links"]["next"][0]["href"]).query)
    assert next_query["offset"] == ["20"] and next_query["limit"] == ["50"]
    assert next_query["q"] == ["'Login Name' LIKE \"user%\""]
    names, sizes = walk(api, body["_links"]["next"][0]["href"])
    assert sizes == [20, 5]
    assert len(set(names) | {e["values"]["Login Name"] for e in body["entries"]}) == 45


def test_exact_multiple_has_no_next(api, sim):
    sim.seed_users(7)                                  # 10 users in all
    response = api.users(limit=5, offset=5)
    assert len(response.json()["entries"]) == 5
    assert "next" not in response.json()["_links"]


def test_seed_users_fast_and_valid(sim, api):
    started = time.perf_counter()
    sim.seed_users(10000)
    assert time.perf_counter() - started < 1.0
    user = sim.user("user00003")
    assert user["Status"] == "Current" and user["License Type"] in ("Fixed", "Read")
    assert user["Group List"].endswith(";") and user["Full Name"]
    found = api.find("'Login Name' = \"user09999\" OR 'Login Name' = \"user00001\"")
    assert [u["Login Name"] for u in found] == ["user00001", "user09999"]
    sim.seed_users(2)
    assert sim.user("user10001") is not None
