"""Fixtures for the simulator's own tests: one server per session, reset before each test."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from simulator import Simulator  # noqa: E402  pylint: disable=wrong-import-position
from sim_helpers import Api  # noqa: E402  pylint: disable=wrong-import-position


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
