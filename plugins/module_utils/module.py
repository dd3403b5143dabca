# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HelixModule: what every helix.users module shares, written once.

A module states its own options and its work; the base class adds the connection
options and their authentication rules, masks secrets hidden in raw options before
Ansible's own validation can echo them, checks every range before anything is sent,
builds the client, runs the work, always logs out what it logged in, and turns
errors into failures that carry the AR messages and no secret.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import gc
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.helix.users.plugins.module_utils import ar_client
from ansible_collections.helix.users.plugins.module_utils import strict
from ansible_collections.helix.users.plugins.module_utils.connection import (
    CONNECTION_OPTIONS,
    REQUIRED_ONE_OF,
    REQUIRED_TOGETHER,
    build_client,
    connection_argument_spec,
    connection_problems,
    range_problems,
    url_userinfo,
)
from ansible_collections.helix.users.plugins.module_utils.errors import HelixError
from ansible_collections.helix.users.plugins.module_utils.masking import SecretMasker
from ansible_collections.helix.users.plugins.module_utils.qualification import qualification_problems

# Up to this many secrets, Ansible's own masking of the result is cheap enough.
FEW_SECRETS = 16


class HelixModule(AnsibleModule):
    """AnsibleModule with the connection options, range checks, the client's life cycle and error mapping.

    :param argument_spec: the module's own options (the connection options are added).
    :param raw_secrets: callable(raw params) -> secrets inside options Ansible can not mark no_log
        (passwords in the items of a raw list); they are masked from the first output on.
    """

    def __init__(self, argument_spec, required_one_of=None, required_together=None, raw_secrets=None,
                 numeric_fields=(), **kwargs):
        self._raw_secrets = raw_secrets
        self._numeric_fields = numeric_fields
        spec = connection_argument_spec()
        spec.update(argument_spec)
        super(HelixModule, self).__init__(
            argument_spec=spec,
            required_one_of=list(REQUIRED_ONE_OF) + list(required_one_of or []),
            required_together=list(REQUIRED_TOGETHER) + list(required_together or []),
            supports_check_mode=True,
            **kwargs)
        problems = range_problems(self.params)
        if problems:
            self.fail_json(msg=problems[0])

    def _load_params(self):
        # Runs inside AnsibleModule.__init__, before validation: a validation failure echoes the
        # raw options, so their hidden secrets must be known as secrets by then.
        super(HelixModule, self)._load_params()
        # the strict door may fail before Ansible's validation marks no_log options as secret, and ansible-core
        # before 2.21 returns the raw arguments with any failure: their secrets are known as secrets from here on
        self.no_log_values.update(str(value) for name, value in self.params.items() if value not in (None, '') and
                                  self.argument_spec.get(name, {}).get('no_log') and isinstance(value, (str, int)))
        if self._raw_secrets is not None:
            self.no_log_values.update(str(value) for value in self._raw_secrets(self.params) if value)
        userinfo = url_userinfo(self.params.get('helix_url'))
        if userinfo:
            self.no_log_values.update([userinfo, self.params['helix_url']])
        for name, value in self.params.items():
            if isinstance(value, str) and self.argument_spec.get(name, {}).get('type') == 'list' and \
                    self.argument_spec[name].get('elements') in ('raw', 'dict'):
                self.no_log_values.add(value)  # items as one string (users): they may hold passwords

    def _set_internal_properties(self):
        # Runs inside AnsibleModule.__init__ right after _load_params, before Ansible converts the options:
        # the one strict door sees them as they were given (strict.py).
        super(HelixModule, self)._set_internal_properties()
        problems = [problem for problem in connection_problems(self.params) if 'credentials' in problem]
        problems += strict.problems(self.params, self.argument_spec, numeric_fields=self._numeric_fields)
        problems += qualification_problems(self.params)
        if problems:
            self.fail_json(msg='nothing was sent: %s' % '; '.join(problems), problems=problems)

    def fail_json(self, msg, **kwargs):  # pylint: disable=arguments-differ
        kwargs = self._mask_many_secrets(dict(kwargs, msg=_name_env_fallbacks(msg)))
        super(HelixModule, self).fail_json(**kwargs)

    def exit_json(self, **kwargs):
        super(HelixModule, self).exit_json(**self._mask_many_secrets(kwargs))

    def _log_invocation(self):
        # Ansible logs the arguments (syslog, journal) masked its own way, every secret on every string:
        # with many secrets, they are masked here first, and it is handed nothing left to mask.
        if len(self.no_log_values) <= FEW_SECRETS:
            return super(HelixModule, self)._log_invocation()
        params, secrets = self.params, self.no_log_values
        self.params, self.no_log_values = SecretMasker(secrets).tree(params), set()
        try:
            return super(HelixModule, self)._log_invocation()
        finally:
            self.params, self.no_log_values = params, secrets

    def _mask_many_secrets(self, result):
        """The result (and the invocation Ansible may echo) masked here when the secrets are many.

        Ansible's own masking tries every secret on every string; with a password in each of thousands
        of users items that costs more than the whole run. Masked here first, nothing is left for it to do.
        """
        if len(self.no_log_values) <= FEW_SECRETS:
            return result
        masker = SecretMasker(self.no_log_values)
        result = masker.tree(result)
        if 'invocation' not in result:
            # Ansible adds the module's arguments (newer cores only when asked); masked here, it takes these
            result['invocation'] = {'module_args': masker.tree(self.params)}
        self.no_log_values = set()
        return result

    def run(self, work, pool_size=10):
        """Build the client, return work(client)'s result dict with api_calls, log out, exit.

        work may raise HelixError, with extra result keys in exc.result.
        """
        if not ar_client.HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib('requests'), exception=str(ar_client.REQUESTS_IMPORT_ERROR))
        notes = []
        try:
            result, api_calls = with_client(self.params, work, pool_size=pool_size, warn=self.warn, notes=notes)
        except HelixError as failure:
            extra = dict(getattr(failure, 'result', None) or {})
            extra.update(failure.as_dict())
            if getattr(failure, 'trace', None):
                extra['exception'] = failure.trace
            if notes:
                extra['notes'] = notes
            self.fail_json(msg=str(failure), api_calls=getattr(failure, 'api_calls', 0), **extra)
        result['api_calls'] = api_calls
        if notes:
            result['notes'] = notes  # what the run learned of the tenant (no field metadata...): shown at -v
        self.exit_json(**result)


