"""`make demo`: start the bundled Helix simulator, run playbooks/demo.yml against it, summarise, stop it."""

import collections
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
ADMIN_USER, ADMIN_PASSWORD = 'Demo', 'Demo-Passw0rd!'


def collection_path():
    link = os.path.join(ROOT, 'build', 'collections', 'ansible_collections', 'helix', 'users')
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(ROOT, link)
    return os.path.join(ROOT, 'build', 'collections')


def start_simulator(workdir):
    port_file = os.path.join(workdir, 'port')
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, 'tests'))
    proc = subprocess.Popen([sys.executable, '-m', 'simulator', '--port', '0', '--port-file', port_file, '--seed-users', '5'],
                            env=env, stdout=subprocess.DEVNULL)
    deadline = time.time() + 20
    while not os.path.exists(port_file) or not open(port_file, encoding='utf-8').read().strip():
        if proc.poll() is not None or time.time() > deadline:
            raise SystemExit('the simulator did not start')
        time.sleep(0.05)
    with open(port_file, encoding='utf-8') as handle:
        return proc, 'http://127.0.0.1:%s' % handle.read().strip()


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as reply:
        return json.loads(reply.read())


def main():
    with tempfile.TemporaryDirectory(prefix='helix-demo-') as workdir:
        simulator, url = start_simulator(workdir)
        try:
            print('Helix simulator: %s' % url)
            env = dict(os.environ, HELIX_URL=url, HELIX_USERNAME=ADMIN_USER, HELIX_PASSWORD=ADMIN_PASSWORD,
                       ANSIBLE_COLLECTIONS_PATH=collection_path(), ANSIBLE_PYTHON_INTERPRETER=sys.executable,
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
                before = len(fetch(url + '/__sim/log'))
                code = subprocess.call([os.path.join(BIN, 'ansible-playbook')] + args, cwd=ROOT, env=env)
                if code:
                    return code
                runs.append((title, fetch(url + '/__sim/log')[before:]))
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
            users = fetch(url + '/__sim/state')['users']
            print('users on the simulator now: %d (%s)' % (len(users), ', '.join(
                '%s=%s' % (u['Login Name'], u['Status']) for u in users)))
        finally:
            simulator.terminate()
            simulator.wait(10)
    return 0


if __name__ == '__main__':
    sys.exit(main())
