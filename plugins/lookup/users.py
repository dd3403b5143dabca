# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: users
short_description: Read BMC Helix users in a template, as helix_user_info returns them
version_added: 0.1.0
description:
  - Reads the users of a BMC Helix tenant's User form that match an AR qualification and O(filters), through the
    AR System REST API, and returns them exactly as M(helix.users.helix_user_info) returns its
    RV(helix.users.helix_user_info#module:users), one dict per user, with groups as names in C(groups) and as ids
    in C(group_ids).
  - Every page is read, also past a server cap smaller than O(page_size); failed requests are retried, an expired
    token is renewed with the credentials, and a session the lookup opened is logged out before it returns,
    also when it fails.
  - Use it with C(query()) (or C(lookup(..., wantlist=true))), which always returns a list.
options:
  _terms:
    description:
      - AR qualifications, for example C('Department' = "Sales"), each combined with O(filters) by AND.
      - Each term is read on its own (with O(sort) and O(limit) applying per term) and the results are concatenated
        in the order of the terms; a user matched by two terms appears twice.
      - With no term, the users matching O(filters) are returned, or every user of O(form) when there are no
        O(filters) either. That is only a read, but it may be a large one.
      - A blank term is refused, so that an empty variable does not silently turn into "every user";
        give no term to read every user.
    type: list
    elements: str
    required: false
  filters:
    description:
      - Equality filters, field name to value (or a list of values, any of which matches), ANDed with each term.
        Names and values are quoted by AR's rules, so no value can change what the filter means.
    type: dict
  fields:
    description:
      - The AR fields to fetch. By default the fields behind the keys of
        RV(helix.users.helix_user_info#module:users).
    type: list
    elements: str
  sort:
    description: AR sort order, for example V(Login Name.asc).
    type: str
  limit:
    description: The most users to return per term; V(0) returns all.
    type: int
    default: 0
  page_size:
    description: Entries per request. Every page is read, also past a server cap smaller than this.
    type: int
    default: 500
  form:
    description: The AR form holding users.
    type: str
    default: User
extends_documentation_fragment:
  - helix.users.connection_lookup
seealso:
  - module: helix.users.helix_user_info
author:
  - helix.users maintainers (@helix-users)
'''

EXAMPLES = r'''
- name: The logins of the Sales department, with the connection from HELIX_* environment variables
  ansible.builtin.debug:
    msg: "{{ query('helix.users.users', sales) | map(attribute='login_name') | list }}"
  vars:
    sales: >-
      'Department' = "Sales"

- name: Current Fixed-license users, connection options as keywords (secrets from variables, never literals)
  ansible.builtin.set_fact:
    fixed_users: "{{ query('helix.users.users', filters={'Status': 'Current', 'License Type': 'Fixed'},
                           fields=['Login Name', 'Email Address'], sort='Login Name.asc',
                           helix_url='https://acme-restapi.onbmc.com', helix_token=helix_session.token) }}"

- name: Users of two qualifications, concatenated
  ansible.builtin.debug:
    msg: "{{ query('helix.users.users', sales, support, helix_url=helix_url,
                   helix_username=helix_username, helix_password=vault_helix_password) }}"
  vars:
    sales: >-
      'Department' = "Sales"
    support: >-
      'Department' = "Support"

- name: Every user of the Service Desk group (no term - every user of the form)
  ansible.builtin.debug:
    msg: "{{ query('helix.users.users', fields=['Login Name', 'Group List'])
             | selectattr('groups', 'contains', 'Service Desk') | map(attribute='login_name') | list }}"
'''

RETURN = r'''
_list:
  description:
    - One dict per user, as RV(helix.users.helix_user_info#module:users) of M(helix.users.helix_user_info) returns
      them, with the keys of the fetched fields (C(request_id), C(login_name), C(full_name), C(first_name),
      C(last_name), C(email), C(phone), C(license_type), C(groups), C(group_ids), C(notify_mechanism), C(locale),
      C(time_zone), C(status), C(department), C(company)) and C(values), the raw AR values.
    - C(groups) are group names and C(group_ids) their ids; C(status) and C(license_type) are labels.
  type: list
  elements: dict
'''

from ansible.errors import AnsibleError, AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

try:
    import requests  # noqa: F401  pylint: disable=unused-import
    HAS_REQUESTS = True
except ImportError:  # pragma: no cover - exercised only where requests is missing
    HAS_REQUESTS = False

from ansible_collections.helix.users.plugins.module_utils.connection import CONNECTION_OPTIONS
from ansible_collections.helix.users.plugins.module_utils.errors import HelixError, redact
from ansible_collections.helix.users.plugins.module_utils.groups import GroupResolver
from ansible_collections.helix.users.plugins.module_utils.info import read_selected
from ansible_collections.helix.users.plugins.module_utils.module import with_client
from ansible_collections.helix.users.plugins.module_utils.qualification import balance_problem
from ansible_collections.helix.users.plugins.module_utils.user_form import DEFAULT_INFO_FIELDS, normalize_users

display = Display()
SELECTION_OPTIONS = ('filters', 'fields', 'sort', 'limit', 'page_size', 'form')
SECRET_OPTIONS = tuple(name for name, option in CONNECTION_OPTIONS.items() if option.get('no_log'))


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        try:
            self.set_options(var_options=variables, direct=kwargs)
        except AnsibleError as exc:
            given = [kwargs.get(name) for name in SECRET_OPTIONS if isinstance(kwargs.get(name), str)]
            raise AnsibleLookupError(redact(exc.message, given)) from None
        params = dict((name, self.get_option(name)) for name in CONNECTION_OPTIONS)
        params.update((name, self.get_option(name)) for name in SELECTION_OPTIONS)
        qualifications = self._qualifications(terms)
        self._check(params)
        return self._read(params, qualifications)

    @staticmethod
    def _qualifications(terms):
        """One AR qualification per term; None (every user of the filters) when there is no term."""
        if not terms:
            return [None]
        qualifications = []
        for term in terms:
            if not isinstance(term, str):
                raise AnsibleLookupError('a term is an AR qualification (a string), got %s'
                                         % type(term).__name__)
            if not term.strip():
                raise AnsibleLookupError('a blank term is refused (an empty variable would read'
                                         ' every user); give no term to read every user of the filters')
            problem = balance_problem(term)
            if problem:
                raise AnsibleLookupError('a term has %s: written so it could escape the AND with filters; nothing'
                                         ' was sent' % problem)
            qualifications.append(term.strip())
        return qualifications

    @staticmethod
    def _check(params):
        """What the modules refuse, refused before any request (with_client checks the connection options)."""
        if not HAS_REQUESTS:
            raise AnsibleLookupError('helix.users.users needs the Python library requests on the controller'
                                     ' (pip install requests)')

    def _read(self, params, qualifications):
        def work(client):
            resolver = GroupResolver(client)
            users = []
            for qualification in qualifications:
                selection = dict(params, query=qualification)
                users.extend(normalize_users(read_selected(client, selection, default_fields=DEFAULT_INFO_FIELDS)
                                             .entries, resolver))
            return users
        try:
            return with_client(params, work, pool_size=1, warn=display.warning)[0]
        except HelixError as exc:
            raise AnsibleLookupError(redact(exc, [params[name] for name in SECRET_OPTIONS])) from None
