"""AWX jobs over an inventory of tenants, run as a controller hands them to an execution node (ansible-runner
transmit | worker | process): one "BMC Helix tenants" credential (extensions/awx/credential_type_tenants.yml,
rendered into env/envvars and a file as AWX renders it) holds the connections of the three tenants, since AWX
attaches one credential of a type to a job (awx issue 5911). The tenants' state, the job events (no secret in
any of them, nor in the extra variables) and the set_stats artifacts are checked; then the inventory in two
slices, each slice its own job, converging every tenant together."""

import json

import yaml

import awx_support
import support
from tenants_support import TENANTS, connections, converged, tenant_servers, tenants, users_yaml  # noqa: F401  pylint: disable=unused-import


def project(tmp_path):
    found = awx_support.project_dir(tmp_path / 'project')
    (found / 'users.yml').write_text(users_yaml(), encoding='utf-8')
    return found


def secrets_of(tenants_):
    found = {support.ADMIN_PASSWORD}
    for server in tenants_.values():
        found.update(server.issued_tokens())
    return found


def test_provision_and_audit_jobs_reach_every_tenant_with_one_tenants_credential(tenants, tmp_path):
    env = awx_support.tenants_env(connections(tenants), tmp_path / 'awx')
    assert set(env) == {'HELIX_TENANTS_FILE'}  # the connections are in a file of the job, not in its environment
    with open(env['HELIX_TENANTS_FILE'], encoding='utf-8') as handle:
        assert sorted(yaml.safe_load(handle)) == sorted(TENANTS)
    inventory = awx_support.tenants_inventory(TENANTS)
    extra_vars = dict(helix_users_file='users.yml')
    job = awx_support.run_job(tmp_path / 'provision', 'playbooks/tenants_provision.yml', extra_vars, env,
                              project=project(tmp_path), inventory=inventory)
    assert job.status == 'successful', job.stdout
    assert all(converged(server) for server in tenants.values())
    counts = dict(created=2, updated=1, obsoleted=0, reactivated=0, deleted=0, unchanged=0, failed=0, unknown=0,
                  check_mode=False)
    by_host = job.artifacts['helix_provision_by_host']
    assert sorted(by_host) == sorted(TENANTS) and all(dict(counts, **by_host[name]) == dict(
        by_host[name], **counts) for name in TENANTS), by_host
    assert 'helix_provision' not in job.artifacts  # several tenants: no one tenant's counts stand for the others'
    audit = awx_support.run_job(tmp_path / 'audit', 'playbooks/tenants_audit.yml', {}, env,
                                project=project(tmp_path / 'audit-project'), inventory=inventory)
    assert audit.status == 'successful', audit.stdout
    reports = audit.artifacts['helix_audit_by_host']
    assert sorted(reports) == sorted(TENANTS)
    for name, server in tenants.items():
        current = sum(1 for user in server.state()['users'] if user['Status'] == 'Current')
        assert int(reports[name]['count']) == current
    for finished in (job, audit):
        assert finished.leaks(secrets_of(tenants)) == []
        assert support.ADMIN_PASSWORD not in json.dumps(extra_vars)


def test_sliced_jobs_over_the_tenants_converge_every_tenant(tenants, tmp_path):
    """A sliced job template: AWX splits the inventory into slices, each a job of its own with its part of the hosts
    and the same credentials; together they converge every tenant."""
    env = awx_support.tenants_env(connections(tenants), tmp_path / 'awx')
    parts = awx_support.slices(TENANTS, 2)
    assert parts == [['tenant-a', 'tenant-c'], ['tenant-b']]
    jobs = []
    for number, hosts in enumerate(parts, 1):
        job = awx_support.run_job(tmp_path / ('slice-%d' % number), 'playbooks/tenants_provision.yml',
                                  dict(helix_users_file='users.yml'), env, project=project(tmp_path / str(number)),
                                  inventory=awx_support.tenants_inventory(hosts))
        assert job.status == 'successful', job.stdout
        assert sorted(job.artifacts['helix_provision_by_host']) == sorted(hosts)
        assert job.leaks(secrets_of(tenants)) == []
        jobs.append(job)
        untouched = [name for name in TENANTS if name not in sum(parts[:number], [])]
        assert not any(converged(tenants[name]) for name in untouched)
    assert all(converged(server) for server in tenants.values())
