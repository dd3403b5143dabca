"""The built collection: what the tarball holds, an install from it, its docs, a playbook run from it,
and the build context of an execution environment."""

import fnmatch
import glob
import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

from support import ADMIN_PASSWORD, ADMIN_USER, ROOT, run_playbook

BIN = os.path.dirname(sys.executable)
# Development files that must never reach the tarball: the build_ignore list of galaxy.yml, checked from outside.
FORBIDDEN = ('tests/*', 'benchmarks/*', 'tools/*', '.ci/*', '.github/*', 'build/*', '.venv*', '.pytest_cache*',
             '.hypothesis*', '.ansible/*', 'Makefile', 'pytest.ini', 'requirements-dev.txt', '.ansible-lint',
             '.gitignore', 'galaxy.yml', 'importer_result.json', 'changelogs/.plugin-cache.yaml', '*.tar.gz', '*.pyc',
             '*__pycache__*', 'extensions/awx/*.tar.gz')
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
    tarball, = [workdir / os.path.basename(path) for path in glob.glob(str(workdir / 'helix-users-*.tar.gz'))]
    installed = workdir / 'installed'
    env = dict(os.environ, ANSIBLE_HOME=str(workdir / 'home'))
    tool('ansible-galaxy', 'collection', 'install', '--force', '-p', str(installed), str(tarball), env=env)
    return tarball, installed


def test_the_tarball_holds_what_users_need_and_nothing_else(built):
    tarball, _installed = built
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    for needed in ('MANIFEST.json', 'FILES.json', 'README.md', 'LICENSE', 'meta/runtime.yml',
                   'meta/execution-environment.yml', 'requirements.txt', 'plugins/action/helix_token.py',
                   'roles/provision/tasks/main.yml', 'roles/offboard/tasks/main.yml', 'roles/audit/tasks/main.yml',
                   'playbooks/demo.yml', 'playbooks/provision.yml', 'playbooks/vars/provision.example.yml',
                   'extensions/awx/credential_type.yml', 'extensions/awx/install_credential_type.yml',
                   'extensions/awx/execution-environment.yml', 'docs/pipelines/README.md', 'docs/pipelines/site.yml',
                   'changelogs/changelog.yaml',
                   'CHANGELOG.rst'):
        assert needed in names, needed
    for module in MODULES:
        assert 'plugins/modules/%s.py' % module in names
    found = sorted(name for name in names for pattern in FORBIDDEN
                   if fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(name + '/', pattern))
    assert found == [], found


def test_the_license_is_the_gpl_3_text(built):
    tarball, _installed = built
    with tarfile.open(tarball) as archive:
        text = archive.extractfile('LICENSE').read().decode('utf-8')
    assert 'GNU GENERAL PUBLIC LICENSE' in text and 'Version 3, 29 June 2007' in text
    with open(os.path.join(ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        assert yaml.safe_load(handle)['license'] == ['GPL-3.0-or-later']


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


def test_the_readme_commands_run_a_ready_playbook_from_the_installed_copy(built, sim, tmp_path):
    """README, Install: find the installed collection with ansible-galaxy collection list, copy the example
    variables out of it, run the playbook by name."""
    _tarball, installed = built
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(installed), ANSIBLE_HOME=str(tmp_path / 'home'))
    listing = json.loads(tool('ansible-galaxy', 'collection', 'list', 'helix.users', '--format', 'json', env=env))
    folder = os.path.join(next(iter(listing)), 'helix', 'users')
    assert os.path.realpath(folder) == os.path.realpath(str(installed / 'ansible_collections' / 'helix' / 'users'))
    example = tmp_path / 'my-users.yml'
    shutil.copy(os.path.join(folder, 'playbooks', 'vars', 'provision.example.yml'), example)
    rc, output = run_playbook('helix.users.provision', tmp_path, extra_vars_file='@' + str(example),
                              env=dict(HELIX_URL=sim.url, HELIX_USERNAME=ADMIN_USER, HELIX_PASSWORD=ADMIN_PASSWORD),
                              collections_path=str(installed))
    assert rc == 0, output
    with open(example, encoding='utf-8') as handle:
        for user in yaml.safe_load(handle)['helix_users']:
            assert sim.user(user['login_name'])['Full Name'] == user['full_name']


def test_ansible_builder_creates_an_execution_environment_context(tmp_path):
    """tools/ee_context.py (make ee-context): the definition, the tarball under its fixed name, the context."""
    dest = tmp_path / 'ee'
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'tools', 'ee_context.py'), '--dest', str(dest)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    context = dest / 'context'
    containerfile = (context / 'Containerfile').read_text()
    assert 'COPY _build /build' in containerfile and 'WORKDIR /build' in containerfile
    assert 'ansible-galaxy collection install' in containerfile
    with tarfile.open(context / '_build' / 'collections' / 'helix-users.tar.gz') as archive:
        manifest = json.load(archive.extractfile('MANIFEST.json'))
    with open(os.path.join(ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        assert manifest['collection_info']['version'] == yaml.safe_load(handle)['version']
    # nothing in the definition names a version or a path of this machine
    for name in ('execution-environment.yml', 'requirements.yml'):
        with open(os.path.join(ROOT, 'extensions', 'awx', name), encoding='utf-8') as handle:
            text = handle.read()
        assert '0.1.0' not in text and '/tmp' not in text and ROOT not in text, name
    # the galaxy stage, as the Containerfile runs it: ansible-galaxy in a copy of _build/
    build = tmp_path / 'build'
    shutil.copytree(context / '_build', build)
    # (on a clean image: no helix.users on the collections path yet, as there is here through build/collections)
    tool('ansible-galaxy', 'collection', 'install', '-r', 'requirements.yml', '-p', str(tmp_path / 'usr-share'),
         cwd=str(build), env=dict(os.environ, ANSIBLE_HOME=str(tmp_path / 'home'),
                                  ANSIBLE_COLLECTIONS_PATH=str(tmp_path / 'usr-share')))
    assert (tmp_path / 'usr-share' / 'ansible_collections' / 'helix' / 'users' / 'meta' / 'runtime.yml').exists()
    with open(os.path.join(ROOT, 'meta', 'execution-environment.yml'), encoding='utf-8') as handle:
        meta = yaml.safe_load(handle)
    assert meta['dependencies']['python'] == 'requirements.txt'
    assert 'requests' in open(os.path.join(ROOT, 'requirements.txt'), encoding='utf-8').read()
