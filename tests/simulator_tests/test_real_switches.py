"""What real tenants do, second round: field metadata, site and functional-role fields, 204 creates, the right
AR numbers (9093 the one-IP rule, 92-94 timeouts after commit, 309 modified since read), the SSO UI host."""

import pytest

from simulator.itsm_forms import SITE_COPIES

from sim_helpers import error_number, new_user

PEOPLE, SITE, ROLES = "CTM:People", "SIT:Site", "CTM:SupportGroupFunctionalRole"
ASSOCIATION = "CTM:Support Group Association"
ALLEN, MARY = "PPL000000000001", "PPL000000000002"
SERVICE_DESK, NETWORK = "SGP000000000001", "SGP000000000002"
FIELDS = "/api/arsys/v1.0/fields/"


def by_name(response):
    assert response.status_code == 200, response.text
    return {field["name"]: field for field in response.json()}


# ------------------------------------------------------------------ field metadata
def test_field_metadata_of_the_user_form(api):
    fields = by_name(api.request("GET", FIELDS + "User"))
    assert fields["Login Name"] == {"id": 101, "name": "Login Name", "datatype": "CHAR", "field_option": "REQUIRED",
                                    "create_mode": "OPEN", "default_value": None,
                                    "limit": {"datatype": "CHAR", "max_length": 254, "pattern": None,
                                              "char_menu": None}}
    assert fields["Group List"]["limit"]["max_length"] == 4000
    assert fields["Request ID"]["field_option"] == "SYSTEM" and fields["Create Date"]["datatype"] == "TIME"
    assert fields["License Type"]["limit"] == {"datatype": "ENUM", "list_style": "REGULAR",
                                               "string_list": ["Read", "Fixed", "Floating", "Restricted Read"]}
    assert (fields["Auth String"]["id"], fields["Authentication Login Name"]["id"]) == (118, 117)
    picked = api.request("GET", FIELDS + "User/101,109,7")
    assert sorted(field["id"] for field in picked.json()) == [7, 101, 109]


def test_field_metadata_enum_with_numbers_of_its_own_and_defaults(client):
    fields = by_name(client.request("GET", FIELDS + "LIC:SYS-License Permission Map"))
    assert fields["Permission Group Type"]["limit"] == {
        "datatype": "ENUM", "list_style": "CUSTOM",
        "custom_list": [{"enum_item_name": "Application", "enum_item_number": 1},
                        {"enum_item_name": "Company", "enum_item_number": 2}]}
    assert fields["Permission Group Type"]["default_value"] == "Application"


@pytest.mark.parametrize("mode, status", [("404", 404), ("403", 403)])
def test_field_metadata_switch(api, sim, mode, status):
    sim.configure(field_metadata=mode)
    response = api.request("GET", FIELDS + "User")
    assert response.status_code == status
    assert response.content == b"" if mode == "404" else error_number(response) == 353
    assert sim.log[-1]["path"] == FIELDS + "User"


def test_field_metadata_of_an_unknown_form_and_without_a_token(api, sim):
    response = api.request("GET", FIELDS + "No Such Form")
    assert response.status_code == 404 and error_number(response) == 303
    assert api.session.get(api.url(FIELDS + "User")).status_code == 401


# ------------------------------------------------------------------ sites, functional roles, field 1
def test_site_fields_are_named_per_form(client, itsm):
    site = client.get("STE_00000000001", form=SITE).json()["values"]
    person = itsm.person("allen")
    for source, copy in SITE_COPIES:
        assert person[copy] == site[source] and site[source] is not None or source == "State Province"
    assert "Site Address" not in person and "Site Street" not in site
    refused = client.request("GET", "/api/arsys/v1/entry/CTM:People", params={"fields": "values(Site Address)"})
    assert error_number(refused) == 314 and "Site Address" in refused.json()[0]["messageAppendedText"]


def test_drop_fields_makes_an_older_form(client, itsm):
    itsm.configure(drop_fields=["SIT:Site=Time Zone", "CTM:People=Site Street"])
    response = client.request("GET", "/api/arsys/v1/entry/SIT:Site", params={"fields": "values(Site,Time Zone)"})
    assert error_number(response) == 314 and "Time Zone" in response.json()[0]["messageAppendedText"]
    assert "Site Street" not in client.get(ALLEN, form=PEOPLE).json()["values"]
    assert "Site Street" not in by_name(client.request("GET", FIELDS + PEOPLE))
    assert error_number(client.update(MARY, {"Site Street": "x"}, form=PEOPLE)) == 314
    itsm.configure(drop_fields=[])
    assert client.get(ALLEN, form=PEOPLE).json()["values"]["Site Street"] == "1500 Main Street"


