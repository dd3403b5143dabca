"""Run ansible-test on this collection, offline-safe.

ansible-test wants the collection at ansible_collections/NAMESPACE/NAME and
refuses symlinks, so the tracked (and new, not ignored) files are copied to
build/ansible-test/ansible_collections/helix/users first, as a git repository
of its own (ansible-test lists files with git). It also bootstraps
pip with a script it downloads from a host this machine cannot reach; a cached
stand-in that runs the pip wheel bundled with ensurepip does the same job.

Usage: tools/run_ansible_test.py sanity --python 3.11 [ansible-test args...]
"""

import ensurepip
import glob
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEST = os.path.join(ROOT, 'build', 'ansible-test', 'ansible_collections', 'helix', 'users')

GET_PIP_STAND_IN = '''"""Stand-in for get-pip.py: installs pip from the wheel bundled with ensurepip."""
import glob, os, sys
import ensurepip
wheel = sorted(glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl")))[-1]
# get-pip.py's own switches; pip install does not know them. A pip wheel runs as a script (wheel/pip).
args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
os.execv(sys.executable, [sys.executable, os.path.join(wheel, "pip"), "install"] + args)
'''


def tracked_files():
    out = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
                         cwd=ROOT, check=True, capture_output=True).stdout.decode()
    return [path for path in out.split('\0') if path and os.path.isfile(os.path.join(ROOT, path))]


def copy_tree():
    if os.path.isdir(DEST):
        shutil.rmtree(DEST)
    for path in tracked_files():
        target = os.path.join(DEST, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, path), target)
    # The copy lies inside this (git-ignored) checkout; a repository of its own makes ansible-test see its files.
    subprocess.run(['git', 'init', '-q'], cwd=DEST, check=True)
    subprocess.run(['git', 'add', '-A'], cwd=DEST, check=True)


def cache_get_pip():
    import ansible_test  # pylint: disable=import-outside-toplevel
    source_path = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(source_path, encoding='utf-8') as source:
        versions = set(re.findall(r"pip='([0-9.]+)'", source.read()))
    cache = os.path.expanduser('~/.ansible/test/cache')
    os.makedirs(cache, exist_ok=True)
    for version in versions:
        path = os.path.join(cache, 'get_pip_%s.py' % version.replace('.', '_'))
        with open(path, 'w', encoding='utf-8') as stand_in:
            stand_in.write(GET_PIP_STAND_IN)
    assert glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), '_bundled', 'pip-*.whl'))


def main():
    copy_tree()
    cache_get_pip()
    ansible_test = os.path.join(os.path.dirname(sys.executable), 'ansible-test')
    return subprocess.call([ansible_test] + sys.argv[1:], cwd=DEST)


if __name__ == '__main__':
    sys.exit(main())
