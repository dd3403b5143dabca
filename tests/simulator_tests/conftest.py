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


@pytest.fixture(scope="session")
def itsm_server():
    """A simulator with the itsm switch on (its forms and seed data), one per session."""
    sim = Simulator(port=0, itsm=True).start()
    yield sim
    sim.stop()


@pytest.fixture
def itsm(itsm_server):
    itsm_server.reset()
    yield itsm_server
    itsm_server.reset()


@pytest.fixture
def client(itsm):
    """A logged-in-on-demand session against the itsm simulator."""
    api = Api(itsm.url)
    yield api
    api.session.close()
