"""The AWX credential type of extensions/awx/: validated and injected the way AWX does it, then used by playbooks
against the simulator with nothing but the injected environment; and the playbook that installs the type."""

import json
import os
import re

import jinja2
import pytest
from jinja2 import sandbox

from ansible_collections.helix.users.plugins.module_utils.connection import CONNECTION_OPTIONS
from awx_support import AWX, Namespace, credential_type, inject
from support import ADMIN_PASSWORD, ADMIN_USER, ROOT, run_playbook, writes

FILE_LABEL = re.compile(r'^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$')
FIELD_KEYS = {'id', 'label', 'type', 'help_text', 'secret', 'multiline', 'format', 'choices', 'default', 'ask_at_runtime'}

PLAYBOOK = '''
- name: A user, with the connection from the environment only
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Declare the user
      helix.users.helix_user:
        login_name: awx.user
        full_name: AWX User
        license_type: Read
      register: declared
    - name: Read it back
      helix.users.helix_user_info:
        login_name: [awx.user]
      register: found
    - name: Check it
      ansible.builtin.assert:
        that:
          - found.count == 1
          - found.users[0].full_name == 'AWX User'
'''


def definition():
    return credential_type()


def required_inputs(url):
    # what a credential made through the API or awx.awx.credential holds: no boolean, which AWX then injects as false
    return dict(helix_url=url, helix_username=ADMIN_USER, helix_password=ADMIN_PASSWORD)


def run_tiny_playbook(tmp_path, env):
    path = tmp_path / 'tiny.yml'
    path.write_text(PLAYBOOK)
    return run_playbook(str(path), tmp_path, env=env)


def test_the_credential_type_passes_awx_validation():
    """The checks AWX makes when the type is saved: the input schema, file labels, and every injector template
    rendering with StrictUndefined when each input is set (so each name it uses is an input or a file)."""
    credential_type = definition()
    assert credential_type['kind'] in ('cloud', 'net')
    fields = credential_type['inputs']['fields']
    ids = [field['id'] for field in fields]
    assert len(ids) == len(set(ids))
    for field in fields:
        assert set(field) <= FIELD_KEYS, field
        assert field['type'] in ('string', 'boolean'), field
    assert set(credential_type['inputs']['required']) <= set(ids)
    files = credential_type['injectors']['file']
    assert all(FILE_LABEL.match(label) for label in files)
    assert 'template' not in files or len(files) == 1, 'several files need the template.LABEL syntax'
    namespace = dict((name, 'EXAMPLE') for name in ids)
    namespace['tower'] = Namespace()
    namespace['tower'].filename = Namespace()
    for label in files:
        setattr(namespace['tower'].filename, label.split('.', 1)[1], 'EXAMPLE_FILENAME')
    strict = sandbox.ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined)
    for kind in ('file', 'env'):
        for template in credential_type['injectors'][kind].values():
            strict.from_string(template).render(**namespace)


def test_the_credential_type_injects_every_connection_variable_but_the_token():
    injected = set(definition()['injectors']['env'])
    options = set(option['env'] for option in CONNECTION_OPTIONS.values())
    assert injected == options - {'HELIX_TOKEN'}


def test_unset_optional_inputs_inject_values_the_modules_accept(sim, tmp_path):
    env = inject(definition(), required_inputs(sim.url), tmp_path / 'awx')
    assert env == {'HELIX_URL': sim.url, 'HELIX_USERNAME': ADMIN_USER, 'HELIX_PASSWORD': ADMIN_PASSWORD,
                   'HELIX_AUTH_STRING': '', 'HELIX_VALIDATE_CERTS': 'true', 'HELIX_CA_PATH': '',
                   'HELIX_TIMEOUT': '30', 'HELIX_MAX_RETRIES': '3'}
    rc, output = run_tiny_playbook(tmp_path, env)
    assert rc == 0, output
    assert sim.user('awx.user')['Full Name'] == 'AWX User'


def test_an_empty_variable_counts_as_unset(sim, tmp_path):
    """AWX injects an input nobody filled in as an empty string: the modules take their defaults."""
    env = dict(inject(definition(), required_inputs(sim.url), tmp_path / 'awx'), HELIX_TIMEOUT='', HELIX_MAX_RETRIES='',
               HELIX_VALIDATE_CERTS='', HELIX_CA_PATH='')
    rc, output = run_tiny_playbook(tmp_path, env)
    assert rc == 0, output
    assert sim.log and all(r['ar_timeout'] == '30' for r in sim.log)  # the default timeout


def test_timeout_and_retries_inputs_reach_the_modules(sim, tmp_path):
    inputs = dict(required_inputs(sim.url), helix_timeout='7', helix_max_retries='0')
    env = inject(definition(), inputs, tmp_path / 'awx')
    assert (env['HELIX_TIMEOUT'], env['HELIX_MAX_RETRIES']) == ('7', '0')
    sim.configure(fail_first=1, fail_first_status=503)
    rc, output = run_tiny_playbook(tmp_path, env)
    assert rc != 0 and 'failed with HTTP 503' in output
    assert [r['path'] for r in sim.log].count('/api/jwt/login') == 1, 'max_retries 0: one try, no retry'
    assert sim.user('awx.user') is None
    # the module default (3 retries) rides out the same fault
    env = inject(definition(), required_inputs(sim.url), tmp_path / 'awx')
    sim.configure(fail_first=1, fail_first_status=503)
    rc, output = run_tiny_playbook(tmp_path, env)
    assert rc == 0, output


