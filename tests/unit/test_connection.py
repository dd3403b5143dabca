"""The connection-option table: argument spec, env fallbacks, auth rules, and the doc fragment made from it."""

import os
import subprocess
import sys

import pytest
import yaml

from ansible_collections.helix.users.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.helix.users.plugins.module_utils import connection
from support import COLLECTIONS, ROOT

CONTRACT_OPTIONS = {
    'helix_url': ('str', 'HELIX_URL', False), 'helix_username': ('str', 'HELIX_USERNAME', False),
    'helix_password': ('str', 'HELIX_PASSWORD', True), 'helix_auth_string': ('str', 'HELIX_AUTH_STRING', True),
    'helix_token': ('str', 'HELIX_TOKEN', True), 'validate_certs': ('bool', 'HELIX_VALIDATE_CERTS', False),
    'ca_path': ('path', 'HELIX_CA_PATH', False), 'timeout': ('int', 'HELIX_TIMEOUT', False),
    'max_retries': ('int', 'HELIX_MAX_RETRIES', False),
}


def test_argument_spec_matches_the_contract():
    spec = connection.connection_argument_spec()
    assert set(spec) == set(CONTRACT_OPTIONS)
    for name, (kind, env, secret) in CONTRACT_OPTIONS.items():
        assert spec[name]['type'] == kind
        assert spec[name]['fallback'] == (connection.non_empty_env_fallback, [env])
        assert bool(spec[name].get('no_log')) is secret
    assert spec['validate_certs']['default'] is True
    assert spec['timeout']['default'] == 30
    assert spec['max_retries']['default'] == 3
    assert spec['helix_url']['required'] is True


def test_doc_fragment_is_rendered_from_the_table():
    docs = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    spec = connection.connection_argument_spec()
    assert set(docs) == set(spec)
    for name, option in docs.items():
        assert option['type'] == spec[name]['type']
        assert option.get('default') == spec[name].get('default')
        assert connection.CONNECTION_OPTIONS[name]['env'] in ' '.join(option['description'])
    check = subprocess.run([sys.executable, 'tools/render_doc_fragment.py', '--check'], cwd=ROOT, env=dict(os.environ, PYTHONPATH=COLLECTIONS),
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout


def auth_validator():
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    return ArgumentSpecValidator(connection.connection_argument_spec(), required_one_of=list(connection.REQUIRED_ONE_OF),
                                 required_together=list(connection.REQUIRED_TOGETHER))


@pytest.mark.parametrize('params', [{'helix_token': 't'}, {'helix_username': 'u', 'helix_password': 'p'}])
def test_auth_rules_accept_a_token_or_credentials(params):
    validator = auth_validator()
    result = validator.validate(dict(params, helix_url='http://127.0.0.1:1'))
    assert result.error_messages == []


@pytest.mark.parametrize('params, complaint', [
    ({}, 'one of the following is required: helix_token, helix_username'),
    ({'helix_username': 'u'}, 'parameters are required together: helix_username, helix_password'),
])
def test_auth_rules_refuse_neither(params, complaint):
    validator = auth_validator()
    result = validator.validate(dict(params, helix_url='http://127.0.0.1:1'))
    assert complaint in ' '.join(result.error_messages)


def test_an_empty_environment_variable_counts_as_unset(monkeypatch):
    # what AWX injects for a credential input nobody filled in
    for name in ('HELIX_TIMEOUT', 'HELIX_MAX_RETRIES', 'HELIX_VALIDATE_CERTS', 'HELIX_CA_PATH'):
        monkeypatch.setenv(name, '')
    result = auth_validator().validate(dict(helix_url='http://127.0.0.1:1', helix_token='a-token'))
    assert result.error_messages == []
    params = result.validated_parameters
    assert (params['timeout'], params['max_retries'], params['validate_certs'], params['ca_path']) == (30, 3, True, None)


def test_env_fallbacks_feed_the_spec(monkeypatch):
    monkeypatch.setenv('HELIX_URL', 'http://127.0.0.1:9')
    monkeypatch.setenv('HELIX_TOKEN', 'tok')
    monkeypatch.setenv('HELIX_MAX_RETRIES', '5')
    monkeypatch.setenv('HELIX_VALIDATE_CERTS', 'false')
    validator = auth_validator()
    result = validator.validate({})
    assert result.error_messages == []
    params = result.validated_parameters
    assert params['helix_url'] == 'http://127.0.0.1:9'
    assert params['max_retries'] == 5 and params['validate_certs'] is False
    assert 'tok' in result._no_log_values  # pylint: disable=protected-access
