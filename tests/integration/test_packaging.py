"""The built collection: what the tarball holds, an install from it, its docs, a playbook run from it,
and the build context of an execution environment."""

import os
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

from support import ADMIN_PASSWORD, ADMIN_USER, ROOT, run_playbook

BIN = os.path.dirname(sys.executable)
MODULES = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, 'plugins', 'modules')) if name.endswith('.py'))


def tool(name, *args, cwd=None, env=None):
    proc = subprocess.run([os.path.join(BIN, name)] + list(args), cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.fixture(scope='module')
def built(tmp_path_factory):
    """The collection built from this tree and installed into a temporary collections path."""
    workdir = tmp_path_factory.mktemp('build')
    tool('ansible-galaxy', 'collection', 'build', ROOT, '--output-path', str(workdir))
    tarball = workdir / 'helix-users-0.1.0.tar.gz'
    installed = workdir / 'installed'
    env = dict(os.environ, ANSIBLE_HOME=str(workdir / 'home'))
    tool('ansible-galaxy', 'collection', 'install', '--force', '-p', str(installed), str(tarball), env=env)
    return tarball, installed


def test_the_tarball_holds_what_users_need_and_nothing_else(built):
    tarball, _installed = built
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    for needed in ('MANIFEST.json', 'FILES.json', 'README.md', 'meta/runtime.yml', 'meta/execution-environment.yml',
                   'requirements.txt', 'plugins/action/helix_token.py', 'roles/provision/tasks/main.yml',
                   'playbooks/demo.yml', 'extensions/awx/credential_type.yml', 'changelogs/changelog.yaml',
                   'CHANGELOG.rst'):
        assert needed in names, needed
    for module in MODULES:
        assert 'plugins/modules/%s.py' % module in names
    for unwanted in ('tests/', 'benchmarks/', 'tools/', '.ci/', 'Makefile', '.venv/', 'build/'):
        assert not any(name.startswith(unwanted) for name in names), unwanted


def test_every_module_documents_itself_from_the_installed_copy(built):
    _tarball, installed = built
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(installed))
    listing = tool('ansible-doc', '-l', 'helix.users', env=env)
    for module in MODULES:
        assert 'helix.users.%s' % module in listing
        text = tool('ansible-doc', 'helix.users.%s' % module, env=env)
        assert 'helix_url' in text and 'EXAMPLES' in text and 'RETURN VALUES' in text
    roles = tool('ansible-doc', '-t', 'role', '-l', 'helix.users', env=env)
    for role in ('provision', 'offboard', 'audit'):
        assert 'helix.users.%s' % role in roles


def test_the_demo_runs_from_the_installed_copy_on_either_labelling(built, sim, deactivated, tmp_path):
    _tarball, installed = built
    sim.seed_users(5)
    env = dict(HELIX_URL=sim.url, HELIX_USERNAME=ADMIN_USER, HELIX_PASSWORD=ADMIN_PASSWORD)
    rc, output = run_playbook(str(installed / 'ansible_collections' / 'helix' / 'users' / 'playbooks' / 'demo.yml'),
                              tmp_path, env=env, collections_path=str(installed))
    assert rc == 0, output
    assert str(installed) in output or 'ok=' in output
    assert sim.user('alice') is not None and sim.user('user00003')['Status'] == deactivated


def test_ansible_builder_creates_an_execution_environment_context(built, tmp_path):
    tarball, _installed = built
    definition = tmp_path / 'ee'
    shutil.copytree(os.path.join(ROOT, 'extensions', 'awx'), definition)
    shutil.copy(tarball, definition / tarball.name)
    context = tmp_path / 'context'
    tool('ansible-builder', 'create', '--file', str(definition / 'execution-environment.yml'), '--context', str(context),
         '--output-filename', 'Containerfile')
    containerfile = (context / 'Containerfile').read_text()
    # the galaxy stage copies the tarball where requirements.yml points, then installs from it
    assert 'COPY _build/collections/ /tmp/collections/' in containerfile
    assert 'ansible-galaxy collection install' in containerfile
    assert (context / '_build' / 'collections' / tarball.name).exists()
    requirements = yaml.safe_load((context / '_build' / 'requirements.yml').read_text())
    assert requirements['collections'][0]['name'].endswith(tarball.name)
    with open(os.path.join(ROOT, 'meta', 'execution-environment.yml'), encoding='utf-8') as handle:
        meta = yaml.safe_load(handle)
    assert meta['dependencies']['python'] == 'requirements.txt'
    assert 'requests' in open(os.path.join(ROOT, 'requirements.txt'), encoding='utf-8').read()
