"""Render the collection's documentation (docs/collection/) from the modules' and roles' own docs with antsibull-docs.

Usage: python tools/render_docs.py [--check]   (--check fails when docs/collection is out of date)
"""

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEST = os.path.join(ROOT, 'docs', 'collection')
BIN = os.path.dirname(sys.executable)

from support import COLLECTIONS, ensure_collection_path  # tests/ is on PYTHONPATH (the Makefile)


def render(target):
    ensure_collection_path()
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
               PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
    subprocess.check_call([os.path.join(BIN, 'antsibull-docs'), 'collection', '--use-current', '--dest-dir', target,
                           '--output-format', 'simplified-rst', 'helix.users'], env=env, stdout=subprocess.DEVNULL)


def differences(left, right):
    comparison = filecmp.dircmp(left, right)
    found = comparison.left_only + comparison.right_only + comparison.diff_files
    for sub in comparison.common_dirs:
        found += [os.path.join(sub, name) for name in differences(os.path.join(left, sub), os.path.join(right, sub))]
    return found


def main():
    with tempfile.TemporaryDirectory(prefix='helix-docs-') as workdir:
        render(workdir)
        if '--check' in sys.argv:
            stale = differences(workdir, DEST) if os.path.isdir(DEST) else ['docs/collection']
            if stale:
                print('docs/collection is out of date (%s): run python tools/render_docs.py' % ', '.join(stale))
                return 1
            return 0
        if os.path.isdir(DEST):
            shutil.rmtree(DEST)
        shutil.copytree(workdir, DEST)
    return 0


if __name__ == '__main__':
    sys.exit(main())
