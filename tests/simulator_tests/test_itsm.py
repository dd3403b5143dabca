"""The itsm switch: CTM:People and its foundation forms as AR forms, their refusals, and the People -> User workflow."""

import re
from urllib.parse import unquote

import pytest

from simulator.__main__ import build_parser
from simulator.itsm_forms import COMPANIES, ITSM_FORMS, ITSM_GROUPS

from sim_helpers import error_number

PEOPLE = "CTM:People"
SITE = "SIT:Site"
MAP = "LIC:SYS-License Permission Map"
PERMISSIONS = "CTM:People Permission Groups"
SUPPORT_GROUP = "CTM:Support Group"
ASSOCIATION = "CTM:Support Group Association"
ROLES = "CTM:SupportGroupFunctionalRole"
ALLEN, MARY, PAUL = "PPL000000000001", "PPL000000000002", "PPL000000000003"
SERVICE_DESK, NETWORK = "SGP000000000001", "SGP000000000002"
INCIDENT_USER, CALBRO_ACCESS, KNOWLEDGE_USER = 1000000008, 1000000101, 1000000005


def entries_path(form):
    return f"/api/arsys/v1/entry/{form}"


def listing(client, form, **params):
    response = client.request("GET", entries_path(form), params=params)
    assert response.status_code == 200, response.text
    return response.json()


def values_of(client, form, **params):
    return [entry["values"] for entry in listing(client, form, **params)["entries"]]


def created(response, form):
    """The new entry's id from a 201's Location (the form name URL-encoded in it)."""
    assert response.status_code == 201, response.text
    assert response.text == ""
    location = unquote(response.headers["Location"])
    match = re.fullmatch(rf"http://127\.0\.0\.1:\d+/api/arsys/v1/entry/{re.escape(form)}/(.+)", location)
    assert match, location
    return match.group(1)


def refused(response, number, status=400):
    assert response.status_code == status, response.text
    assert error_number(response) == number
    return response.json()[0]


def new_person(login="nina", **extra):
    values = {"Remedy Login ID": login, "First Name": "Nina", "Last Name": "North", "Company": "Petramco"}
    values.update(extra)
    return values


# ------------------------------------------------------------------ the switch


@pytest.mark.parametrize("form", [definition.name for definition in ITSM_FORMS])
def test_itsm_off_the_forms_do_not_exist(api, sim, form):
    assert sim.settings.itsm is False
    for response in (api.request("GET", entries_path(form)), api.get("PPL000000000001", form=form),
                     api.create({"Last Name": "X"}, form=form),
                     api.update("000000000000001", {"Status": 0}, form=form),
                     api.delete("000000000000001", form=form)):
        refused(response, 303, status=404)


def test_itsm_off_user_and_group_forms_as_before(sim):
    state = sim.state()
    assert "itsm" not in state
    assert [u["Login Name"] for u in state["users"]] == ["Demo", "jdoe", "asmith"]
    assert len(state["groups"]) == 13


def test_switching_itsm_at_run_time_reseeds(api, sim):
    sim.configure(itsm=True)
    assert [p["Remedy Login ID"] for p in sim.rows(PEOPLE)] == ["allen", "mary", None]
    assert sim.user("allen")["Group List"] == "1000000008;1000000101;"
    assert api.request("GET", entries_path(PEOPLE)).status_code == 200
    sim.configure(itsm=False)
    refused(api.request("GET", entries_path(PEOPLE)), 303, status=404)
    assert sim.user("allen") is None and len(sim.state()["groups"]) == 13
    sim.configure(itsm=True)
    sim.reset()                                    # back to the constructor's setting
    assert sim.settings.itsm is False and "itsm" not in sim.state()


def test_cli_flag():
    assert build_parser().parse_args(["--itsm"]).itsm is True
    assert build_parser().parse_args([]).itsm is None


def test_admin_config_and_state(api, sim):
    response = api.session.post(api.url("/__sim/config"), json={"itsm": True})
    assert response.status_code == 200 and response.json()["itsm"] is True
    state = api.session.get(api.url("/__sim/state")).json()
    assert sorted(state["itsm"]) == sorted(definition.name for definition in ITSM_FORMS)


# ------------------------------------------------------------------ seeded data


