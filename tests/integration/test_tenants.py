"""Many tenants in one run: an inventory whose hosts are tenants (connection local, passwords vaulted), the play
fanning out with forks. One provision run converges all three; a tenant that fails does not stop the others.
The tenants are served side by side: the run waits about as long as the busiest one, not the sum (the wall times:
benchmarks/tenants.py)."""

import os
import shutil

import yaml

from support import ADMIN_PASSWORD, ROOT, run_playbook
from tenants_support import (  # noqa: F401  pylint: disable=unused-import
    connections, converged, tenant_servers, tenants, users_yaml, vaulted_inventory)

PLAYBOOK = os.path.join(ROOT, 'playbooks', 'tenants_provision.yml')


def provision(tmp_path, tenants_, extra_vars=None):
    inventory = tmp_path / 'inventory.yml'
    password_file = vaulted_inventory(inventory, tenants_)
    (tmp_path / 'users.yml').write_text(users_yaml(), encoding='utf-8')
    variables = dict(helix_users_file=str(tmp_path / 'users.yml'))
    variables.update(extra_vars or {})
    return run_playbook(PLAYBOOK, tmp_path, extra_vars=variables, inventory=inventory, verbosity=0,
                        env=dict(ANSIBLE_VAULT_PASSWORD_FILE=str(password_file), ANSIBLE_FORKS='3'))


def in_flight(server):
    """The (start, end) of each request a tenant served."""
    return [(r['time'], r['time'] + r['duration_ms'] / 1000.0) for r in server.log]


def union_seconds(intervals):
    """The seconds during which at least one of the intervals was open."""
    total, end = 0.0, None
    for start, stop in sorted(intervals):
        if end is None or start > end:
            total, end = total + stop - start, stop
        elif stop > end:
            total, end = total + stop - end, stop
    return total


def test_one_run_converges_every_tenant_of_the_inventory_side_by_side(tenants, tmp_path):
    """One run converges the three; their requests (each held 250 ms by the tenant) are served side by side, so the
    run waits about as long as the busiest tenant, not the sum of the three (benchmarks/tenants.py times it)."""
    for server in tenants.values():
        server.configure(latency_ms=250)
    rc, output = provision(tmp_path, tenants)
    assert rc == 0, output
    assert all(converged(server) for server in tenants.values())
    for name in tenants:
        assert 'ok: [%s]' % name in output or 'changed: [%s]' % name in output
    assert 'failed=0' in output and output.count('changed=') == 3
    busy = dict((name, union_seconds(in_flight(server))) for name, server in tenants.items())
    waited = union_seconds(sum((in_flight(server) for server in tenants.values()), []))
    # one tenant after the other, the run would wait the sum
    assert waited < 0.7 * sum(busy.values()), (waited, busy)


def test_a_failing_tenant_does_not_stop_the_others(tenants, tmp_path):
    tenants['tenant-b'].configure(invalid_accounts=['Demo'])  # its service account is barred
    rc, output = provision(tmp_path, tenants)
    assert rc != 0
    assert converged(tenants['tenant-a']) and converged(tenants['tenant-c'])
    assert tenants['tenant-b'].user('multi.one') is None
    recap = dict((line.split(':')[0].strip(), line) for line in output.splitlines() if 'failed=' in line)
    assert 'failed=1' in recap['tenant-b'] and 'failed=0' in recap['tenant-a'] and 'failed=0' in recap['tenant-c']
    assert 'marked invalid' in output  # the tenant's own reason, named


def test_the_tenants_file_connects_each_host_and_names_a_missing_one_without_secrets(tenants, tmp_path):
    """HELIX_TENANTS_FILE (what the AWX "BMC Helix tenants" credential injects): each host's entry sets its
    connection; a host without an entry, or an entry with an unknown key, fails alone, and no message quotes a value."""
    known = connections(tenants)
    known['tenant-c']['helix_pasword'] = 'Typo-Secret-1'
    del known['tenant-b']
    tenants_file = tmp_path / 'tenants.yml'
    tenants_file.write_text(yaml.safe_dump(known), encoding='utf-8')
    playbook = tmp_path / 'connect.yml'
    playbook.write_text(CONNECT, encoding='utf-8')
    shutil.copytree(os.path.join(ROOT, 'playbooks', 'tasks'), str(tmp_path / 'tasks'))
    inventory = tmp_path / 'hosts'
    inventory.write_text(''.join('%s ansible_connection=local\n' % name for name in tenants), encoding='utf-8')
    rc, output = run_playbook(playbook, tmp_path, inventory=inventory, verbosity=1,
                              env=dict(HELIX_TENANTS_FILE=str(tenants_file)))
    assert rc != 0
    assert 'ok: [tenant-a] => {\n    "msg": "%s Demo"' % tenants['tenant-a'].url in output
    assert 'has no tenant tenant-b (it has: tenant-a, tenant-c)' in output
    assert 'tenant-c in the tenants file has unknown keys: helix_pasword' in output
    assert 'Typo-Secret-1' not in output and ADMIN_PASSWORD not in output


CONNECT = """- hosts: all
  gather_facts: false
  tasks:
    - name: Connect
      ansible.builtin.include_tasks: tasks/tenant_connection.yml
    - name: Show the connection (not the password)
      ansible.builtin.debug:
        msg: "{{ helix_url }} {{ helix_username }}"
"""
