"""After every integration test: no password, token or auth string in any Ansible output or the simulator's log."""

import pytest

import support


@pytest.fixture(autouse=True)
def no_secret_in_any_output(request):
    del support.OUTPUTS[:]
    sim = request.getfixturevalue('sim') if 'sim' in request.fixturenames else None
    yield
    secrets = set(support.SECRETS)
    if sim is not None:
        secrets.update(sim.issued_tokens())
    texts = list(support.OUTPUTS)
    if sim is not None:
        texts.append(repr(sim.log))
    found = support.leaked(texts, secrets)
    assert not found, 'secrets in an output or the simulator log: %s' % found
