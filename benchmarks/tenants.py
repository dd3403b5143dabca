"""Many tenants in one run: is the wall time of one provision run over three tenants close to the slowest tenant's
alone, or to the sum of the three?

Three simulated tenants, each a simulator in its own process with its own latency per request (a near, a middling
and a far tenant), each to be given the same users (created, in one bulk task of the provision role). First each
tenant alone (playbooks/tenants_provision.yml limited to it), then the three in one run (forks 3, linear strategy);
every tenant is reset to its seeded state before each run. The inventory's hosts are the tenants, connection local.

Usage: python benchmarks/tenants.py [--users 300] [--latency 0,50,150] [--write]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import yaml

import sections
from simulator.process import SimulatorProcess
from support import ADMIN_PASSWORD, ADMIN_USER, COLLECTIONS, ROOT, ensure_collection_path

BIN = os.path.dirname(sys.executable)
PLAYBOOK = os.path.join(ROOT, 'playbooks', 'tenants_provision.yml')


def run_playbook(workdir, inventory, users_file, limit=None):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'tmp'),
               ANSIBLE_FORKS='3', ANSIBLE_NOCOLOR='1', ANSIBLE_DEPRECATION_WARNINGS='0')
    env = dict((name, value) for name, value in env.items() if not name.startswith('HELIX_'))
    command = [os.path.join(BIN, 'ansible-playbook'), PLAYBOOK, '-i', inventory, '-e',
               json.dumps(dict(helix_users_file=users_file))]
    if limit:
        command += ['--limit', limit]
    started = time.time()
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.time() - started
    if proc.returncode:
        raise SystemExit('the playbook failed:\n' + (proc.stdout + proc.stderr)[-4000:])
    return wall


def run(users, latencies):
    ensure_collection_path()
    names = ['tenant-%s' % chr(ord('a') + number) for number in range(len(latencies))]
    with tempfile.TemporaryDirectory(prefix='helix-tenants-') as workdir:
        tenants = {}
        try:
            for name, latency in zip(names, latencies):
                folder = os.path.join(workdir, name)
                os.makedirs(folder)
                tenants[name] = SimulatorProcess(folder, '--latency-ms', str(latency))
            inventory = os.path.join(workdir, 'inventory.yml')
            hosts = dict((name, dict(helix_url=tenants[name].url, helix_username=ADMIN_USER,
                                     helix_password=ADMIN_PASSWORD)) for name in names)
            group = dict(hosts=hosts, vars=dict(ansible_connection='local', ansible_python_interpreter=sys.executable))
            with open(inventory, 'w', encoding='utf-8') as out:
                yaml.safe_dump({'helix_tenants': group}, out)
            users_file = os.path.join(workdir, 'users.json')
            with open(users_file, 'w', encoding='utf-8') as out:
                json.dump([dict(login_name='tenant.user%04d' % number, full_name='Tenant User %04d' % number,
                                license_type='Read', department='Bench') for number in range(users)], out)

            def reset():
                for tenant in tenants.values():
                    tenant.admin('reset', {})

            alone = {}
            for name in names:
                reset()
                alone[name] = run_playbook(workdir, inventory, users_file, limit=name)
            reset()
            together = run_playbook(workdir, inventory, users_file)
            created = [sum(1 for user in tenant.admin('state')['users'] if user['Login Name'].startswith('tenant.user'))
                       for tenant in tenants.values()]
        finally:
            for tenant in tenants.values():
                tenant.stop()
    if created != [users] * len(names):
        raise SystemExit('not every tenant converged: %s' % created)
    return dict(users=users, latencies=dict(zip(names, latencies)), alone=alone, together=together)


def describe(row):
    slowest = max(row['alone'].values())
    total = sum(row['alone'].values())
    lines = [
        '## Many tenants in one run', '', __doc__.split('Usage:', maxsplit=1)[0].strip(), '',
        'Measured on %s, %d users per tenant.' % (time.strftime('%Y-%m-%d'), row['users']), '',
        '| tenant | latency per request | alone |', '|---|---|---|',
    ]
    lines += ['| %s | %s ms | %.1f s |' % (name, row['latencies'][name], wall) for name, wall in row['alone'].items()]
    lines += [
        '', '- The three in one run: **%.1f s**; the slowest tenant alone: %.1f s; the sum of the three alone: %.1f s.'
        % (row['together'], slowest, total),
        '- One run over the tenants took %.2f times the slowest tenant\'s time and %.2f times the sum.' % (
            row['together'] / slowest, row['together'] / total),
    ]
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--users', type=int, default=300)
    parser.add_argument('--latency', default='0,50,150', help='milliseconds per request of each tenant')
    parser.add_argument('--write', action='store_true', help='write its section of docs/benchmarks.md')
    args = parser.parse_args()
    row = run(args.users, [int(part) for part in args.latency.split(',')])
    lines = describe(row)
    print('\n'.join(lines))
    if args.write:
        sections.write_section('tenants', sections.wrap('tenants', lines))
    return 0


if __name__ == '__main__':
    sys.exit(main())
