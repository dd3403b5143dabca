#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: helix_person_info
short_description: Read people of the CTM:People form on BMC Helix ITSM tenants, with their groups
version_added: 0.3.0
description:
  - Reads people of the C(CTM:People) form of a BMC Helix ITSM tenant through the AR System REST API, by O(login_id),
    O(query) or O(filters) (ANDed), page after page.
  - Each person comes with their permission groups (C(CTM:People Permission Groups)), support groups
    (C(CTM:Support Group Association)) and functional roles (C(CTM:SupportGroupFunctionalRole)), the groups named from
    C(CTM:Support Group), read for all people at once.
  - A field read only for display that the tenant's C(CTM:People) lacks (a customised or older form, for example
    without C(Time Zone)) is left out with a warning naming it; a tenant without C(CTM:SupportGroupFunctionalRole)
    gives no functional roles, which RV(notes) says.
  - On Helix ITSM tenants the People form is the source of truth for people; M(helix.users.helix_user_info) reads the
    User form the People workflow writes.
options:
  login_id:
    description:
      - Exact C(Remedy Login ID)s (compared exactly, whatever the server's matching).
      - V([]) matches nobody and sends nothing.
    type: list
    elements: str
    aliases: [name]
  fields:
    description:
      - More C(CTM:People) fields to fetch into the C(values) of RV(people), by name or id; the fields of the options
        are always fetched.
      - A name the form does not have fails the task before anything is read, naming the closest names (where the
        tenant serves field metadata).
    type: list
    elements: str
extends_documentation_fragment:
  - helix.users.connection
  - helix.users.info
  - helix.users.attributes
  - helix.users.attributes.INFO_MODULE
notes:
  - With none of O(login_id), O(query) and O(filters) every person is read (up to O(limit)).
seealso:
  - module: helix.users.helix_person
  - module: helix.users.helix_entry_info
author:
  - helix.users maintainers (@helix-users)
'''

EXAMPLES = r'''
- name: Read people with the token of an earlier helix_token task
  module_defaults:
    group/helix.users.helix:
      helix_url: https://acme-restapi.onbmc.com
      helix_token: "{{ helix_session.token }}"
  block:
    - name: Two people and their groups
      helix.users.helix_person_info:
        login_id: [allen, mary]
      register: people

    - name: Enabled support staff of one company
      helix.users.helix_person_info:
        filters:
          Company: Calbro Services
          Support Staff: "Yes"
        query: "'Profile Status' = \"Enabled\""
        sort: Remedy Login ID.asc
      register: staff

    - name: Show their permission groups
      ansible.builtin.debug:
        msg: "{{ people.people | items2dict(key_name='login_id', value_name='permission_groups') }}"
'''

RETURN = r'''
people:
  description:
    - One dict per person - C(person_id), C(login_id), C(first_name), C(last_name), C(full_name), C(email),
      C(company), C(organization), C(department), C(site), C(site_id), C(client_type), C(profile_status),
      C(support_staff) (bool), C(license_type), C(full_text_license_type), C(permission_groups) (names of the
      enabled rows), C(support_groups) and C(functional_roles) (dicts C(company), C(organization), C(group), C(role),
      C(default), C(support_group_id); the role of a functional role is its C(Functional Role)), the copies of the
      site's details under their C(CTM:People) names in C(values) (C(Site Street), C(Site City),
      C(Site State Province), C(Site Zip/Postal Code), C(Site Country), C(Time Zone)) and C(values) (the raw AR
      values).
  returned: always
  type: list
  elements: dict
  sample: [{"person_id": "PPL000000000001", "login_id": "allen", "full_name": "Allen Allbrook",
            "support_staff": true, "license_type": "Fixed", "permission_groups": ["Incident User", "Calbro Services"],
            "support_groups": [{"company": "Calbro Services", "organization": "IT Support", "group": "Service Desk",
                                "role": "Member", "default": true, "support_group_id": "SGP000000000001"}],
            "functional_roles": [{"company": "Calbro Services", "organization": "IT Support", "group": "Service Desk",
                                  "role": "Incident Manager", "default": true, "support_group_id": "SGP000000000001"}],
            "values": {}}]
count:
  description: The number of people returned.
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
  sample: 6
'''

from ansible_collections.helix.users.plugins.module_utils.info import info_argument_spec
from ansible_collections.helix.users.plugins.module_utils.module import HelixModule
from ansible_collections.helix.users.plugins.module_utils.people_reads import read_people


def argument_spec():
    spec = info_argument_spec(form=None, login_id=dict(type='list', elements='str', aliases=['name']))
    del spec['form']  # always CTM:People
    return spec


def run(module, client):
    params = module.params
    people = read_people(client, login_ids=params['login_id'], query=params['query'], filters=params['filters'],
                         fields=params['fields'], sort=params['sort'], limit=params['limit'],
                         page_size=params['page_size'])
    return dict(changed=False, people=people, count=len(people))


def main():
    module = HelixModule(argument_spec())
    module.run(lambda client: run(module, client))


if __name__ == '__main__':
    main()
