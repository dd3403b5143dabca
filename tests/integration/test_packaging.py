"""The built collection: what the tarball holds, an install from it, its docs, a playbook run from it,
and the build context of an execution environment."""

import csv
import fnmatch
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import textwrap

import pytest
import requests
import yaml

from support import ADMIN_PASSWORD, ADMIN_USER, OUTPUTS, ROOT, run_playbook

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
                   'extensions/awx/execution-environment.yml', 'extensions/awx/job_templates.yml',
                   'extensions/awx/credential_type_tenants.yml', 'extensions/eda/plugins/event_source/changes.py',
                   'extensions/eda/rulebooks/users_outside_pipeline.yml', 'extensions/eda/rulebooks/people_offboarding.yml',
                   'playbooks/offboard_person_event.yml', 'playbooks/tenants_provision.yml', 'playbooks/tenants_audit.yml',
                   'playbooks/tasks/tenant_connection.yml', 'playbooks/tenants/inventory.example.yml',
                   'roles/provision/vars/main.yml', 'roles/offboard/vars/main.yml', 'roles/audit/vars/main.yml',
                   'docs/pipelines/README.md', 'docs/pipelines/site.yml',
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


# ------------------------------------------------------------------------------------- the README's examples
FENCE = re.compile(r'^( *)```(\w*)\n(.*?)^\1```', re.M | re.S)
# Every fenced example of the README, by a text it holds: run by a test below, or why not.
NOT_RUN = {
    'ansible-galaxy collection install helix.users': 'installs from Galaxy, which tests do not reach (the install of '
                                                     'the built tarball is the `built` fixture)',
    'ansible-playbook site.yml -e ansible_python_interpreter': 'names the reader\'s own playbook and virtualenv',
    'ansible-galaxy collection install awx.awx': 'needs Galaxy and a controller: test_awx.py runs '
                                                 'install_credential_type.yml against a stand-in awx.awx',
    'extensions/awx/job_templates.yml': 'needs a controller: test_awx_jobs.py checks it against awx.awx\'s '
                                        'argument specs',
    'make ee-context': 'ansible-builder build needs a container runtime; '
                       'test_ansible_builder_creates_an_execution_environment_context runs the context step',
    'make demo': 'the whole suite and the demo (test_the_demo_runs_from_the_installed_copy_on_either_labelling)',
    'integration_config.yml.template': 'needs a real tenant',
    'vault_acme_password': 'names real tenants: test_tenants.py runs an inventory of this shape (passwords vaulted) '
                           'against three simulators',
    'helix.users.tenants_provision -i inventory.yml': 'names real tenants and a vault: test_tenants.py runs the '
                                                      'playbook over three simulators',
    'helix_credential_type_file=': 'needs a controller: test_awx_tenants.py renders the type as AWX does and runs '
                                   'its jobs',
    '{helix: {form: User': 'an event, not a play: test_event_source.py checks the shape',
    'ansible-rulebook -r users_outside_pipeline.yml': 'names a real tenant: test_eda_rulebooks.py runs the rulebooks '
                                                      'in ansible-rulebook against the simulator',
}
RUN = {
    'ansible-galaxy collection build --output-path build/': 'test_readme_build_from_a_clone',
    'ansible-galaxy collection list helix.users': 'test_readme_install_commands_run_from_the_installed_copy',
    'ansible_python_interpreter: "{{ ansible_playbook_python }}"': 'test_readme_plays_run_from_the_installed_copy',
    'name: Log in once': 'test_readme_plays_run_from_the_installed_copy',
    "query('helix.users.users', sales)": 'test_readme_plays_run_from_the_installed_copy',
    '-m simulator --port 8008': 'test_readme_simulator_commands',
    'export HELIX_URL=http://127.0.0.1:8008': 'test_readme_simulator_commands',
    '-m trustme': 'test_readme_simulator_commands',
    'export HELIX_URL=https://127.0.0.1:8443': 'test_readme_simulator_commands',
}


def readme_examples(folder):
    """The fenced examples of the README in folder: (language, text without the list indentation)."""
    with open(os.path.join(str(folder), 'README.md'), encoding='utf-8') as handle:
        text = handle.read()
    return [(lang, textwrap.dedent(body)) for _indent, lang, body in FENCE.findall(text)]


