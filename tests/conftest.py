"""Fixtures of the whole suite: the collection link (pytest.ini puts it on the path), and a Helix simulator per test worker."""

import pytest

from support import ensure_collection_path

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


# The label of a deactivated user (Status index 1): real User forms say Disabled, the API guide Obsolete.
DEACTIVATED_LABELS = {'real': 'Disabled', 'guide': 'Obsolete'}


@pytest.fixture(params=sorted(DEACTIVATED_LABELS))
def deactivated(sim, request):
    """Runs the test on both Status labellings of the User form; the label a deactivated user then has."""
    sim.configure(status_labels=request.param)
    return DEACTIVATED_LABELS[request.param]


@pytest.fixture(scope='session')
def tls_files(tmp_path_factory):
    """A CA made for the tests, and a certificate it signed for 127.0.0.1 (trustme)."""
    import trustme
    folder = tmp_path_factory.mktemp('tls')
    authority = trustme.CA()
    authority.cert_pem.write_to_path(str(folder / 'ca.pem'))
    authority.issue_cert('127.0.0.1', 'localhost').private_key_and_cert_chain_pem.write_to_path(str(folder / 'server.pem'))
    trustme.CA().cert_pem.write_to_path(str(folder / 'other-ca.pem'))
    return dict(ca=str(folder / 'ca.pem'), server=str(folder / 'server.pem'), other_ca=str(folder / 'other-ca.pem'))


@pytest.fixture(scope='session')
def tls_simulator_server(tls_files):
    server = Simulator(port=0, tls_cert=tls_files['server'])
    server.start()
    yield server
    server.stop()


@pytest.fixture
def tls_sim(tls_simulator_server):
    """A simulator serving HTTPS with a certificate of the tests' own CA (tls_files['ca'])."""
    tls_simulator_server.reset()
    return tls_simulator_server
