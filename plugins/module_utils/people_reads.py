# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading people and what a person task resolves: the person, its group rows, sites, companies, groups.

Every read goes through reads.read_by_keys or reads.read_entries: one entry-id rule, one rule for exact
keys. Names a task declares (a site, a permission group, a support group) are resolved before any write,
so an unknown name fails the task with nothing written, in check mode too.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.errors import AR_NO_SUCH_FORM, HelixError
from ansible_collections.helix.users.plugins.module_utils.form_names import available, check_selection, read_leaving_out
from ansible_collections.helix.users.plugins.module_utils.info import base_query, matches_nothing
from ansible_collections.helix.users.plugins.module_utils.people_form import (
    ASSOCIATION_FORM,
    COMPANY_FORM,
    ENTRY_ID_FIELD,
    FUNCTIONAL_ROLE,
    FUNCTIONAL_ROLE_FORM,
    INFO_FIELDS,
    LICENSE_TYPE,
    LOGIN_ID,
    MAP_FORM,
    PEOPLE_FORM,
    PERMISSION_FORM,
    PERSON_ID,
    SITE,
    SITE_COPIES,
    SITE_DETAILS,
    SITE_FORM,
    SITE_SOURCES,
    SITE_ID,
    SUPPORT_GROUP_FORM,
    PersonError,
    fold,
    group_names_of,
    person_view,
    role_view,
    support_view,
)
from ansible_collections.helix.users.plugins.module_utils.qualification import all_of, equals
from ansible_collections.helix.users.plugins.module_utils.reads import read_by_keys, read_entries

PERMISSION_ROW_FIELDS = [PERSON_ID, 'Login ID', 'Permission Group', 'Permission Group ID', 'Permission Group Type',
                         LICENSE_TYPE, 'Status']
ASSOCIATION_ROW_FIELDS = [PERSON_ID, 'Login ID', 'Support Group ID', 'Support Group Association Role', 'Default',
                          'Status']
ROLE_ROW_FIELDS = [PERSON_ID, 'Login ID', 'Support Group ID', FUNCTIONAL_ROLE, 'Default', 'Status']


def person_fields(extra=()):
    return list(dict.fromkeys(INFO_FIELDS + list(SITE_DETAILS) + list(extra)))


def display_only(fields, kept=()):
    """The fields of a person read only for display or copying: all but the login and those a task declares."""
    kept = set(kept) | set([LOGIN_ID])
    return [field for field in fields if field not in kept]


def read_people_form(client, read, fields, kept=()):
    """read(fields) of CTM:People, leaving out the display fields the tenant's form lacks."""
    return read_leaving_out(client, PEOPLE_FORM, read, fields, display_only(fields, kept))


def not_itsm(exc):
    """The error of a read of CTM:People: a tenant without the form (404, AR 303) is no Helix ITSM tenant."""
    if exc.status == 404 or exc.has_number(AR_NO_SUCH_FORM):
        return PersonError('nothing was written: the tenant has no form CTM:People (%s): it does not run Helix ITSM;'
                           ' manage its users with helix.users.helix_user' % exc, status=exc.status,
                           messages=exc.messages)
    return exc


def find_person(client, login_id=None, person_id=None, extra_fields=(), declared=()):
    """The one person ({'entry_id', 'values'}) by Person ID, else by Remedy Login ID (exact); None when none.

    :param declared: the CTM:People fields the task declares; the others are read for display or copying only,
        and left out where the tenant's form lacks them.
    """
    fields = person_fields(extra_fields)
    kept = list(extra_fields) + list(declared)
    try:
        if person_id is not None:
            # the server matches field 1 exactly; an entry whose id it shows must show this one
            person = [entry for entry in read_people_form(client, lambda wanted: read_entries(
                client, PEOPLE_FORM, equals(ENTRY_ID_FIELD, person_id), wanted, limit=2), fields, kept)
                if entry['entry_id'] in (None, person_id)]
            return person[0] if person else None
        found = read_people_form(client, lambda wanted: read_by_keys(client, PEOPLE_FORM, LOGIN_ID, [login_id],
                                                                     fields=wanted, limit=101), fields, kept)
    except HelixError as exc:
        raise not_itsm(exc)
    others = found.variants().get(login_id)
    if others:
        # a tenant matching logins case-insensitively: never take one login for another, never create a twin
        raise PersonError('nothing was written: no person has the Remedy Login ID %r, but the tenant matches it to %s,'
                          ' which differs only by case; declare the login exactly as stored' % (
                              login_id, ', '.join(repr(other) for other in others)), result=dict(others=others))
    if len(found.entries) > 1:
        raise PersonError('nothing was written: %d people of CTM:People have the Remedy Login ID %r; a login must'
                          ' find one person (give person_id)' % (len(found.entries), login_id),
                          result=dict(match_count=len(found.entries)))
    return found.entries[0] if found.entries else None