def test_seeded_tenant(itsm):
    state = itsm.state()
    people = {p["Person ID"]: p for p in state["itsm"][PEOPLE]}
    assert sorted(people) == [ALLEN, MARY, PAUL]
    allen, mary, paul = people[ALLEN], people[MARY], people[PAUL]
    assert (allen["Remedy Login ID"], allen["Full Name"], allen["Support Staff"], allen["License Type"]) == \
        ("allen", "Allen Allbrook", "Yes", "Fixed")
    assert allen["Site ID"] == "STE_00000000001" and allen["Site City"] == "Houston"
    assert (mary["Remedy Login ID"], mary["Support Staff"], mary["License Type"]) == ("mary", "No", "Read")
    assert paul["Remedy Login ID"] is None and paul["Client Type"] == "Customer"
    assert [s["Site ID"] for s in state["itsm"][SITE]] == ["STE_00000000001", "STE_00000000002", "STE_00000000003"]
    assert [g["Support Group ID"] for g in state["itsm"][SUPPORT_GROUP]] == \
        ["SGP000000000001", "SGP000000000002", "SGP000000000003"]
    groups = {g["Permission Group"]: g for g in state["itsm"][MAP]}
    assert groups["Incident Viewer"]["License Type"] == "None"
    assert groups["Incident User"]["License Type"] == "Fixed/Floating"
    assert groups["Calbro Services"]["Permission Group Type"] == "Company"
    assert {row["Permission Group"] for row in state["itsm"][PERMISSIONS]} == {"Incident User", "Calbro Services"}
    [association] = state["itsm"][ASSOCIATION]
    assert (association["Login ID"], association["Support Group ID"], association["Default"]) == \
        ("allen", SERVICE_DESK, "Yes")
    users = {u["Login Name"]: u for u in state["users"]}
    assert list(users) == ["Demo", "jdoe", "asmith", "allen", "mary"]
    assert users["allen"]["Group List"] == "1000000008;1000000101;"
    assert (users["allen"]["License Type"], users["allen"]["Status"], users["allen"]["Email Address"]) == \
        ("Fixed", "Current", "allen@calbro.example.com")
    assert users["mary"]["Group List"] is None and users["mary"]["License Type"] == "Read"
    assert users["mary"]["Default Notify Mechanism"] == "Email"
    group_ids = {g["Group ID"] for g in state["groups"]}
    assert len(state["groups"]) == 13 + len(ITSM_GROUPS)
    assert {g["Permission Group ID"] for g in state["itsm"][MAP]} <= group_ids
    assert set(COMPANIES) == {"Calbro Services", "Petramco", "Invention, Inc."}


# ------------------------------------------------------------------ CRUD of each form

CRUD = {
    PEOPLE: ({"Remedy Login ID": "nina", "First Name": "Nina", "Last Name": "North", "Company": "Petramco"},
             {"Department": "Legal"}, r"PPL\d{12}"),
    SITE: ({"Site": "Invention Lab", "Company": "Invention, Inc.", "City": "Boston"},
           {"Country": "United States"}, r"STE_\d{11}"),
    MAP: ({"Permission Group": "Problem Viewer", "Permission Group ID": 1000000006, "License Type": "None"},
          {"License Type": "Fixed/Floating"}, r"\d{15}"),
    PERMISSIONS: ({"Person ID": MARY, "Permission Group": "Knowledge User"}, {"Status": "Disabled"}, r"\d{15}"),
    SUPPORT_GROUP: ({"Company": "Petramco", "Support Organization": "Operations", "Support Group Name": "Security"},
                    {"Status": "Offline"}, r"SGP\d{12}"),
    ASSOCIATION: ({"Person ID": ALLEN, "Support Group ID": NETWORK, "Support Group Association Role": "Associate Member"},
                  {"Default": "Yes"}, r"\d{15}"),
    ROLES: ({"Person ID": ALLEN, "Support Group ID": SERVICE_DESK, "Functional Role": "Support Group Lead"},
            {"Default": "Yes"}, r"\d{15}"),
}


