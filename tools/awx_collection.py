"""Put the awx.awx collection where the tests find it (make venv runs this): DEST/ansible_collections/awx/awx.

Ansible Galaxy is not reachable from every machine that runs the tests, the package registry is: the `ansible`
package's wheel carries awx.awx (13.8.0 holds awx.awx 24.6.1, the last release; 14 dropped it). The wheel is
downloaded with pip, without its dependencies and without installing it, and only awx.awx is taken out of it.
tests/integration/test_awx_jobs.py checks extensions/awx/job_templates.yml against its modules' argument specs.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

CARRIER = 'ansible==13.8.0'
PREFIX = 'ansible_collections/awx/awx/'


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--dest', required=True, help='the collections path to put ansible_collections/awx/awx in')
    args = parser.parse_args()
    target = os.path.join(args.dest, PREFIX)
    if os.path.exists(os.path.join(target, 'MANIFEST.json')):
        return 0
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, '-m', 'pip', 'download', '-q', '--disable-pip-version-check', '--no-deps',
                        '--only-binary', ':all:', '-d', folder, CARRIER], check=True)
        wheel, = [os.path.join(folder, name) for name in os.listdir(folder) if name.endswith('.whl')]
        staging = os.path.join(folder, 'collections')
        with zipfile.ZipFile(wheel) as archive:
            names = [name for name in archive.namelist() if name.startswith(PREFIX)]
            if not names:
                sys.exit('%s carries no awx.awx collection' % CARRIER)
            for name in names:
                archive.extract(name, staging)
        shutil.rmtree(target, ignore_errors=True)
        os.makedirs(os.path.dirname(target.rstrip('/')), exist_ok=True)
        shutil.move(os.path.join(staging, PREFIX), target)
    print('awx.awx from %s in %s' % (CARRIER, args.dest))
    return 0


if __name__ == '__main__':
    sys.exit(main())