def rows_of(client, form, person_ids, fields):
    """{Person ID: [rows]} of a row form (permission groups, support group associations) for the people."""
    rows = {}
    for row in read_by_keys(client, form, PERSON_ID, person_ids, fields=fields).entries:
        rows.setdefault(row['values'].get(PERSON_ID), []).append(row)
    return rows


def role_rows_of(client, person_ids, required=False):
    """{Person ID: [rows]} of CTM:SupportGroupFunctionalRole; a tenant without that form (an older ITSM) has none,
    which is noted, unless the task declares functional roles (required): then the error stands."""
    try:
        return rows_of(client, FUNCTIONAL_ROLE_FORM, person_ids, ROLE_ROW_FIELDS)
    except HelixError as exc:
        if required or not (exc.status == 404 or exc.has_number(AR_NO_SUCH_FORM)):
            raise
    client.note('the tenant has no form %s: functional roles are neither read nor removed' % FUNCTIONAL_ROLE_FORM)
    return {}


def permission_rows(client, person_id):
    return rows_of(client, PERMISSION_FORM, [person_id], PERMISSION_ROW_FIELDS).get(person_id, [])


def association_rows(client, person_id):
    return rows_of(client, ASSOCIATION_FORM, [person_id], ASSOCIATION_ROW_FIELDS).get(person_id, [])


def role_rows(client, person_id, required=False):
    return role_rows_of(client, [person_id], required).get(person_id, [])


def _by_name(client, form, field, names, fields, base=None):
    """{declared name: stored entries} of names a task declares (sites, groups, companies: AR matches their names
    without case), matched exactly, else in another case."""
    found = read_by_keys(client, form, field, names, base_query=base, fields=fields)
    return dict((name, found.found_in_any_case(name)) for name in names)


def resolve_site(client, name, company):
    """The CTM:People values of a site name: Site, Site ID and the details copied from SIT:Site (narrowed by company
    when several sites share the name), and the site's Company; PersonError otherwise.

    Details either form lacks (customised, older) are left out of the read and of the copy."""
    found = read_leaving_out(client, SITE_FORM, lambda wanted: _by_name(client, SITE_FORM, SITE, [name], wanted),
                             ['Company', 'Status'] + list(SITE_SOURCES), SITE_SOURCES)[name]
    if len(found) > 1 and company:
        found = [entry for entry in found if fold(entry['values'].get('Company')) == fold(company)]
    if not found:
        raise PersonError('nothing was written: no site of SIT:Site is named %r' % name)
    if len(found) > 1:
        raise PersonError('nothing was written: %d sites of SIT:Site are named %r%s; give the company' % (
            len(found), name, ' for company %r' % company if company else ''))
    site = found[0]
    values = {SITE: site['values'].get(SITE), SITE_ID: site['entry_id'] or site['values'].get(SITE_ID),
              'Company': site['values'].get('Company')}
    copies = available(client, PEOPLE_FORM, SITE_DETAILS, SITE_DETAILS)
    lacking = client.lacking(SITE_FORM)
    values.update((copy, site['values'].get(source)) for source, copy in SITE_COPIES
                  if copy in copies and source not in lacking)
    return values


