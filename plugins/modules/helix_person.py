#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: helix_person
short_description: Declare a person of the CTM:People form on BMC Helix ITSM tenants
version_added: 0.3.0
description:
  - Brings one person of the C(CTM:People) form of a BMC Helix ITSM tenant to a declared state through the AR System
    REST API, with their permission groups (rows of C(CTM:People Permission Groups)), support groups (rows of
    C(CTM:Support Group Association)) and functional roles (rows of C(CTM:SupportGroupFunctionalRole)).
  - On Helix ITSM tenants the People form, not the User form, is the source of truth - its workflow writes the
    person's C(User) entry (Full Name, Email Address, License Type, Group List from the permission groups). Use this
    module for people there; M(helix.users.helix_user) is for tenants without ITSM, or for accounts outside People.
  - The person is found by O(login_id) (the C(Remedy Login ID), exactly as written; two people holding it fail the
    task), or by O(person_id) when given. A create is one POST carrying every declared field; an update is one PUT of
    only the fields that differ; the group rows are then created, updated or deleted one by one.
  - Every name is resolved before anything is written, in check mode too - the site in C(SIT:Site), the company,
    permission groups in C(LIC:SYS-License Permission Map), support groups in C(CTM:Support Group). An unknown one
    fails the task with nothing written.
options:
  login_id:
    description:
      - The person's C(Remedy Login ID); how the person is found, unless O(person_id) is given (then it is the Login ID
        the person is to have).
      - Compared exactly - on a tenant that matches logins case-insensitively, a login differing only by case from a
        stored one fails the task before any write, rather than being taken for it or created as its twin.
      - May not contain V(&) or V(?), and may not be V(System).
      - Required unless O(person_id) is given.
    type: str
    aliases: [name]
  person_id:
    description:
      - The person's C(Person ID) (field 1 of C(CTM:People), for example V(PPL000000000001)), to address a person
        directly. Needed to reach a person who has no Login ID any more, for example to re-enable an obsoleted person
        (O(state=present) with O(login_id), O(support_staff) and O(profile_status=Enabled)).
      - A Person ID no person has fails the task; it never creates a person (the server chooses Person IDs).
      - RV(person) returns it as C(person_id).
    type: str
  first_name:
    description: C(First Name).
    type: str
  last_name:
    description: C(Last Name); required to create a person.
    type: str
  email:
    description: C(Internet E-mail); the workflow copies it to the User form's C(Email Address).
    type: str
  company:
    description:
      - C(Company); required to create a person.
      - Checked before any write - a company is known when C(LIC:SYS-License Permission Map) has a company permission
        group of that name (ITSM makes one per company) or C(COM:Company) has it.
    type: str
  organization:
    description: C(Organization).
    type: str
  department:
    description: C(Department).
    type: str
  site:
    description:
      - C(Site), by its name in C(SIT:Site) (narrowed by the person's company when several sites share the name).
      - Its C(Site ID) and details are copied into the person, because the REST API does not fill them. The two forms
        name the details differently - C(SIT:Site)'s C(Street), C(City), C(State Province), C(Zip/Postal Code),
        C(Country) and C(Time Zone) become the person's C(Site Street), C(Site City), C(Site State Province),
        C(Site Zip/Postal Code), C(Site Country) and C(Time Zone).
      - A detail either form of the tenant lacks (a customised or older form) is left out, with a warning naming it.
      - A site of another company than the person's is copied all the same, with a warning.
    type: str
  client_type:
    description: C(Client Type), by label, for example V(Office-Based Employee) or V(Customer).
    type: str
  profile_status:
    description:
      - C(Profile Status), by label - V(Proposed), V(Enabled), V(Offline), V(Obsolete), V(Archive), V(Delete).
      - V(Enabled) when a person is created and this is not given. It does not stop a login; see O(state=obsolete).
      - Any case is accepted and written as spelled here; another value fails the task before any request.
    type: str
  support_staff:
    description:
      - C(Support Staff) (stored as V(Yes) or V(No)).
      - Changing a person to non-support makes the workflow remove their support and permission groups and set their
        license to V(Read).
    type: bool
  license_type:
    description:
      - C(License Type), by label - V(Read), V(Fixed), V(Floating), V(Restricted Read) (any case; another value fails
        the task before any request).
      - Also the C(License Type) of the permission group rows whose group needs a V(Fixed) or V(Floating) license.
    type: str
  full_text_license_type:
    description: C(Full Text License Type), by label - V(None), V(Fixed), V(Floating) (any case; another value fails the task before any request).
    type: str
  fields:
    description:
      - Any other C(CTM:People) field by its AR name, for example C(Assignment Availability) or
        C(Default Notify Mechanism), compared like the rest (selections by label, in any case).
      - A field may be given by its id too; the form's field metadata names it (where the tenant serves it), so it
        compares with the values read back. A name or id the form does not have fails the task before any write,
        naming the closest names. A selection may be given by label or number.
      - A field an option manages (by name or id, in any case), C(Person ID) and C(Full Name) are refused, and with
        O(site) the site copies too.
    type: dict
  permission_groups:
    description:
      - The person's permission groups, by name in C(LIC:SYS-License Permission Map), compared as a set.
      - With O(append=false) the person holds exactly these (V([]) removes them all); with O(append=true) they are
        added. Where a group needs a Fixed or Floating license, the row carries the person's O(license_type), which
        must satisfy it.
      - Left out, the permission groups are not managed.
    type: list
    elements: str
  support_groups:
    description:
      - The person's support groups, compared by group; support staff only (O(support_staff=true), or a person stored
        as support staff).
      - With O(append=false) the person holds exactly these; with O(append=true) they are added.
      - Left out, the support groups are not managed.
      - Support staff must belong to at least one support group (BMC) - a task that creates a support person, declares
        O(support_staff=true) or declares O(support_groups), and would leave the person support staff without one,
        fails before any write.
    type: list
    elements: dict
    suboptions:
      company:
        description: The support group's C(Company).
        type: str
        required: true
      organization:
        description: The C(Support Organization).
        type: str
        required: true
      group:
        description: The C(Support Group Name).
        type: str
        required: true
      role:
        description: C(Support Group Association Role).
        type: str
        choices: [Member, Associate Member]
        default: Member
      default:
        description: Whether this is the person's default support group; at most one may be.
        type: bool
        default: false
  functional_roles:
    description:
      - The person's functional roles (rows of C(CTM:SupportGroupFunctionalRole)), each in one of the person's support
        groups; compared by support group and role. Support staff only.
      - A role in a support group the person would not belong to after the task fails it before any write (declare the
        group in O(support_groups)).
      - With O(append=false) the person holds exactly these; with O(append=true) they are added.
      - Left out, the functional roles are not managed. O(state=obsolete) removes them first, before the change to
        non-support and the removal of the Login ID.
    type: list
    elements: dict
    version_added: 0.3.0
    suboptions:
      company:
        description: The support group's C(Company).
        type: str
        required: true
      organization:
        description: The C(Support Organization).
        type: str
        required: true
      group:
        description: The C(Support Group Name).
        type: str
        required: true
      role:
        description: The C(Functional Role), for example V(Incident Manager) or V(Support Group Lead).
        type: str
        required: true
      default:
        description: C(Default) of the row.
        type: bool
        default: false
  append:
    description: Add O(permission_groups), O(support_groups) and O(functional_roles) to those the person holds instead
      of replacing them.
    type: bool
    default: false
  state:
    description:
      - V(present) - the person exists with the declared fields and groups; created when no person is found.
      - V(obsolete) - BMC's offboarding, each step only when needed - remove the functional roles, change to
        non-support (the workflow removes support and permission groups; the module removes any left), remove the
        Login ID (frees the license, and the person can no longer log in), set C(Profile Status) V(Obsolete). A person is never created. Once done, the
        person has no Login ID, so a rerun with O(login_id) finds nobody and reports no change (give O(person_id) to
        address the person again).
      - V(absent) - C(Profile Status) V(Delete), then the entry deleted; where the tenant forbids deleting (403) the
        person is kept with V(Delete) and a warning.
    type: str
    choices: [present, obsolete, absent]
    default: present