@contextlib.contextmanager
def paused_gc():
    """The cyclic garbage collector paused while a bulk run builds and compares 100,000s of small objects.

    Reference counting frees almost all of them; the collector would only scan the growing heap again and
    again (1 to 2 s at 100,000 users). It runs again when the block ends, also on exit_json or fail_json.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def with_client(params, work, pool_size=10, warn=None, notes=None):
    """The life cycle every module and the lookup share: build the client from the connection options,
    return (work(client), api_calls), and always close the client (logging out a token it logged in).

    Raises HelixError, its message free of every secret the client held, with `api_calls`; a failure
    nobody foresaw becomes HelixError('unexpected ...') with its redacted traceback as `trace`.

    :param warn: callable(text): warnings, also one per field a form of the tenant lacked (a field read only
        for display or copying, left out).
    :param notes: a list that receives the client's notes (field metadata unavailable...).
    """
    client = build_client(params, pool_size=pool_size)
    if warn is not None and params.get('validate_certs') is False:
        warn('TLS certificate verification is off (validate_certs: false): anyone between this host and %s can read'
             ' the credentials and tokens; give ca_path instead for a private certificate authority' % client.base_url)
    result = failure = None
    try:
        result = work(client)
    except HelixError as exc:
        failure = exc
    except Exception as exc:  # pylint: disable=broad-except
        failure = HelixError('unexpected %s: %s' % (type(exc).__name__, exc))
        failure.trace = client.redact(traceback.format_exc())
    finally:
        client.close()  # its logout counts as a call too
        if warn is not None:
            for form, names in sorted(client.missing_fields.items()):
                warn('form %s of this tenant has no field%s %s (a customised or older form): left out of what this'
                     ' task reads and copies' % (form, '' if len(names) == 1 else 's',
                                                 ', '.join(repr(name) for name in names)))
        if notes is not None:
            notes.extend(client.redact(note) for note in client.notes)
    if failure is None:
        return result, client.api_calls
    failure.msg = client.redact(str(failure))
    failure.api_calls = client.api_calls
    raise failure


def _name_env_fallbacks(msg):
    """Ansible's 'missing required arguments: helix_url' names the option alone; name its variable too."""
    if not isinstance(msg, str) or not msg.startswith(('missing required arguments:', 'one of the following is required:',
                                                       'parameters are required together:')):
        return msg
    named = [name for name in CONNECTION_OPTIONS if name in msg]
    if not named:
        return msg
    return '%s (each can also come from its environment variable: %s)' % (
        msg, ', '.join('%s from %s' % (name, CONNECTION_OPTIONS[name]['env']) for name in named))
