"""refuse_http: a tenant that answers plain HTTP with 403 "Access forbidden" except /api/about and /api/version."""

import pytest
import requests
import trustme

from simulator import Simulator

from sim_helpers import ADMIN, Api

REFUSAL = '{"message":"Access forbidden","code":403,"transient":false}'
USERS = "/api/arsys/v1/entry/User"


def assert_refused(response):
    assert response.status_code == 403
    assert response.headers["Content-Type"] == "application/json"
    assert response.text == REFUSAL          # exactly this body: not an AR error array


def test_about_and_version_answer_without_a_token(api):
    about = api.session.get(api.url("/api/about"))
    assert about.status_code == 200 and about.json()["version"]
    version = api.session.get(api.url("/api/version"))
    assert version.status_code == 200 and version.json() == {"version": about.json()["version"]}


def test_plain_http_is_served_by_default(api):
    assert api.login().status_code == 200
    assert api.users().status_code == 200


def test_refused_over_plain_http(api, sim):
    token = api.login().text
    sim.configure(refuse_http=True)
    sim.clear_log()
    session = api.session
    assert_refused(session.post(api.url("/api/jwt/login"), data={"username": ADMIN[0], "password": ADMIN[1]}))
    assert_refused(session.post(api.url("/api/jwt/login"), data={"username": ADMIN[0], "password": "wrong"}))
    assert_refused(api.users())
    assert_refused(api.request("GET", USERS + "/000000000000002"))
    assert_refused(api.request("PUT", USERS + "/000000000000002", json={"values": {"Phone Number": "1"}}))
    assert_refused(api.request("DELETE", USERS + "/000000000000002"))
    assert_refused(api.create({"Login Name": "x", "Full Name": "X", "License Type": "Read"}))
    assert_refused(session.post(api.url("/api/jwt/logout"), headers={"Authorization": "AR-JWT " + token}))
    assert_refused(session.get(api.url("/api/nothing")))
    assert_refused(session.post(api.url("/api/about")))          # only GET escapes
    assert session.get(api.url("/api/about")).status_code == 200
    assert session.get(api.url("/api/version")).status_code == 200
    assert sim.user("jdoe")["Phone Number"] is None and sim.user("x") is None   # nothing was done
    log = sim.log
    assert [r["status"] for r in log].count(403) == len(log) - 2
    assert sim.stats.snapshot()["http_refusals"] == len(log) - 2


def test_admin_endpoints_are_never_refused(api, sim):
    sim.configure(refuse_http=True)
    for path in ("/__sim/state", "/__sim/log", "/__sim/config", "/__sim/stats"):
        assert api.session.get(api.url(path)).status_code == 200, path
    assert api.session.post(api.url("/__sim/seed"), json={"count": 1}).json() == {"created": 1}
    off = api.session.post(api.url("/__sim/config"), json={"refuse_http": False})
    assert off.status_code == 200 and off.json()["refuse_http"] is False
    assert api.login().status_code == 200


def test_reset_restores_the_constructor_value():
    with Simulator(port=0, refuse_http=True) as sim:
        client = Api(sim.url)
        assert_refused(client.login())
        sim.configure(refuse_http=False)
        assert client.login().status_code == 200
        sim.reset()
        assert_refused(client.login())
        client.session.close()
    with Simulator(port=0) as sim:
        sim.configure(refuse_http=True)
        sim.reset()
        assert sim.settings.refuse_http is False


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    directory = tmp_path_factory.mktemp("pki-refuse")
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(directory / "ca.pem"))
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(str(directory / "server.pem"))
    return str(directory / "ca.pem"), str(directory / "server.pem")


def test_https_is_never_refused(tls_files):
    ca_file, server_pem = tls_files
    with Simulator(port=0, tls_cert=server_pem, refuse_http=True) as sim:
        session = requests.Session()
        session.trust_env, session.verify = False, ca_file
        login = session.post(sim.url + "/api/jwt/login", data={"username": ADMIN[0], "password": ADMIN[1]}, timeout=5)
        assert login.status_code == 200
        listing = session.get(sim.url + USERS, headers={"Authorization": "AR-JWT " + login.text}, timeout=5)
        assert listing.status_code == 200 and len(listing.json()["entries"]) == 3
        assert sim.stats.snapshot()["http_refusals"] == 0
        session.close()