@pytest.mark.parametrize("form", list(CRUD))
def test_create_get_update_delete(client, form):
    values, change, id_pattern = CRUD[form]
    entry_id = created(client.create(values, form=form), form)
    assert re.fullmatch(id_pattern, entry_id) and len(entry_id) == 15
    body = client.get(entry_id, form=form).json()
    assert unquote(body["_links"]["self"][0]["href"]).endswith(f"/entry/{form}/{entry_id}")
    assert body["values"][ITSM_ID[form]] == entry_id
    for name, value in values.items():
        assert body["values"][name] == value
    assert body["values"]["Submitter"] == "Demo"
    assert client.update(entry_id, change, form=form).status_code == 204
    updated = client.get(entry_id, form=form).json()["values"]
    assert {name: updated[name] for name in change} == change
    assert all(updated[name] == value for name, value in values.items() if name not in change)   # partial update
    [changed_field] = change
    assert client.update(entry_id, {changed_field: ""}, form=form).status_code == 204      # "" clears
    assert client.get(entry_id, form=form).json()["values"][changed_field] is None
    assert client.delete(entry_id, form=form).status_code == 204
    refused(client.get(entry_id, form=form), 302, status=404)
    refused(client.update(entry_id, change, form=form), 302, status=404)
    refused(client.delete(entry_id, form=form), 302, status=404)


ITSM_ID = {PEOPLE: "Person ID", SITE: "Site ID", MAP: "Request ID", PERMISSIONS: "Request ID",
           SUPPORT_GROUP: "Support Group ID", ASSOCIATION: "Support Group Association ID",
           ROLES: "SupportGroupFunctionalRole ID"}


@pytest.mark.parametrize("form", list(CRUD))
def test_unknown_field_and_read_only_id(client, form):
    refused(client.create({**CRUD[form][0], "Shoe Size": 9}, form=form), 314)
    refused(client.create({**CRUD[form][0], ITSM_ID[form]: "X"}, form=form), 330)


def test_paging_with_links_and_server_cap(client, itsm):
    everything = values_of(client, MAP)
    assert len(everything) == 8
    page = listing(client, MAP, limit=3)
    assert len(page["entries"]) == 3 and "next" in page["_links"] and "prev" not in page["_links"]
    seen, url = [], client.url(entries_path(MAP)) + "?limit=3"
    while url:
        body = client.session.get(url, headers=client.headers()).json()
        seen += [entry["values"]["Permission Group"] for entry in body["entries"]]
        url = body["_links"].get("next", [{}])[0].get("href")
    assert seen == [row["Permission Group"] for row in everything]
    itsm.configure(server_cap=2)
    short = listing(client, MAP, limit=5)
    assert len(short["entries"]) == 2 and "next" in short["_links"]
    last = listing(client, MAP, offset=6, limit=5)
    assert len(last["entries"]) == 2 and "next" not in last["_links"] and "prev" in last["_links"]


def test_list_with_q_fields_and_sort(client):
    rows = values_of(client, PEOPLE, q="'Company' = \"Calbro Services\"", sort="Last Name.desc",
                     fields="values(Person ID,Last Name,Support Staff)")
    assert rows == [{"Person ID": MARY, "Last Name": "Mann", "Support Staff": "No"},
                    {"Person ID": ALLEN, "Last Name": "Allbrook", "Support Staff": "Yes"}]
    assert [r["Person ID"] for r in values_of(client, PEOPLE, q="'Remedy Login ID' = $NULL$")] == [PAUL]
    assert [r["Person ID"] for r in values_of(client, PEOPLE, q="'Support Staff' = \"Yes\"")] == [ALLEN]
    refused(client.request("GET", entries_path(PEOPLE), params={"q": "'Support Staff' = \"Maybe\""}), 306)
    companies = values_of(client, SITE, q="'Company' = \"Invention, Inc.\" OR 'City' LIKE \"Lon%\"")
    assert [row["Site"] for row in companies] == ["Calbro Europe"]
    licensed = values_of(client, MAP, q="'License Type' = \"Fixed/Floating\"", fields="values(Permission Group)")
    assert licensed == [{"Permission Group": "Incident User"}, {"Permission Group": "Incident Master"},
                        {"Permission Group": "Change User"}]


