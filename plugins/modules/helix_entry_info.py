#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: helix_entry_info
short_description: Read entries of any AR System form on BMC Helix, by qualification or field filters
version_added: 0.2.0
description:
  - Reads entries of any form of a BMC Helix tenant through the AR System REST API, page after page, also past a
    server cap smaller than O(page_size).
  - Each entry comes with its id, read from its C(_links.self) or from field id C(1) (which every form has under its
    own name, for example C(Request ID) on C(User) and C(Person ID) on C(CTM:People)).
options:
  form:
    description: The AR form, for example V(User), V(CTM:People) or a custom form.
    type: str
    required: true
  fields:
    description:
      - The AR fields to fetch, by name or id. Field C(1) (the entry id) is always fetched too, by its id.
      - By default every field of each entry.
    type: list
    elements: str
extends_documentation_fragment:
  - helix.users.connection
  - helix.users.info
  - helix.users.attributes
  - helix.users.attributes.INFO_MODULE
notes:
  - With neither O(query) nor O(filters) every entry of the form is read (up to O(limit)).
  - Values are returned as the tenant sends them - selection fields as labels, dates as text, empty fields as null.
seealso:
  - module: helix.users.helix_entry
  - module: helix.users.helix_user_info
author:
  - helix.users maintainers (@helix-users)
'''

EXAMPLES = r'''
- name: Read entries with the token of an earlier helix_token task
  module_defaults:
    group/helix.users.helix:
      helix_url: https://acme-restapi.onbmc.com
      helix_token: "{{ helix_session.token }}"
  block:
    - name: Enabled people of one company, a few fields, sorted
      helix.users.helix_entry_info:
        form: CTM:People
        filters:
          Company: Acme
          Profile Status: Enabled
        fields: [Remedy Login ID, First Name, Last Name, Internet E-mail]
        sort: Remedy Login ID.asc
      register: people

    - name: The sites of two countries
      helix.users.helix_entry_info:
        form: SIT:Site
        query: "'Country' = \"Germany\" OR 'Country' = \"France\""
        limit: 50
      register: sites

    - name: Show the people's ids
      ansible.builtin.debug:
        msg: "{{ people.entries | map(attribute='entry_id') | list }}"
'''

RETURN = r'''
entries:
  description:
    - One dict per entry - C(entry_id), the entry's id (field 1; null when the server returned neither
      C(_links.self) nor field 1), and C(values), the raw AR values as the tenant returned them (with O(fields),
      those fields and field 1 under the form's own name for it).
  returned: always
  type: list
  elements: dict
  sample: [{"entry_id": "000000000000002", "values": {"Request ID": "000000000000002", "Login Name": "jdoe",
            "License Type": "Fixed"}}]
count:
  description: The number of entries returned.
  returned: always
  type: int
  sample: 1
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

from ansible_collections.helix.users.plugins.module_utils.info import info_argument_spec, read_selected
from ansible_collections.helix.users.plugins.module_utils.module import HelixModule


def argument_spec():
    spec = info_argument_spec(form=None)
    spec['form'] = dict(type='str', required=True)
    return spec


def run(module, client):
    params = dict(module.params, form=module.params['form'].strip())
    entries = read_selected(client, params).entries
    return dict(changed=False, entries=entries, count=len(entries))


def main():
    module = HelixModule(argument_spec())
    if not (module.params['form'] or '').strip():
        module.fail_json(msg='form is blank (%r)' % (module.params['form'],))
    module.run(lambda client: run(module, client))


if __name__ == '__main__':
    main()
