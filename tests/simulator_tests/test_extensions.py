"""HTTPS (tls_cert/tls_key), the rate_invalid_json fault and Simulator.issued_tokens()."""

import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time

import pytest
import requests
import trustme

from simulator import Simulator

from sim_helpers import ADMIN, Api, new_user

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOGIN_BODY = "username=Demo&password=Demo-Passw0rd%21"
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


# ------------------------------------------------------------------ HTTPS


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A throw-away CA and a 127.0.0.1/localhost server certificate, as PEM files."""
    directory = tmp_path_factory.mktemp("pki")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    files = {name: str(directory / f"{name}.pem") for name in ("ca", "cert", "key", "combined")}
    ca.cert_pem.write_to_path(files["ca"])
    cert.private_key_pem.write_to_path(files["key"])
    for pem in cert.cert_chain_pems:
        pem.write_to_path(files["cert"], append=True)
    cert.private_key_and_cert_chain_pem.write_to_path(files["combined"])
    return files


@pytest.fixture(scope="module")
def tls_server(pki):
    sim = Simulator(port=0, tls_cert=pki["cert"], tls_key=pki["key"]).start()
    yield sim
    sim.stop()


@pytest.fixture
def tls_sim(tls_server):
    tls_server.reset()
    yield tls_server
    tls_server.reset()


def trusting(session, pki):
    """The session verifies the server with the test CA (trust_env off: REQUESTS_CA_BUNDLE would win over session.verify)."""
    session.trust_env = False
    session.verify = pki["ca"]
    return session


@pytest.fixture
def tls_api(tls_sim, pki):
    client = Api(tls_sim.url)
    trusting(client.session, pki)
    yield client
    client.session.close()


def https_connection(sim, pki):
    return http.client.HTTPSConnection("127.0.0.1", sim.port, timeout=5, context=ssl.create_default_context(cafile=pki["ca"]))


def test_https_with_the_ca_file(tls_api, tls_sim):
    assert tls_sim.url == f"https://127.0.0.1:{tls_sim.port}"
    assert tls_api.login().status_code == 200
    listing = tls_api.users(limit=1)
    assert listing.status_code == 200
    body = listing.json()
    assert body["_links"]["next"][0]["href"].startswith(tls_sim.url + "/api/arsys/v1/entry/User?")
    assert body["entries"][0]["_links"]["self"][0]["href"].startswith("https://")
    created = tls_api.create(new_user("tlsuser"))
    assert created.status_code == 201 and created.headers["Location"].startswith(tls_sim.url)
    assert tls_api.session.get(tls_api.url("/__sim/stats")).json()["creates"] == 1


def test_https_rejected_certificate_then_served(tls_api, tls_sim, pki):
    for unused in range(5):
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(tls_sim.url + "/__sim/config", timeout=5)          # default CA bundle: unknown issuer
        with pytest.raises(requests.exceptions.SSLError):
            requests.post(tls_sim.url + "/api/jwt/login", data={"username": ADMIN[0], "password": ADMIN[1]}, timeout=5)
    assert requests.get(tls_sim.url + "/__sim/config", timeout=5, verify=pki["ca"]).status_code == 200
    assert tls_api.login().status_code == 200
    assert tls_api.users(limit=1).status_code == 200
    assert [record["path"] for record in tls_sim.log] == ["/api/jwt/login", "/api/arsys/v1/entry/User"]


def test_https_plain_http_and_garbage_clients(tls_api, tls_sim):
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(tls_sim.url.replace("https://", "http://") + "/__sim/config", timeout=5)
    with socket.create_connection(("127.0.0.1", tls_sim.port), timeout=5) as raw:
        raw.sendall(b"\x16\x03\x01\x00\x05garbage-that-is-no-client-hello\r\n\r\n")
        assert read_until_closed(raw) in (b"", b"\x15")      # nothing or a TLS alert, then the server closes
    assert tls_api.login().status_code == 200


def read_until_closed(raw):
    """First byte the server sent before closing (b"" for none); socket.timeout if it never closes."""
    received = b""
    try:
        while True:
            chunk = raw.recv(4096)
            if not chunk:
                break
            received += chunk
    except ConnectionResetError:
        pass
    return received[:1]


def test_https_stalled_handshake_does_not_wedge(tls_api, tls_sim, pki):
    stalled = [socket.create_connection(("127.0.0.1", tls_sim.port), timeout=5) for unused in range(3)]
    try:
        started = time.perf_counter()
        assert tls_api.login().status_code == 200        # handshakes run per connection, not in accept()
        assert tls_api.users(limit=1).status_code == 200
        assert time.perf_counter() - started < 3
        half = ssl.create_default_context(cafile=pki["ca"]).wrap_socket(
            socket.create_connection(("127.0.0.1", tls_sim.port), timeout=5), server_hostname="127.0.0.1")
        half.close()                                     # handshake done, no request: just closes
        assert tls_api.users(limit=1).status_code == 200
    finally:
        for raw in stalled:
            raw.close()


def test_https_keep_alive_and_nodelay(tls_sim, pki):
    connection = https_connection(tls_sim, pki)
    connection.request("POST", "/api/jwt/login", body=LOGIN_BODY, headers=FORM_HEADERS)
    login = connection.getresponse()
    token = login.read().decode()
    assert login.status == 200 and login.version == 11
    first_socket = connection.sock
    assert isinstance(first_socket, ssl.SSLSocket)
    server = tls_sim._server.server  # pylint: disable=protected-access
    mine = [sock for sock in server.open_connections() if peer(sock) == first_socket.getsockname()]
    assert len(mine) == 1 and isinstance(mine[0], ssl.SSLSocket)
    assert mine[0].getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    started = time.perf_counter()
    for unused in range(20):
        connection.request("GET", "/api/arsys/v1/entry/User?limit=1", headers={"Authorization": "AR-JWT " + token})
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200 and response.getheader("Connection") != "close"
        assert json.loads(body)["entries"]
        assert connection.sock is first_socket      # the same TLS connection every time
    # Headers and body go out in two TLS records: without TCP_NODELAY each request stalls ~40 ms.
    assert time.perf_counter() - started < 0.6
    connection.close()


def peer(sock):
    try:
        return sock.getpeername()
    except OSError:
        return None


def test_https_drop_fault_and_server_survives(tls_api, tls_sim):
    tls_api.login()
    tls_sim.configure(drop_rate=1.0)
    with pytest.raises(requests.exceptions.ConnectionError):
        tls_api.create(new_user("droppedtls"))
    tls_sim.configure(drop_rate=0.0)
    assert tls_sim.user("droppedtls") is None
    assert tls_api.users(limit=1).status_code == 200


def test_https_combined_pem_and_stop(pki):
    stalled = None
    with Simulator(port=0, tls_cert=pki["combined"]) as sim:     # key and chain in one file
        client = Api(sim.url)
        trusting(client.session, pki)
        assert client.login().status_code == 200
        stalled = socket.create_connection(("127.0.0.1", sim.port), timeout=5)
        url = sim.url
        started = time.perf_counter()
    assert time.perf_counter() - started < 3          # open keep-alive and stalled connections do not hold stop()
    stalled.close()
    client.session.close()
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(url + "/__sim/state", timeout=1, verify=pki["ca"])


def test_tls_option_errors(pki, tmp_path):
    with pytest.raises(ValueError):
        Simulator(port=0, tls_key=pki["key"])
    with pytest.raises(OSError):
        Simulator(port=0, tls_cert=str(tmp_path / "missing.pem"))
    with pytest.raises(ssl.SSLError):
        Simulator(port=0, tls_cert=pki["ca"])               # a certificate without its key
    assert Simulator(port=0).ssl_context is None


def start_cli(*flags):
    env = dict(os.environ, PYTHONPATH=TESTS_DIR)
    process = subprocess.Popen([sys.executable, "-m", "simulator", *flags], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    return process, process.stdout.readline()


def test_cli_tls_and_rate_invalid_json(pki):
    process, line = start_cli("--port", "0", "--tls-cert", pki["cert"], "--tls-key", pki["key"], "--rate-invalid-json", "1")
    try:
        assert line.startswith("Helix simulator listening on https://127.0.0.1:"), line + process.stderr.read()
        url = line.rsplit(" ", 1)[1].strip()
        session = trusting(requests.Session(), pki)
        assert session.get(url + "/__sim/config", timeout=5).json()["rate_invalid_json"] == 1.0
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(url + "/__sim/config", timeout=5)
        token = session.post(url + "/api/jwt/login", data={"username": ADMIN[0], "password": ADMIN[1]}, timeout=5).text
        listing = session.get(url + "/api/arsys/v1/entry/User", headers={"Authorization": "AR-JWT " + token}, timeout=5)
        assert listing.status_code == 200 and listing.headers["Content-Type"] == "application/json"
        with pytest.raises(ValueError):
            json.loads(listing.text)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0 and out == "" and err == ""


def test_cli_bad_tls_files(tmp_path, pki):
    env = dict(os.environ, PYTHONPATH=TESTS_DIR)
    for flags in (["--tls-cert", str(tmp_path / "missing.pem")], ["--tls-key", pki["key"]]):
        bad = subprocess.run([sys.executable, "-m", "simulator", "--port", "0", *flags], capture_output=True,
                             text=True, env=env, timeout=20, check=False)
        assert bad.returncode == 2 and bad.stderr.startswith("error: ") and bad.stdout == ""


# ------------------------------------------------------------------ rate_invalid_json


def test_rate_invalid_json_breaks_successful_gets(api, sim):
    api.login()
    valid = api.users(limit=2)
    record_before = len(sim.log)
    sim.configure(rate_invalid_json=1.0)
    listing = api.users(limit=2)
    assert listing.status_code == 200 and listing.headers["Content-Type"] == "application/json"
    assert int(listing.headers["Content-Length"]) == len(listing.content) < len(valid.content)
    assert valid.text.startswith(listing.text)           # a truncated copy of the real reply
    with pytest.raises(ValueError):
        json.loads(listing.text)
    with pytest.raises(requests.exceptions.JSONDecodeError):
        listing.json()
    single = api.get("000000000000002")
    assert single.status_code == 200 and single.text.startswith('{"values":{')
    with pytest.raises(ValueError):
        json.loads(single.text)
    records = sim.log[record_before:]
    assert [(r["fault"], r["status"]) for r in records] == [("rate_invalid_json", 200)] * 2
    stats = sim.stats.snapshot()
    assert stats["faults"] == {"rate_invalid_json": 2} and stats["faults_total"] == 2
    assert stats["lists"] == 2 and stats["reads"] == 1


def test_rate_invalid_json_leaves_everything_else_alone(api, sim):
    sim.configure(rate_invalid_json=1.0)
    login = api.login()
    assert login.status_code == 200 and login.text.count(".") == 2       # the login reply is not JSON anyway
    created = api.create(new_user("validjson"))
    assert created.status_code == 201
    assert api.update("000000000000002", {"Full Name": "Still Json"}).status_code == 204
    missing = api.get("000000000000999")
    assert missing.status_code == 404 and isinstance(missing.json(), list)  # failed GETs answer as usual
    bad_query = api.users(q="'Login Name' = ")
    assert bad_query.status_code == 400 and isinstance(bad_query.json(), list)
    assert api.request("GET", "/api/nothing").json()                    # not under /api/arsys/
    for path in ("/__sim/config", "/__sim/stats", "/__sim/log", "/__sim/state"):
        assert api.session.get(api.url(path)).json() is not None            # admin endpoints never faulted
    assert sim.user("jdoe")["Full Name"] == "Still Json" and sim.user("validjson") is not None
    assert sim.stats.snapshot()["faults"] == {}
    sim.configure(fault_paths=["/api/jwt/"])
    assert api.users(limit=1).json()["entries"]                         # outside fault_paths: untouched


def test_rate_invalid_json_fraction_repeats_with_seed(api, sim):
    api.login()

    def outcomes():
        results = []
        for unused in range(40):
            try:
                api.users(limit=1).json()
                results.append("ok")
            except ValueError:
                results.append("broken")
        return results

    sim.configure(rate_invalid_json=0.4, fault_seed=5)
    first = outcomes()
    assert 5 <= first.count("broken") <= 30
    sim.configure(fault_seed=5)
    assert outcomes() == first
    assert sim.stats.snapshot()["faults"] == {"rate_invalid_json": 2 * first.count("broken")}


def test_rate_invalid_json_settings(api, sim):
    assert sim.config()["rate_invalid_json"] == 0.0
    response = api.session.post(api.url("/__sim/config"), json={"rate_invalid_json": 0.25})
    assert response.status_code == 200 and response.json()["rate_invalid_json"] == 0.25
    assert api.session.post(api.url("/__sim/config"), json={"rate_invalid_json": 1.5}).status_code == 400
    assert api.session.post(api.url("/__sim/config"), json={"rate_invalid_json": "x"}).status_code == 400
    sim.reset()
    assert sim.config()["rate_invalid_json"] == 0.0
    with pytest.raises(ValueError):
        Simulator(port=0, rate_invalid_json=-0.1)
    constructed = Simulator(port=0, rate_invalid_json=0.5)
    assert constructed.config()["rate_invalid_json"] == 0.5
    constructed.reset()                                   # a fault switch: reset() turns it off
    assert constructed.config()["rate_invalid_json"] == 0.0


# ------------------------------------------------------------------ issued_tokens


def test_issued_tokens(api, sim):
    before = sim.issued_tokens()
    first = api.login().text
    second = api.login().text
    assert api.login("Demo", "wrong").status_code == 401                  # no token, nothing recorded
    sim.configure(guest_mode=True)
    guest = api.login("nobody", "whatever").text
    assert sim.issued_tokens() == before + [first, second, guest]
    sim.issued_tokens().clear()                                           # a copy
    sim.reset()
    assert sim.issued_tokens()[-3:] == [first, second, guest]             # reset() keeps them
    assert Simulator(port=0).issued_tokens() == []


def test_issued_tokens_never_exposed(api, sim):
    api.login()
    api.create(new_user("tokenleak"))
    api.users(limit=1)
    api.session.post(api.url("/api/jwt/logout"), headers=api.headers())
    dumps = [api.session.get(api.url(path)).text for path in ("/__sim/log", "/__sim/state", "/__sim/stats", "/__sim/config")]
    everything = json.dumps([sim.log, sim.state(), sim.stats.snapshot(), sim.config(), dumps])
    tokens = sim.issued_tokens()
    assert tokens
    for token in tokens:
        assert token not in everything and token.split(".")[2] not in everything
