"""A bulk reconcile under faults, shared by tests/integration/test_chaos.py (small) and benchmarks/chaos.py (full size).

The simulator starts with `existing` users; the task declares new users (creates), changes some existing
ones (updates) and obsoletes others, while the simulator answers 503 and 429, drops connections, drops
replies after committing them, stalls, and lets tokens expire during the run.
"""

import collections

GROUP_IDS = {'Service Desk': '1000000001', 'Incident Master': '1000000002', 'Knowledge User': '1000000005'}

CHAOS = dict(rate_503=0.05, rate_429=0.05, drop_rate=0.02, latency_spike_rate=0.02, latency_spike_ms=300,
             drop_after_commit=5, drop_after_commit_methods=['POST', 'PUT'], token_lifetime=2)


def declaration(size):
    """(existing seeded count, declared users): half new, a third updated, the rest obsoleted."""
    new = size // 2
    updated = size // 3
    obsoleted = size - new - updated
    existing = updated + obsoleted
    users = []
    for n in range(1, new + 1):
        users.append(dict(login_name='chaos%05d' % n, full_name='Chaos User %d' % n, license_type='Read',
                          email='chaos%05d@example.com' % n, groups=['Service Desk', 'Knowledge User']))
    for n in range(1, updated + 1):
        users.append(dict(login_name='user%05d' % n, department='Chaos', groups=['Incident Master']))
    for n in range(updated + 1, existing + 1):
        users.append(dict(login_name='user%05d' % n, state='obsolete'))
    return existing, users


def start(sim, size, seed=1):
    """Seed the simulator and switch the faults on; returns the declared users."""
    existing, users = declaration(size)
    sim.seed_users(existing)
    sim.clear_log()
    sim.configure(fault_seed=seed, faults_skip_login=False, **CHAOS)
    return users


def stop_faults(sim):
    sim.configure(rate_503=0.0, rate_429=0.0, drop_rate=0.0, latency_spike_rate=0.0, drop_after_commit=0,
                  token_lifetime=3600)


def mismatches(sim, users):
    """Differences between the declared users and the simulator's stored state ([] when equal)."""
    stored = collections.defaultdict(list)
    for user in sim.state()['users']:
        stored[user['Login Name']].append(user)
    problems = ['%s exists %d times' % (login, len(found)) for login, found in stored.items() if len(found) > 1]
    for spec in users:
        found = stored.get(spec['login_name'])
        if not found:
            problems.append('%s missing' % spec['login_name'])
            continue
        user = found[0]
        # Status by index: 1 is Disabled on real User forms, Obsolete on the guide's
        want_status = ('Disabled', 'Obsolete') if spec.get('state') == 'obsolete' else ('Current',)
        if user['Status'] not in want_status:
            problems.append('%s status %s, not %s' % (spec['login_name'], user['Status'], ' or '.join(want_status)))
        for option, field in (('full_name', 'Full Name'), ('email', 'Email Address'), ('license_type', 'License Type'),
                              ('department', 'Department')):
            if option in spec and user[field] != spec[option]:
                problems.append('%s %s=%r, not %r' % (spec['login_name'], field, user[field], spec[option]))
        if 'groups' in spec:
            want = set(GROUP_IDS[g] for g in spec['groups'])
            have = set(g for g in (user['Group List'] or '').split(';') if g)
            if want != have:
                problems.append('%s groups %s, not %s' % (spec['login_name'], sorted(have), sorted(want)))
    return problems


def committed_writes(sim):
    """Writes the server committed, by method (a reply dropped after the commit still counts)."""
    counts = collections.Counter()
    for record in sim.log:
        if record['method'] not in ('POST', 'PUT', 'DELETE') or not record['path'].startswith('/api/arsys/'):
            continue
        status = record.get('committed_status') or record['status']
        if status and 200 <= status < 300:
            counts[record['method']] += 1
    return counts


def figures(sim, result):
    """What the run cost and survived, from the simulator's log."""
    log = sim.log
    faults = collections.Counter(record['fault'] for record in log if record.get('fault'))
    logins = sum(1 for record in log if record['path'] == '/api/jwt/login' and record['status'] == 200)
    return dict(requests=len(log), api_calls=result.get('api_calls'), faults=dict(faults),
                injected=sum(faults.values()), relogins=max(0, logins - 1), summary=result.get('summary'))


# ---------------------------------------------------------------------- the server dies mid-run
def die_after_writes(sim, writes, poll=0.005, limit=60.0):
    """A thread that stops the simulator (its port then refuses connections) once it has committed `writes` creates."""
    import threading
    import time

    def watch():
        deadline = time.time() + limit
        while time.time() < deadline:
            if sum(1 for record in sim.log if record['method'] == 'POST' and record['path'].endswith('/User')) >= writes:
                sim.stop()
                return
            time.sleep(poll)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher


def reported_vs_stored(sim, result):
    """Users whose reported action contradicts the stored state: created but missing, failed but there ([] when none)."""
    stored = set(user['Login Name'] for user in sim.state()['users'])
    problems = []
    for user in result['users']:
        if user['action'] == 'created' and user['login_name'] not in stored:
            problems.append('%s reported created, missing' % user['login_name'])
        if user['action'] == 'failed' and user['login_name'] in stored:
            problems.append('%s reported failed, exists' % user['login_name'])
    return problems