def test_person_id_is_field_1_and_request_id_is_no_field(client):
    refused(client.request("GET", entries_path(PEOPLE), params={"fields": "values(Request ID)"}), 314)
    refused(client.get(ALLEN, form=PEOPLE, fields="values(Request ID)"), 314)
    refused(client.request("GET", entries_path(PEOPLE), params={"q": "'Request ID' = \"PPL000000000001\""}), 314)
    refused(client.request("GET", entries_path(PEOPLE), params={"sort": "Request ID.asc"}), 314)
    assert client.get(ALLEN, form=PEOPLE, fields="values(1)").json()["values"] == {"Person ID": ALLEN}
    assert values_of(client, PEOPLE, q=f"'1' = \"{MARY}\"", fields="values(Person ID)") == [{"Person ID": MARY}]
    assert values_of(client, PEOPLE, q=f"'Person ID' = \"{PAUL}\"", fields="values(1,Last Name)") == \
        [{"Person ID": PAUL, "Last Name": "Pierce"}]
    # The other forms keep Request ID as field 1, except those with ids of their own.
    assert client.get(SERVICE_DESK, form=SUPPORT_GROUP, fields="values(1)").json()["values"] == \
        {"Support Group ID": SERVICE_DESK}
    refused(client.get(SERVICE_DESK, form=SUPPORT_GROUP, fields="values(Request ID)"), 314)
    assert values_of(client, PERMISSIONS, fields="values(Request ID)")[0] == {"Request ID": "000000000000001"}
    # field 1 of the association and functional-role rows has its own name: Request ID is no field there
    for form, name in ((ASSOCIATION, "Support Group Association ID"), (ROLES, "SupportGroupFunctionalRole ID")):
        refused(client.request("GET", entries_path(form), params={"fields": "values(Request ID)"}), 314)
        assert values_of(client, form, fields="values(1)") == [{name: "000000000000001"}]


def test_omit_request_id_omits_field_1_whatever_its_name(client, itsm):
    itsm.configure(omit_request_id=True)
    person = client.get(ALLEN, form=PEOPLE).json()
    assert "Person ID" not in person["values"] and person["_links"]["self"][0]["href"].endswith(ALLEN)
    assert "Request ID" not in values_of(client, MAP)[0]


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize("login", ["a&b", "who?", "System", "system"])
def test_login_id_refused(client, itsm, login):
    before = itsm.state()
    message = refused(client.create(new_person(login), form=PEOPLE), 10101)
    assert login in message["messageAppendedText"]
    refused(client.update(MARY, {"Remedy Login ID": login}, form=PEOPLE), 10101)
    assert itsm.state()["itsm"][PEOPLE] == before["itsm"][PEOPLE] and itsm.state()["users"] == before["users"]


def test_login_id_unique_when_set(client, itsm):
    refused(client.create(new_person("allen"), form=PEOPLE), 382)
    refused(client.update(MARY, {"Remedy Login ID": "allen"}, form=PEOPLE), 382)
    created(client.create(new_person(None), form=PEOPLE), PEOPLE)          # several people may have none
    itsm.configure(case_sensitive=False)
    refused(client.create(new_person("ALLEN"), form=PEOPLE), 382)


def test_required_company_and_selections(client):
    refused(client.create({"Remedy Login ID": "x1", "Company": "Petramco"}, form=PEOPLE), 307)
    refused(client.create({"Remedy Login ID": "x1", "Last Name": "X"}, form=PEOPLE), 307)
    refused(client.update(MARY, {"Last Name": None}, form=PEOPLE), 307)
    message = refused(client.create(new_person(Company="Acme"), form=PEOPLE), 10102)
    assert "Acme" in message["messageAppendedText"]
    refused(client.update(MARY, {"Company": "Acme"}, form=PEOPLE), 10102)
    for field, value in (("Profile Status", "Retired"), ("Client Type", "Robot"), ("Support Staff", "Maybe"),
                         ("License Type", "Gold"), ("Full Text License Type", "Read"),
                         ("Default Notify Mechanism", "Pager"), ("Assignment Availability", 7)):
        refused(client.create(new_person(**{field: value}), form=PEOPLE), 306)


