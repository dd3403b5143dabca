#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: helix_user
short_description: Declare BMC Helix users, one or many, present, obsolete or absent
version_added: 0.1.0
description:
  - Brings one user (O(login_name)) or many (O(users)) of a BMC Helix tenant's User form to a declared state
    through the AR System REST API.
  - Compares only the fields the task declares, normalised (groups as sets of group ids, selection labels and
    their numbers as equal, empty and null as equal), so a second run reports no change and sends no write.
  - A create is one POST carrying every declared field, groups and password included; an update is one PUT of
    only the fields that differ; obsoleting or reactivating is one PUT of C(Status). Users are never deleted
    unless O(state=absent) says so.
  - In bulk mode every item is validated, the current users are read in a few requests, the whole change is
    planned, and only then written, O(concurrency) writes at a time.
options:
  login_name:
    description:
      - The user's C(Login Name). Required unless O(users) is given.
    type: str
    aliases: [name]
  state:
    description:
      - V(present) - the user exists with C(Status) active (index 0, C(Current)); an obsolete user is reactivated.
      - V(obsolete) - an existing user is deactivated (C(Status) index 1, which real User forms label C(Disabled) and
        the API guide C(Obsolete)) and keeps its record; a missing user is not created.
      - V(absent) - the entry is deleted. Many tenants forbid deleting users; the module then fails with the server's message.
      - In bulk mode, the default of each item's C(state).
    type: str
    choices: [present, obsolete, absent]
    default: present
  full_name:
    description: C(Full Name). Required to create a user.
    type: str
  first_name:
    description: C(First Name).
    type: str
  last_name:
    description: C(Last Name).
    type: str
  email:
    description: C(Email Address).
    type: str
  phone:
    description: C(Phone Number).
    type: str
  license_type:
    description:
      - C(License Type), by label (V(Read), V(Fixed), V(Floating), V(Restricted Read)) or number. Required to create a user.
      - Any other value is refused before anything is sent, in check mode too.
    type: str
  notify_mechanism:
    description: C(Default Notify Mechanism), by label (V(None), V(Alert), V(Email)) or number; any other value is refused.
    type: str
  locale:
    description: C(Locale).
    type: str
  time_zone:
    description: C(Time Zone).
    type: str
  department:
    description: C(Department).
    type: str
  company:
    description: C(Company).
    type: str
  auth_string:
    description: The user's C(Auth String), for external authentication.
    type: str
  groups:
    description:
      - Groups of the user, by group name, group id, or both mixed. They are resolved through the Group form,
        compared as a set of ids and written as ids.
      - An unknown group is an error naming it and the user, before anything is written.
      - With O(append=false) the C(Group List) becomes exactly these groups; V([]) removes all of them.
      - An empty or blank group name (V(""), V([""]), as a template that rendered nothing gives) is an error naming
        the user, never a removal of every group.
    type: list
    elements: str
  append:
    description:
      - If V(true), O(groups) are added to the user's groups and none is removed.
    type: bool
    default: false
  password:
    description:
      - The user's password. It is never shown, and it can not be read back, see O(update_password).
    type: str
  update_password:
    description:
      - V(on_create) sets O(password) only when the user is created.
      - V(always) sets it on every run, which therefore always reports a change.
    type: str
    choices: [on_create, always]
    default: on_create
  fields:
    description:
      - Any other User form field, by its AR name (the key) and value, for example the key C(Full Text License Type)
        with the value V(Fixed). Compared like the named options.
      - May not name a field that has an option here (C(Full Name), C(Status), C(Group List), C(Password), ...),
        by its name in any case or by its field id (V(1), V(7), V(8), V(101), V(102), V(103), V(104), V(108), V(109)).
      - Give selection fields by label; the module knows the labels of C(Full Text License Type) and refuses
        any other value of it before sending anything, and the form's field metadata (where the tenant serves it)
        tells the labels of the others.
      - A field may be given by its field id (V(110) is C(Full Text License Type)); it is then compared and written by
        its name, which the module knows or the form's field metadata tells. A name or id the form does not have is
        refused before any write, naming the closest names; without field metadata, an id the module can not name is
        refused.
      - Values are text (or null); a number, boolean or date that YAML made of an unquoted value is refused (quote it).
    type: dict
  users:
    description:
      - Bulk mode. Each item takes the per-user options of this module (O(login_name) required), or is a
        login name alone, which is handy with O(state=obsolete).
      - Items inherit O(state), O(append) and O(update_password) from the module when they do not set them.
      - Every item is validated before any request; the task fails naming every bad item.
      - Logins match stored ones exactly. A list that repeats a login, also in another case, is refused; a declared
        login that matches a stored one only by case is an error naming both, before any write.
      - Items are checked as given, before any conversion - a login, group name or text option that is a number, a
        boolean or a date (YAML reads an unquoted V(0123) as 83), an option given twice (O(login_name) and its
        alias O(name)), or a login with a newline is refused, naming the item.
      - A string is refused (Ansible would split it on commas); the text of a JSON file needs
        C({{ lookup('file', 'users.json') | from_json }}), or use O(users_file).
    type: list
    elements: raw
  users_file:
    description:
      - Bulk mode from a file on the controller, found the way the C(src) of M(ansible.builtin.copy) is (relative to
        the role's C(files/) or the playbook), read by the module's action plugin, so it works when the task is
        delegated too, and parsed once by the module, with no templating of each item.
      - YAML (C(.yml), C(.yaml)) or JSON (C(.json)) - a list of items exactly like O(users) (dicts, or login names),
        or a mapping with the single key C(users) holding that list.
      - CSV (C(.csv)) - a header row of option names (C(login_name), C(full_name), C(groups), C(state), ...); a
        C(groups) cell holds group names or ids separated by C(;); a column C(fields.<AR field name>) goes into
        C(fields); an empty cell declares nothing. An unknown column is an error naming the allowed ones.
      - Mutually exclusive with O(users) and O(login_name); everything else (purge, concurrency, check and diff mode,
        the safety rules, the masking of passwords read from the file) works as with O(users).
      - A file that is missing, unreadable, not a list, or has a bad row is an error naming the file and the row,
        and nothing is sent. A key given twice in one item (a missing C(- ) merges two users) is an error naming the
        line. Parse errors name the line and column, never the text there (it may be a password); a CSV header
        that is not option names is named by column positions.
      - A vault-encrypted file is decrypted, as M(ansible.builtin.copy) does; a UTF-8 byte-order mark is accepted.
    type: path
  _users_file_content:
    description:
      - Internal, set by the action plugin - the text of O(users_file). Do not set it.
    type: str
  purge:
    description:
      - Bulk mode only. Every user matched by O(purge_query) and not listed in O(users) is set obsolete (never deleted).
      - A purge with an empty O(users) list is refused (it would obsolete the whole scope), and so is a blank
        O(purge_query). The account the module works as (O(helix_username), or the subject of O(helix_token)) and
        the logins in O(purge_exclude) are never purged.
    type: bool
    default: false
  purge_query:
    description:
      - An AR qualification choosing the users O(purge) may obsolete, for example C('Department' = "Sales").
        Required with O(purge).
    type: str
  purge_exclude:
    description:
      - Logins a purge never touches, for example service accounts, compared without regard to case.
    type: list
    elements: str
  purge_limit:
    description:
      - The most users a purge may obsolete. When more would be, the module fails before writing anything,
        saying how many and naming the first few.
    type: int
    default: 10
  concurrency:
    description:
      - Bulk mode only. Writes in flight at once, sharing one session and one token.
    type: int
    default: 4
  list_unchanged:
    description:
      - Bulk mode only. Whether RV(users) lists the users that needed no change too.
      - Not set, they are listed when the task declares at most 1,000 users; above that RV(users) lists the users
        that changed, failed or were not attempted, and RV(summary) counts every user. A result of 100,000 items
        costs Ansible more to mask, store and show than the run itself.
    type: bool
    version_added: 0.3.0
  page_size:
    description:
      - Entries per request when reading users.
    type: int
    default: 1000
  form:
    description: The AR form holding users.
    type: str
    default: User
  current_status:
    description:
      - The C(Status) label of an active user, only for a tenant whose User form differs from both known labellings.
      - By default Status is handled by its index, 0 (active), whatever the tenant calls it; the index is written and
        compared.
    type: str
  obsolete_status:
    description:
      - The C(Status) label of a deactivated user, only for a tenant whose User form differs from both known labellings.
      - By default Status is handled by its index, 1 (deactivated), which real User forms label V(Disabled) and the API
        guide V(Obsolete); the index is written and compared, so both kinds of tenant work unchanged.
    type: str
extends_documentation_fragment:
  - helix.users.connection
  - helix.users.attributes
attributes:
  check_mode:
    description: Computes the same plan and result, and sends no write.
    support: full
  diff_mode:
    description:
      - Before and after of only the fields the task manages, keyed by option name; the password is masked.
      - In bulk mode, one entry per changed user, keyed by login.
    support: full
notes:
  - On tenants running Helix ITSM, the CTM:People form, not the User form, owns people - its workflow writes the User
    form one way, and a User entry written directly has no People record and may be overwritten by the next People
    save. Declare people there with M(helix.users.helix_person); this module is for AR System tenants without ITSM, and
    for accounts outside People (service and integration accounts).
  - The user is found by a C('Login Name') qualification and addressed by its Request ID, never by putting the login in a URL.
  - A create whose reply is lost is never repeated blindly; the user is looked up first, so a retry can not make a duplicate.
  - A write whose reply was lost and whose outcome could not be confirmed gets the action V(unknown) (it may have been
    applied), never V(failed) nor done.
  - After three writes in a row fail to connect, no further write is started; those users are reported as failed,
    C(not attempted), so a dead tenant costs the retry budget, not the number of users.
seealso:
  - module: helix.users.helix_user_info
  - module: helix.users.helix_token
author:
  - helix.users maintainers (@helix-users)
'''

EXAMPLES = r'''
- name: Every task below uses one token
  module_defaults:
    group/helix.users.helix:
      helix_url: https://acme-restapi.onbmc.com
      helix_token: "{{ helix_session.token }}"
  block:
    - name: A new employee, created with groups and password in one request
      helix.users.helix_user:
        login_name: jdoe
        full_name: John Doe
        email: jdoe@example.com
        license_type: Fixed
        groups: [Service Desk, Incident Master]
        password: "{{ initial_password }}"

    - name: Give an existing user one more group, keeping the others
      helix.users.helix_user:
        login_name: jdoe
        groups: [Change Manager]
        append: true

    - name: A leaver keeps the record but can no longer log in
      helix.users.helix_user:
        login_name: asmith
        state: obsolete

    - name: Declare a whole department, obsoleting the members no longer listed (at most 25)
      helix.users.helix_user:
        users:
          - login_name: jdoe
            full_name: John Doe
            license_type: Fixed
            department: Sales
            groups: [Service Desk]
          - login_name: mbrown
            full_name: Mary Brown
            license_type: Read
            department: Sales
            fields:
              Full Text License Type: Fixed
        purge: true
        purge_query: "'Department' = \"Sales\" AND 'Status' = \"Current\""
        purge_limit: 25
        concurrency: 8
      register: reconcile

    - name: Show what happened
      ansible.builtin.debug:
        var: reconcile.summary
'''

RETURN = r'''
user:
  description: The user after the task (in check mode, as it would be), normalised like M(helix.users.helix_user_info); empty when deleted or absent.
  returned: single mode
  type: dict
  sample: {"request_id": "000000000000002", "login_name": "jdoe", "full_name": "John Doe", "status": "Current",
           "license_type": "Fixed", "groups": ["Service Desk"], "group_ids": ["1000000001"]}
action:
  description: What was done to the user (single mode); one of the actions in RV(summary).
  returned: single mode
  type: str
  sample: updated
users:
  description:
    - One item per declared or purged user, with C(login_name), C(action), C(request_id) when known, and C(msg) on
      failure.
    - The unchanged users are listed only with O(list_unchanged=true), or when the task declares at most 1,000 users
      and O(list_unchanged) is not set; RV(summary) always counts them.
  returned: bulk mode
  type: list
  elements: dict
  sample: [{"login_name": "jdoe", "action": "created", "request_id": "000000000000004"}]
summary:
  description:
    - How many users got each action (created, updated, obsoleted, reactivated, deleted, unchanged, failed, unknown,
      not_attempted).
    - V(unknown) counts writes whose reply was lost and whose outcome could not be confirmed.
    - V(not_attempted) counts the users whose write was never started because the tenant had stopped accepting
      writes (about 2 x O(concurrency) writes in a row failed on its side - 5xx, 429, AR 92/93/94, timeouts, no
      connection); the task then fails with one message naming the cause.
  returned: always
  type: dict
  sample: {"created": 1, "updated": 0, "obsoleted": 0, "reactivated": 0, "deleted": 0, "unchanged": 9, "failed": 0,
           "unknown": 0, "not_attempted": 0}
problems:
  description: Every problem of the declared users when the task was refused before any write.
  returned: failure, when the declared users have problems
  type: list
  elements: str
  sample: ["users[3] (emp0003): license_type 'Platinum' is not a value of 'License Type': one of Read, Fixed, ..."]
purge_count:
  description: How many users the refused purge would have obsoleted (more than O(purge_limit)).
  returned: failure, when a purge exceeds purge_limit
  type: int
  sample: 412
purge_sample:
  description: The first users the refused purge would have obsoleted.
  returned: failure, when a purge exceeds purge_limit
  type: list
  elements: str
  sample: [user00001, user00002]
ar_messages:
  description: The AR messages of the tenant's answer to a failed request (C(number), C(type), C(text), C(appended_text)).
  returned: failure
  type: list
  elements: dict
  sample: [{"number": 382, "type": "ERROR", "text": "The value(s) for this entry violate a unique index", "appended_text": null}]
status:
  description: The HTTP status of the tenant's answer to a failed request, when there was one.
  returned: failure
  type: int
  sample: 400
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
  sample: 4
'''

from ansible_collections.helix.users.plugins.module_utils.module import HelixModule, paused_gc
from ansible_collections.helix.users.plugins.module_utils.user_form import NUMERIC_FIELDS
from ansible_collections.helix.users.plugins.module_utils.user_task import argument_spec, declared_specs, raw_secrets, run


def main():
    with paused_gc():  # 100,000 users are parsed, checked, read and compared: see paused_gc
        module = HelixModule(
            argument_spec(),
            required_one_of=[('login_name', 'users', 'users_file')],
            mutually_exclusive=[('login_name', 'users', 'users_file')],
            raw_secrets=raw_secrets,
            numeric_fields=NUMERIC_FIELDS,
        )
        specs, single = declared_specs(module)
        module.run(lambda client: run(module, client, specs, single), pool_size=module.params['concurrency'])


if __name__ == '__main__':
    main()
