"""Every row of the bad-input table fails clearly: the expected message, no traceback, no write, no secret."""

import pytest

from bad_input_cases import CASES, MODULES, core_wording, docs_path, normalise, run_case
from support import ADMIN_PASSWORD, ROOT, run_module, writes


@pytest.mark.parametrize('case', CASES, ids=[case.title for case in CASES])
def test_bad_input_fails_clearly_without_writing(request, sim, case):
    if case.tls:
        sim = request.getfixturevalue('tls_sim')
    if case.setup:
        case.setup(sim)
    result = run_module(MODULES[case.module], case.arguments(sim))
    assert result.get('failed') is True, result
    assert case.expect in core_wording(result['msg']), result['msg']
    assert 'Traceback' not in repr(result) and 'exception' not in result
    assert [w for w in writes(sim) if w['status'] < 400] == []
    if not case.server_validates:
        assert writes(sim) == []
    assert ADMIN_PASSWORD not in repr(result)
    if case.secret:
        assert case.secret not in repr(result)


def test_the_documented_table_is_what_the_modules_say(sim, tls_sim):
    with open(docs_path(ROOT), encoding='utf-8') as handle:
        text = handle.read()
    for case in CASES:
        row = [line for line in text.splitlines() if line.startswith('| %s |' % case.title)]
        assert row, 'docs/bad-input.md lacks %r: run python tools/render_bad_input.py' % case.title
        message = run_case(case, sim, run_module, tls_sim)['msg']
        assert normalise(message) in row[0], 'docs/bad-input.md is out of date for %r' % case.title