def test_functional_role_rows(client, itsm):
    [seeded] = itsm.rows(ROLES)
    assert (seeded["SupportGroupFunctionalRole ID"], seeded["Login ID"], seeded["FunctionalRoleAlias"]) == \
        ("000000000000001", "allen", "Incident Manager")
    refused = {
        10107: {"Person ID": MARY, "Support Group ID": SERVICE_DESK, "Functional Role": "Support Group Lead"},
        10104: {"Person ID": "PPL000000000099", "Support Group ID": SERVICE_DESK, "Functional Role": "X"},
        10108: {"Person ID": ALLEN, "Support Group ID": "SGP000000000099", "Functional Role": "X"},
        10109: {"Person ID": ALLEN, "Support Group ID": NETWORK, "Functional Role": "Support Group Lead"},
        382: {"Person ID": ALLEN, "Support Group ID": SERVICE_DESK, "Functional Role": "Incident Manager"},
        307: {"Person ID": ALLEN, "Support Group ID": SERVICE_DESK},
    }
    for number, values in refused.items():
        assert error_number(client.create(values, form=ROLES)) == number, number
    assert len(itsm.rows(ROLES)) == 1
    # leaving support staff removes associations and permission rows; functional roles are left to the client
    assert client.update(ALLEN, {"Support Staff": "No"}, form=PEOPLE).status_code == 204
    assert itsm.rows(ASSOCIATION) == [] and len(itsm.rows(ROLES)) == 1
    assert client.delete(ALLEN, form=PEOPLE).status_code == 204
    assert itsm.rows(ROLES) == []


# ------------------------------------------------------------------ creates, numbers, hosts
def test_a_create_on_a_no_location_form_answers_204(api, sim):
    sim.configure(no_location_forms=["User"])
    response = api.create(new_user("joiner"))
    assert response.status_code == 204 and "Location" not in response.headers and response.content == b""
    assert sim.user("joiner")["Full Name"] == "Joiner Tester"


def test_a_read_only_field_write_is_ar_330_with_the_field(api):
    error = api.create(new_user("x", **{"Create Date": 1})).json()[0]
    assert (error["messageNumber"], error["messageAppendedText"]) == (330, "Create Date (3)")


def test_the_one_ip_rule_at_login(api, sim):
    sim.configure(other_ip_logins=["jdoe"])
    response = api.login("jdoe", "whatever")
    assert response.status_code == 401 and error_number(response) == 9093
    assert "one IP address at a time" in response.json()[0]["messageText"]
    assert api.login().status_code == 200


@pytest.mark.parametrize("number", [92, 93, 94])
def test_timeout_after_commit_applies_the_write(api, sim, number):
    api.login()
    sim.configure(timeout_after_commit=1, timeout_after_commit_number=number)
    response = api.update("000000000000002", {"Department": "Ops"})
    assert response.status_code == 500 and error_number(response) == number
    assert sim.user("jdoe")["Department"] == "Ops"
    assert (sim.log[-1]["fault"], sim.log[-1]["committed_status"]) == ("timeout_after_commit", 204)
    assert api.update("000000000000002", {"Department": "Sales"}).status_code == 204


def test_conflict_on_update_is_309_after_another_write(api, sim):
    api.login()
    sim.configure(conflict_on_update=1, conflict_values={"Email Address": "other@example.com", "No Field": "x"})
    response = api.update("000000000000002", {"Department": "Ops"})
    assert response.status_code == 400 and error_number(response) == 309
    user = sim.user("jdoe")
    assert (user["Department"], user["Email Address"], user["Last Modified By"]) == (
        None, "other@example.com", "Someone Else")
    assert api.update("000000000000002", {"Department": "Ops"}).status_code == 204


@pytest.mark.parametrize("mode", ["redirect", "page"])
def test_the_sso_ui_host(api, sim, mode):
    sim.configure(sso_ui=mode)
    response = api.session.post(api.url("/api/jwt/login"), data={"username": "Demo", "password": "x"},
                                allow_redirects=False)
    if mode == "redirect":
        assert response.status_code == 302 and response.headers["Location"].startswith("https://sso.example.invalid/")
    else:
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
