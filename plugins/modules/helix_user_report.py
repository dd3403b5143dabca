#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: helix_user_report
short_description: Write a CSV, a JSON and an HTML license report of BMC Helix users
version_added: 0.1.0
description:
  - Reads the users matching an AR qualification page by page and writes, on the host the module runs on,
    a CSV file with one row per user and a JSON report with the counts per license type and per status.
  - With O(html_path), also an audit for people who would rather look than read, as one self-contained HTML
    page that opens offline (inline CSS and SVG charts; no script, font, image or request, and a
    Content-Security-Policy that forbids scripts) - the counts per license type and status as a chart and a
    table; the licenses to reclaim (Fixed and Floating licenses of deactivated accounts, and of accounts not
    modified for O(stale_days)); the accounts without any group and the 20 largest groups; the counts per
    license type over time, from the dated summaries in O(history_dir); and the query, the tenant URL, the
    time and the collection version. Every value on the page comes from the tenant and is escaped, so a name
    like C(<script>) shows as text; no password, token or auth string is ever written to it.
  - Users are streamed to the CSV as pages arrive, so a large population is never held in memory; the
    files are replaced atomically, and only when their content (or O(mode)) changes.
  - A CSV cell that starts with V(=), V(+), V(-), V(@), a tab or a carriage return is written with a leading
    V(') so that a spreadsheet shows it as text instead of running it as a formula (CSV injection).
  - The C(helix.users.audit) role wraps this module.
requirements:
  - jinja2 (installed with ansible-core), for O(html_path)
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
  html_path:
    description:
      - The HTML audit report to write; none when not set.
      - Reads the fields C(Full Name), C(Group List) and C(Modified Date) besides O(fields), and (with
        O(reclaim_deactivated)) the deactivated holders of Fixed and Floating licenses in a second query.
      - The JSON report then holds the same figures under C(audit), the accounts to reclaim included.
      - The page is replaced only when something but the time it shows changes.
    type: path
    version_added: 0.3.0
  stale_days:
    description:
      - An account holding a Fixed or Floating license whose C(Modified Date) is more than this many days (whole
        UTC days) in the past is listed as a license to reclaim in the HTML report. V(0) lists none that way.
    type: int
    default: 180
    version_added: 0.3.0
  reclaim_deactivated:
    description:
      - With O(html_path), also read the deactivated users (Status index 1, which tenants label V(Disabled) or
        V(Obsolete)) holding a Fixed or Floating license, ANDed with O(filters), whether or not O(query) matches
        them, for the licenses to reclaim. The counts per license type and status stay those of O(query).
    type: bool
    default: true
    version_added: 0.3.0
  history_dir:
    description:
      - With O(html_path), a directory that keeps one dated summary per day of the counts (C(<name>-YYYYmmdd.json),
        where C(<name>) is the file name of O(json_path) without C(.json)); the day's last run replaces that day's
        summary. The earlier summaries of the same query draw the trend in the HTML report.
      - The directory must exist, except in check mode, which writes nothing.
    type: path
    version_added: 0.3.0
  mode:
    description:
      - The permissions of every file written, in octal (V('0640')) or symbolic form (V(u=rw,g=r)).
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

    - name: License audit for managers, with its trend
      helix.users.helix_user_report:
        csv_path: /srv/reports/helix-users.csv
        json_path: /srv/reports/helix-users.json
        html_path: /srv/reports/helix-users.html
        history_dir: /srv/reports
        stale_days: 90
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
by_license_and_status:
  description: Users per license type label, then per status label.
  returned: always
  type: dict
  sample: {"Fixed": {"Current": 880, "Disabled": 20}, "Read": {"Current": 350}}
audit:
  description:
    - The figures of the HTML report (the JSON report has them too, with the accounts to reclaim).
    - C(reclaim) counts the Fixed and Floating licenses to reclaim (C(count), C(by_license_type), C(by_reason) with
      C(deactivated) and C(stale)); C(without_groups) counts the accounts without a group; C(largest_groups) lists
      up to 20 groups (C(group_id), C(group_name), C(members)), largest first; C(stale_before) is the first day
      not counted as stale.
  returned: when O(html_path) is set
  type: dict
  sample:
    stale_days: 180
    stale_before: "2026-06-07"
    reclaim: {"count": 31, "by_license_type": {"Fixed": 25, "Floating": 6}, "by_reason": {"deactivated": 20, "stale": 11}}
    without_groups: 4
    largest_groups: [{"group_id": "1000000001", "group_name": "Service Desk", "members": 412}]
html_path:
  description: The HTML report.
  returned: when O(html_path) is set
  type: str
  sample: /srv/reports/helix-users.html
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

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.helix.users.plugins.module_utils.module import HelixModule
from ansible_collections.helix.users.plugins.module_utils.report import write_report
from ansible_collections.helix.users.plugins.module_utils.report_html import HAS_JINJA2, JINJA2_IMPORT_ERROR

DEFAULT_FIELDS = ['Login Name', 'Full Name', 'Email Address', 'License Type', 'Status', 'Group List']


def main():
    module = HelixModule(dict(
        query=dict(type='str', default="'Status' = \"Current\""),
        filters=dict(type='dict'),
        fields=dict(type='list', elements='str', default=DEFAULT_FIELDS),
        csv_path=dict(type='path', required=True),
        json_path=dict(type='path', required=True),
        html_path=dict(type='path'),
        stale_days=dict(type='int', default=180),
        reclaim_deactivated=dict(type='bool', default=True),
        history_dir=dict(type='path'),
        mode=dict(type='raw', default='0600'),
        page_size=dict(type='int', default=1000),
        form=dict(type='str', default='User'),
    ))
    if module.params['html_path'] and not HAS_JINJA2:
        module.fail_json(msg=missing_required_lib('jinja2'), exception=JINJA2_IMPORT_ERROR)
    if module.params['stale_days'] < 0:
        module.fail_json(msg='stale_days must be 0 or more, got %d' % module.params['stale_days'])
    module.run(lambda client: write_report(module, client))


if __name__ == '__main__':
    main()