def test_support_staff_needs_a_login_id(client, itsm):
    refused(client.create(new_person(None, **{"Support Staff": "Yes"}), form=PEOPLE), 10103)
    refused(client.update(ALLEN, {"Remedy Login ID": None}, form=PEOPLE), 10103)
    assert itsm.user("allen")["Status"] == "Current"
    refused(client.update(PAUL, {"Support Staff": "Yes"}, form=PEOPLE), 10103)


def test_permission_group_rows_refused(client, itsm):
    before = itsm.rows(PERMISSIONS)
    refused(client.create({"Person ID": "PPL000000000099", "Permission Group": "Knowledge User"}, form=PERMISSIONS),
            10104)
    refused(client.create({"Person ID": MARY, "Permission Group": "Astrology"}, form=PERMISSIONS), 10105)
    refused(client.create({"Person ID": MARY, "Permission Group ID": 42}, form=PERMISSIONS), 10105)
    refused(client.create({"Person ID": MARY, "Permission Group": "Knowledge User",
                           "Permission Group ID": INCIDENT_USER}, form=PERMISSIONS), 10105)
    refused(client.create({"Person ID": MARY, "Permission Group": "Knowledge User",
                           "Permission Group Type": "Company"}, form=PERMISSIONS), 10105)
    refused(client.create({"Person ID": MARY}, form=PERMISSIONS), 307)
    refused(client.create({"Permission Group": "Knowledge User"}, form=PERMISSIONS), 307)
    for license_type in (None, "None"):
        message = refused(client.create({"Person ID": MARY, "Permission Group": "Incident User",
                                         "License Type": license_type}, form=PERMISSIONS), 10106)
        assert "Incident User" in message["messageAppendedText"]
    refused(client.create({"Person ID": ALLEN, "Permission Group": "Incident User", "License Type": "Floating"},
                          form=PERMISSIONS), 382)
    allen_incident = before[0]["Request ID"]
    refused(client.update(allen_incident, {"License Type": "None"}, form=PERMISSIONS), 10106)
    assert itsm.rows(PERMISSIONS) == before and itsm.user("mary")["Group List"] is None


def test_license_needed_is_met_by_fixed_or_floating(client, itsm):
    for license_type, group in (("Floating", "Incident User"), ("Fixed", "Change User"), (None, "Incident Viewer")):
        created(client.create({"Person ID": MARY, "Permission Group": group, "License Type": license_type},
                              form=PERMISSIONS), PERMISSIONS)
    row = values_of(client, PERMISSIONS, q=f"'Person ID' = \"{MARY}\" AND 'Permission Group' = \"Change User\"")[0]
    expected = (1000000010, "Application", "mary")
    assert (row["Permission Group ID"], row["Permission Group Type"], row["Login ID"]) == expected


def test_permission_row_moved_to_another_group(client, itsm):
    row_id = created(client.create({"Person ID": MARY, "Permission Group": "Knowledge User"}, form=PERMISSIONS),
                     PERMISSIONS)
    assert client.update(row_id, {"Permission Group": "Incident Viewer"}, form=PERMISSIONS).status_code == 204
    row = client.get(row_id, form=PERMISSIONS).json()["values"]
    assert (row["Permission Group"], row["Permission Group ID"]) == ("Incident Viewer", 1000000009)
    assert client.update(row_id, {"Permission Group ID": CALBRO_ACCESS}, form=PERMISSIONS).status_code == 204
    row = client.get(row_id, form=PERMISSIONS).json()["values"]
    assert (row["Permission Group"], row["Permission Group Type"]) == ("Calbro Services", "Company")
    assert itsm.user("mary")["Group List"] == f"{CALBRO_ACCESS};"
    refused(client.update(row_id, {"Permission Group": "Incident Viewer", "Permission Group ID": KNOWLEDGE_USER},
                          form=PERMISSIONS), 10105)


