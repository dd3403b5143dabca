"""Throughput of the simulator with a single keep-alive client (not a pytest test).

Run from the repository root:
    make venv collection && PYTHONPATH=tests .venv/bin/python benchmarks/bench_simulator.py [--users 10000] [--requests 2000] [--in-process]

By default the simulator runs in its own process (as it does for Ansible runs), so
client and server do not share one interpreter lock.
"""

import argparse
import contextlib
import tempfile
import time

import requests

from simulator import Simulator
from simulator.process import SimulatorProcess


@contextlib.contextmanager
def simulator_url(in_process, users):
    if in_process:
        with Simulator(port=0) as sim:
            sim.seed_users(users)
            yield sim.url
        return
    with tempfile.TemporaryDirectory(prefix="helix-bench-sim-") as workdir:
        process = SimulatorProcess(workdir, "--seed-users", str(users))
        try:
            yield process.url
        finally:
            process.stop()


def rate(label, count, seconds, unit="requests"):
    print(f"{label:<48} {count:>6} {unit} in {seconds:6.2f} s = {count / seconds:8.0f} {unit}/s")


def run(url, requests_count):
    session = requests.Session()
    token = session.post(url + "/api/jwt/login", data={"username": "Demo", "password": "Demo-Passw0rd!"}).text
    session.headers["Authorization"] = "AR-JWT " + token
    users = url + "/api/arsys/v1/entry/User"

    for cap, limit in ((2000, 500), (500, 2000)):
        session.post(url + "/__sim/config", json={"server_cap": cap})
        started, pages, rows = time.perf_counter(), 0, 0
        next_url = f"{users}?limit={limit}&sort=Login Name.asc"
        while next_url:
            body = session.get(next_url).json()
            pages, rows = pages + 1, rows + len(body["entries"])
            next_url = body["_links"].get("next", [{}])[0].get("href")
        seconds = time.perf_counter() - started
        rate(f"list all (server_cap {cap}, limit {limit}): users", rows, seconds, "users")
        rate(f"list all (server_cap {cap}, limit {limit}): pages", pages, seconds, "pages")

    started = time.perf_counter()
    for number in range(requests_count):
        session.get(users, params={"q": f"'Login Name' = \"user{number % 10000 + 1:05d}\"", "limit": 10})
    rate("find one user by Login Name (q=, index)", requests_count, time.perf_counter() - started)

    started = time.perf_counter()
    for number in range(requests_count):
        response = session.post(users, json={"values": {"Login Name": f"bench{number:06d}", "Full Name": f"Bench {number}",
                                                        "License Type": "Fixed", "Group List": "Service Desk;1"}})
        assert response.status_code == 201, response.text
    rate("create user (POST)", requests_count, time.perf_counter() - started)

    started = time.perf_counter()
    for number in range(requests_count):
        response = session.put(f"{users}/{number % 10000 + 1:015d}", json={"values": {"Phone Number": f"+1 555 {number:04d}"}})
        assert response.status_code == 204, response.text
    rate("update user (PUT)", requests_count, time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--in-process", action="store_true")
    args = parser.parse_args()
    with simulator_url(args.in_process, args.users) as url:
        run(url, args.requests)


if __name__ == "__main__":
    main()
