"""The input paths side by side: the same users from a YAML vars file, from extra vars, and from users_file as
YAML, JSON and CSV, at 1,000 and 10,000 users, with nothing to change and with 10 % changed.

Each run is a playbook whose only task is the bulk helix_user, logging in and out itself (HELIX_* from the
environment), against the simulator in its own process. Requests are counted in the simulator's log against
the minimum (login + one page per 1,000 stored users + groups + the writes + logout); peak memory is that of
the module's process. "module alone" is the module's own work at 10,000 unchanged users from a JSON
users_file, run in this process against the same simulator process (no Ansible around it).

Usage: python benchmarks/inputs.py [--populations 1000,10000] [--write]  (run.py runs it as part of make bench)
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

import yaml

import sections
from simulator.process import SimulatorProcess
from support import ADMIN_PASSWORD, ADMIN_USER, COLLECTIONS, ensure_collection_path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAYBOOKS = os.path.join(ROOT, 'benchmarks', 'playbooks')
BIN = os.path.dirname(sys.executable)
SOURCES = ('vars file (YAML)', 'extra vars', 'users_file YAML', 'users_file JSON', 'users_file CSV')
CASES = (('unchanged', 0.0), ('10 % changed', 0.1))
PAGE = 1000
START, END = sections.markers('inputs')

WRAPPER = '''#!%(python)s
import os, resource, subprocess, sys
code = subprocess.call([%(python)r] + sys.argv[1:])
with open(os.environ["BENCH_MEM_FILE"], "a") as out:
    out.write("%%d\\n" %% resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(code)
'''


def people(population, changed=0.0):
    every = int(round(1 / changed)) if changed else 0
    users = []
    for n in range(1, population + 1):
        domain = 'new.example.com' if every and n % every == 0 else 'example.com'
        users.append(dict(login_name='input%05d' % n, full_name='Input User %d' % n, email='input%05d@%s' % (n, domain),
                          license_type='Fixed' if n % 3 else 'Read', groups=['Service Desk', 'Knowledge User']))
    return users


def write_sources(workdir, users):
    """{source: (playbook, extra-vars file)} for the declared users."""
    files = {}
    with open(os.path.join(workdir, 'vars.yml'), 'w', encoding='utf-8') as out:
        yaml.safe_dump(dict(bench_users=users), out, default_flow_style=False, sort_keys=False)
    with open(os.path.join(workdir, 'extra.json'), 'w', encoding='utf-8') as out:
        json.dump(dict(bench_users=users), out)
    with open(os.path.join(workdir, 'users.yml'), 'w', encoding='utf-8') as out:
        yaml.safe_dump(users, out, default_flow_style=False, sort_keys=False)
    with open(os.path.join(workdir, 'users.json'), 'w', encoding='utf-8') as out:
        json.dump(users, out)
    with open(os.path.join(workdir, 'users.csv'), 'w', encoding='utf-8', newline='') as out:
        writer = csv.writer(out)
        writer.writerow(['login_name', 'full_name', 'email', 'license_type', 'groups'])
        for user in users:
            writer.writerow([user['login_name'], user['full_name'], user['email'], user['license_type'],
                             ';'.join(user['groups'])])
    for source in SOURCES:
        extra = dict(bench_result_file=os.path.join(workdir, 'result.json'))
        if source == 'vars file (YAML)':
            playbook, extra['bench_vars_file'] = 'input_vars_file.yml', os.path.join(workdir, 'vars.yml')
        elif source == 'extra vars':
            playbook = 'input_extra_vars.yml'
        else:
            playbook = 'input_users_file.yml'
            extension = {'YAML': 'yml', 'JSON': 'json', 'CSV': 'csv'}[source.split()[-1]]
            extra['bench_users_file'] = os.path.join(workdir, 'users.' + extension)
        files[source] = (playbook, extra)
    return files


def seed(sim, users):
    from concurrent.futures import ThreadPoolExecutor  # pylint: disable=import-outside-toplevel
    from ansible_collections.helix.users.plugins.module_utils.ar_client import ARClient  # pylint: disable=import-outside-toplevel
    sim.admin('reset', {})
    client = ARClient(sim.url, username=ADMIN_USER, password=ADMIN_PASSWORD, pool_size=8)
    ids = {'Service Desk': '1000000001', 'Knowledge User': '1000000005'}

    def create(user):
        client.create_entry('User', {'Login Name': user['login_name'], 'Full Name': user['full_name'],
                                     'Email Address': user['email'], 'License Type': user['license_type'],
                                     'Group List': ''.join(ids[g] + ';' for g in user['groups'])})
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(create, users))
    client.close()


def run(sim, workdir, playbook, extra, source):
    wrapper = os.path.join(workdir, 'python-peak')
    with open(wrapper, 'w', encoding='utf-8') as out:
        out.write(WRAPPER % dict(python=sys.executable))
    os.chmod(wrapper, 0o755)
    mem_file = os.path.join(workdir, 'mem')
    if os.path.exists(mem_file):
        os.remove(mem_file)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'tmp'),
               ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0', BENCH_MEM_FILE=mem_file,
               HELIX_URL=sim.url, HELIX_USERNAME=ADMIN_USER, HELIX_PASSWORD=ADMIN_PASSWORD)
    command = [os.path.join(BIN, 'ansible-playbook'), os.path.join(PLAYBOOKS, playbook),
               '-e', json.dumps(dict(extra, ansible_python_interpreter=wrapper))]
    if source == 'extra vars':
        command += ['-e', '@' + os.path.join(workdir, 'extra.json')]
    sim.admin('log', method='DELETE')
    started = time.time()
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.time() - started
    if proc.returncode:
        raise SystemExit('%s (%s) failed:\n%s' % (playbook, source, (proc.stdout + proc.stderr)[-3000:]))
    log = sim.admin('log')
    writes = sum(1 for r in log if r['method'] in ('POST', 'PUT', 'DELETE') and r['path'].startswith('/api/arsys/'))
    peak = max(int(line) for line in open(mem_file, encoding='utf-8') if line.strip()) / 1024.0
    return dict(wall=wall, requests=len(log), writes=writes, peak_mb=peak)


def module_alone(sim, workdir, repeats=3, passwords=False):
    """Seconds of helix_user's own work (parse, validate, read, plan, result) at the seeded population, best of.

    :param passwords: every item carries a password (on_create: nothing to write), so every one is a secret
        the result must be masked of.
    """
    from ansible_collections.helix.users.plugins.module_utils import user_task  # pylint: disable=import-outside-toplevel
    from support import run_module  # pylint: disable=import-outside-toplevel
    with open(os.path.join(workdir, 'users.json'), encoding='utf-8') as handle:
        text = handle.read()
    if passwords:
        text = json.dumps([dict(user, password='Bench-Pw-%05d-x' % n) for n, user in enumerate(json.loads(text))])
    args = dict(helix_url=sim.url, helix_username=ADMIN_USER, helix_password=ADMIN_PASSWORD, concurrency=8,
                users_file=os.path.join(workdir, 'users.json'), _users_file_content=text)
    best = None
    for _dummy in range(repeats):
        user_task._FILE_ITEMS.clear()  # pylint: disable=protected-access
        started = time.perf_counter()
        result = run_module('helix_user', args)
        seconds = time.perf_counter() - started
        if result.get('failed') or result['changed']:
            raise SystemExit('the in-process run was not a no-op: %s' % result.get('msg', result.get('summary')))
        best = seconds if best is None else min(best, seconds)
    return best


def minimum(stored, writes):
    return 1 + max(1, -(-stored // PAGE)) + 1 + writes + 1


def bench(sim, workdir, populations):
    rows, alone = [], None  # alone: (population, seconds)
    for population in populations:
        for case, changed in CASES:
            users = people(population)
            seed(sim, users)
            declared = people(population, changed)
            sources = write_sources(workdir, declared)
            expected = int(population * changed)
            for source in SOURCES:
                if changed:
                    seed(sim, users)  # each source starts from the same state
                playbook, extra = sources[source]
                row = run(sim, workdir, playbook, extra, source)
                if row['writes'] != expected:
                    raise SystemExit('%s at %d (%s) wrote %d, not %d' % (source, population, case, row['writes'], expected))
                row.update(population=population, case=case, source=source, minimum=minimum(population + 3, expected))
                rows.append(row)
                print(format_row(row), flush=True)
            if population == max(populations) and not changed:
                alone = (population, module_alone(sim, workdir), module_alone(sim, workdir, passwords=True))
                print('module alone, %d unchanged users: %.2f s, with a password in every item: %.2f s' % alone,
                      flush=True)
    return rows, alone


HEADER = ('| users | case | input | wall time | requests | minimum | module peak memory |\n'
          '|---:|---|---|---:|---:|---:|---:|')


def format_row(row):
    return '| {:,} | {} | {} | {:.1f} s | {} | {} | {:.0f} MB |'.format(
        row['population'], row['case'], row['source'], row['wall'], row['requests'], row['minimum'], row['peak_mb'])


def targets(rows, alone):
    def wall(source, population=10000, case='unchanged'):
        for row in rows:
            if (row['source'], row['population'], row['case']) == (source, population, case):
                return row['wall']
        return None
    lines = []
    vars_file = wall('vars file (YAML)')
    files = [(source, wall(source)) for source in SOURCES if source.startswith('users_file') and wall(source)]
    if vars_file and files:
        slowest = max(seconds for _source, seconds in files)
        lines.append('- users_file against the YAML vars file at 10,000 unchanged users: %.1fx faster at the slowest'
                     ' format (%.1f s against %.1f s; target: 6x): %s.' % (
                         vars_file / slowest, slowest, vars_file, 'met' if vars_file / slowest >= 6 else
                         'MISSED by %.1fx' % (6 - vars_file / slowest)))
        lines.append('- The playbook whose only task is the bulk helix_user, from users_file, 10,000 unchanged users:'
                     ' %s (target: under 5 s): %s.' % (', '.join('%s %.1f s' % item for item in files),
                                                       'met' if slowest < 5 else 'MISSED by %.1f s' % (slowest - 5)))
    if alone is not None:
        population, seconds, with_passwords = alone
        verdict = 'met' if max(seconds, with_passwords) < 1.5 else 'MISSED by %.2f s' % (max(seconds, with_passwords) - 1.5)
        lines.append('- The module\'s own work at {:,} unchanged users (in-process, JSON users_file): {:.2f} s, and {:.2f} s'
                     ' with a password in every item, each one a secret to mask (target at 10,000: under 1.5 s):'
                     ' {}.'.format(population, seconds, with_passwords, verdict))
    return lines


def measured_on():
    from ansible.release import __version__  # pylint: disable=import-outside-toplevel
    return 'Measured on %s with ansible-core %s and Python %s.' % (
        time.strftime('%Y-%m-%d'), __version__, '.'.join(str(part) for part in sys.version_info[:3]))


def section(rows, alone):
    return '\n'.join([START, '## Input paths', '', __doc__.split('Usage:', maxsplit=1)[0].strip(), '', measured_on(), '']
                     + targets(rows, alone)
                     + ['', HEADER] + [format_row(row) for row in rows] + [END])


def write_section(text):
    """Put the section into docs/benchmarks.md, replacing the one there."""
    sections.write_section('inputs', text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--populations', default='1000,10000')
    parser.add_argument('--write', action='store_true', help='put the section into docs/benchmarks.md')
    args = parser.parse_args()
    ensure_collection_path()
    with tempfile.TemporaryDirectory(prefix='helix-bench-inputs-') as workdir:
        sim = SimulatorProcess(workdir, '--log-limit', '1000000')
        try:
            print(HEADER, flush=True)
            rows, alone = bench(sim, workdir, [int(p) for p in args.populations.split(',')])
        finally:
            sim.stop()
    text = section(rows, alone)
    print('\n' + '\n'.join(targets(rows, alone)))
    if args.write:
        write_section(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
