"""Benchmark: bulk helix_user against a uri loop and a loop of single-user tasks, on the bundled simulator.

`make bench` runs it and prints a Markdown table (also written to docs/benchmarks.md with
--write). Every approach runs as a real ansible-playbook against the simulator in its own
process on loopback, with the simulator's latency switch set per case.

  (a) uri       ansible.builtin.uri, log in / read / write / log out per user (4 tasks per user)
  (b) single    a loop of single-user helix_user tasks sharing one token
  (c) bulk      one helix_user task with `users:` (concurrency 8 unless stated)

(a) and (b) cost the same per user whatever the population, so they run on a sample of
users (--sample, 100 by default) at the smallest population and are scaled to each
population (marked "~" in the table). The purge case
hands (a) and (b) the list of users to obsolete; (c) finds them with purge_query itself.

Requests are counted in the simulator's request log. The minimum is 1 login + the pages of
one scan of the population (for a purge: of its scope) + 1 page of groups + the writes + 1 logout. Peak memory is the
largest resident set of the module processes of the run (ru_maxrss of each Python process
Ansible starts, through an interpreter wrapper).

Usage: python benchmarks/run.py [--quick] [--write] [--populations 1000,10000] [--latencies 0,50]
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import chaos
import sections
from simulator.process import SimulatorProcess
from support import ADMIN_PASSWORD, ADMIN_USER, COLLECTIONS, ensure_collection_path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAYBOOKS = os.path.join(ROOT, 'benchmarks', 'playbooks')
BIN = os.path.dirname(sys.executable)
PAGE = 1000          # helix_user's default page_size; the simulator's cap (2000) is above it
PURGE_QUERY = "'Login Name' LIKE \"bench%\""
CASES = ('create', 'rerun', 'change10', 'purge5')
CASE_TITLES = {'create': 'create all', 'rerun': 'rerun, nothing to change', 'change10': '10 % changed',
               'purge5': 'purge of 5 %'}

WRAPPER = '''#!%(python)s
"""Runs Python and records the peak resident set of the process (KiB) for the benchmark."""
import os, resource, subprocess, sys
code = subprocess.call([%(python)r] + sys.argv[1:])
with open(os.environ["BENCH_MEM_FILE"], "a") as out:
    out.write("%%d\\n" %% resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(code)
'''


def declared(population, changed=0.0, dropped=0.0):
    """The declared users: bench00001..; `changed` of them with a new email, the last `dropped` left out."""
    users = []
    keep = population - int(round(population * dropped))
    every = int(round(1 / changed)) if changed else 0
    for n in range(1, keep + 1):
        email = 'bench%05d@example.com' % n
        if every and n % every == 0:
            email = 'bench%05d@new.example.com' % n
        users.append(dict(login_name='bench%05d' % n, full_name='Bench User %d' % n, email=email,
                          license_type='Fixed' if n % 3 else 'Read', groups=['Service Desk', 'Knowledge User']))
    return users


def prepare(sim, case, population):
    """Reset the simulator to the state the case starts from; return (declared users, expected writes)."""
    sim.admin('config', {'latency_ms': 0})
    sim.admin('reset', {})
    if case != 'create':
        users = declared(population)
        seed_via_bulk(sim, users)
    if case == 'create':
        return declared(population), population
    if case == 'rerun':
        return declared(population), 0
    if case == 'change10':
        return declared(population, changed=0.1), population // 10
    return declared(population, dropped=0.05), int(round(population * 0.05))


def seed_via_bulk(sim, users):
    from ansible_collections.helix.users.plugins.module_utils.ar_client import ARClient  # pylint: disable=import-outside-toplevel
    from ansible_collections.helix.users.plugins.module_utils.groups import join_group_list  # pylint: disable=import-outside-toplevel
    from concurrent.futures import ThreadPoolExecutor  # pylint: disable=import-outside-toplevel
    client = ARClient(sim.url, username=ADMIN_USER, password=ADMIN_PASSWORD, pool_size=8)
    group_ids = {'Service Desk': '1000000001', 'Knowledge User': '1000000005'}

    def create(user):
        client.create_entry('User', {'Login Name': user['login_name'], 'Full Name': user['full_name'],
                                     'Email Address': user['email'], 'License Type': user['license_type'],
                                     'Group List': join_group_list(group_ids[g] for g in user['groups'])})
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(create, users))
    client.close()


def sample_of(case, users, population, sample):
    """The users (a) and (b) run on: for purge, the ones to obsolete; otherwise a spread sample."""
    if case == 'purge5':
        keep = len(users)
        gone = [dict(login_name='bench%05d' % n, state='obsolete') for n in range(keep + 1, population + 1)]
        return gone[:sample], len(gone)
    step = max(1, len(users) // sample)
    return users[::step][:sample], len(users)


def run_playbook(sim, playbook, extra, workdir, measure_memory=False):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
               ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'tmp'), ANSIBLE_LOCALHOST_WARNING='0',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='0', ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    mem_file = os.path.join(workdir, 'mem')
    if measure_memory:
        wrapper = os.path.join(workdir, 'python-peak')
        with open(wrapper, 'w', encoding='utf-8') as out:
            out.write(WRAPPER % dict(python=sys.executable))
        os.chmod(wrapper, 0o755)
        # the implicit localhost pins its interpreter to the controller's: override it as a variable
        extra = dict(extra, ansible_python_interpreter=wrapper)
        env.update(BENCH_MEM_FILE=mem_file)
        if os.path.exists(mem_file):
            os.remove(mem_file)
    vars_file = os.path.join(workdir, 'vars.json')
    with open(vars_file, 'w', encoding='utf-8') as out:
        json.dump(dict(extra, helix_url=sim.url, helix_username=ADMIN_USER, helix_password=ADMIN_PASSWORD), out)
    sim.admin('log', method='DELETE')
    started = time.time()
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), os.path.join(PLAYBOOKS, playbook),
                           '-e', '@' + vars_file], env=env, capture_output=True, text=True, check=False)
    wall = time.time() - started
    if proc.returncode:
        raise SystemExit('%s failed:\n%s' % (playbook, (proc.stdout + proc.stderr)[-4000:]))
    log = sim.admin('log')
    peak = None
    if measure_memory and os.path.exists(mem_file):
        peak = max(int(line) for line in open(mem_file, encoding='utf-8') if line.strip()) / 1024.0
    writes = sum(1 for r in log if r['method'] in ('POST', 'PUT', 'DELETE') and r['path'].startswith('/api/arsys/'))
    return dict(wall=wall, requests=len(log), writes=writes, peak_mb=peak)


def minimum_requests(population_on_server, writes):
    return 1 + max(1, math.ceil(population_on_server / PAGE)) + 1 + writes + 1


def bench_case(sim, workdir, population, latency, case, sample, approaches, concurrency=8):
    rows = []
    users, expected_writes = prepare(sim, case, population)
    # the rows one scan must read: the whole form, or for a purge only its scope (the bench users)
    scanned = population if case == 'purge5' else 3 + (population if case != 'create' else 0)
    minimum = minimum_requests(scanned, expected_writes)
    for approach in approaches:
        if approach in ('uri', 'single'):
            subset, total = sample_of(case, users, population, sample)
            prepare(sim, case, population)  # each approach starts from the same state
            sim.admin('config', {'latency_ms': latency})
            result = run_playbook(sim, 'uri_loop.yml' if approach == 'uri' else 'single_loop.yml',
                                  dict(bench_users=subset), workdir)
            scale = float(total) / len(subset)
            result.update(wall=result['wall'] * scale, requests=int(round(result['requests'] * scale)),
                          writes=int(round(result['writes'] * scale)), scaled='~', sample=len(subset))
        else:
            prepare(sim, case, population)
            sim.admin('config', {'latency_ms': latency})
            result = run_playbook(sim, 'bulk.yml', dict(
                bench_users=users, bench_concurrency=concurrency if approach == 'bulk' else 1,
                bench_purge=case == 'purge5', bench_purge_query=PURGE_QUERY, bench_purge_limit=population,
                bench_result_file=os.path.join(workdir, 'result.json')), workdir, measure_memory=True)
            result.update(scaled='', sample=None)
            with open(os.path.join(workdir, 'result.json'), encoding='utf-8') as handle:
                result['summary'] = json.load(handle)['summary']
        sim.admin('config', {'latency_ms': 0})
        result.update(population=population, latency=latency, case=case, approach=approach, minimum=minimum,
                      concurrency=concurrency if approach == 'bulk' else 1)
        rows.append(result)
        print(format_row(result), flush=True)
    return rows


def approach_name(row):
    return {'uri': '(a) uri loop', 'single': '(b) single-user loop', 'bulk': '(c) bulk, concurrency %d' % row['concurrency'],
            'bulk1': '(c) bulk, concurrency 1'}[row['approach']]


def format_row(row):
    peak = '%.0f MB' % row['peak_mb'] if row.get('peak_mb') else '-'
    return '| %s | %d ms | %s | %s | %s%.1f s | %s%d | %d | %.2f | %s |' % (
        '{:,}'.format(row['population']), row['latency'], CASE_TITLES[row['case']], approach_name(row),
        row['scaled'], row['wall'], row['scaled'], row['requests'], row['minimum'],
        float(row['requests']) / row['minimum'], peak)


HEADER = ('| population | latency | case | approach | wall time | requests | minimum | ratio | module peak memory |\n'
          '|---:|---:|---|---|---:|---:|---:|---:|---:|')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--quick', action='store_true', help='one small population, latency 0, small samples')
    parser.add_argument('--write', action='store_true', help='write docs/benchmarks.md')
    parser.add_argument('--populations', default='1000,10000')
    parser.add_argument('--latencies', default='0,50')
    parser.add_argument('--sample', type=int, default=100)
    parser.add_argument('--cases', default=','.join(CASES))
    parser.add_argument('--no-loops', action='store_true', help='skip (a) and (b)')
    parser.add_argument('--chaos', type=int, default=2000, help='users of the chaos run (0: none)')
    args = parser.parse_args()
    populations = [int(p) for p in args.populations.split(',')]
    latencies = [int(l) for l in args.latencies.split(',')]
    sample = args.sample
    if args.quick:
        populations, latencies, sample, args.chaos = [200], [0], 10, 100
    started = time.time()
    rows = []
    ensure_collection_path()
    with tempfile.TemporaryDirectory(prefix='helix-bench-') as workdir:
        sim = SimulatorProcess(workdir, '--log-limit', '1000000')
        try:
            print(HEADER, flush=True)
            for population in populations:
                for latency in latencies:
                    for case in args.cases.split(','):
                        # (a) and (b) cost the same per user at any population: measured at the smallest one.
                        loops = ['uri', 'single'] if population == populations[0] and not args.no_loops else []
                        extra = ['bulk1'] if case == 'create' and latency == max(latencies) and population == populations[0] else []
                        rows += bench_case(sim, workdir, population, latency, case, sample, loops + ['bulk'] + extra)
            chaos_table = None
            if args.chaos:
                figures = chaos.run_chaos(sim, workdir, run_playbook, args.chaos)
                chaos_table = chaos.describe(figures)
                print('\nchaos run\n' + chaos_table, flush=True)
                if figures['diff'] or figures['rerun_writes']:
                    raise SystemExit('the chaos run did not reach the declared state')
        finally:
            sim.stop()
    elapsed = time.time() - started
    print('\nbenchmark took %.0f s' % elapsed)
    if args.write:
        write_report(rows, args, elapsed, sample, chaos_table)
    return 0


def targets(rows):
    """The issue's targets, checked against this run's rows (lines of Markdown)."""
    def find(population, latency, case, approach):
        for row in rows:
            if (row['population'], row['latency'], row['case'], row['approach']) == (population, latency, case, approach):
                return row
        return None
    lines = []
    rerun = find(10000, 0, 'rerun', 'bulk')
    if rerun:
        lines.append('- Bulk rerun with nothing to change, 10,000 users: %d requests for a minimum of %d, %.1f s '
                     '(target: the minimum, under 20 s): %s.' % (
                         rerun['requests'], rerun['minimum'], rerun['wall'],
                         'met' if rerun['requests'] <= rerun['minimum'] and rerun['wall'] < 20 else 'MISSED'))
    latency = max(row['latency'] for row in rows)
    bulk8, bulk1, uri = (find(1000, latency, 'create', a) for a in ('bulk', 'bulk1', 'uri'))
    if bulk8 and bulk1 and uri:
        lines.append('- Bulk create of 1,000 users at %d ms, concurrency 8: %.1f s, %.0fx faster than the uri loop (%.0f s) '
                     'and %.1fx faster than concurrency 1 (%.1f s) (targets: 30x and 5x): %s.' % (
                         latency, bulk8['wall'], uri['wall'] / bulk8['wall'], uri['wall'], bulk1['wall'] / bulk8['wall'],
                         bulk1['wall'], 'met' if uri['wall'] / bulk8['wall'] >= 30 and bulk1['wall'] / bulk8['wall'] >= 5
                         else 'MISSED'))
    peaks = [row['peak_mb'] for row in rows if row['population'] == 10000 and row.get('peak_mb')]
    if peaks:
        lines.append('- Peak memory of the module process at 10,000 users: %.0f MB (target: under 200 MB): %s.' % (
            max(peaks), 'met' if max(peaks) < 200 else 'MISSED'))
    return lines


def write_report(rows, args, elapsed, sample, chaos_table):
    lines = ['# Benchmarks', '',
             'Made by `make bench` (`python benchmarks/run.py --write %s`) on %s, on this repository\'s '
             'development machine (2 cores), against the bundled simulator on loopback; it took %.0f s.' % (
                 ' '.join(a for a in sys.argv[1:] if a != '--write'), time.strftime('%Y-%m-%d'), elapsed),
             '', __doc__.split('Usage:', maxsplit=1)[0].strip().split('\n', 2)[2], '',
             '"~" marks figures of (a) and (b) measured on a sample of %d users and scaled to the population.' % sample,
             '']
    goals = targets(rows)
    if goals:
        lines += ['## Targets', ''] + goals + ['', '## All figures', '']
    lines += [HEADER] + [format_row(row) for row in rows]
    if chaos_table:
        lines += ['', '## Chaos run', '', chaos.__doc__.strip(), '', chaos_table]
    for section in sections.kept(sections.read()):  # the other scripts' sections stay until they run again
        lines += ['', section]
    with open(sections.PATH, 'w', encoding='utf-8') as out:
        out.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    sys.exit(main())