def test_support_group_association_refused(client, itsm):
    refused(client.create({"Person ID": MARY, "Support Group ID": SERVICE_DESK}, form=ASSOCIATION), 10107)
    refused(client.create({"Person ID": "PPL000000000099", "Support Group ID": SERVICE_DESK}, form=ASSOCIATION), 10104)
    message = refused(client.create({"Person ID": ALLEN, "Support Group ID": "SGP000000000099"}, form=ASSOCIATION),
                      10108)
    assert "SGP000000000099" in message["messageAppendedText"]
    refused(client.create({"Person ID": ALLEN, "Support Group ID": SERVICE_DESK}, form=ASSOCIATION), 382)
    refused(client.create({"Person ID": ALLEN}, form=ASSOCIATION), 307)
    refused(client.create({"Person ID": ALLEN, "Support Group ID": NETWORK,
                           "Support Group Association Role": "Boss"}, form=ASSOCIATION), 306)
    assert len(itsm.rows(ASSOCIATION)) == 1


# ------------------------------------------------------------------ the People -> User workflow


def test_create_person_writes_user(client, itsm):
    person_id = created(client.create(new_person(**{"Full Name": "Ignored", "Internet E-mail": "nina@petramco.example.com",
                                                    "License Type": "Floating", "Default Notify Mechanism": "Alert",
                                                    "Full Text License Type": "Fixed"}), form=PEOPLE), PEOPLE)
    assert person_id == "PPL000000000004"
    person = client.get(person_id, form=PEOPLE).json()["values"]
    assert person["Full Name"] == "Nina North"
    assert (person["Profile Status"], person["Support Staff"], person["Client Type"]) == \
        ("Enabled", "No", "Office-Based Employee")
    user = itsm.user("nina")
    assert (user["Full Name"], user["Email Address"], user["License Type"], user["Full Text License Type"],
            user["Default Notify Mechanism"], user["Status"], user["Group List"]) == \
        ("Nina North", "nina@petramco.example.com", "Floating", "Fixed", "Alert", "Current", None)
    assert client.update(person_id, {"First Name": "Nine", "Internet E-mail": None}, form=PEOPLE).status_code == 204
    assert (itsm.user("nina")["Full Name"], itsm.user("nina")["Email Address"]) == ("Nine North", None)
    assert itsm.person("nina")["Full Name"] == "Nine North"


def test_person_without_login_has_no_user(client, itsm):
    users = len(itsm.state()["users"])
    created(client.create(new_person(None), form=PEOPLE), PEOPLE)
    assert len(itsm.state()["users"]) == users


def test_site_is_stored_as_given(client, itsm):
    person_id = created(client.create(new_person(Site="Calbro Europe"), form=PEOPLE), PEOPLE)
    person = itsm.person("nina")
    assert person["Person ID"] == person_id and person["Site"] == "Calbro Europe"
    assert person["Site ID"] is None and person["Site City"] is None and person["Site Country"] is None
    assert client.update(person_id, {"Site": "Nowhere", "Site ID": "STE_99999999999"}, form=PEOPLE).status_code == 204
    assert (itsm.person("nina")["Site"], itsm.person("nina")["Site ID"]) == ("Nowhere", "STE_99999999999")


def test_permission_rows_rebuild_group_list(client, itsm):
    row_id = created(client.create({"Person ID": MARY, "Permission Group": "Knowledge User"}, form=PERMISSIONS),
                     PERMISSIONS)
    assert itsm.user("mary")["Group List"] == f"{KNOWLEDGE_USER};"
    created(client.create({"Person ID": MARY, "Permission Group ID": CALBRO_ACCESS}, form=PERMISSIONS), PERMISSIONS)
    assert itsm.user("mary")["Group List"] == f"{KNOWLEDGE_USER};{CALBRO_ACCESS};"
    assert client.update(row_id, {"Status": "Disabled"}, form=PERMISSIONS).status_code == 204
    assert itsm.user("mary")["Group List"] == f"{CALBRO_ACCESS};"
    assert client.update(row_id, {"Status": "Enabled"}, form=PERMISSIONS).status_code == 204
    assert itsm.user("mary")["Group List"] == f"{KNOWLEDGE_USER};{CALBRO_ACCESS};"
    assert client.delete(row_id, form=PERMISSIONS).status_code == 204
    assert itsm.user("mary")["Group List"] == f"{CALBRO_ACCESS};"
    # The Group form knows every id the workflow writes: the User entry reads back as written.
    assert client.update(itsm.user("mary")["Request ID"], {"Full Name": "Mary M"}).status_code == 204


