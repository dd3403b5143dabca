#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: helix_form_info
short_description: Read the field definitions of an AR System form on BMC Helix
version_added: 0.3.0
description:
  - Reads what a form of a BMC Helix tenant tells of its own fields, through the AR System REST API's field metadata
    (C(GET /api/arsys/v1.0/fields/{form})) - each field's name, id, data type, whether it is required, its create
    mode and, for selection fields, the labels and their numbers where the server lists them.
  - Useful before writing a customised form with M(helix.users.helix_entry), or to see which fields an older or
    customised C(CTM:People) has. The writing modules read the same definitions themselves to check field names,
    required fields and selection values before any write.
options:
  form:
    description: The AR form, for example V(User), V(CTM:People) or a custom form.
    type: str
    required: true
  fields:
    description:
      - Only these fields, by name (in any case when that is unambiguous) or by id, in this order.
      - A name or id the form does not have fails the task, naming the closest names.
      - By default every field of the form, in the order the server lists them.
    type: list
    elements: str
extends_documentation_fragment:
  - helix.users.connection
  - helix.users.attributes
  - helix.users.attributes.INFO_MODULE
notes:
  - The field metadata endpoint is served by current AR System servers (BMC documents it as "Example of using the REST
    API to retrieve field metadata"). An older server (404) or an account without permission to read form definitions
    (403) makes the task fail with that reason; the other modules then work without the definitions.
  - BMC's published examples show no selection field, so the shape of their labels is read as docs/ar-api.md of the
    collection describes; where the server describes them in another shape, RV(fields[].selections) is null.
seealso:
  - module: helix.users.helix_entry
  - module: helix.users.helix_entry_info
author:
  - helix.users maintainers (@helix-users)
'''

EXAMPLES = r'''
- name: Read the definitions of forms with the token of an earlier helix_token task
  module_defaults:
    group/helix.users.helix:
      helix_url: https://acme-restapi.onbmc.com
      helix_token: "{{ helix_session.token }}"
  block:
    - name: Every field of CTM:People
      helix.users.helix_form_info:
        form: CTM:People
      register: people_form

    - name: Two fields of the User form, one by its id
      helix.users.helix_form_info:
        form: User
        fields: [License Type, "104"]
      register: user_form

    - name: The License Type labels and their numbers
      ansible.builtin.debug:
        msg: "{{ user_form.fields[0].selections }}"

    - name: The fields a create of CTM:People must set
      ansible.builtin.debug:
        msg: "{{ people_form.fields | selectattr('required') | map(attribute='name') | list }}"
'''

RETURN = r'''
fields:
  description:
    - One dict per field - C(name), C(id) (an integer), C(datatype) (as the server names it, for example V(CHAR),
      V(ENUM), V(INTEGER), V(TIME)), C(required) (its field option is REQUIRED), C(create_mode) (as the server says,
      for example V(OPEN) or V(PROTECTED)), and C(selections), the labels of a selection field and their numbers where the
      server lists them (null otherwise).
  returned: success
  type: list
  elements: dict
  sample: [{"name": "License Type", "id": 109, "datatype": "ENUM", "required": true, "create_mode": "OPEN",
            "selections": {"Read": 0, "Fixed": 1, "Floating": 2, "Restricted Read": 3}}]
  contains:
    name:
      description: The field's name.
      type: str
    id:
      description: The field's id.
      type: int
    datatype:
      description: The data type as the server names it.
      type: str
    required:
      description: Whether its field option is REQUIRED.
      type: bool
    create_mode:
      description: The create mode as the server says it.
      type: str
    selections:
      description: The labels of a selection field and their numbers, where the server lists them; null otherwise.
      type: dict
count:
  description: The number of fields returned.
  returned: success
  type: int
  sample: 1
api_calls:
  description: HTTP requests the module sent, login, logout and retries included.
  returned: always
  type: int
  sample: 3
'''

from ansible_collections.helix.users.plugins.module_utils.errors import HelixError
from ansible_collections.helix.users.plugins.module_utils.form_names import resolve
from ansible_collections.helix.users.plugins.module_utils.module import HelixModule


def run(module, client):
    form = module.params['form'].strip()
    meta = client.form_fields(form)
    if meta is None:
        why = '; '.join(client.notes) or 'the tenant has no form %r' % form
        raise HelixError('the field definitions of form %r could not be read: %s' % (form, why))
    wanted = module.params['fields']
    if wanted is None:
        fields = meta.fields
    else:
        fields = [meta.find(name) for name in resolve(client, form, wanted, 'fields', done='nothing was read').values()]
    result = [field.as_result() for field in fields]
    return dict(changed=False, fields=result, count=len(result))


def main():
    module = HelixModule(dict(
        form=dict(type='str', required=True),
        fields=dict(type='list', elements='str'),
    ))
    if not (module.params['form'] or '').strip():
        module.fail_json(msg='form is blank (%r)' % (module.params['form'],))
    module.run(lambda client: run(module, client))


if __name__ == '__main__':
    main()
