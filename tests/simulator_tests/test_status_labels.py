"""status_labels: the User form's Status reads, writes and qualifications under "real" and "guide" labels."""

import pytest

from simulator import Simulator
from simulator.config import DEFAULTS

from sim_helpers import error_number, new_user

REAL = {0: "Current", 1: "Disabled"}
GUIDE = {0: "Current", 1: "Obsolete", 2: "Proposed", 3: "Deleted"}
LABELS = {"real": REAL, "guide": GUIDE}


@pytest.fixture(params=["real", "guide"])
def labels(request, sim):
    """Run the test under each label set; yields that set (index -> label)."""
    sim.configure(status_labels=request.param)
    return LABELS[request.param]


def other_labels(labels):
    """Labels of the other set that this one does not have (e.g. Obsolete on a real form)."""
    other = GUIDE if labels is REAL else REAL
    return [label for label in other.values() if label not in labels.values()]


def test_default_is_one_of_the_two_sets():
    assert DEFAULTS.status_labels in LABELS


def test_seeded_deactivated_user_reads_by_index(api, labels):
    asmith = api.find("'Login Name' = \"asmith\"")[0]
    assert asmith["Status"] == labels[1]
    assert list(asmith["Status History"]) == [labels[1]]
    assert api.find("'Login Name' = \"jdoe\"")[0]["Status"] == "Current"


def test_writes_accept_the_active_labels_in_any_case_and_the_index(api, labels):
    entry_id = api.create(new_user("lab")).headers["Location"].rsplit("/", 1)[1]
    for index, label in labels.items():
        for written in (label, label.upper(), label.lower(), index, str(index)):
            assert api.update(entry_id, {"Status": written}).status_code == 204, written
            assert api.get(entry_id).json()["values"]["Status"] == label
    assert set(api.get(entry_id).json()["values"]["Status History"]) == set(labels.values())


def test_labels_of_the_other_set_are_refused_with_306(api, labels):
    entry_id = api.create(new_user("strict")).headers["Location"].rsplit("/", 1)[1]
    bad_index = max(labels) + 1
    for written in other_labels(labels) + [bad_index, "Retired"]:
        response = api.update(entry_id, {"Status": written})
        assert response.status_code == 400 and error_number(response) == 306, written
        assert "Status" in response.json()[0]["messageAppendedText"]
    response = api.create(new_user("strict2", Status=other_labels(labels)[0]))
    assert response.status_code == 400 and error_number(response) == 306
    assert api.get(entry_id).json()["values"]["Status"] == "Current"


def test_qualifications_follow_the_active_labels(api, labels):
    assert [u["Login Name"] for u in api.find(f"'Status' = \"{labels[1]}\"")] == ["asmith"]
    assert [u["Login Name"] for u in api.find("'Status' = 1")] == ["asmith"]
    assert [u["Login Name"] for u in api.find("'Status' != \"Current\"")] == ["asmith"]
    assert [u["Login Name"] for u in api.find(f"'Status' LIKE \"{labels[1][:3]}%\"")] == ["asmith"]
    for label in other_labels(labels):
        response = api.users(q=f"'Status' = \"{label}\"")
        assert response.status_code == 400 and error_number(response) == 306, label


def test_switching_at_run_time_relabels_stored_entries(api, sim):
    sim.configure(status_labels="guide")
    assert api.find("'Login Name' = \"asmith\"")[0]["Status"] == "Obsolete"
    sim.configure(status_labels="real")
    assert api.find("'Login Name' = \"asmith\"")[0]["Status"] == "Disabled"
    assert sim.user("asmith")["Status"] == "Disabled"
    config = api.session.post(api.url("/__sim/config"), json={"status_labels": "guide"})
    assert config.status_code == 200 and config.json()["status_labels"] == "guide"
    assert api.get(sim.user("asmith")["Request ID"]).json()["values"]["Status"] == "Obsolete"
    bad = api.session.post(api.url("/__sim/config"), json={"status_labels": "legacy"})
    assert bad.status_code == 400 and "status_labels" in bad.json()["error"]


def test_a_guide_only_status_reads_as_its_index_on_a_real_form(api, sim):
    sim.configure(status_labels="guide")
    entry_id = api.create(new_user("proposed", Status="Proposed")).headers["Location"].rsplit("/", 1)[1]
    sim.configure(status_labels="real")
    assert api.get(entry_id).json()["values"]["Status"] == 2


def test_deactivated_user_cannot_log_in_under_either_set(api, labels):
    entry_id = api.create(new_user("leaver", Password="Leaver-Pw1")).headers["Location"].rsplit("/", 1)[1]
    assert api.login("leaver", "Leaver-Pw1").status_code == 200
    api.login()
    assert api.update(entry_id, {"Status": labels[1]}).status_code == 204
    assert api.login("leaver", "Leaver-Pw1").status_code == 401


@pytest.mark.parametrize("choice", ["real", "guide"])
def test_reset_returns_to_the_constructor_labels(choice):
    other = "guide" if choice == "real" else "real"
    with Simulator(port=0, status_labels=choice) as sim:
        assert sim.user("asmith")["Status"] == LABELS[choice][1]
        sim.configure(status_labels=other)
        assert sim.user("asmith")["Status"] == LABELS[other][1]
        sim.reset()
        assert sim.settings.status_labels == choice
        assert sim.user("asmith")["Status"] == LABELS[choice][1]