def test_change_to_non_support(client, itsm):
    assert client.update(ALLEN, {"Support Staff": "No", "License Type": "Fixed"}, form=PEOPLE).status_code == 204
    person = itsm.person("allen")
    assert (person["Support Staff"], person["License Type"]) == ("No", "Read")
    assert values_of(client, ASSOCIATION, q=f"'Person ID' = \"{ALLEN}\"") == []
    assert values_of(client, PERMISSIONS, q=f"'Person ID' = \"{ALLEN}\"") == []
    user = itsm.user("allen")
    assert (user["License Type"], user["Group List"], user["Status"]) == ("Read", None, "Current")
    refused(client.create({"Person ID": ALLEN, "Support Group ID": SERVICE_DESK}, form=ASSOCIATION), 10107)


def test_removing_the_login_id_disables_the_user(client, itsm):
    assert client.update(MARY, {"Remedy Login ID": None}, form=PEOPLE).status_code == 204
    assert itsm.person("mary") is None and itsm.rows(PEOPLE)[1]["Remedy Login ID"] is None
    user = itsm.user("mary")
    assert user["Status"] == "Disabled"
    assert [row["Status"] for row in values_of(client, "User", q="'Login Name' = \"mary\" AND 'Status' = 1")] == \
        ["Disabled"]


def test_profile_status_does_not_stop_a_login(client, itsm):
    for status in ("Obsolete", "Offline", "Delete"):
        assert client.update(MARY, {"Profile Status": status}, form=PEOPLE).status_code == 204
        assert itsm.user("mary")["Status"] == "Current"


def test_bmc_offboarding_sequence(client, itsm):
    refused(client.update(ALLEN, {"Remedy Login ID": None}, form=PEOPLE), 10103)        # still support staff
    assert client.update(ALLEN, {"Support Staff": "No"}, form=PEOPLE).status_code == 204
    assert client.update(ALLEN, {"Remedy Login ID": None}, form=PEOPLE).status_code == 204
    assert client.update(ALLEN, {"Profile Status": "Obsolete"}, form=PEOPLE).status_code == 204
    person = client.get(ALLEN, form=PEOPLE).json()["values"]
    assert (person["Remedy Login ID"], person["Profile Status"], person["License Type"]) == (None, "Obsolete", "Read")
    user = itsm.user("allen")
    assert (user["Status"], user["License Type"], user["Group List"]) == ("Disabled", "Read", None)
    login = client.session.post(client.url("/api/jwt/login"), data={"username": "allen", "password": ""})
    assert login.status_code == 401


def test_direct_user_write_leaves_people_alone(client, itsm):
    person = itsm.person("allen")
    user_id = itsm.user("allen")["Request ID"]
    assert client.update(user_id, {"Full Name": "Al", "Email Address": "al@x.example.com", "Status": 1,
                                   "Group List": "1;"}).status_code == 204
    assert itsm.person("allen") == person
    # ... and the next People save writes the User entry again.
    assert client.update(ALLEN, {"Department": "Network"}, form=PEOPLE).status_code == 204
    user = itsm.user("allen")
    assert (user["Full Name"], user["Email Address"], user["Status"], user["Group List"]) == \
        ("Allen Allbrook", "allen@calbro.example.com", "Current", "1000000008;1000000101;")


def test_changing_the_login_id_moves_the_user(client, itsm):
    assert client.update(MARY, {"Remedy Login ID": "mmann"}, form=PEOPLE).status_code == 204
    assert itsm.user("mary")["Status"] == "Disabled"
    assert (itsm.user("mmann")["Status"], itsm.user("mmann")["Full Name"]) == ("Current", "Mary Mann")


def test_deleting_a_person(client, itsm):
    assert client.delete(ALLEN, form=PEOPLE).status_code == 204
    assert values_of(client, PERMISSIONS) == [] and values_of(client, ASSOCIATION) == []
    assert itsm.user("allen")["Status"] == "Disabled"


def test_existing_user_taken_over_by_a_person(client, itsm):
    created(client.create(new_person("jdoe", **{"License Type": "Floating"}), form=PEOPLE), PEOPLE)
    user = itsm.user("jdoe")
    assert (user["Request ID"], user["Full Name"], user["License Type"], user["Group List"]) == \
        ("000000000000002", "Nina North", "Floating", None)
