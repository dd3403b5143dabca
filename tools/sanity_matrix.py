"""ansible-test sanity on every supported ansible-core, each in .venv-core-X.Y made with a Python it runs on:
2.17, 2.18 and 2.19 on 3.11; 2.20 on 3.12; 2.21 on 3.13 (tools/find_python.py finds them). On the oldest (2.17)
and the newest (2.21) the functional suite runs too: pytest over tests/unit, tests/functional and
tests/simulator_tests (modules run in-process against the simulator), with the test libraries at the versions
requirements-dev.txt pins installed in that virtualenv.

Usage: python tools/sanity_matrix.py [--only sanity|functional] [2.17 2.18 2.19 2.20 2.21]
"""

import argparse
import hashlib
import os
import re
import subprocess
import sys
import time
from xml.etree import ElementTree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIND_PYTHON = os.path.join(ROOT, 'tools', 'find_python.py')
REPORTS = os.path.join(ROOT, 'build', 'matrix')

# core version: (pip requirement, Python versions to try, first found wins)
VERSIONS = {
    '2.17': ('ansible-core>=2.17,<2.18', ['3.11', '3.12']),
    '2.18': ('ansible-core>=2.18,<2.19', ['3.11', '3.12', '3.13']),
    '2.19': ('ansible-core>=2.19,<2.20', ['3.11', '3.12', '3.13']),
    '2.20': ('ansible-core>=2.20,<2.21', ['3.12', '3.13']),
    '2.21': ('ansible-core>=2.21,<2.22', ['3.13', '3.12']),
}
# The oldest and the newest supported core also run the functional suite (meta/runtime.yml: requires_ansible).
FUNCTIONAL = ('2.17', '2.21')
FUNCTIONAL_PATHS = ['tests/unit', 'tests/functional', 'tests/simulator_tests']
# What the functional suite imports besides ansible-core (aiohttp: the event source's webhook listener); their pins come
# from requirements-dev.txt.
TEST_LIBRARIES = ('requests', 'pytest', 'pytest-xdist', 'hypothesis', 'werkzeug', 'lark', 'pyjwt', 'trustme', 'aiohttp')


def sort_key(version):
    return tuple(int(n) for n in version.split('.'))


def test_requirements():
    """The pinned lines of requirements-dev.txt for TEST_LIBRARIES (each must be there)."""
    pins = {}
    with open(os.path.join(ROOT, 'requirements-dev.txt'), encoding='utf-8') as handle:
        for line in handle:
            line = line.split('#', 1)[0].strip()
            name = re.split(r'[<>=!~\[; ]', line, 1)[0].lower().replace('_', '-')
            if name in TEST_LIBRARIES:
                pins[name] = line
    missing = sorted(set(TEST_LIBRARIES) - set(pins))
    if missing:
        raise SystemExit('requirements-dev.txt pins none of: %s' % ', '.join(missing))
    return [pins[name] for name in TEST_LIBRARIES]


def python_version(python):
    return subprocess.run([python, '-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], capture_output=True,
                          text=True, check=True).stdout.strip()


def ensure_venv(version, with_tests=False):
    """.venv-core-VERSION with that ansible-core (and the test libraries when asked), made anew when missing or
    made with another Python."""
    requirement, pythons = VERSIONS[version]
    requirements = [requirement] + (test_requirements() if with_tests else [])
    found = subprocess.run([sys.executable, FIND_PYTHON] + pythons, capture_output=True, text=True, check=False)
    if found.returncode:
        raise SystemExit('ansible-core %s: %s' % (version, found.stderr.strip()))
    interpreter = found.stdout.strip()
    wanted = python_version(interpreter)
    venv = os.path.join(ROOT, '.venv-core-' + version)
    python = os.path.join(venv, 'bin', 'python')
    stamp = os.path.join(venv, '.installed-' + requirement)
    if with_tests:  # a new pin in requirements-dev.txt makes a new stamp, so it gets installed
        stamp += '-tests-' + hashlib.sha256('\n'.join(requirements).encode()).hexdigest()[:12]
    if os.path.exists(python) and python_version(python) != wanted:
        subprocess.check_call(['rm', '-rf', venv])
    if not os.path.exists(stamp):
        subprocess.check_call([interpreter, '-m', 'venv', venv])
        subprocess.check_call([python, '-m', 'pip', 'install', '-q', '--disable-pip-version-check'] + requirements)
        open(stamp, 'w', encoding='utf-8').close()
    return python, wanted


def run_functional(python, version):
    """pytest over FUNCTIONAL_PATHS in the version's virtualenv; (rc, counts, seconds)."""
    os.makedirs(REPORTS, exist_ok=True)
    report = os.path.join(REPORTS, 'functional-core-%s.xml' % version)
    if os.path.exists(report):
        os.remove(report)
    started = time.monotonic()
    # -p no:cacheprovider: the runs of several cores must not share (and rewrite) .pytest_cache's last failures
    rc = subprocess.call([python, '-m', 'pytest', '-n', '2', '-q', '-p', 'no:cacheprovider',
                          '--junitxml', report] + FUNCTIONAL_PATHS, cwd=ROOT)
    seconds = time.monotonic() - started
    counts = dict(tests=0, failures=0, errors=0, skipped=0)
    if os.path.exists(report):
        for suite in ElementTree.parse(report).getroot().iter('testsuite'):
            for key in counts:
                counts[key] += int(suite.get(key, 0))
    counts['passed'] = counts['tests'] - counts['failures'] - counts['errors'] - counts['skipped']
    return rc, counts, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    every = sorted(VERSIONS, key=sort_key)
    parser.add_argument('versions', nargs='*', metavar='X.Y',
                        help='ansible-core versions (default: all of %s)' % ', '.join(every))
    parser.add_argument('--only', choices=('sanity', 'functional'),
                        help='run only ansible-test sanity, or only the functional suite (on %s)'
                        % ' and '.join(FUNCTIONAL))
    options = parser.parse_args()
    unknown = sorted(set(options.versions) - set(VERSIONS))
    if unknown:
        parser.error('unknown ansible-core version(s): %s' % ', '.join(unknown))
    versions = sorted(set(options.versions), key=sort_key) if options.versions else every
    lines = []
    failed = False
    for version in versions:
        functional = version in FUNCTIONAL and options.only != 'sanity'
        sanity = options.only != 'functional'
        if not (functional or sanity):
            continue
        python, pyver = ensure_venv(version, with_tests=functional)
        core = subprocess.run([python, '-c', 'import ansible; print(ansible.__version__)'], capture_output=True,
                              text=True, check=True).stdout.strip()
        if sanity:
            print('=== ansible-core %s on Python %s: sanity ===' % (core, pyver), flush=True)
            rc = subprocess.call([python, os.path.join(ROOT, 'tools', 'run_ansible_test.py'), 'sanity',
                                  '--python', pyver])
            failed = failed or rc != 0
            lines.append('ansible-core %s (Python %s) sanity: %s' % (core, pyver, 'passed' if rc == 0 else 'FAILED'))
        if functional:
            print('=== ansible-core %s on Python %s: functional (%s) ===' % (core, pyver, ' '.join(FUNCTIONAL_PATHS)),
                  flush=True)
            rc, counts, seconds = run_functional(python, version)
            failed = failed or rc != 0
            lines.append('ansible-core %s (Python %s) functional: %s, %d passed, %d failed, %d errors, %d skipped'
                         ' in %.0f s' % (core, pyver, 'passed' if rc == 0 else 'FAILED', counts['passed'],
                                         counts['failures'], counts['errors'], counts['skipped'], seconds))
    print('\n'.join(lines))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
