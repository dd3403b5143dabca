# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options of every helix.users module, defined once.

CONNECTION_OPTIONS is the single source of truth: it produces the modules'
argument spec (with the HELIX_* environment fallbacks and no_log), the
authentication rules, and the documentation fragment
(plugins/doc_fragments/connection.py renders it), so the three never drift.
module_utils/module.py (HelixModule) applies them to every module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.common.parameters import AnsibleFallbackNotFound

# Each entry: the argument-spec keys (type, required, default, no_log, ...)
# plus 'env' (the fallback variable) and 'description' (list of doc lines).
CONNECTION_OPTIONS = {
    'helix_url': dict(
        type='str', required=True, env='HELIX_URL',
        description=[
            'Base URL of the Helix tenant (its AR System REST API), for example V(https://acme-restapi.onbmc.com)'
            ' or V(http://127.0.0.1:8008) for the bundled simulator.',
            'On BMC Helix SaaS the REST API is served at C(https://<tenant>-restapi.onbmc.com), not at the UI host'
            ' C(https://<tenant>.onbmc.com), which answers with a single sign-on login page.',
        ],
    ),
    'helix_username': dict(
        type='str', env='HELIX_USERNAME',
        description=[
            'Login name used to obtain a token with C(POST /api/jwt/login).',
            'Required with O(helix_password) unless O(helix_token) is given.',
        ],
    ),
    'helix_password': dict(
        type='str', no_log=True, env='HELIX_PASSWORD',
        description=['Password of O(helix_username).'],
    ),
    'helix_auth_string': dict(
        type='str', no_log=True, env='HELIX_AUTH_STRING',
        description=['AR C(authString) sent with the login, for external authentication.'],
    ),
    'helix_token': dict(
        type='str', no_log=True, env='HELIX_TOKEN',
        description=[
            'A token obtained with M(helix.users.helix_token). When given, the module neither logs in nor out,'
            ' so a whole play can share one session.',
            'When credentials are given too, they are used only to log in again if the token expires.',
        ],
    ),
    'validate_certs': dict(
        type='bool', default=True, env='HELIX_VALIDATE_CERTS',
        description=['Whether to verify the TLS certificate of the tenant. Turn off only for testing.'],
    ),
    'ca_path': dict(
        type='path', env='HELIX_CA_PATH',
        description=['A CA bundle (PEM) to verify the tenant certificate with, for private certificate authorities.'],
    ),
    'timeout': dict(
        type='int', default=30, env='HELIX_TIMEOUT',
        description=['Seconds to wait for each HTTP request.'],
    ),
    'max_retries': dict(
        type='int', default=3, env='HELIX_MAX_RETRIES',
        description=[
            'Retries after the first attempt (V(3) means at most 4 tries), with exponential backoff and jitter,'
            ' on connection errors, HTTP 429, HTTP 5xx and AR message 93.',
            'A create whose outcome is unknown is never repeated blindly: the entry is looked up first.',
        ],
    ),
}

# Arguments ansible's argument spec understands; the rest of a table entry is documentation.
_SPEC_KEYS = ('type', 'required', 'default', 'no_log', 'choices', 'aliases', 'elements')

# The smallest value of every integer option a module or lookup has, and what it means when too small.
MINIMUMS = {
    'timeout': (1, 'timeout must be a positive number of seconds, got %d'),
    'max_retries': (0, 'max_retries must be 0 or more, got %d'),
    'page_size': (1, 'page_size must be 1 or more, got %d'),
    'limit': (0, 'limit must be 0 (all) or more, got %d'),
    'concurrency': (1, 'concurrency must be 1 or more, got %d'),
    'purge_limit': (0, 'purge_limit must be 0 or more, got %d'),
}

# Either a token, or a username with a password.
REQUIRED_ONE_OF = (('helix_token', 'helix_username'),)
REQUIRED_TOGETHER = (('helix_username', 'helix_password'),)


def non_empty_env_fallback(*names):
    """The first of these environment variables that is set and not empty.

    AWX injects every input of a credential, an unset one as an empty string: that means "not set",
    not an empty timeout or an invalid boolean.
    """
    for name in names:
        if os.environ.get(name, '') != '':
            return os.environ[name]
    raise AnsibleFallbackNotFound


def connection_argument_spec():
    """The argument spec of the connection options, env fallbacks included."""
    spec = {}
    for name, option in CONNECTION_OPTIONS.items():
        entry = dict((key, option[key]) for key in _SPEC_KEYS if key in option)
        entry['fallback'] = (non_empty_env_fallback, [option['env']])
        spec[name] = entry
    return spec


def url_userinfo(url):
    """The user:password@ part of a URL in any form (with or without a scheme), or None. Never echoed."""
    if not isinstance(url, str):
        return None
    authority = url.split('://', 1)[-1].lstrip('/').split('/', 1)[0]
    return authority.rsplit('@', 1)[0] if '@' in authority else None


def connection_problems(params):
    """What is wrong with the connection options of a module or the lookup, checked before any request."""
    problems = []
    if not params.get('helix_url'):
        problems.append('helix_url is required (or the HELIX_URL environment variable)')
    elif url_userinfo(params['helix_url']) is not None:
        problems.append('helix_url must not carry credentials (it has a user@ part, not shown here); use'
                        ' helix_username and helix_password')
    if not params.get('helix_token') and not (params.get('helix_username') and params.get('helix_password')):
        problems.append('give helix_token, or helix_username with helix_password (or their HELIX_* environment'
                        ' variables)')
    elif bool(params.get('helix_username')) != bool(params.get('helix_password')):
        problems.append('helix_username and helix_password are required together')
    return problems + range_problems(params)


def range_problems(params):
    """What is out of range in params (the options of MINIMUMS they have), checked before any request."""
    return [message % params[name] for name, (minimum, message) in MINIMUMS.items()
            if params.get(name) is not None and params[name] < minimum]


def connection_doc_options():
    """The options section of the documentation fragment, rendered from the table."""
    options = {}
    for name, option in CONNECTION_OPTIONS.items():
        doc = dict(description=list(option['description']) + [
            'If not set, the value of the E(%s) environment variable is used.' % option['env']])
        doc['type'] = option['type']
        for key in ('required', 'default', 'choices', 'aliases', 'elements'):
            if key in option:
                doc[key] = option[key]
        options[name] = doc
    return options


def build_client(params, pool_size=10):
    """An ARClient configured from a module's connection options; HelixError when they are not usable."""
    from ansible_collections.helix.users.plugins.module_utils.ar_client import ARClient
    from ansible_collections.helix.users.plugins.module_utils.errors import HelixConnectionError
    problems = connection_problems(params)
    if problems:
        raise HelixConnectionError('; '.join(problems))
    return ARClient(
        params['helix_url'],
        username=params.get('helix_username'),
        password=params.get('helix_password'),
        auth_string=params.get('helix_auth_string'),
        token=params.get('helix_token'),
        validate_certs=params.get('validate_certs', True),
        ca_path=params.get('ca_path'),
        timeout=params.get('timeout') or 30,
        max_retries=params.get('max_retries', 3),
        pool_size=pool_size,
    )
