"""Lay out an execution environment build for this collection: build/ee/ holds the definition of
extensions/awx/, the collection tarball under the fixed name helix-users.tar.gz, and the build context
`ansible-builder create` makes from them (build/ee/context, with its Containerfile).

Usage: python tools/ee_context.py [--dest DIR]
Then:  ansible-builder build -f build/ee/execution-environment.yml -c build/ee/context -t helix-ee:latest
   or: podman build -f build/ee/context/Containerfile -t helix-ee:latest build/ee/context
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFINITION = os.path.join(ROOT, 'extensions', 'awx')
TARBALL = 'helix-users.tar.gz'


def tool(name):
    """A tool of the running virtualenv if it has one, else the one on the PATH."""
    path = os.path.join(os.path.dirname(sys.executable), name)
    return path if os.path.exists(path) else name


def shown(path):
    relative = os.path.relpath(path, os.getcwd())
    return path if relative.startswith('..') else relative


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--dest', default=os.path.join(ROOT, 'build', 'ee'))
    args = parser.parse_args(argv)
    dest = os.path.abspath(args.dest)
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    for name in ('execution-environment.yml', 'requirements.yml'):
        shutil.copy(os.path.join(DEFINITION, name), os.path.join(dest, name))
    with tempfile.TemporaryDirectory(prefix='helix-ee-') as workdir:
        subprocess.check_call([tool('ansible-galaxy'), 'collection', 'build', ROOT, '--output-path', workdir],
                              stdout=subprocess.DEVNULL)
        built, = glob.glob(os.path.join(workdir, 'helix-users-*.tar.gz'))
        shutil.copy(built, os.path.join(dest, TARBALL))
    context = os.path.join(dest, 'context')
    subprocess.check_call([tool('ansible-builder'), 'create', '--file', os.path.join(dest, 'execution-environment.yml'),
                           '--context', context, '--output-filename', 'Containerfile'], stdout=subprocess.DEVNULL)
    print('%s: %s (from %s) and the build context %s' % (shown(dest), TARBALL, os.path.basename(built), shown(context)))
    print('build it with: ansible-builder build -f %s -c %s -t helix-ee:latest'
          % (shown(os.path.join(dest, 'execution-environment.yml')), shown(context)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
