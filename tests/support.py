"""Helpers shared by the tests: run a module in-process, run a playbook, read the simulator's log."""

import contextlib
import importlib
import io
import json
import os
import subprocess
import sys
from unittest import mock

from ansible.module_utils.common.parameters import PASS_VARS

try:  # ansible-core 2.19 and newer
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core 2.17 and 2.18: AnsibleModule reads basic._ANSIBLE_ARGS when it is set
    @contextlib.contextmanager
    def patch_module_args(args=None):
        """Expose the given module args to AnsibleModule instances made within this context (2.17, 2.18)."""
        from ansible.module_utils import basic  # pylint: disable=import-outside-toplevel
        buffer = json.dumps(dict(ANSIBLE_MODULE_ARGS=args or {})).encode('utf-8')
        with mock.patch.object(basic, '_ANSIBLE_ARGS', buffer):
            yield


# Internal arguments that newer controllers send (2.19: _ansible_tracebacks_for; 2.21: _ansible_inject_invocation).
# An older core's controller never sends them and its AnsibleModule refuses them as unsupported parameters.
NEWER_INTERNAL_ARGS = ('_ansible_tracebacks_for', '_ansible_inject_invocation')

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(ROOT, 'build', 'collections')
ADMIN_USER = 'Demo'
ADMIN_PASSWORD = 'Demo-Passw0rd!'
WRITE_METHODS = ('POST', 'PUT', 'DELETE')
# Every ansible-playbook output of the current test, and the secrets no output may contain
# (tests/integration/conftest.py scans them after each test).
OUTPUTS = []
SECRETS = {ADMIN_PASSWORD}


def leaked(texts, secrets):
    """The secrets (shortened) that appear in any of the texts."""
    return sorted(set(value[:6] + '...' for value in secrets for text in texts if value and value in text))


def secret(value):
    """Register a password or token a test uses, so the leak scan looks for it too; returns it."""
    SECRETS.add(value)
    return value


def ensure_collection_path():
    """build/collections/ansible_collections/helix/users -> the repository, for imports and ansible-playbook.

    build/collections is on the import path through pytest.ini (tests) or PYTHONPATH (the Makefile).
    """
    link = os.path.join(COLLECTIONS, 'ansible_collections', 'helix', 'users')
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        try:
            os.symlink(ROOT, link)
        except FileExistsError:  # another test worker made it first
            pass


def connection(sim, **extra):
    """Module connection options for the simulator, logging in as the admin."""
    options = dict(helix_url=sim.url, helix_username=ADMIN_USER, helix_password=ADMIN_PASSWORD)
    options.update(extra)
    return options


class ModuleExit(Exception):
    pass


def run_module(module, args, check=False, diff=False):
    """Run a module's main() in this process; return its result dict (with 'failed' when it failed).

    :param module: the module's name (helix_user); tests import nothing from plugins/modules themselves.
    """
    if isinstance(module, str):
        module = importlib.import_module('ansible_collections.helix.users.plugins.modules.' + module)
    args = dict(args, _ansible_check_mode=check, _ansible_diff=diff)
    for name in NEWER_INTERNAL_ARGS:  # left out on the cores that do not know them, as their controllers do
        if name[len('_ansible_'):] not in PASS_VARS:
            args.pop(name, None)
    # Ansible keeps warnings and deprecations per process: one in-process run must not hand them to the next
    from ansible.module_utils.common import warnings  # pylint: disable=import-outside-toplevel
    for table in ('_global_warnings', '_global_deprecations'):
        stored = getattr(warnings, table, None)
        if hasattr(stored, 'clear'):
            stored.clear()
    out = io.StringIO()
    with patch_module_args(args), contextlib.redirect_stdout(out):
        try:
            module.main()
        except SystemExit:
            pass
    text = out.getvalue()
    try:
        return json.loads(text)
    except ValueError:
        raise AssertionError('module printed no JSON result: %r' % text[:2000])


def api_requests(sim, methods=None):
    """The simulator's logged API requests (logins and logouts included), optionally of some methods."""
    return [r for r in sim.log if methods is None or r['method'] in methods]


def writes(sim):
    """Logged requests that change entries (logins and logouts are POSTs to /api/jwt, not writes)."""
    return [r for r in sim.log if r['method'] in WRITE_METHODS and r['path'].startswith('/api/arsys/')]


def run_playbook(playbook, tmp_path, extra_vars=None, check=False, diff=False, verbosity=3, env=None,
                 extra_vars_file=None, collections_path=None, cwd=None, inventory=None):
    """Run ansible-playbook (at -vvv by default) with this collection on the path; return (rc, output).

    It runs in cwd (default: the repository), with the implicit localhost unless an inventory is given.

    The output is kept for the secret-leak scan that follows every integration test.
    """
    ensure_collection_path()
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), str(playbook)]
    if inventory:
        command += ['-i', str(inventory)]
    if extra_vars:
        command += ['-e', json.dumps(extra_vars)]
    if extra_vars_file:
        command += ['-e', extra_vars_file]
    if check:
        command.append('--check')
    if diff:
        command.append('--diff')
    if verbosity:
        command.append('-' + 'v' * verbosity)
    run_env = dict(os.environ)
    for name in list(run_env):
        if name.startswith('HELIX_'):
            del run_env[name]
    run_env.update(
        ANSIBLE_COLLECTIONS_PATH=collections_path or COLLECTIONS,
        ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-local'),
        ANSIBLE_REMOTE_TMP=str(tmp_path / 'ansible-remote'),
        ANSIBLE_HOME=str(tmp_path / 'ansible-home'),
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_FORCE_COLOR='0',
        ANSIBLE_RETRY_FILES_ENABLED='0',
        ANSIBLE_DEPRECATION_WARNINGS='0',
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_INVENTORY_UNPARSED_WARNING='0',
        ANSIBLE_LOCALHOST_WARNING='0',
    )
    run_env.update(env or {})
    proc = subprocess.run(command, cwd=str(cwd or ROOT), env=run_env, capture_output=True, text=True, timeout=600, check=False)
    OUTPUTS.append(proc.stdout + proc.stderr)
    return proc.returncode, proc.stdout + proc.stderr


class NoFieldMetadata(object):
    """What a client double needs of the client's field-metadata side (field_calls.FieldCalls): a tenant that tells
    nothing of its fields, so the collection works by its own tables."""

    missing_fields = {}
    notes = []

    def form_fields(self, form):  # pylint: disable=unused-argument
        return None

    def field_names(self, form):  # pylint: disable=unused-argument
        return {}

    def lacks(self, form, names):
        self.missing_fields = dict(self.missing_fields)
        self.missing_fields.setdefault(form, []).extend(names)

    def lacking(self, form):
        return list(self.missing_fields.get(form, []))

    def note(self, text):
        self.notes = self.notes + [text]


FIELDS_PATH = '/api/arsys/v1.0/fields/'


def entry_reads(sim, form=None):
    """Logged GETs of entries (not of field metadata), of one form or all."""
    return [r for r in sim.log if r['method'] == 'GET' and r['path'].startswith('/api/arsys/v1/entry/')
            and (form is None or r['form'] == form)]


def metadata_reads(sim):
    """Logged GETs of field metadata (GET /api/arsys/v1.0/fields/...)."""
    return [r for r in sim.log if r['method'] == 'GET' and r['path'].startswith(FIELDS_PATH)]
