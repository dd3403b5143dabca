"""Fixtures of the whole suite: the collection on sys.path, and a Helix simulator per test worker."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from support import ensure_collection_path  # noqa: E402  pylint: disable=wrong-import-position

ensure_collection_path()

from simulator import Simulator  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope='session')
def simulator_server():
    server = Simulator(port=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sim(simulator_server):
    """The worker's simulator, reset to its seeded state (3 users, the groups), log cleared, faults off."""
    simulator_server.reset()
    return simulator_server
