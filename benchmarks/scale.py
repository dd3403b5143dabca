"""100,000 users in seconds: one bulk helix_user task from a JSON users_file at 10,000, 30,000 and 100,000 users.

Each population is seeded on the simulator (in its own process, on loopback); the declared users match the stored
ones (unchanged), or every tenth has a new e-mail address (10 % changed, concurrency 8, no latency). Each run is a
playbook whose only task is the bulk helix_user, logging in and out itself; its wall time is set beside the floor
of a one-task playbook (ansible.builtin.ping) of the same run. Peak memory is the largest resident set of the
module's process. "per 1,000" is the wall time above the floor per 1,000 users: flat when nothing grows faster
than the population. "The simulator alone" is what a bare requests client (no module, no Ansible) needs for the
same reads and for 1,000 writes at concurrency 8: the floor this simulator sets under any client here.

Usage: python benchmarks/scale.py [--populations 10000,30000,100000] [--write]
"""

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import requests

import inputs
import sections
from simulator.process import SimulatorProcess
from support import ADMIN_PASSWORD, ADMIN_USER, ensure_collection_path

GROUPS = ('1000000001', '1000000005', '1000000007', '1000000002', '1000000006')  # the simulator's BULK_GROUP_IDS
CASES = (('unchanged', 0.0), ('10 % changed', 0.1))
TARGETS = {('unchanged', 100000): 3.0, ('10 % changed', 100000): 8.0}
MEMORY_TARGET = 200.0
PING = '''- hosts: localhost
  gather_facts: false
  tasks:
    - name: The floor of a one-task playbook
      ansible.builtin.ping:
'''


def declared(population, changed):
    """The users the simulator's seed made (bench00001..), every 1/changed-th with a new e-mail address."""
    every = int(round(1 / changed)) if changed else 0
    users = []
    for number in range(1, population + 1):
        login = 'bench%05d' % number
        users.append(dict(login_name=login, full_name='Bench %05d' % number,
                          email='%s@%s' % (login, 'new.example.com' if every and number % every == 0 else 'example.com'),
                          license_type='Read' if number % 3 == 0 else 'Fixed', groups=[GROUPS[number % len(GROUPS)]]))
    return users


READ_FIELDS = 'values(Request ID,Login Name,Full Name,Email Address,License Type,Group List,Status)'


def simulator_alone(sim):
    """(seconds a bare client reads every user in pages of 1,000, milliseconds per write at concurrency 8)."""
    with requests.Session() as session:
        token = session.post(sim.url + '/api/jwt/login', data=dict(username=ADMIN_USER, password=ADMIN_PASSWORD)).text
        session.headers['Authorization'] = 'AR-JWT ' + token
        started, offset, ids = time.perf_counter(), 0, []
        while True:
            page = session.get(sim.url + '/api/arsys/v1/entry/User', params=dict(
                offset=offset, limit=1000, fields=READ_FIELDS)).json()['entries']
            ids.extend(entry['values']['Request ID'] for entry in page if entry['values']['Login Name'].startswith('bench'))
            offset += len(page)
            if len(page) < 1000:
                break
        reading = time.perf_counter() - started

        stored = [(entry_id, session.get(sim.url + '/api/arsys/v1/entry/User/' + entry_id, params=dict(
            fields='values(Email Address)')).json()['values']) for entry_id in ids[:1000]]

        def write(entry):  # the value it has: the stored state stays as seeded
            session.put(sim.url + '/api/arsys/v1/entry/User/' + entry[0], json=dict(values=entry[1]))
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(write, stored))
        writing = (time.perf_counter() - started) / len(stored) * 1000
        session.post(sim.url + '/api/jwt/logout')
    return reading, writing