def company_known(client, company):
    """Whether the tenant knows the company, asked before any write.

    Companies live in COM:Company on tenants; this module first asks LIC:SYS-License Permission Map for a
    company permission group of that name (ITSM makes one for every company), then COM:Company. When
    neither form knows it, the company is taken as unknown.
    """
    if _by_name(client, MAP_FORM, 'Permission Group', [company], ['Permission Group Type'],
                base=equals('Permission Group Type', 'Company'))[company]:
        return True
    try:
        return bool(_by_name(client, COMPANY_FORM, 'Company', [company], [])[company])
    except HelixError as exc:
        if exc.status == 404 or exc.has_number(AR_NO_SUCH_FORM):
            return False  # no COM:Company form to ask (the simulator keeps companies as a list)
        raise


def resolve_permission_groups(client, names):
    """{folded name: map values} of the declared names; PersonError naming the unknown ones."""
    wanted = list(dict.fromkeys(str(name).strip() for name in names))
    found = _by_name(client, MAP_FORM, 'Permission Group', wanted, ['Permission Group ID', LICENSE_TYPE,
                                                                    'Permission Group Type'])
    unknown = [name for name in wanted if not found[name]]
    if unknown:
        raise PersonError('nothing was written: no permission group of LIC:SYS-License Permission Map is named %s'
                          % ', '.join(repr(name) for name in unknown), result=dict(unknown=unknown))
    return dict((fold(name), found[name][0]['values']) for name in wanted)


def resolve_support_group(client, group):
    q = all_of(equals('Support Organization', group['organization']), equals('Support Group Name', group['group']))
    found = read_by_keys(client, SUPPORT_GROUP_FORM, 'Company', [group['company']], base_query=q,
                         fields=['Support Organization', 'Support Group Name', 'Status'], limit=3).entries
    if len(found) != 1:
        raise PersonError('nothing was written: %s support group of CTM:Support Group is %s / %s / %s' % (
            'no' if not found else 'more than one', group['company'], group['organization'], group['group']))
    return found[0]


def support_group_names(client, ids):
    """{Support Group ID: {'company', 'organization', 'group'}} of the ids."""
    names = {}
    for entry in read_by_keys(client, SUPPORT_GROUP_FORM, ENTRY_ID_FIELD, sorted(set(ids)),
                              fields=['Company', 'Support Organization', 'Support Group Name']).entries:
        values = entry['values']
        names[entry['entry_id']] = dict(company=values.get('Company'), organization=values.get(
            'Support Organization'), group=values.get('Support Group Name'))
    return names


# ---------------------------------------------------------------------- info
def person_result(entry, rows, associations, names, roles=()):
    person = person_view(entry['values'], entry['entry_id'])
    person['permission_groups'] = group_names_of(rows)
    person['support_groups'] = support_view(associations, names)
    person['functional_roles'] = role_view(roles, names)
    person['values'] = dict(entry['values'])
    return person


def read_people(client, login_ids=None, query=None, filters=None, fields=None, sort=None, limit=0, page_size=500):
    """People chosen by login ids (exact), query and filters (ANDed), each with its groups."""
    if (login_ids is not None and not login_ids) or matches_nothing(filters):
        return []
    check_selection(client, PEOPLE_FORM, dict(fields=fields, filters=filters, sort=sort))
    try:
        entries = read_people_form(client, lambda wanted: read_by_keys(
            client, PEOPLE_FORM, LOGIN_ID, login_ids, base_query=base_query(query, filters), fields=wanted, sort=sort,
            limit=limit, page_size=page_size), person_fields(fields or []), fields or ()).entries
    except HelixError as exc:
        raise not_itsm(exc)
    ids = [entry['entry_id'] for entry in entries if entry['entry_id']]
    rows = rows_of(client, PERMISSION_FORM, ids, PERMISSION_ROW_FIELDS) if ids else {}
    associations = rows_of(client, ASSOCIATION_FORM, ids, ASSOCIATION_ROW_FIELDS) if ids else {}
    roles = role_rows_of(client, ids) if ids else {}
    group_ids = [row['values'].get('Support Group ID') for groups in (associations, roles)
                 for group in groups.values() for row in group]
    names = support_group_names(client, group_ids) if group_ids else {}
    return [person_result(entry, rows.get(entry['entry_id'], []), associations.get(entry['entry_id'], []), names,
                          roles.get(entry['entry_id'], [])) for entry in entries]
