"""Several tenants for one run: three simulators, an inventory whose hosts are tenants (passwords vaulted), the
tenants map an AWX "BMC Helix tenants" credential holds, and the users to provision on each."""

import os
import subprocess
import sys

import pytest
import yaml

from simulator import Simulator
import support

TENANTS = ('tenant-a', 'tenant-b', 'tenant-c')
VAULT_PASSWORD = 'tenants-vault-pw'
USERS = [dict(login_name='multi.one', full_name='Multi One', license_type='Read', department='Ops'),
         dict(login_name='multi.two', full_name='Multi Two', license_type='Fixed'),
         dict(login_name='jdoe', department='Support')]


@pytest.fixture(scope='module')
def tenant_servers():
    servers = dict((name, Simulator(port=0).start()) for name in TENANTS)
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture
def tenants(tenant_servers):
    """Three simulated tenants, each reset to its seeded state."""
    for server in tenant_servers.values():
        server.reset()
    return tenant_servers


def connections(tenants):
    return dict((name, dict(helix_url=server.url, helix_username=support.ADMIN_USER,
                            helix_password=support.ADMIN_PASSWORD)) for name, server in tenants.items())


def vaulted_inventory(path, tenants):
    """An inventory file of the tenants, each password vaulted (by ansible-vault, in a process of its own: Ansible's
    controller code imported here would take over the warnings of the modules the tests run in-process); returns the
    vault password file."""
    password_file = path.parent / 'vault-password'
    password_file.write_text(VAULT_PASSWORD, encoding='utf-8')
    password_file.chmod(0o600)
    vault = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-vault'), 'encrypt_string',
                            '--vault-password-file', str(password_file), '--stdin-name', 'helix_password'],
                           input=support.ADMIN_PASSWORD, capture_output=True, text=True, check=True,
                           env=dict(os.environ, ANSIBLE_HOME=str(path.parent / 'ansible-home')))
    secret = vault.stdout[vault.stdout.index('$ANSIBLE_VAULT'):].strip()
    lines = ['helix_tenants:', '  hosts:']
    for name, server in tenants.items():
        lines += ['    %s:' % name, '      helix_url: %s' % server.url, '      helix_username: %s' % support.ADMIN_USER,
                  '      helix_password: !vault |'] + ['        ' + line.strip() for line in secret.splitlines()]
    lines += ['  vars:', '    ansible_connection: local']
    path.write_text('\n'.join(lines) + '\n', encoding='utf-8')
    return password_file


def users_yaml():
    return yaml.safe_dump(USERS)


def converged(server):
    """The tenant holds the declared users as declared."""
    one, two, jdoe = server.user('multi.one'), server.user('multi.two'), server.user('jdoe')
    return bool(one and two and one['Department'] == 'Ops' and two['License Type'] == 'Fixed'
                and jdoe['Department'] == 'Support')
