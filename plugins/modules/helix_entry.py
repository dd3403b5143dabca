#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: helix_entry
short_description: Declare one entry of any AR System form on BMC Helix, present or absent
version_added: 0.2.0
description:
  - Brings one entry of any form of a BMC Helix tenant (O(form)) to a declared state through the AR System REST API,
    with the same client, retries and authentication as the other modules of the collection.
  - The entry is found by its O(key) fields or by a raw O(key_query), which must match at most one entry. None
    matching means the entry does not exist; two or more fail the task naming how many matched, with nothing written.
  - Compares only the declared O(values), so a second run reports no change and sends no write. A create is one
    POST carrying the key fields and the values; an update is one PUT of only the fields that differ; O(state=absent)
    is one DELETE.
  - The entry is always addressed by the id the module read (its C(_links.self), else field id C(1), which every form
    has under its own name, for example C(Request ID) on C(User) and C(Person ID) on C(CTM:People)); an entry whose
    id the server did not return is never written.
options:
  form:
    description: The AR form, for example V(User), V(CTM:People) or a custom form.
    type: str
    required: true
  key:
    description:
      - Key fields by name (or field id) and their values, ANDed by equality. Every name and value is quoted by AR's
        rules, so no value (quotes, V(%), V(OR)) can change what the key matches.
      - An empty dict, or a blank or null value, is refused before any request is sent, so a template that rendered
        nothing never matches every entry.
      - On create the key fields are written with O(values). A key field also given in O(values) must have the same
        value, by name or by id (V(101) is C(Login Name) on the C(User) form), so an entry is never renamed through its
        key.
      - Matching is the tenant's equality, which may ignore case where the database does; an entry whose key field
        differs from the declared value, even only by case, is not taken for it.
      - Exactly one of O(key) and O(key_query) is required.
    type: dict
  key_query:
    description:
      - A raw AR qualification that matches the entry, for example C('Login Name' = "jdoe" AND 'Status' = "Current"),
        passed as written. A blank one is refused before any request.
      - Its fields are not known to the module, so a create carries only O(values), which must make the entry match
        O(key_query), or the next run creates another.
    type: str
  values:
    description:
      - The fields to declare, by AR field name or id, and their values (strings, numbers or null). Only these are
        compared and written; fields left out are kept.
      - The form's field metadata (where the tenant serves it) names a field given by id, and a name or id the form
        does not have fails the task before anything is read, naming the closest names. Without it, a field id is
        accepted only where this module knows its name.
      - V('') and null are the same (AR keeps no empty strings; either clears the field); a number equals its text.
        Text compares case-sensitively.
      - A selection may be given by label (in any case) or by number where the field metadata lists the labels; a value
        that is neither fails the task before any write. Without the metadata, give it by its label exactly as the
        tenant spells it (V(Fixed), not V(1)) - a number declared where a label is stored reports a change on every run
        (with a warning).
      - A create that leaves a required field of the form empty fails before the POST, naming the field (where the
        field metadata tells which fields are required).
      - The values show in the diff and in RV(entry). Do not manage secrets here; the C(Password) field (id 102) of
        the C(User) form is refused, use M(helix.users.helix_user) with its C(password) option.
      - Ignored with O(state=absent), except that they show in the diff.
    type: dict
  state:
    description:
      - V(present) - the entry exists with the declared O(values); it is created when no entry matches.
      - V(absent) - the matching entry is deleted; nothing is done when none matches. Tenants often forbid deleting
        entries of some forms; the module then fails with the server's message.
    type: str
    choices: [present, absent]
    default: present
  allow_reserved:
    description:
      - Let O(values) set the fields of the C(User) form that M(helix.users.helix_user) manages through its options
        (C(Login Name), C(Status), C(Group List)). Off, such a field is refused before any request.
      - The C(Password) is refused whatever this says, and the account the task logs in as is never obsoleted,
        deleted, renamed or stripped of its groups, on any form.
    type: bool
    default: false
    version_added: 0.3.0
extends_documentation_fragment:
  - helix.users.connection
  - helix.users.attributes
attributes:
  check_mode:
    description: Reads the entry and computes the same plan and result, and sends no write.
    support: full
  diff_mode:
    description: Shows before and after of only the declared fields that change, and C(state) when it changes.
    support: full
notes:
  - A create whose reply was lost is looked up by the key before it is tried again, so retries never make a duplicate.
    A write whose outcome could not be confirmed fails with RV(action=unknown).
  - An entry is written at the id the tenant showed for it (its C(_links.self), else field 1). A tenant that shows
    neither gets a write only at an address proven first - the entry at the value of a one-field key is read and
    must hold that key - else the task fails before any write. A write answered 404 is a failure, never a success.
  - The account the task logs in as is never obsoleted, deleted, renamed or stripped of its groups (the C(User) form,
    its C(CTM:People) record and its group rows), also with O(allow_reserved).
  - This module is the generic layer; prefer M(helix.users.helix_user) for users of the C(User) form (groups,
    passwords, Status by index).
seealso:
  - module: helix.users.helix_entry_info
  - module: helix.users.helix_user
author:
  - helix.users maintainers (@helix-users)
