#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: helix_user_info
short_description: Read BMC Helix users, by login, AR qualification or field filters
version_added: 0.1.0
description:
  - Reads users of a BMC Helix tenant's User form through the AR System REST API, page after page,
    also past a server cap smaller than O(page_size).
  - Many O(login_name)s are fetched in as few requests as the qualification length allows.
options:
  login_name:
    description: Exact logins to read. Logins that do not exist are simply not returned.
    type: list
    elements: str
    aliases: [name]
  fields:
    description:
      - The AR fields to fetch. By default the fields behind the returned keys (see RV(users)).
    type: list
    elements: str
  form:
    description: The AR form holding users.
    type: str
    default: User
extends_documentation_fragment:
  - helix.users.connection
  - helix.users.info
  - helix.users.attributes
  - helix.users.attributes.INFO_MODULE
notes:
  - When the default fields include one the tenant's User form lacks (AR message 314), the users are read
    without a field list and the keys of the missing fields are left out.
seealso:
  - module: helix.users.helix_user
  - module: helix.users.helix_group_info
author:
  - helix.users maintainers (@helix-users)
'''

EXAMPLES = r'''
- name: Read users with the token of an earlier helix_token task
  module_defaults:
    group/helix.users.helix:
      helix_url: https://acme-restapi.onbmc.com
      helix_token: "{{ helix_session.token }}"
  block:
    - name: Two users by login
      helix.users.helix_user_info:
        login_name: [jdoe, asmith]
      register: two

    - name: Every current user with a Fixed license, sorted
      helix.users.helix_user_info:
        query: "'Status' = \"Current\" AND 'License Type' = \"Fixed\""
        sort: Login Name.asc
      register: fixed

    - name: Users of two departments, only some fields
      helix.users.helix_user_info:
        filters:
          Department: [Sales, Support]
          Status: Current
        fields: [Login Name, Email Address, Department]
      register: staff

    - name: Show the logins
      ansible.builtin.debug:
        msg: "{{ fixed.users | map(attribute='login_name') | list }}"
'''

RETURN = r'''
users:
  description:
    - One dict per user, with the keys of the fetched fields (C(request_id), C(login_name), C(full_name), C(first_name),
      C(last_name), C(email), C(phone), C(license_type), C(groups), C(group_ids), C(notify_mechanism), C(locale),
      C(time_zone), C(status), C(department), C(company)) and C(values), the raw AR values.
    - C(groups) are group names and C(group_ids) their ids; C(status) and C(license_type) are labels.
  returned: always
  type: list
  elements: dict
  sample: [{"request_id": "000000000000002", "login_name": "jdoe", "full_name": "John Doe", "status": "Current",
            "license_type": "Fixed", "groups": ["Service Desk"], "group_ids": ["1000000001"],
            "values": {"Login Name": "jdoe", "Group List": "1000000001;"}}]
count:
  description: The number of users returned.
  returned: always
  type: int
  sample: 1
ar_messages:
  description: The AR messages of the tenant's answer to a failed request (C(number), C(type), C(text), C(appended_text)).
  returned: failure
  type: list
  elements: dict
  sample: [{"number": 623, "type": "ERROR", "text": "Authentication failed", "appended_text": null}]
status:
  description: The HTTP status of the tenant's answer to a failed request, when there was one.
  returned: failure
  type: int
  sample: 401
notes:
  description: What the run learned of the tenant that changes what it checks, for example that it serves no field
    metadata (then field names and selection values are not checked before the requests). Shown at -v.
  returned: when there is something to say
  type: list
  elements: str
api_calls:
  description: HTTP requests the module sent, login, logout and retries included.
  returned: always
  type: int
  sample: 3
'''

from ansible_collections.helix.users.plugins.module_utils.groups import GroupResolver
from ansible_collections.helix.users.plugins.module_utils.info import case_warnings, info_argument_spec, read_selected
from ansible_collections.helix.users.plugins.module_utils.module import HelixModule
from ansible_collections.helix.users.plugins.module_utils.user_form import DEFAULT_INFO_FIELDS, LOGIN, normalize_users


def run(module, client):
    params = module.params
    found = read_selected(client, params, LOGIN, params['login_name'], DEFAULT_INFO_FIELDS)
    for warning in case_warnings(found, 'user'):
        module.warn(warning)
    users = normalize_users(found.entries, GroupResolver(client))
    return dict(changed=False, users=users, count=len(users))


def main():
    module = HelixModule(info_argument_spec(form='User', login_name=dict(type='list', elements='str', aliases=['name'])))
    module.run(lambda client: run(module, client))


if __name__ == '__main__':
    main()
