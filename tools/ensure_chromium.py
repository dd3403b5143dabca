"""Make sure headless Chromium is there for the browser test of the audit HTML report (make test runs this).

Chromium already on the PATH (or named by HELIX_CHROMIUM): nothing to do, in milliseconds. Otherwise, as root
(or with password-less sudo), Debian's package is installed: apt-get update, then apt-get install -y chromium;
browser downloads from anywhere else fail on the CI machines.

This never stops `make test`: when Chromium can not be installed, the reason is written to
build/chromium-install.log and tests/integration/test_report_browser.py fails naming it (it skips only where
HELIX_SKIP_BROWSER=1 says so, for a developer machine without root).

Usage: python tools/ensure_chromium.py [--log PATH]   (default build/chromium-install.log)
"""

import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOG = os.path.join(ROOT, 'build', 'chromium-install.log')
NAMES = ('chromium', 'chromium-browser')
TIMEOUT = 900


def find_chromium():
    """The Chromium binary to use: HELIX_CHROMIUM, else the first of NAMES on the PATH; None when there is none."""
    named = os.environ.get('HELIX_CHROMIUM')
    if named:
        return named if os.access(named, os.X_OK) else None
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _privilege():
    """The command prefix that runs apt-get as root, or None when this user can not."""
    if os.geteuid() == 0:
        return []
    sudo = shutil.which('sudo')
    if sudo and subprocess.run([sudo, '-n', 'true'], capture_output=True, check=False).returncode == 0:
        return [sudo, '-n']
    return None


def install(log, log_path):
    """Install Debian's chromium package; return an error text, or None when it worked."""
    if not shutil.which('apt-get'):
        return 'apt-get is not on this machine (not Debian or Ubuntu): install Chromium and set HELIX_CHROMIUM'
    prefix = _privilege()
    if prefix is None:
        return 'not root and no password-less sudo: run "sudo apt-get install -y chromium" once'
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    for command in (['apt-get', 'update', '-q'],
                    ['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'chromium', 'fonts-liberation']):
        started = time.monotonic()
        log.write('$ %s\n' % ' '.join(prefix + command))
        log.flush()
        try:
            proc = subprocess.run(prefix + command, stdout=log, stderr=subprocess.STDOUT, env=env, timeout=TIMEOUT,
                                  check=False)
        except subprocess.TimeoutExpired:
            return '%s took more than %d s' % (' '.join(command), TIMEOUT)
        log.write('(exit %d after %.1f s)\n' % (proc.returncode, time.monotonic() - started))
        if proc.returncode != 0:
            return '%s failed with exit code %d (see %s)' % (' '.join(command), proc.returncode, log_path)
    return None


def main(argv):
    log_path = argv[argv.index('--log') + 1] if '--log' in argv else LOG
    started = time.monotonic()
    found = find_chromium()
    if found:
        print('chromium: %s' % found)
        return 0
    if os.environ.get('HELIX_SKIP_BROWSER') == '1':
        print('chromium: not found, not installed (HELIX_SKIP_BROWSER=1: the browser test is skipped)')
        return 0
    os.makedirs(os.path.dirname(os.path.abspath(log_path)), exist_ok=True)
    with open(log_path, 'w', encoding='utf-8') as log:
        print('chromium: not found, installing Debian\'s package (log: %s)' % log_path)
        problem = install(log, log_path)
        found = find_chromium()
        if problem is None and not found:
            problem = 'the chromium package installed, but no chromium is on the PATH'
        log.write('result: %s\n' % (problem or 'installed %s' % found))
    if problem:
        print('chromium: NOT INSTALLED: %s; the browser test will fail (HELIX_SKIP_BROWSER=1 skips it on a '
              'developer machine)' % problem, file=sys.stderr)
    else:
        print('chromium: installed %s in %.0f s' % (found, time.monotonic() - started))
    return 0  # the browser test reports the failure; the rest of make test still runs


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