def example(folder, key):
    found, = [body for _lang, body in readme_examples(folder) if key in body]
    return found


def installed_folder(built):
    return built[1] / 'ansible_collections' / 'helix' / 'users'


def shell(script, cwd, env, timeout=300):
    """Run a README example with bash -e, as a reader pastes it; the venv's tools first on the PATH."""
    run_env = dict((name, value) for name, value in os.environ.items() if not name.startswith('HELIX_'))
    run_env.update(env, PATH=BIN + os.pathsep + os.environ.get('PATH', ''), ANSIBLE_NOCOLOR='1',
                   ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING='0')
    proc = subprocess.run(['bash', '-e', '-c', script], cwd=str(cwd), env=run_env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    OUTPUTS.append(proc.stdout + proc.stderr)
    assert proc.returncode == 0, script + '\n' + proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def ansible_env(tmp_path, installed):
    return dict(ANSIBLE_COLLECTIONS_PATH=str(installed), ANSIBLE_HOME=str(tmp_path / 'ansible-home'),
                ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-local'), ANSIBLE_REMOTE_TMP=str(tmp_path / 'ansible-remote'))


def test_every_readme_example_is_run_or_says_why_not(built):
    examples = readme_examples(installed_folder(built))
    assert readme_examples(ROOT) == examples  # the installed README is this one
    for lang, body in examples:
        keys = [key for key in list(NOT_RUN) + list(RUN) if key in body]
        assert len(keys) == 1, 'a README example needs a test here (or a reason in NOT_RUN):\n' + body
        assert lang in ('sh', 'yaml'), body
    assert len(examples) == len(NOT_RUN) + len(RUN)


def test_readme_install_commands_run_from_the_installed_copy(built, sim, tmp_path):
    """README, Install: find the installed collection, copy the example variables out of it, run the three ready
    playbooks by name, dry runs first; only the tenant's address and login differ from the text."""
    script = example(installed_folder(built), 'ansible-galaxy collection list helix.users')
    tenant = "export HELIX_URL=https://acme-restapi.onbmc.com HELIX_USERNAME=svc-ansible HELIX_PASSWORD='...'"
    assert tenant in script
    script = script.replace(tenant, 'export HELIX_URL=%s HELIX_USERNAME=%s HELIX_PASSWORD=%s' % (
        sim.url, ADMIN_USER, ADMIN_PASSWORD))
    work = tmp_path / 'work'
    work.mkdir()
    shell(script, work, ansible_env(tmp_path, built[1]))
    with open(work / 'my-users.yml', encoding='utf-8') as handle:
        for user in yaml.safe_load(handle)['helix_users']:
            assert sim.user(user['login_name'])['Full Name'] == user['full_name']
    with open(work / 'leavers.yml', encoding='utf-8') as handle:
        for login in yaml.safe_load(handle)['helix_offboard_logins']:
            assert sim.user(login)['Status'] in ('Disabled', 'Obsolete')
    with open(work / 'helix-reports' / 'helix-users.csv', encoding='utf-8', newline='') as handle:
        rows = list(csv.DictReader(handle))
    fixed = [u['Login Name'] for u in sim.state()['users'] if u['Status'] == 'Current' and u['License Type'] == 'Fixed']
    assert sorted(row['Login Name'] for row in rows) == sorted(fixed) and 'alice' in fixed


def set_department(sim, login, department):
    """Give a stored user a department, through the simulator's REST API."""
    session = requests.Session()
    token = session.post(sim.url + '/api/jwt/login', data=dict(username=ADMIN_USER, password=ADMIN_PASSWORD)).text
    session.headers['Authorization'] = 'AR-JWT ' + token
    reply = session.put('%s/api/arsys/v1/entry/User/%s' % (sim.url, sim.user(login)['Request ID']),
                        json=dict(values=dict(Department=department)))
    assert reply.status_code == 204, reply.text
    session.post(sim.url + '/api/jwt/logout')


def test_readme_plays_run_from_the_installed_copy(built, sim, tmp_path):
    """README's playbooks, one after the other in one file: the interpreter setting, the tenant play (with the
    simulator's address for acme-restapi.onbmc.com and the vault variables given), and the lookup in both its forms."""
    folder = installed_folder(built)
    plays = [example(folder, key) for key in (
        'ansible_python_interpreter: "{{ ansible_playbook_python }}"', 'name: Log in once',
        "query('helix.users.users', sales)")]
    assert 'https://acme-restapi.onbmc.com' in plays[1]
    plays[1] = plays[1].replace('https://acme-restapi.onbmc.com', sim.url)
    playbook = tmp_path / 'readme.yml'
    playbook.write_text('\n'.join(plays), encoding='utf-8')
    set_department(sim, 'jdoe', 'Sales')
    rc, output = run_playbook(str(playbook), tmp_path, verbosity=0, collections_path=str(built[1]),
                              extra_vars=dict(vault_helix_username=ADMIN_USER, vault_helix_password=ADMIN_PASSWORD),
                              env=dict(HELIX_URL=sim.url, HELIX_USERNAME=ADMIN_USER, HELIX_PASSWORD=ADMIN_PASSWORD))
    assert rc == 0, output
    assert sim.user('jdoe')['Group List'] == '1000000001;1000000002;'  # Service Desk, Incident Master
    assert output.count('"jdoe"') == 2, output  # the Sales users, in both forms


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def test_readme_simulator_commands(built, tmp_path):
    """README, The simulator: start it (over HTTP, then over HTTPS with a trustme CA) and run a ready playbook
    against it from another shell, in a folder laid out like the clone (its .venv and tests/), with
    build/collections holding the installed copy. Only the port numbers differ from the text."""
    clone = tmp_path / 'clone'
    (clone / 'build').mkdir(parents=True)
    for name in ('.venv', 'tests'):
        os.symlink(os.path.join(ROOT, name), str(clone / name))
    os.symlink(str(built[1]), str(clone / 'build' / 'collections'))
    folder = installed_folder(built)
    env = ansible_env(tmp_path, built[1])
    del env['ANSIBLE_COLLECTIONS_PATH']  # the examples give it
    for start_key, use_key, default_port, rows in (
            ('-m simulator --port 8008', 'export HELIX_URL=http://127.0.0.1:8008', '8008', 102),  # 100 seeded
            ('-m trustme', 'export HELIX_URL=https://127.0.0.1:8443', '8443', 2)):
        port = str(free_port())
        start = example(folder, start_key).replace(default_port, port).strip().splitlines()
        for line in start[:-1]:  # trustme: the CA and the certificate
            shell(line, clone, env)
        server = subprocess.Popen(['bash', '-c', start[-1]], cwd=str(clone), stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            assert 'Helix simulator listening on' in server.stdout.readline()
            shutil.rmtree(str(clone / 'build' / 'sim-audit'), ignore_errors=True)
            output = shell(example(folder, use_key).replace(default_port, port), clone, env)
            assert 'failed=0' in output
            with open(clone / 'build' / 'sim-audit' / 'helix-users.csv', encoding='utf-8', newline='') as handle:
                assert len(list(csv.DictReader(handle))) == rows  # the current users: Demo, jdoe (and the seeded)
        finally:
            os.killpg(server.pid, signal.SIGTERM)  # bash and the simulator it started
            server.wait(timeout=30)


def test_readme_build_from_a_clone(tmp_path):
    """README, Install, from a clone: build into the clone's build/ and install the tarball (here into a
    collections path of the test's own)."""
    script = example(ROOT, 'ansible-galaxy collection build --output-path build/')
    before = set(glob.glob(os.path.join(ROOT, 'build', 'helix-users-*.tar.gz')))
    try:
        shell(script, ROOT, dict(ANSIBLE_COLLECTIONS_PATH=str(tmp_path / 'collections'),
                                 ANSIBLE_HOME=str(tmp_path / 'ansible-home')))
    finally:
        for path in set(glob.glob(os.path.join(ROOT, 'build', 'helix-users-*.tar.gz'))) - before:
            os.remove(path)
    assert (tmp_path / 'collections' / 'ansible_collections' / 'helix' / 'users' / 'MANIFEST.json').exists()


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
