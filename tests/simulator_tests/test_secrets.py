"""No password or token ever shows up in the log, the state, the stats, the config or stdout."""

import json
import os
import signal
import subprocess
import sys

import requests

from sim_helpers import ADMIN, new_user

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET = "Pl41n-T3xt-Secret!"


def exercise(api):
    token = api.login().text
    api.login("Demo", "Wrong-" + SECRET)
    response = api.create(new_user("secretive", Password=SECRET))
    entry_id = response.headers["Location"].rsplit("/", 1)[1]
    api.update(entry_id, {"Password": SECRET + "2", "Auth String": "CORP"})
    api.login("secretive", SECRET + "2")
    api.request("GET", "/api/arsys/v1/entry/User", params={"password": SECRET})
    api.session.post(api.url("/api/jwt/logout"), headers=api.headers())
    return token


def dumps(api):
    return {path: api.session.get(api.url(path)).text for path in ("/__sim/log", "/__sim/state", "/__sim/stats", "/__sim/config")}


def test_no_secret_anywhere(api, sim):
    token = exercise(api)
    everything = json.dumps([sim.log, sim.state(), sim.stats.snapshot(), sim.config(), dumps(api)])
    for secret in (SECRET, ADMIN[1], token, token.split(".")[2]):
        assert secret not in everything
    assert sim.user("secretive")["Password"] == "***"
    assert sim.password_matches("secretive", SECRET + "2")
    stored = sim.store.forms["User"].entries[sim.user("secretive")["Request ID"]]["Password"]
    assert SECRET not in stored
    assert "Authorization" not in everything


def test_no_secret_on_cli_output():
    env = dict(os.environ, PYTHONPATH=TESTS_DIR)
    with subprocess.Popen([sys.executable, "-m", "simulator", "--port", "0"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, env=env) as process:
        first = process.stdout.readline()
        url = first.rsplit(" ", 1)[1].strip()
        session = requests.Session()
        token = session.post(url + "/api/jwt/login", data={"username": ADMIN[0], "password": ADMIN[1]}, timeout=5).text
        session.post(url + "/api/arsys/v1/entry/User", json={"values": new_user("cli", Password=SECRET)},
                     headers={"Authorization": "AR-JWT " + token}, timeout=5)
        session.post(url + "/api/jwt/login", data={"username": "cli", "password": "bad-" + SECRET}, timeout=5)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    for secret in (SECRET, ADMIN[1], token):
        assert secret not in first + out + err
