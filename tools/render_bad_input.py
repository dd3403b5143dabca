"""Write docs/bad-input.md: each bad-input case of tests/bad_input_cases.py with the message the module gives.

Runs every case against the bundled simulator. Usage: python tools/render_bad_input.py
"""

import os
import sys
import tempfile

import trustme

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from support import ensure_collection_path, run_module  # tests/ is on PYTHONPATH (the Makefile)

ensure_collection_path()

from bad_input_cases import CASES, docs_path, normalise, run_case  # noqa: E402  pylint: disable=wrong-import-position
from simulator import Simulator  # noqa: E402  pylint: disable=wrong-import-position

HEADER = '''# Bad input: what you see

Each row is a mistake a playbook can make, with the module it was made in and the message the task
fails with. None of them sends a write, prints a traceback or shows a secret: `tests/unit/test_bad_input.py`
runs every row against the bundled simulator and checks it, and this page is generated from those runs
(`python tools/render_bad_input.py`).

| mistake | module | what the task says |
|---|---|---|
'''


def main():
    rows = []
    with tempfile.TemporaryDirectory(prefix='helix-bad-input-') as folder:
        server_pem = os.path.join(folder, 'server.pem')
        trustme.CA().issue_cert('127.0.0.1').private_key_and_cert_chain_pem.write_to_path(server_pem)
        with Simulator(port=0) as sim, Simulator(port=0, tls_cert=server_pem) as tls_sim:
            for case in CASES:
                message = run_case(case, sim, run_module, tls_sim)['msg']
                rows.append('| %s | `%s` | %s |' % (case.title, case.module, normalise(message)))
    with open(docs_path(ROOT), 'w', encoding='utf-8') as handle:
        handle.write(HEADER + '\n'.join(rows) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
