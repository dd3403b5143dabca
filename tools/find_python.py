"""Print the path of a working Python interpreter of one of the given versions, the first that works.

Usage: python3 tools/find_python.py 3.13 [3.12 ...]

On this kind of machine pyenv installs the interpreters, and its `python3.13` shims on the PATH fail;
`$(pyenv prefix 3.13.x)/bin/python3` works. So each version is looked for as: pyenv's installs of it
(newest first; by `pyenv prefix`, or under PYENV_ROOT or ~/.pyenv when pyenv is not on the PATH),
then `pythonX.Y` on the PATH, then `python3` on the PATH; a candidate counts only if it
runs, is that version and has venv and ensurepip (a virtualenv can be made with it). Exit status 1 and a
message on stderr when none works. Runs on any Python 3.
"""

import glob
import os
import shutil
import subprocess
import sys

CHECK = 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])'


def pyenv_prefixes(version):
    pyenv = shutil.which('pyenv')
    if not pyenv:
        return []
    try:
        listed = subprocess.run([pyenv, 'versions', '--bare', '--skip-aliases'], capture_output=True, text=True,
                                timeout=30, check=False).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return []
    matching = [name for name in listed if name == version or name.startswith(version + '.')]
    matching.sort(key=lambda name: [int(part) if part.isdigit() else -1 for part in name.split('.')], reverse=True)
    prefixes = []
    for name in matching:
        try:
            prefix = subprocess.run([pyenv, 'prefix', name], capture_output=True, text=True, timeout=30,
                                    check=False).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            continue
        if prefix:
            prefixes.append(os.path.join(prefix, 'bin', 'python3'))
    return prefixes


def pyenv_folders(version):
    """pyenv's installs found without pyenv itself (not on the PATH of every shell): PYENV_ROOT, ~/.pyenv."""
    roots = [os.environ.get('PYENV_ROOT'), os.path.expanduser('~/.pyenv')]
    found = []
    for root in filter(None, roots):
        paths = glob.glob(os.path.join(root, 'versions', version + '.*', 'bin', 'python3'))
        found += sorted(paths, key=lambda path: [int(n) if n.isdigit() else -1
                                                 for n in path.split(os.sep)[-3].split('.')], reverse=True)
    return found


def candidates(version):
    found = pyenv_prefixes(version) + pyenv_folders(version)
    for name in ('python' + version, 'python3'):
        path = shutil.which(name)
        if path:
            found.append(path)
    return found


def works(path, version):
    try:
        out = subprocess.run([path, '-c', CHECK], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and out.stdout.strip() == version


def find(versions):
    for version in versions:
        for path in candidates(version):
            if works(path, version):
                return path
    return None


def main(argv):
    versions = argv[1:] or ['3.13']
    path = find(versions)
    if path is None:
        sys.stderr.write('no working Python %s found (tried pyenv, python%s, python3)\n'
                         % (' or '.join(versions), '/python'.join(versions)))
        return 1
    print(path)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
