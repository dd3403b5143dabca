"""Entries as the guide's examples show them: entry_links, omit_request_id and login_name_ids."""

import pytest

from simulator import Simulator

from sim_helpers import Api, error_number, new_user

USERS = "/api/arsys/v1/entry/User"
JDOE_ID = "000000000000002"


# ------------------------------------------------------------------ entry_links


def test_entries_have_self_links_by_default(api, sim):
    listing = api.users(limit=2).json()
    assert [e["_links"]["self"][0]["href"] for e in listing["entries"]] == [
        f"{sim.url}{USERS}/000000000000001", f"{sim.url}{USERS}/{JDOE_ID}"]
    assert api.get(JDOE_ID).json()["_links"] == {"self": [{"href": f"{sim.url}{USERS}/{JDOE_ID}"}]}


def test_without_entry_links_entries_carry_empty_links(api, sim):
    sim.configure(entry_links=False)
    listing = api.users(limit=2).json()
    assert [e["_links"] for e in listing["entries"]] == [{}, {}]
    # The list's own links still page: only the entries lose their href.
    assert listing["_links"]["self"][0]["href"].endswith(f"{USERS}?limit=2")
    assert "next" in listing["_links"]
    one = api.get(JDOE_ID).json()
    assert one["_links"] == {} and one["values"]["Login Name"] == "jdoe"
    created = api.create(new_user("linkless"))
    assert created.status_code == 201 and created.headers["Location"].startswith(sim.url + USERS + "/")


# ------------------------------------------------------------------ omit_request_id


def test_without_request_id_values_never_hold_it(api, sim):
    sim.configure(omit_request_id=True)
    for params in ({}, {"fields": "values(Request ID,Login Name)"}, {"fields": "values(1,Login Name)"}):
        entries = api.users(**params).json()["entries"]
        assert [e["values"].get("Login Name") for e in entries] == ["Demo", "jdoe", "asmith"]
        assert all("Request ID" not in e["values"] for e in entries), params
        one = api.get(JDOE_ID, **params).json()
        assert "Request ID" not in one["values"] and one["values"]["Login Name"] == "jdoe"
    only_id = api.users(fields="values(Request ID)").json()["entries"]
    assert [e["values"] for e in only_id] == [{}, {}, {}]
    # The id is still in the self link, and queries on it still work.
    assert only_id[1]["_links"]["self"][0]["href"].endswith("/" + JDOE_ID)
    assert [u["Login Name"] for u in api.find(f"'Request ID' = \"{JDOE_ID}\"")] == ["jdoe"]
    assert sim.user("jdoe")["Request ID"] == JDOE_ID        # the Python inspection API keeps it


def test_the_guide_shape_entries_without_any_id(api, sim):
    sim.configure(entry_links=False, omit_request_id=True)
    entry = api.users(q="'Login Name' = \"jdoe\"", fields="values(Login Name,Full Name,Status)").json()["entries"][0]
    assert entry == {"_links": {}, "values": {"Login Name": "jdoe", "Full Name": "John Doe", "Status": "Current"}}


# ------------------------------------------------------------------ login_name_ids


def test_login_names_are_not_ids_by_default(api):
    response = api.get("jdoe")
    assert response.status_code == 404 and error_number(response) == 302
    assert api.update("jdoe", {"Phone Number": "1"}).status_code == 404
    assert api.delete("jdoe").status_code == 404


def test_login_name_ids_get_put_delete(api, sim):
    sim.configure(login_name_ids=True)
    response = api.get("jdoe")
    assert response.status_code == 200
    body = response.json()
    assert body["values"]["Request ID"] == JDOE_ID
    assert body["_links"]["self"][0]["href"] == f"{sim.url}{USERS}/{JDOE_ID}"   # the link names the real id
    assert api.get("jdoe", fields="values(Login Name)").json()["values"] == {"Login Name": "jdoe"}
    assert api.update("jdoe", {"Phone Number": "555"}).status_code == 204
    assert sim.user("jdoe")["Phone Number"] == "555"
    assert api.get(JDOE_ID).json()["values"]["Phone Number"] == "555"        # a Request ID still works
    assert api.update(JDOE_ID, {"Phone Number": "556"}).status_code == 204
    assert api.delete("jdoe").status_code == 204
    assert sim.user("jdoe") is None
    missing = api.get("jdoe")
    assert missing.status_code == 404 and error_number(missing) == 302
    assert [r["entry_id"] for r in sim.log if r["method"] == "DELETE"] == ["jdoe"]


def test_login_name_ids_follow_the_case_rule_and_only_the_user_form(api, sim):
    sim.configure(login_name_ids=True)
    assert api.get("JDOE").status_code == 404
    sim.configure(case_sensitive=False)
    assert api.get("JDOE").json()["values"]["Login Name"] == "jdoe"
    assert api.get("Public", form="Group").status_code == 404


def test_a_request_id_wins_over_a_login_name_that_looks_like_one(api, sim):
    sim.configure(login_name_ids=True)
    assert api.create(new_user("000000000000001")).status_code == 201
    assert api.get("000000000000001").json()["values"]["Login Name"] == "Demo"


@pytest.mark.parametrize("options", [
    {"entry_links": False, "omit_request_id": True, "login_name_ids": True},
    {"entry_links": True, "omit_request_id": False, "login_name_ids": False},
])
def test_reset_restores_the_constructor_entry_switches(options):
    with Simulator(port=0, **options) as sim:
        sim.configure(**{name: not value for name, value in options.items()})
        sim.reset()
        assert {name: getattr(sim.settings, name) for name in options} == options
        client = Api(sim.url)
        entry = client.users(limit=1).json()["entries"][0]
        assert (entry["_links"] != {}) is options["entry_links"]
        assert ("Request ID" in entry["values"]) is not options["omit_request_id"]
        assert (client.get("jdoe").status_code == 200) is options["login_name_ids"]
        client.session.close()
