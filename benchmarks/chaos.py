"""The full-size chaos run (2,000 users) of `make bench`: a bulk reconcile through ansible-playbook while the
simulator injects 503 and 429 answers, dropped connections, replies lost after commit, latency spikes and a
token lifetime shorter than the run. Scenario and checks: tests/chaos_scenario.py (the test suite runs it small).
"""

import json
import os

import chaos_scenario


class RemoteSimulator(object):
    """The simulator process seen through its admin endpoints, with the harness methods the scenario uses."""

    def __init__(self, process):
        self.process = process

    def state(self):
        return self.process.admin('state')

    @property
    def log(self):
        return self.process.admin('log')

    def configure(self, **options):
        self.process.admin('config', options)

    def seed_users(self, count):
        self.process.admin('seed', {'count': count, 'prefix': 'user'})

    def clear_log(self):
        self.process.admin('log', method='DELETE')


def run_chaos(process, workdir, run_playbook, size=2000):
    """Returns the figures of the run, and raises SystemExit when the end state is not the declared one."""
    sim = RemoteSimulator(process)
    process.admin('reset', {})
    users = chaos_scenario.start(sim, size, seed=7)
    result = run_playbook(process, 'bulk.yml', dict(bench_users=users, bench_concurrency=8, bench_max_retries=8,
                                                    bench_result_file=os.path.join(workdir, 'result.json')), workdir)
    chaos_scenario.stop_faults(sim)
    with open(os.path.join(workdir, 'result.json'), encoding='utf-8') as handle:
        module_result = json.load(handle)
    figures = chaos_scenario.figures(sim, module_result)
    figures.update(wall=result['wall'], size=size, diff=chaos_scenario.mismatches(sim, users),
                   committed=dict(chaos_scenario.committed_writes(sim)))
    sim.clear_log()
    rerun = run_playbook(process, 'bulk.yml', dict(bench_users=users, bench_concurrency=8,
                                                   bench_result_file=os.path.join(workdir, 'result.json')), workdir)
    figures['rerun_writes'] = rerun['writes']
    return figures


def describe(figures):
    lines = [
        '| users | wall time | requests | injected faults | by kind | re-logins | summary | committed writes | '
        'final diff | rerun writes |',
        '|---:|---:|---:|---:|---|---:|---|---|---|---:|',
        '| {size:,} | {wall:.1f} s | {requests:,} | {injected} | {kinds} | {relogins} | {summary} | {committed} | '
        '{diff} | {rerun_writes} |'.format(
            kinds=', '.join('%s %d' % item for item in sorted(figures['faults'].items())),
            summary=', '.join('%s %d' % (k, v) for k, v in figures['summary'].items() if v),
            committed=', '.join('%s %d' % item for item in sorted(figures['committed'].items())),
            diff='none' if not figures['diff'] else '; '.join(figures['diff'][:5]),
            **dict((k, v) for k, v in figures.items() if k not in ('diff', 'committed', 'summary'))),
    ]
    return '\n'.join(lines)
