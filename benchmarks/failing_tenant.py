"""A tenant that reads fine and answers 503 to every write: how long a bulk run of 10,000 users takes to stop.

Before the breaker counted server-side failures, 40 users cost 160 PUTs and 27 s (about 1.8 h for 10,000):
every write spent its whole retry budget. Now consecutive failures on the tenant's side (5xx, 429, AR 92/93/94,
timeouts, no connection) across different users stop the run after about 2 x concurrency of them; the rest are
reported `not_attempted` and the task fails with one message naming the cause. One ansible-playbook run, the
users from a users_file, the simulator on loopback with `rate_503: 1` on PUT/POST/DELETE.

Usage: python benchmarks/failing_tenant.py [--users 10000] [--concurrency 4] [--write]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import sections
from simulator.process import SimulatorProcess
from support import ADMIN_PASSWORD, ADMIN_USER, COLLECTIONS, ensure_collection_path

BIN = os.path.dirname(sys.executable)
TARGET = 60.0  # seconds, at 10,000 users (the figure)
PLAYBOOK = '''- hosts: localhost
  gather_facts: false
  tasks:
    - name: Declare every user, against a tenant failing every write
      helix.users.helix_user:
        helix_url: "{{ helix_url }}"
        helix_username: "{{ helix_username }}"
        helix_password: "{{ helix_password }}"
        users_file: "{{ users_file }}"
        concurrency: "{{ concurrency }}"
      register: outcome
      ignore_errors: true
    - name: Keep the result
      ansible.builtin.copy:
        content: "{{ {'summary': outcome.summary | default({}), 'msg': outcome.msg | default('')} | to_json }}"
        dest: "{{ result_file }}"
        mode: "0600"
'''


def run(users, concurrency):
    ensure_collection_path()
    with tempfile.TemporaryDirectory(prefix='helix-failing-') as workdir:
        sim = SimulatorProcess(workdir, '--log-limit', '1000000')
        try:
            sim.admin('seed', {'count': users, 'prefix': 'bench'})
            users_file = os.path.join(workdir, 'users.json')
            with open(users_file, 'w', encoding='utf-8') as out:
                json.dump([dict(login_name='bench%05d' % number, department='Moved') for number in range(1, users + 1)],
                          out)
            playbook = os.path.join(workdir, 'failing.yml')
            with open(playbook, 'w', encoding='utf-8') as out:
                out.write(PLAYBOOK)
            result_file = os.path.join(workdir, 'result.json')
            extra = dict(helix_url=sim.url, helix_username=ADMIN_USER, helix_password=ADMIN_PASSWORD,
                         users_file=users_file, concurrency=concurrency, result_file=result_file)
            sim.admin('config', dict(rate_503=1.0, fault_methods=['PUT', 'POST', 'DELETE'], faults_skip_login=True))
            sim.admin('log', method='DELETE')
            env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'tmp'),
                       ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0',
                       ANSIBLE_PYTHON_INTERPRETER=sys.executable)
            started = time.time()
            proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), playbook, '-e', json.dumps(extra)],
                                  env=env, capture_output=True, text=True, check=False)
            wall = time.time() - started
            if proc.returncode:
                raise SystemExit('the playbook failed:\n' + (proc.stdout + proc.stderr)[-4000:])
            with open(result_file, encoding='utf-8') as handle:
                outcome = json.load(handle)
            log = sim.admin('log')
        finally:
            sim.stop()
    writes = [r for r in log if r['method'] in ('PUT', 'POST', 'DELETE') and r['path'].startswith('/api/arsys/')]
    return dict(users=users, concurrency=concurrency, wall=wall, writes=len(writes),
                users_tried=len(set(r['path'] for r in writes)), summary=outcome['summary'], msg=outcome['msg'])


def describe(row):
    verdict = 'met' if row['wall'] < TARGET else 'MISSED by %.1f s' % (row['wall'] - TARGET)
    summary = row['summary']
    return [
        '## A tenant failing every write', '', __doc__.split('Usage:', maxsplit=1)[0].strip(), '',
        'Measured on %s.' % time.strftime('%Y-%m-%d'), '',
        '- %s users, concurrency %d: the run stopped after %.1f s (target: under %.0f s): %s.' % (
            '{:,}'.format(row['users']), row['concurrency'], row['wall'], TARGET, verdict),
        '- %d writes were sent to %d users (each tried 4 times, max_retries 3); %s users not attempted, %d failed.' % (
            row['writes'], row['users_tried'], '{:,}'.format(summary.get('not_attempted', 0)), summary.get('failed', 0)),
        '- The message: `%s`' % row['msg'][:300].replace('`', "'"),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--users', type=int, default=10000)
    parser.add_argument('--concurrency', type=int, default=4)
    parser.add_argument('--write', action='store_true', help='write its section of docs/benchmarks.md')
    args = parser.parse_args()
    row = run(args.users, args.concurrency)
    lines = describe(row)
    print('\n'.join(lines))
    if args.write:
        sections.write_section('failing-tenant', sections.wrap('failing-tenant', lines))
    return 0 if row['wall'] < TARGET or args.users != 10000 else 1


if __name__ == '__main__':
    sys.exit(main())