extends_documentation_fragment:
  - helix.users.connection
  - helix.users.attributes
attributes:
  check_mode:
    description: Reads and resolves everything, computes the same plan and result, and sends no write.
    support: full
  diff_mode:
    description: Shows before and after of only the declared options that change (keyed by option name, C(fields) by AR name).
    support: full
notes:
  - On Helix ITSM tenants C(CTM:People) is the source of truth and writes the User form one way; a User entry changed
    with M(helix.users.helix_user) is overwritten by the next People save. Use M(helix.users.helix_user) only on
    tenants without ITSM, or for accounts that have no People record.
  - O(state=present) for a login nobody holds creates a new person - an obsoleted person has no Login ID any more, so
    to re-enable one give their O(person_id).
  - The checks on companies, sites and groups read the tenant's forms; the tenant's own refusals (AR messages) are
    reported with the step that failed and the steps done before it.
seealso:
  - module: helix.users.helix_person_info
  - module: helix.users.helix_entry
  - module: helix.users.helix_user
author:
  - helix.users maintainers (@helix-users)
'''

EXAMPLES = r'''
- name: People of a Helix ITSM tenant, with the token of an earlier helix_token task
  module_defaults:
    group/helix.users.helix:
      helix_url: https://acme-restapi.onbmc.com
      helix_token: "{{ helix_session.token }}"
  block:
    - name: A support person with their groups
      helix.users.helix_person:
        login_id: jdoe
        first_name: John
        last_name: Doe
        email: john.doe@calbro.com
        company: Calbro Services
        organization: IT Support
        department: Service Desk
        site: Calbro Headquarters
        support_staff: true
        license_type: Fixed
        fields:
          Assignment Availability: "Yes"
        permission_groups: [Incident User, Calbro Services]
        support_groups:
          - company: Calbro Services
            organization: IT Support
            group: Service Desk
            default: true
        functional_roles:
          - company: Calbro Services
            organization: IT Support
            group: Service Desk
            role: Incident Manager
      register: jdoe

    - name: Offboard - non-support, Login ID removed, Profile Status Obsolete
      helix.users.helix_person:
        login_id: mary
        state: obsolete

    - name: Re-enable an obsoleted person by their Person ID
      helix.users.helix_person:
        person_id: PPL000000000042
        login_id: mary
        profile_status: Enabled

    - name: Show the Person ID
      ansible.builtin.debug:
        msg: "{{ jdoe.action }} {{ jdoe.person.person_id }}"
