"""Fixtures for the simulator's own tests: one server per session, reset before each test."""

import pytest

from simulator import Simulator
from sim_helpers import Api


@pytest.fixture(scope="session")
def server():
    sim = Simulator(port=0).start()
    yield sim
    sim.stop()


@pytest.fixture
def sim(server):
    server.reset()
    yield server
    server.reset()


@pytest.fixture
def api(sim):
    client = Api(sim.url)
    yield client
    client.session.close()
