"""The command line: start, serve, port file, flags, stop on SIGTERM/SIGINT."""

import os
import signal
import subprocess
import sys

import requests

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start(*flags):
    env = dict(os.environ, PYTHONPATH=TESTS_DIR)
    process = subprocess.Popen([sys.executable, "-m", "simulator", *flags], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    line = process.stdout.readline()
    assert line.startswith("Helix simulator listening on http://127.0.0.1:"), line + process.stderr.read()
    return process, line.rsplit(" ", 1)[1].strip()


def test_cli_serves_and_stops(tmp_path):
    port_file = tmp_path / "port"
    process, url = start("--port", "0", "--port-file", str(port_file), "--seed-users", "20", "--server-cap", "7",
                         "--guest-mode", "--no-delete", "--group-list-mode", "as-written", "--token-lifetime", "60")
    try:
        assert url == f"http://127.0.0.1:{port_file.read_text()}"
        config = requests.get(url + "/__sim/config", timeout=5).json()
        assert (config["server_cap"], config["guest_mode"], config["delete_allowed"]) == (7, True, False)
        assert (config["group_list_mode"], config["token_lifetime"]) == ("as-written", 60.0)
        assert len(requests.get(url + "/__sim/state", timeout=5).json()["users"]) == 23
        login = requests.post(url + "/api/jwt/login", data={"username": "who", "password": "x"}, timeout=5)
        assert login.status_code == 200 and "X-AR-Messages" in login.headers
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert out == "" and err == ""


def test_cli_sigint_and_bad_option():
    process, url = start("--port", "0", "--latency-ms", "1", "--admin-users", "ops:Secret-1")
    try:
        assert requests.post(url + "/api/jwt/login", data={"username": "ops", "password": "Secret-1"}, timeout=5).ok
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    assert process.returncode == 0
    env = dict(os.environ, PYTHONPATH=TESTS_DIR)
    bad = subprocess.run([sys.executable, "-m", "simulator", "--port", "0", "--rate-503", "5"], capture_output=True,
                         text=True, env=env, timeout=20, check=False)
    assert bad.returncode == 2 and "rate_503" in bad.stderr


def test_cli_tenant_switches():
    process, url = start("--port", "0", "--status-labels", "real", "--no-entry-links", "--omit-request-id",
                         "--login-name-ids", "--refuse-http", "--invalid-accounts", "jdoe,asmith",
                         "--forbidden-fields", "Group List")
    try:
        config = requests.get(url + "/__sim/config", timeout=5).json()
        assert (config["status_labels"], config["entry_links"], config["omit_request_id"]) == ("real", False, True)
        assert (config["login_name_ids"], config["refuse_http"]) == (True, True)
        assert (config["invalid_accounts"], config["forbidden_fields"]) == (["jdoe", "asmith"], ["Group List"])
        refused = requests.post(url + "/api/jwt/login", data={"username": "Demo", "password": "x"}, timeout=5)
        assert refused.status_code == 403 and refused.json()["message"] == "Access forbidden"
        assert requests.get(url + "/api/version", timeout=5).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=10)
    assert process.returncode == 0
    env = dict(os.environ, PYTHONPATH=TESTS_DIR)
    bad = subprocess.run([sys.executable, "-m", "simulator", "--port", "0", "--status-labels", "legacy"],
                         capture_output=True, text=True, env=env, timeout=20, check=False)
    assert bad.returncode == 2 and "status_labels" in bad.stderr