'''

RETURN = r'''
person:
  description:
    - The person after the task (in check mode, as they would be) - C(person_id), the options' values by option name
      (C(support_staff) as a bool), C(full_name), C(site_id), C(permission_groups) (names), C(support_groups) and
      C(functional_roles) (dicts C(company), C(organization), C(group), C(role), C(default), C(support_group_id); the
      role of a functional role is its C(Functional Role)), and C(values) (the C(CTM:People) values as read and written
      by this task, O(fields) and the site copies included).
    - Empty when deleted or when no person was found.
  returned: success
  type: dict
  sample: {"person_id": "PPL000000000004", "login_id": "jdoe", "first_name": "John", "last_name": "Doe",
           "company": "Calbro Services", "support_staff": true, "license_type": "Fixed",
           "permission_groups": ["Incident User"],
           "support_groups": [{"company": "Calbro Services", "organization": "IT Support", "group": "Service Desk",
                               "role": "Member", "default": true, "support_group_id": "SGP000000000001"}],
           "functional_roles": [{"company": "Calbro Services", "organization": "IT Support", "group": "Service Desk",
                                 "role": "Incident Manager", "default": false,
                                 "support_group_id": "SGP000000000001"}]}
action:
  description:
    - What was done - V(created), V(updated), V(obsoleted), V(deleted) or V(unchanged).
    - On a failed write, V(failed) (that write not applied) or V(unknown) (its reply was lost).
  returned: always
  type: str
  sample: updated
steps:
  description: The writes of the task in order (in check mode, those it would send) - C(form), C(action), C(entry_id), C(what).
  returned: success
  type: list
  elements: dict
  sample: [{"form": "CTM:People", "action": "updated", "entry_id": "PPL000000000002", "what": "remove the Login ID"}]
msg:
  description: Why nothing was done, when no person was found for O(state=obsolete) or O(state=absent).
  returned: when nothing was found to obsolete or delete
  type: str
  sample: "no person has the Remedy Login ID 'mary': nothing to obsolete"
done:
  description: On a failed write, the steps done before it.
  returned: failure of a write
  type: list
  elements: str
diff:
  description: Before and after of the declared options that change.
  returned: in diff mode
  type: dict
  sample: {"before": {"email": "jdoe@calbro.com"}, "after": {"email": "john.doe@calbro.com"}}
ar_messages:
  description: The AR messages of the tenant's answer to a failed request.
  returned: failure
  type: list
  elements: dict
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
  sample: 9
'''

from ansible_collections.helix.users.plugins.module_utils.form_names import refuse, resolve_values, unresolved_ids
from ansible_collections.helix.users.plugins.module_utils.guards import Guard
from ansible_collections.helix.users.plugins.module_utils.module import HelixModule
from ansible_collections.helix.users.plugins.module_utils.people_form import (
    PEOPLE_FORM,
    argument_spec,
    declaration_problems,
)
from ansible_collections.helix.users.plugins.module_utils.people_plans import plan_person
from ansible_collections.helix.users.plugins.module_utils.writes import execute, raise_failure


def declared(client, params):
    """The task's options with `fields` by the names CTM:People gives them (ids resolved, unknown names refused),
    checked again as named (a field an option manages, given by its id, is refused too)."""
    params = dict(params)
    if params.get('fields'):
        params['fields'] = resolve_values(client, PEOPLE_FORM, params['fields'], 'fields')
        refuse(declaration_problems(params) + [
            'fields names the field %r by an id this module can not resolve to a name (the tenant serves no field'
            ' metadata): give the field by its name' % field for field in unresolved_ids(params['fields'])])
    return params


def run(module, client):
    params = declared(client, module.params)
    change = plan_person(client, params)
    change.replan = lambda fresh, _change: plan_person(fresh, params)  # after AR 309: read and planned again, once
    execute(client, [change], module.check_mode, Guard(client.login_name))
    for warning in change.warnings:
        module.warn(warning)
    if change.action in ('failed', 'unknown'):
        raise_failure(change, person_id=change.person_id)
    change.settle()
    result = dict(changed=change.changed, action=change.action, person=change.person,
                  steps=[step.as_dict() for step in change.steps])
    if change.msg:
        result['msg'] = change.msg
    if module._diff:
        result['diff'] = change.diff
    return result


def main():
    module = HelixModule(argument_spec(), required_one_of=[('login_id', 'person_id')])
    problems = declaration_problems(module.params)
    if problems:
        module.fail_json(msg='nothing was sent: ' + '; '.join(problems), problems=problems)
    module.run(lambda client: run(module, client))


if __name__ == '__main__':
    main()
