#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: helix_group_info
short_description: Read BMC Helix groups, by name, id, AR qualification or field filters
version_added: 0.1.0
description:
  - Reads groups of a BMC Helix tenant's Group form through the AR System REST API, page after page,
    also past a server cap smaller than O(page_size).
  - Use it to see which group names and ids M(helix.users.helix_user) accepts in C(groups).
options:
  group_name:
    description: Exact group names to read.
    type: list
    elements: str
    aliases: [name]
  group_id:
    description: Exact group ids to read.
    type: list
    elements: str
  fields:
    description: The AR fields to fetch. By default the fields behind the returned keys (see RV(groups)).
    type: list
    elements: str
  form:
    description: The AR form holding groups.
    type: str
    default: Group
extends_documentation_fragment:
  - helix.users.connection
  - helix.users.info
  - helix.users.attributes
  - helix.users.attributes.INFO_MODULE
seealso:
  - module: helix.users.helix_user
  - module: helix.users.helix_user_info
author:
  - helix.users maintainers (@helix-users)
'''

EXAMPLES = r'''
- name: Group look-ups with the token of an earlier helix_token task
  module_defaults:
    group/helix.users.helix:
      helix_url: https://acme-restapi.onbmc.com
      helix_token: "{{ helix_session.token }}"
  block:
    - name: All groups, sorted by name
      helix.users.helix_group_info:
        sort: Group Name.asc
      register: all_groups

    - name: Two groups by name, one by id
      helix.users.helix_group_info:
        group_name: [Administrator, Service Desk]
        group_id: ["1000000003"]
      register: some

    - name: Change groups only
      helix.users.helix_group_info:
        filters:
          Group Type: Change
'''

RETURN = r'''
groups:
  description:
    - One dict per group with C(group_id), C(group_name), C(long_group_name), C(group_type), C(group_category)
      and C(request_id) (those fetched), and C(values), the raw AR values.
  returned: always
  type: list
  elements: dict
  sample: [{"group_id": "1000000001", "group_name": "Service Desk", "long_group_name": "Service Desk agents",
            "group_type": "Change", "group_category": "Regular", "request_id": "000000000000007", "values": {}}]
count:
  description: The number of groups returned.
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

from ansible_collections.helix.users.plugins.module_utils.groups import GROUP_FIELDS
from ansible_collections.helix.users.plugins.module_utils.info import case_warnings, info_argument_spec, read_selected
from ansible_collections.helix.users.plugins.module_utils.module import HelixModule
from ansible_collections.helix.users.plugins.module_utils.reads import KeyedRead


def normalize_group(entry):
    values = entry['values']
    group = dict((key, values[field]) for key, field in GROUP_FIELDS.items() if field in values)
    group['request_id'] = entry['entry_id'] if entry['entry_id'] is not None else group.get('request_id')
    if group.get('group_id') is not None:
        group['group_id'] = str(group['group_id'])
    group['values'] = values
    return group


def run(module, client):
    params = module.params
    selections = [(field, keys) for field, keys in (('Group Name', params['group_name']), ('Group ID', params['group_id']))
                  if keys is not None]
    every = KeyedRead(None)  # the union of both selections, once per group id where the id is known
    for field, keys in selections or [(None, None)]:
        if field == 'Group ID':
            keys = [int(key) if str(key).strip().isdigit() else key for key in keys]  # an integer field
        found = read_selected(client, params, field, keys, [name for name in GROUP_FIELDS.values() if name != 'Request ID'])
        for warning in case_warnings(found, 'group'):
            module.warn(warning)
        for entry in found.entries:
            every.offer(entry)
    groups = [normalize_group(entry) for entry in every.entries[:params['limit'] or None]]
    return dict(changed=False, groups=groups, count=len(groups))


def main():
    module = HelixModule(info_argument_spec(
        form='Group',
        group_name=dict(type='list', elements='str', aliases=['name']),
        group_id=dict(type='list', elements='str'),
    ))
    module.run(lambda client: run(module, client))


if __name__ == '__main__':
    main()
