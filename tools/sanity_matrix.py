"""ansible-test sanity on every supported ansible-core, each in .venv-core-X.Y made with a Python it runs on:
2.17, 2.18 and 2.19 on 3.11; 2.20 on 3.12; 2.21 on 3.13 (tools/find_python.py finds them).

Usage: python tools/sanity_matrix.py [2.17 2.18 2.19 2.20 2.21]
"""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIND_PYTHON = os.path.join(ROOT, 'tools', 'find_python.py')

# core version: (pip requirement, Python versions to try, first found wins)
VERSIONS = {
    '2.17': ('ansible-core>=2.17,<2.18', ['3.11', '3.12']),
    '2.18': ('ansible-core>=2.18,<2.19', ['3.11', '3.12', '3.13']),
    '2.19': ('ansible-core>=2.19,<2.20', ['3.11', '3.12', '3.13']),
    '2.20': ('ansible-core>=2.20,<2.21', ['3.12', '3.13']),
    '2.21': ('ansible-core>=2.21,<2.22', ['3.13', '3.12']),
}


def python_version(python):
    return subprocess.run([python, '-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], capture_output=True,
                          text=True, check=True).stdout.strip()


def ensure_venv(version):
    """.venv-core-VERSION with that ansible-core, made anew when missing or made with another Python."""
    requirement, pythons = VERSIONS[version]
    found = subprocess.run([sys.executable, FIND_PYTHON] + pythons, capture_output=True, text=True, check=False)
    if found.returncode:
        raise SystemExit('ansible-core %s: %s' % (version, found.stderr.strip()))
    interpreter = found.stdout.strip()
    wanted = python_version(interpreter)
    venv = os.path.join(ROOT, '.venv-core-' + version)
    python = os.path.join(venv, 'bin', 'python')
    stamp = os.path.join(venv, '.installed-' + requirement)
    if os.path.exists(python) and python_version(python) != wanted:
        subprocess.check_call(['rm', '-rf', venv])
    if not os.path.exists(stamp):
        subprocess.check_call([interpreter, '-m', 'venv', venv])
        subprocess.check_call([python, '-m', 'pip', 'install', '-q', '--disable-pip-version-check', requirement])
        open(stamp, 'w', encoding='utf-8').close()
    return python, wanted


def main():
    results = {}
    for version in sys.argv[1:] or sorted(VERSIONS, key=lambda v: tuple(int(n) for n in v.split('.'))):
        python, pyver = ensure_venv(version)
        core = subprocess.run([python, '-c', 'import ansible; print(ansible.__version__)'], capture_output=True,
                              text=True, check=True).stdout.strip()
        print('=== ansible-core %s on Python %s ===' % (core, pyver), flush=True)
        rc = subprocess.call([python, os.path.join(ROOT, 'tools', 'run_ansible_test.py'), 'sanity', '--python', pyver])
        results[version] = (core, pyver, rc)
    print('\n'.join('ansible-core %s (Python %s): %s' % (core, pyver, 'passed' if rc == 0 else 'FAILED')
                    for core, pyver, rc in results.values()))
    return 1 if any(rc for _core, _pyver, rc in results.values()) else 0


if __name__ == '__main__':
    sys.exit(main())
