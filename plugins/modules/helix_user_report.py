#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: helix_user_report
short_description: Write a CSV and a JSON license report of BMC Helix users
version_added: 0.1.0
description:
  - Reads the users matching an AR qualification page by page and writes, on the host the module runs on,
    a CSV file with one row per user and a JSON report with the counts per license type and per status.
  - Users are streamed to the CSV as pages arrive, so a large population is never held in memory; the
    files are replaced atomically, and only when their content (or O(mode)) changes.
  - A CSV cell that starts with V(=), V(+), V(-), V(@), a tab or a carriage return is written with a leading
    V(') so that a spreadsheet shows it as text instead of running it as a formula (CSV injection).
  - The C(helix.users.audit) role wraps this module.
options:
  query:
    description: The AR qualification choosing the users.
    type: str
    default: "'Status' = \"Current\""
  filters:
    description: Equality filters, field name to value (or a list of values), ANDed with O(query) and safely quoted.
    type: dict
  fields:
    description: The AR fields written as CSV columns, in this order.
    type: list
    elements: str
    default: [Login Name, Full Name, Email Address, License Type, Status, Group List]
  csv_path:
    description: The CSV file to write (one header row, then one row per user, sorted by login).
    type: path
    required: true
  json_path:
    description: The JSON report to write.
    type: path
    required: true
  mode:
    description:
      - The permissions of both files, in octal (V('0640')) or symbolic form (V(u=rw,g=r)).
      - They hold names and e-mail addresses of every user, so by default only their owner may read them.
    type: raw
    default: '0600'
  page_size:
    description: Entries per request.
    type: int
    default: 1000
  form:
    description: The AR form holding users.
    type: str
    default: User
extends_documentation_fragment:
  - helix.users.connection
  - helix.users.attributes
attributes:
  check_mode:
    description: Reads the users and reports whether the files would change, without writing them.
    support: full
  diff_mode:
    description: No diff of the files is shown.
    support: none
seealso:
  - module: helix.users.helix_user_info
author:
  - helix.users maintainers (@helix-users)
'''

EXAMPLES = r'''
- name: Reports with the token of an earlier helix_token task
  module_defaults:
    group/helix.users.helix:
      helix_url: https://acme-restapi.onbmc.com
      helix_token: "{{ helix_session.token }}"
  block:
    - name: License report of the current users
      helix.users.helix_user_report:
        csv_path: /srv/reports/helix-users.csv
        json_path: /srv/reports/helix-users.json
      register: audit

    - name: Fixed licenses of one department
      helix.users.helix_user_report:
        query: "'Status' = \"Current\""
        filters:
          Department: Sales
          License Type: Fixed
        csv_path: /tmp/sales.csv
        json_path: /tmp/sales.json
'''

RETURN = r'''
count:
  description: Users in the report.
  returned: always
  type: int
  sample: 1250
by_license_type:
  description: Users per license type label.
  returned: always
  type: dict
  sample: {"Fixed": 900, "Read": 350}
by_status:
  description: Users per status label.
  returned: always
  type: dict
  sample: {"Current": 1250}
csv_path:
  description: The CSV file.
  returned: always
  type: str
  sample: /srv/reports/helix-users.csv
json_path:
  description: The JSON report.
  returned: always
  type: str
  sample: /srv/reports/helix-users.json
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
api_calls:
  description: HTTP requests the module sent, login, logout and retries included.
  returned: always
  type: int
  sample: 4
'''

from ansible_collections.helix.users.plugins.module_utils.module import HelixModule
from ansible_collections.helix.users.plugins.module_utils.report import write_report

DEFAULT_FIELDS = ['Login Name', 'Full Name', 'Email Address', 'License Type', 'Status', 'Group List']


def main():
    module = HelixModule(dict(
        query=dict(type='str', default="'Status' = \"Current\""),
        filters=dict(type='dict'),
        fields=dict(type='list', elements='str', default=DEFAULT_FIELDS),
        csv_path=dict(type='path', required=True),
        json_path=dict(type='path', required=True),
        mode=dict(type='raw', default='0600'),
        page_size=dict(type='int', default=1000),
        form=dict(type='str', default='User'),
    ))
    module.run(lambda client: write_report(module, client))


if __name__ == '__main__':
    main()