'''

EXAMPLES = r'''
- name: Entries of any form, with the token of an earlier helix_token task
  module_defaults:
    group/helix.users.helix:
      helix_url: https://acme-restapi.onbmc.com
      helix_token: "{{ helix_session.token }}"
  block:
    - name: A site of the SIT:Site form, found by its name
      helix.users.helix_entry:
        form: SIT:Site
        key:
          Site: Berlin HQ
        values:
          Company: Acme
          City: Berlin
          Country: Germany
          Site Group: EMEA
      register: site

    - name: One field of a person, found by a qualification
      helix.users.helix_entry:
        form: CTM:People
        key_query: "'Remedy Login ID' = \"jdoe\" AND 'Profile Status' = \"Enabled\""
        values:
          Internet E-mail: john.doe@acme.com

    - name: Remove an entry of a custom form
      helix.users.helix_entry:
        form: ACME:Badges
        key:
          Badge Number: "004711"
        state: absent

    - name: Show the site's entry id
      ansible.builtin.debug:
        msg: "{{ site.action }} {{ site.entry_id }}"
'''

RETURN = r'''
entry:
  description:
    - The entry's values after the task (in check mode, as they would be), as far as the module knows them - the key
      and declared fields as read and written, field 1 under the form's own name; empty when deleted or absent.
  returned: success
  type: dict
  sample: {"Request ID": "000000000000002", "Login Name": "jdoe", "Email Address": "john.doe@example.com"}
entry_id:
  description:
    - The entry's id (field 1), as read or, for a create, from the server's C(Location); null when the entry does not
      exist, and for a create in check mode.
    - Also returned on a failed write, when known.
  returned: success, and on a failed write
  type: str
  sample: "000000000000002"
action:
  description:
    - What was done - V(created), V(updated), V(deleted) or V(unchanged).
    - On a failed write, V(failed) (not applied) or V(unknown) (the reply was lost and the outcome could not be
      confirmed; check the entry before running again).
  returned: success, and on a failed write
  type: str
  sample: updated
diff:
  description: Before and after of the declared fields that change, and C(state) when it changes.
  returned: in diff mode
  type: dict
  sample: {"before": {"Email Address": "jdoe@example.com"}, "after": {"Email Address": "john.doe@example.com"}}
problems:
  description: Every problem of O(key), O(key_query) or O(values) when the task was refused before any request.
  returned: failure, when the declaration has problems
  type: list
  elements: str
  sample: ["key field 'Login Name' has a blank value ('')"]
match_count:
  description: How many entries matched the key when more than one did (counted up to 101).
  returned: failure, when the key matches more than one entry
  type: int
  sample: 2
ar_messages:
  description: The AR messages of the tenant's answer to a failed request (C(number), C(type), C(text), C(appended_text)).
  returned: failure
  type: list
  elements: dict
  sample: [{"number": 307, "type": "ERROR", "text": "Required field cannot be blank", "appended_text": "Full Name (8)"}]
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

from ansible_collections.helix.users.plugins.module_utils.entries import (
    entry_after,
    fields_to_read,
    find_entry,
    key_id_problems,
    key_problems,
    make_key,
    plan_entry,
    values_problems,
)
from ansible_collections.helix.users.plugins.module_utils.form_names import refuse, resolve_values
from ansible_collections.helix.users.plugins.module_utils.guards import Guard
from ansible_collections.helix.users.plugins.module_utils.module import HelixModule
from ansible_collections.helix.users.plugins.module_utils.writes import execute, raise_failure


def declared(module):
    """The EntryKey and values of the task, checked before any request; fails naming every problem.

    Fields given by id are checked once the form told their names (named())."""
    params = module.params
    form = params['form']
    problems = [] if (form or '').strip() else ['form is blank (%r)' % (form,)]
    problems.extend(key_problems(params['key'], params['key_query'], form))
    key = make_key(params['key'], params['key_query'], form) if not problems else None
    problems.extend(values_problems(params['values'], key, form, params['allow_reserved'], ids_later=True))
    if problems:
        module.fail_json(msg='nothing was sent: ' + '; '.join(problems), problems=problems)
    return key, dict(params['values'] or {})


def named(module, client, key, values):
    """The key and values by the names the form gives its fields (ids resolved, unknown names refused, selection values
    as the server's labels), checked again as named; WriteError before any write."""
    form = module.params['form'].strip()
    values = resolve_values(client, form, values, 'values')
    if key.query is None:
        key = make_key(resolve_values(client, form, key.fields, 'key'), None, form)
    refuse(values_problems(values, key, form, module.params['allow_reserved']) + key_id_problems(key, values, form))
    return key, values


def run(module, client, key, values):
    form = module.params['form'].strip()
    key, values = named(module, client, key, values)
    state = module.params['state']
    fields = fields_to_read(key, values)
    change = plan_entry(form, key, values, find_entry(client, form, key, fields=fields), state=state)
    # after AR 309 (the entry changed after it was read): read and planned again, once
    change.replan = lambda fresh, _change: plan_entry(form, key, values, find_entry(fresh, form, key, fields=fields),
                                                      state=state)
    execute(client, [change], module.check_mode, Guard(client.login_name))
    for warning in change.warnings:
        module.warn('%s: %s' % (key.describe(), warning))
    if change.action in ('failed', 'unknown'):
        raise_failure(change, entry_id=change.entry_id)
    result = dict(changed=change.changed, action=change.action, entry_id=change.entry_id, entry=entry_after(change))
    if module._diff:
        result['diff'] = change.diff
    return result


def main():
    module = HelixModule(
        dict(
            form=dict(type='str', required=True),
            key=dict(type='dict', no_log=False),
            key_query=dict(type='str', no_log=False),
            values=dict(type='dict'),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            allow_reserved=dict(type='bool', default=False),
        ),
        required_one_of=[('key', 'key_query')],
        mutually_exclusive=[('key', 'key_query')],
    )
    key, values = declared(module)
    module.run(lambda client: run(module, client, key, values))


if __name__ == '__main__':
    main()
