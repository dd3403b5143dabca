"""ansible-test sanity on every ansible-core this Python runs (2.17, 2.18, 2.19), each in .venv-core-X.Y.

Usage: python tools/sanity_matrix.py [2.17 2.18 2.19]
"""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VERSIONS = {'2.17': 'ansible-core>=2.17,<2.18', '2.18': 'ansible-core>=2.18,<2.19', '2.19': 'ansible-core>=2.19,<2.20'}


def main():
    results = {}
    for version in sys.argv[1:] or sorted(VERSIONS):
        venv = os.path.join(ROOT, '.venv-core-' + version)
        python = os.path.join(venv, 'bin', 'python')
        if not os.path.exists(python):
            subprocess.check_call([sys.executable, '-m', 'venv', venv])
            subprocess.check_call([python, '-m', 'pip', 'install', '-q', '--disable-pip-version-check',
                                   VERSIONS[version]])
        print('=== ansible-core %s ===' % version, flush=True)
        results[version] = subprocess.call([python, os.path.join(ROOT, 'tools', 'run_ansible_test.py'),
                                            'sanity', '--python', '3.11'])
    print('\n'.join('ansible-core %s: %s' % (v, 'passed' if rc == 0 else 'FAILED') for v, rc in results.items()))
    return 1 if any(results.values()) else 0


if __name__ == '__main__':
    sys.exit(main())
