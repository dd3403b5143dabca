"""CRUD on the User form, each validation error, selections, Group List modes, the Group form."""

import re

import pytest

from sim_helpers import deactivated, error_number, new_user

USERS = "/api/arsys/v1/entry/User"


def created_id(response):
    assert response.status_code == 201, response.text
    assert response.text == ""
    match = re.fullmatch(r"http://127\.0\.0\.1:\d+/api/arsys/v1/entry/User/(\d{15})", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def test_seeded_state(sim):
    state = sim.state()
    logins = [(u["Request ID"], u["Login Name"], u["License Type"], u["Status"]) for u in state["users"]]
    assert logins == [("000000000000001", "Demo", "Fixed", "Current"),
                      ("000000000000002", "jdoe", "Fixed", "Current"),
                      ("000000000000003", "asmith", "Read", deactivated(sim))]
    assert state["users"][0]["Password"] == "***" and state["users"][1]["Password"] is None
    assert state["users"][0]["Group List"] == "1;"
    assert state["users"][1]["Group List"] == "1000000001;"
    groups = {g["Group Name"]: g["Group ID"] for g in state["groups"]}
    assert groups["Administrator"] == 1 and groups["Public"] == 0 and groups["Service Request User"] == 1000000007
    assert len(groups) == 13


def test_create_get_update_delete(api, sim):
    entry_id = created_id(api.create(new_user("bob", **{"Email Address": "bob@example.com", "Password": "pw-1"})))
    response = api.get(entry_id)
    assert response.status_code == 200
    body = response.json()
    values = body["values"]
    assert body["_links"]["self"][0]["href"].endswith(f"/api/arsys/v1/entry/User/{entry_id}")
    assert values["Request ID"] == entry_id
    assert values["Status"] == "Current" and values["Default Notify Mechanism"] == "Alert"
    assert values["Full Text License Type"] == "None"
    assert values["Password"] == "***"
    assert values["Submitter"] == "Demo" and values["Last Modified By"] == "Demo"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000", values["Create Date"])
    assert list(values["Status History"]) == ["Current"]
    assert values["Status History"]["Current"]["user"] == "Demo"
    assert values["Phone Number"] is None

    assert api.update(entry_id, {"Email Address": "new@example.com", "Status": 1}).status_code == 204
    values = api.get(entry_id).json()["values"]
    assert values["Email Address"] == "new@example.com"
    assert values["Full Name"] == "Bob Tester"          # partial update keeps the rest
    assert values["Status"] == deactivated(sim)
    assert set(values["Status History"]) == {"Current", deactivated(sim)}

    assert api.update(entry_id, {"Email Address": ""}).status_code == 204
    assert api.get(entry_id).json()["values"]["Email Address"] is None
    assert api.update(entry_id, {"Password": None}).status_code == 204
    assert sim.user("bob")["Password"] is None

    assert api.delete(entry_id).status_code == 204
    missing = api.get(entry_id)
    assert missing.status_code == 404 and error_number(missing) == 302
    assert sim.user("bob") is None


def test_get_with_fields(api):
    response = api.get("000000000000002", fields="values(Login Name,License Type)")
    assert response.json()["values"] == {"Login Name": "jdoe", "License Type": "Fixed"}
    bad = api.get("000000000000002", fields="values(Shoe Size)")
    assert bad.status_code == 400 and error_number(bad) == 314


def test_missing_entry_update_delete(api):
    assert error_number(api.update("000000000000999", {"Full Name": "x"})) == 302
    assert api.delete("000000000000999").status_code == 404


def test_unknown_form(api):
    response = api.request("GET", "/api/arsys/v1/entry/NoSuchForm")
    assert response.status_code == 404 and error_number(response) == 303
    assert error_number(api.create({"a": 1}, form="NoSuchForm")) == 303


@pytest.mark.parametrize("values, number, named", [
    ({"Full Name": "No Login", "License Type": "Fixed"}, 307, "Login Name"),
    ({"Login Name": "x1", "License Type": "Fixed"}, 307, "Full Name"),
    ({"Login Name": "x2", "Full Name": "X"}, 307, "License Type"),
    (new_user("x3", **{"License Type": "Gold"}), 306, "License Type"),
    (new_user("x4", Status="Retired"), 306, "Status"),
    (new_user("x5", **{"Default Notify Mechanism": 7}), 306, "Default Notify Mechanism"),
    (new_user("x6", **{"Shoe Size": 42}), 314, "Shoe Size"),
    (new_user("x7", **{"Request ID": "000000000000077"}), 330, "Request ID"),
    (new_user("x8", **{"Status History": {}}), 330, "Status History"),
    (new_user("x9", **{"Create Date": "2020-01-01T00:00:00Z"}), 330, "Create Date"),
    (new_user("jdoe"), 382, "jdoe"),
    (new_user("x10", **{"Group List": "Administrator;Wizards"}), 306, "Wizards"),
])
def test_create_validation(api, values, number, named):
    response = api.create(values)
    assert response.status_code == 400, response.text
    error = response.json()[0]
    assert error["messageType"] == "ERROR"
    assert error["messageNumber"] == number
    assert named in error["messageAppendedText"]
    assert error["messageText"]


def test_duplicate_text_and_case_rule(api, sim):
    error = api.create(new_user("jdoe")).json()[0]
    assert error["messageText"] == ("The value(s) for this entry violate a unique index that has been defined for this form")
    assert api.create(new_user("JDOE")).status_code == 201   # case-sensitive by default
    sim.reset()
    sim.configure(case_sensitive=False)
    assert error_number(api.create(new_user("JDoe"))) == 382


def test_update_validation(api):
    assert error_number(api.update("000000000000002", {"Full Name": ""})) == 307
    assert error_number(api.update("000000000000002", {"Login Name": None})) == 307
    assert error_number(api.update("000000000000002", {"Login Name": "asmith"})) == 382
    assert api.update("000000000000002", {"Login Name": "jdoe"}).status_code == 204   # own value is fine
    assert error_number(api.update("000000000000002", {"License Type": "Platinum"})) == 306
    assert error_number(api.update("000000000000002", {"Nope": 1})) == 314
    assert error_number(api.update("000000000000002", {"Modified Date": 1})) == 330


def test_login_rename_moves_the_index(api):
    assert api.update("000000000000002", {"Login Name": "john"}).status_code == 204
    assert api.find("'Login Name' = \"jdoe\"") == []
    assert [u["Request ID"] for u in api.find("'Login Name' = \"john\"")] == ["000000000000002"]
    assert api.create(new_user("jdoe")).status_code == 201


@pytest.mark.parametrize("written, label", [("Floating", "Floating"), (2, "Floating"), ("2", "Floating"),
                                            ("restricted read", "Restricted Read"), (0, "Read")])
def test_selection_accepts_label_or_integer(api, written, label):
    entry_id = created_id(api.create(new_user("sel", **{"License Type": written})))
    assert api.get(entry_id).json()["values"]["License Type"] == label


def test_bad_body(api):
    headers = {**api.headers(), "Content-Type": "application/json"}
    response = api.request("POST", USERS, data=b"{not json", headers=headers)
    assert response.status_code == 400
    assert api.request("POST", USERS, json={"Login Name": "x"}).status_code == 400
    assert api.request("PUT", USERS + "/000000000000002", json=[1, 2]).status_code == 400


@pytest.mark.parametrize("written, stored", [
    ("Administrator;Service Desk", "1;1000000001;"),
    ("1000000003;Administrator", "1000000003;1;"),
    (["Service Desk", "1"], "1000000001;1;"),
    ([1000000005, "public"], "1000000005;0;"),
    ("  Service Desk ; ", "1000000001;"),
    ("", None),
])
def test_group_list_ids_mode(api, sim, written, stored):
    entry_id = created_id(api.create(new_user("grp", **{"Group List": written})))
    assert api.get(entry_id).json()["values"]["Group List"] == stored
    assert sim.user("grp")["Group List"] == stored


@pytest.mark.parametrize("written, stored", [
    ("Administrator;Service Desk", "Administrator;Service Desk"),
    (["Service Desk", "1"], "Service Desk;1"),
    ("1;1000000001;", "1;1000000001;"),
    ("Wizards", "Wizards"),
])
def test_group_list_as_written_mode(api, sim, written, stored):
    sim.configure(group_list_mode="as-written")
    entry_id = created_id(api.create(new_user("grp", **{"Group List": written})))
    assert api.get(entry_id).json()["values"]["Group List"] == stored


def test_group_form_is_readable_not_writable(api):
    response = api.request("GET", "/api/arsys/v1/entry/Group", params={"q": "'Group ID' = 1000000001"})
    assert [e["values"]["Group Name"] for e in response.json()["entries"]] == ["Service Desk"]
    assert response.json()["entries"][0]["values"]["Group Type"] == "Change"
    one = api.get("000000000000001", form="Group").json()["values"]
    assert one["Group Name"] == "Public"
    refused = api.create({"Group Name": "X", "Group ID": 5000}, form="Group")
    assert refused.status_code == 403 and error_number(refused) == 353     # form permission (333 is a field's)
    assert api.delete("000000000000001", form="Group").status_code == 403


def test_delete_not_allowed(api, sim):
    sim.configure(delete_allowed=False)
    response = api.delete("000000000000002")
    assert response.status_code == 403 and error_number(response) == 353
    assert sim.user("jdoe") is not None


def test_field_ids_on_write(api):
    entry_id = created_id(api.create({"101": "byid", "8": "By Id", "109": 1}))
    values = api.get(entry_id).json()["values"]
    assert (values["Login Name"], values["Full Name"], values["License Type"]) == ("byid", "By Id", "Fixed")


def test_method_not_allowed(api):
    response = api.request("PATCH", USERS + "/000000000000002", json={})
    assert response.status_code == 405
    assert isinstance(response.json(), list)


def test_forbidden_fields_refuse_writes_with_333(api, sim):
    entry_id = created_id(api.create(new_user("perm")))
    sim.configure(forbidden_fields=["Group List", "Phone Number"])
    writes = (
        ("PUT", {"Group List": "1;"}), ("PUT", {"Email Address": "a@example.com", "Phone Number": "1"}),
        ("PUT", {"1000000056": "1"}), ("PUT", {"Phone Number": None}),
        ("POST", new_user("perm2", **{"Group List": "1;"})),
    )
    for method, values in writes:
        response = api.update(entry_id, values) if method == "PUT" else api.create(values)
        assert response.status_code == 400, values
        assert response.json() == [{"messageType": "ERROR", "messageNumber": 333, "messageText": "No access to field",
                                    "messageAppendedText": "Group List" if "Group List" in values else "Phone Number"}]
    assert sim.user("perm2") is None
    assert sim.user("perm")["Email Address"] is None              # a refused write changes nothing
    assert api.update(entry_id, {"Email Address": "ok@example.com"}).status_code == 204
    assert api.create(new_user("perm3")).status_code == 201


def test_forbidden_fields_leave_reads_and_queries_alone(api, sim):
    sim.configure(forbidden_fields=["Group List", "109"])
    jdoe = api.get("000000000000002").json()["values"]
    assert jdoe["Group List"] == "1000000001;" and jdoe["License Type"] == "Fixed"
    assert [u["Login Name"] for u in api.find("'Group List' LIKE \"%1000000001%\"")] == ["jdoe"]
    refused = api.update("000000000000002", {"License Type": "Read"})      # listed by id
    assert refused.status_code == 400 and error_number(refused) == 333
    assert refused.json()[0]["messageAppendedText"] == "License Type"


def test_forbidden_fields_order_and_reset(api, sim):
    sim.configure(forbidden_fields=["Phone Number"])
    unknown = api.update("000000000000002", {"Phone Number": "1", "Shoe Size": "44"})
    assert error_number(unknown) == 314                             # unknown fields are reported first
    config = api.session.post(api.url("/__sim/config"), json={"forbidden_fields": "Phone Number, Company"})
    assert config.json()["forbidden_fields"] == ["Phone Number", "Company"]
    sim.reset()
    assert sim.settings.forbidden_fields == []
    assert api.update("000000000000002", {"Phone Number": "1"}).status_code == 204
