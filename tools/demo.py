"""`make demo`: start the bundled Helix simulator, run playbooks/demo.yml against it, summarise, stop it."""

import collections
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)

from simulator.process import SimulatorProcess  # tests/ is on PYTHONPATH (the Makefile)
from support import ADMIN_PASSWORD, ADMIN_USER, COLLECTIONS, ensure_collection_path


def main():
    with tempfile.TemporaryDirectory(prefix='helix-demo-') as workdir:
        simulator = SimulatorProcess(workdir, '--seed-users', '5')
        url = simulator.url
        ensure_collection_path()
        try:
            print('Helix simulator: %s' % url)
            env = dict(os.environ, HELIX_URL=url, HELIX_USERNAME=ADMIN_USER, HELIX_PASSWORD=ADMIN_PASSWORD,
                       ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                       ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'tmp'), ANSIBLE_LOCALHOST_WARNING='0',
                       ANSIBLE_INVENTORY_UNPARSED_WARNING='0')
            runs = []
            steps = [('playbooks/demo.yml, run 1', ['playbooks/demo.yml']),
                     ('playbooks/demo.yml, run 2', ['playbooks/demo.yml']),
                     ('role provision', ['playbooks/provision.yml', '-e', '@playbooks/vars/provision.example.yml']),
                     ('role offboard', ['playbooks/offboard.yml', '-e', '@playbooks/vars/offboard.example.yml']),
                     ('role audit', ['playbooks/audit.yml', '-e', 'helix_audit_dest=' + os.path.join(workdir, 'audit')])]
            for title, args in steps:
                print('\n=== %s ===' % title, flush=True)
                before = len(simulator.admin('log'))
                code = subprocess.call([os.path.join(BIN, 'ansible-playbook')] + args, cwd=ROOT, env=env)
                if code:
                    return code
                runs.append((title, simulator.admin('log')[before:]))
            with open(os.path.join(workdir, 'audit', 'helix-users.json'), encoding='utf-8') as handle:
                audit = json.load(handle)
            print('\n=== What the simulator saw ===')
            for title, log in runs:
                counts = collections.Counter('%s %s' % (r['method'], r.get('form') or r['path']) for r in log)
                writes = sum(1 for r in log if r['method'] in ('POST', 'PUT', 'DELETE') and r['path'].startswith('/api/arsys/'))
                print('%s: %d requests, %d writes: %s' % (title, len(log), writes, ', '.join(
                    '%s x%d' % item for item in sorted(counts.items()))))
            print('audit: %d current users; per license type %s; per status %s' % (
                audit['count'], audit['by_license_type'], audit['by_status']))
            users = simulator.admin('state')['users']
            print('users on the simulator now: %d (%s)' % (len(users), ', '.join(
                '%s=%s' % (u['Login Name'], u['Status']) for u in users)))
        finally:
            simulator.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