def measure(populations):
    ensure_collection_path()
    rows = []
    with tempfile.TemporaryDirectory(prefix='helix-scale-') as workdir:
        sim = SimulatorProcess(workdir, '--log-limit', '200000')
        try:
            ping = os.path.join(workdir, 'ping.yml')
            with open(ping, 'w', encoding='utf-8') as out:
                out.write(PING)
            for population in populations:
                sim.admin('reset', {})
                sim.admin('seed', {'count': population, 'prefix': 'bench'})
                reading, writing = simulator_alone(sim)
                for case, changed in CASES:
                    users_file = os.path.join(workdir, 'users.json')
                    with open(users_file, 'w', encoding='utf-8') as out:
                        json.dump(declared(population, changed), out)
                    floor = inputs.run(sim, workdir, ping, {}, 'ping')['wall']
                    result = inputs.run(sim, workdir, 'input_users_file.yml', dict(
                        bench_users_file=users_file, bench_result_file=os.path.join(workdir, 'result.json')),
                        'users_file JSON')
                    expected_writes = int(population * changed)
                    if result['writes'] != expected_writes:
                        raise SystemExit('%s at %d: %d writes, expected %d' % (
                            case, population, result['writes'], expected_writes))
                    rows.append(dict(result, population=population, case=case, floor=floor, alone_read=reading,
                                     alone_write_ms=writing))
                    print(format_row(rows[-1]), flush=True)
                    if changed:  # back to the stored state for the next case
                        sim.admin('reset', {})
                        sim.admin('seed', {'count': population, 'prefix': 'bench'})
        finally:
            sim.stop()
    return rows


HEADER = ('| users | case | wall time | ping floor | above the floor | per 1,000 | the simulator alone | requests | writes'
          ' | module peak |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|')


def format_row(row):
    above = row['wall'] - row['floor']
    return '| {:,} | {} | {:.1f} s | {:.1f} s | {:.1f} s | {:.3f} s | {:.1f} s | {:,} | {:,} | {:.0f} MB |'.format(
        row['population'], row['case'], row['wall'], row['floor'], above, above / row['population'] * 1000,
        alone(row), row['requests'], row['writes'], row['peak_mb'])


def alone(row):
    """Seconds the simulator needs to serve a bare client the reads and the writes of a row."""
    return row['alone_read'] + row['writes'] * row['alone_write_ms'] / 1000.0


def targets(rows):
    lines = []
    for (case, population), seconds in sorted(TARGETS.items()):
        row = next((r for r in rows if r['case'] == case and r['population'] == population), None)
        if row:
            lines.append('- {:,} users, {}: {:.1f} s end to end (target: under {:.0f} s): {}.'.format(
                population, case, row['wall'], seconds,
                'met' if row['wall'] < seconds else 'MISSED by %.1f s' % (row['wall'] - seconds)))
    peaks = [r['peak_mb'] for r in rows if r['population'] == 100000 and r['case'] == 'unchanged']
    if peaks:
        lines.append('- Module peak memory at 100,000 unchanged users: %.0f MB (target: under %.0f MB): %s.' % (
            peaks[0], MEMORY_TARGET, 'met' if peaks[0] < MEMORY_TARGET else 'MISSED by %.0f MB' % (
                peaks[0] - MEMORY_TARGET)))
    for row in rows:
        if row['population'] == 100000 and row['case'] != 'unchanged':
            lines.append('- The simulator alone at 100,000 users: {:.1f} s to read them all, {:.2f} ms a write at concurrency'
                         ' 8, {:.1f} s for the {:,} writes: under any client on this machine.'.format(
                             row['alone_read'], row['alone_write_ms'], alone(row) - row['alone_read'], row['writes']))
    for case, _changed in CASES:
        costs = [(r['population'], (r['wall'] - r['floor']) / r['population'] * 1000) for r in rows if r['case'] == case]
        if len(costs) > 1:
            lines.append('- Cost per 1,000 users, %s: %s (flat when it does not grow with the population).' % (
                case, ', '.join('{:.3f} s at {:,}'.format(cost, population) for population, cost in costs)))
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--populations', default='10000,30000,100000')
    parser.add_argument('--write', action='store_true', help='write its section of docs/benchmarks.md')
    args = parser.parse_args()
    print(HEADER, flush=True)
    rows = measure([int(p) for p in args.populations.split(',')])
    lines = ['## 100,000 users', '', __doc__.split('Usage:', maxsplit=1)[0].strip(), '', inputs.measured_on(), '']
    lines += targets(rows) + ['', HEADER] + [format_row(row) for row in rows]
    print('\n'.join(targets(rows)))
    if args.write:
        sections.write_section('scale', sections.wrap('scale', lines))
    return 0


if __name__ == '__main__':
    sys.exit(main())