def test_the_ca_bundle_input_makes_an_https_run_verify(tls_sim, tls_files, tmp_path):
    with open(tls_files['ca'], encoding='utf-8') as handle:
        ca_pem = handle.read()
    env = inject(definition(), dict(required_inputs(tls_sim.url), helix_ca_bundle=ca_pem), tmp_path / 'awx')
    assert tls_sim.url.startswith('https://')
    assert env['HELIX_VALIDATE_CERTS'] == 'true'
    with open(env['HELIX_CA_PATH'], encoding='utf-8') as handle:
        assert handle.read() == ca_pem
    rc, output = run_tiny_playbook(tmp_path, env)
    assert rc == 0, output
    assert tls_sim.user('awx.user') is not None


def test_without_the_ca_bundle_the_https_run_refuses_the_certificate(tls_sim, tls_files, tmp_path):
    env = inject(definition(), required_inputs(tls_sim.url), tmp_path / 'awx')
    rc, output = run_tiny_playbook(tmp_path, env)
    assert rc != 0 and 'TLS failure' in output
    # a bundle of another authority does not do either
    with open(tls_files['other_ca'], encoding='utf-8') as handle:
        env = inject(definition(), dict(required_inputs(tls_sim.url), helix_ca_bundle=handle.read()),
                     tmp_path / 'awx-other')
    rc, output = run_tiny_playbook(tmp_path, env)
    assert rc != 0 and 'TLS failure' in output
    assert writes(tls_sim) == [] and tls_sim.user('awx.user') is None


# ------------------------------------------------------------ TLS verification: on unless someone turned it off
def test_verification_is_on_unless_skip_tls_verification_is_set_true(tmp_path):
    """The injectors of credential_type.yml, rendered as AWX renders them: the boolean unset (a credential made
    through the API or awx.awx.credential without it), false and true."""
    fields = dict((field['id'], field) for field in definition()['inputs']['fields'])
    booleans = [name for name, field in fields.items() if field['type'] == 'boolean']
    assert booleans == ['helix_skip_tls_verify'], 'an unset boolean is false in AWX: only "skip" may be one'
    assert fields['helix_skip_tls_verify'].get('default') is False
    rendered = {}
    for case, extra in (('unset', {}), ('false', dict(helix_skip_tls_verify=False)),
                        ('true', dict(helix_skip_tls_verify=True))):
        env = inject(definition(), dict(required_inputs('https://acme.onbmc.com'), **extra), tmp_path / case)
        rendered[case] = env['HELIX_VALIDATE_CERTS']
    assert rendered == {'unset': 'true', 'false': 'true', 'true': 'false'}


def test_with_the_boolean_unset_and_no_ca_the_login_fails_on_the_certificate(tls_sim, tmp_path):
    """A self-signed (private CA) tenant, the credential made without the boolean and without a CA bundle."""
    env = inject(definition(), required_inputs(tls_sim.url), tmp_path / 'awx')
    rc, output = run_tiny_playbook(tmp_path, env)
    assert rc != 0
    assert 'TLS failure' in output and 'CERTIFICATE_VERIFY_FAILED' in output.upper().replace(' ', '_')
    # the handshake failed: not even the login reached the server
    assert tls_sim.log == [] and tls_sim.user('awx.user') is None


def test_skip_tls_verification_true_connects_without_a_ca(tls_sim, tmp_path):
    env = inject(definition(), dict(required_inputs(tls_sim.url), helix_skip_tls_verify=True), tmp_path / 'awx')
    assert env['HELIX_VALIDATE_CERTS'] == 'false' and env['HELIX_CA_PATH'] == ''
    rc, output = run_tiny_playbook(tmp_path, env)
    assert rc == 0, output
    assert tls_sim.user('awx.user')['Full Name'] == 'AWX User'


def test_a_run_without_verification_warns_once(tls_sim, tmp_path):
    env = inject(definition(), dict(required_inputs(tls_sim.url), helix_skip_tls_verify=True), tmp_path / 'awx')
    rc, output = run_tiny_playbook(tmp_path, env)
    assert rc == 0, output
    warnings = [line for line in output.splitlines() if 'WARNING' in line and 'verif' in line.lower()]
    assert 1 <= len(warnings) <= 2, warnings  # the play runs two modules: at most one warning per module run


STUB_MODULE = '''#!/usr/bin/python
import json
import os

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(name=dict(required=True), description=dict(), kind=dict(),
                                              inputs=dict(type='dict'), injectors=dict(type='dict'), state=dict()))
    with open(os.environ['AWX_STUB_RECORD'], 'w') as handle:
        json.dump(module.params, handle)
    module.exit_json(changed=True)


main()
'''


@pytest.fixture
def awx_stub(tmp_path):
    """A stand-in awx.awx collection whose credential_type module records what it was given."""
    modules = tmp_path / 'stub' / 'ansible_collections' / 'awx' / 'awx' / 'plugins' / 'modules'
    modules.mkdir(parents=True)
    (modules / 'credential_type.py').write_text(STUB_MODULE)
    (modules.parent.parent / 'galaxy.yml').write_text('namespace: awx\nname: awx\nversion: 1.0.0\n')
    return str(tmp_path / 'stub')


def test_install_credential_type_sends_the_definition_untemplated(awx_stub, tmp_path):
    record = tmp_path / 'sent.json'
    collections = os.pathsep.join([awx_stub, os.path.join(ROOT, 'build', 'collections')])
    rc, output = run_playbook(os.path.join(AWX, 'install_credential_type.yml'), tmp_path,
                              collections_path=collections, env=dict(AWX_STUB_RECORD=str(record)))
    assert rc == 0, output
    sent = json.loads(record.read_text())
    credential_type = definition()
    # the injectors reach AWX as the templates they are, not rendered by the installing play
    for key in ('name', 'description', 'kind', 'inputs', 'injectors'):
        assert sent[key] == credential_type[key], key
    assert sent['state'] == 'present'
