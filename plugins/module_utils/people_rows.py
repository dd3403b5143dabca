# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rows of a person a helix_person task plans: permission groups (CTM:People Permission Groups), support groups
(CTM:Support Group Association) and functional roles (CTM:SupportGroupFunctionalRole), as writes.Steps.

Rows of a person the task creates carry Person ID None: people_plans.PersonChange links them to the person's
create step. Nothing here sends a write; _plan_rows reads the rows and resolves the declared support groups.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.people_form import (
    ASSOCIATION_FORM,
    FUNCTIONAL_ROLE,
    FUNCTIONAL_ROLE_FORM,
    LICENSE_TYPE,
    NEEDS,
    NO,
    PERMISSION_FORM,
    PERSON_ID,
    YES,
    PersonError,
    fold,
    group_names_of,
    is_yes,
    role_view,
    support_view,
)
from ansible_collections.helix.users.plugins.module_utils.people_reads import (
    association_rows,
    permission_rows,
    resolve_support_group,
    role_rows,
    support_group_names,
)
from ansible_collections.helix.users.plugins.module_utils.writes import Step


def _row_license(need, license_type, group_name):
    satisfying = NEEDS.get(fold(need) or 'none')
    if satisfying is None:
        satisfying = ()
    if not satisfying:
        return 'None'
    for license in satisfying:
        if fold(license) == fold(license_type):
            return license
    raise PersonError('nothing was written: the permission group %r needs a %s license, and the person\'s'
                      ' license_type is %r; declare license_type %s' % (
                          group_name, need, license_type, ' or '.join(satisfying)))


def plan_permission_rows(groups, append, rows, login, license_type):
    """Steps bringing the permission rows to the declared groups; (steps, names after)."""
    steps = []
    by_id = {}
    for row in rows:
        by_id.setdefault(str(row['values'].get('Permission Group ID')), []).append(row)
    wanted_ids = set()
    after = [] if not append else group_names_of(rows)
    for group in groups.values():
        group_id = str(group.get('Permission Group ID'))
        wanted_ids.add(group_id)
        row_license = _row_license(group.get(LICENSE_TYPE), license_type, group.get('Permission Group'))
        existing = by_id.get(group_id)
        if group.get('Permission Group') not in after:
            after.append(group.get('Permission Group'))
        if not existing:
            steps.append(Step(PERMISSION_FORM, 'create', values={
                PERSON_ID: None, 'Login ID': login, 'Permission Group': group.get('Permission Group'),
                'Permission Group ID': group.get('Permission Group ID'),
                'Permission Group Type': group.get('Permission Group Type'), LICENSE_TYPE: row_license,
                'Status': 'Enabled'}, what='add permission group %s' % group.get('Permission Group')))
            continue
        stored = existing[0]['values']
        write = {}
        if fold(stored.get('Status')) != 'enabled':
            write['Status'] = 'Enabled'
        if fold(stored.get(LICENSE_TYPE) or 'None') != fold(row_license):
            write[LICENSE_TYPE] = row_license
        if write:
            steps.append(Step(PERMISSION_FORM, 'update', existing[0]['entry_id'], write, current=stored,
                              what='update permission group %s' % group.get('Permission Group')))
    if not append:
        for group_id, group_rows in by_id.items():
            for row in group_rows if group_id not in wanted_ids else group_rows[1:]:
                steps.append(Step(PERMISSION_FORM, 'delete', row['entry_id'], current=row['values'],
                                  what='remove permission group %s' % row['values'].get('Permission Group')))
    return steps, after


def _same(field, declared, stored):
    if field == 'Default':
        return is_yes(declared) == is_yes(stored)  # unset reads as No
    return fold(declared) == fold(stored)


def plan_group_rows(form, wanted, append, rows, login, row_key, one_default=False):
    """Steps bringing a person's rows of a support-group form (associations, functional roles) to the wanted ones;
    (steps, the rows after, as {'entry_id', 'values'}).

    :param wanted: [(key, {field: value} the row holds, label)]; a row's key is row_key(its values).
    :param one_default: a wanted default makes every row kept with append no longer the default.
    """
    steps, by_key = [], {}
    for row in rows:
        by_key.setdefault(row_key(row['values']), []).append(row)
    for key, values, label in wanted:
        existing = by_key.get(key)
        if not existing:
            created = dict(values, **{PERSON_ID: None, 'Login ID': login, 'Status': 'Enabled'})
            steps.append(Step(form, 'create', values=created, what='add %s' % label))
            continue
        stored = existing[0]['values']
        write = dict((field, value) for field, value in values.items() if not _same(field, value, stored.get(field)))
        if fold(stored.get('Status')) != 'enabled':
            write['Status'] = 'Enabled'
        if write:
            steps.append(Step(form, 'update', existing[0]['entry_id'], write, current=stored, what='update %s' % label))
    keys = set(key for key, _values, _label in wanted)
    if not append:
        for key, key_rows in by_key.items():
            for row in key_rows if key not in keys else key_rows[1:]:
                steps.append(Step(form, 'delete', row['entry_id'], current=row['values'],
                                  what='remove %s row %s' % (form, row['entry_id'])))
    kept = [row for row in rows if append and row_key(row['values']) not in keys]
    if one_default and any(is_yes(values.get('Default')) for _key, values, _label in wanted):
        for index, row in enumerate(kept):
            if is_yes(row['values'].get('Default')):
                steps.append(Step(form, 'update', row['entry_id'], {'Default': NO}, current=row['values'],
                                  what='make %s row %s no longer the default' % (form, row['entry_id'])))
                kept[index] = dict(row, values=dict(row['values'], Default=NO))
    return steps, kept + [dict(entry_id=None, values=values) for _key, values, _label in wanted]


def _label(group, what):
    return '%s %s / %s / %s' % (what, group['company'], group['organization'], group['group'])


def plan_association_rows(declared, append, rows, login, names):
    """Steps bringing the support group associations to the declared ones; (steps, view after).

    :param declared: [(support group id, declared dict)].
    """
    wanted = [(group_id, {'Support Group ID': group_id, 'Support Group Association Role': group.get('role') or 'Member',
                          'Default': YES if group.get('default') else NO}, _label(group, 'support group'))
              for group_id, group in declared]
    steps, after = plan_group_rows(ASSOCIATION_FORM, wanted, append, rows, login,
                                   lambda values: values.get('Support Group ID'), one_default=True)
    return steps, support_view(after, names)


def _role_key(values):
    return (values.get('Support Group ID'), fold(values.get(FUNCTIONAL_ROLE)))


def plan_role_rows(declared, append, rows, login, names):
    """Steps bringing the functional roles (rows of CTM:SupportGroupFunctionalRole) to the declared ones; (steps, view
    after).

    :param declared: [(support group id, declared dict with its role)].
    """
    wanted = [((group_id, fold(role['role'])), {'Support Group ID': group_id, FUNCTIONAL_ROLE: role['role'],
                                                'Default': YES if role.get('default') else NO},
               _label(role, 'functional role %s in' % role['role'])) for group_id, role in declared]
    steps, after = plan_group_rows(FUNCTIONAL_ROLE_FORM, wanted, append, rows, login, _role_key)
    return steps, role_view(after, names)


def role_removals(roles):
    """Steps removing functional roles, sent before a change to non-support (the workflow may leave them)."""
    return [Step(FUNCTIONAL_ROLE_FORM, 'delete', row['entry_id'], current=row['values'],
                 what='remove functional role %s' % row['values'].get(FUNCTIONAL_ROLE)) for row in roles]


def group_rows(client, current, roles_required=False):
    """(permission rows, associations, functional roles) of a stored person."""
    if current is None or not current.get('entry_id'):
        return [], [], []
    return (permission_rows(client, current['entry_id']), association_rows(client, current['entry_id']),
            role_rows(client, current['entry_id'], roles_required))


def plan_rows(client, params, current, login, license_type, groups, declared_support, leaving_support):
    """The steps of a person's rows (permission groups, support groups, functional roles), their diff and the views
    after, and `first`: the steps to send before the person's own (functional roles removed before a change to
    non-support); a functional role outside the person's support groups after the task is a PersonError."""
    declared_roles = None
    if params.get('functional_roles') is not None:
        declared_roles = [(resolve_support_group(client, role)['entry_id'], role) for role in params['functional_roles']]
    stored_rows, stored_associations, stored_roles = group_rows(client, current, declared_roles is not None)
    # a create has no rows yet; a change to non-support makes the workflow remove them (the rest are removed after)
    rows, associations, roles = ([], [], []) if current is None or leaving_support else (
        stored_rows, stored_associations, stored_roles)
    group_ids = [row['values'].get('Support Group ID') for row in stored_associations + stored_roles] + [
        group_id for group_id, _group in (declared_support or []) + (declared_roles or [])]
    names = support_group_names(client, group_ids) if group_ids else {}
    plan = dict(steps=[], before={}, after={}, permission_groups=group_names_of(rows),
                support_groups=support_view(associations, names), functional_roles=role_view(roles, names),
                first=role_removals(stored_roles) if leaving_support else [])
    if groups is not None:
        row_steps, plan['permission_groups'] = plan_permission_rows(groups, params.get('append'), rows, login,
                                                                    license_type)
        plan['steps'].extend(row_steps)
    if declared_support is not None:
        row_steps, plan['support_groups'] = plan_association_rows(declared_support, params.get('append'), associations,
                                                                  login, names)
        plan['steps'].extend(row_steps)
    if declared_roles is not None:
        member_of = set(group['support_group_id'] for group in plan['support_groups'])
        outside = [role for group_id, role in declared_roles if group_id not in member_of]
        if outside:
            raise PersonError('nothing was written: a functional role needs its support group, and the person %r would'
                              ' not belong to %s (declare it in support_groups)' % (
                                  params.get('login_id') or params.get('person_id'), ', '.join(
                                      '%s / %s / %s' % (role['company'], role['organization'], role['group'])
                                      for role in outside)))
        row_steps, plan['functional_roles'] = plan_role_rows(declared_roles, params.get('append'), roles, login, names)
        plan['steps'].extend(row_steps)
    for key, changed, stored, view, same in (
            ('permission_groups', groups is not None, group_names_of(stored_rows), plan['permission_groups'],
             lambda names: sorted(map(str, names))),
            ('support_groups', declared_support is not None, support_view(stored_associations, names),
             plan['support_groups'], _support_set),
            ('functional_roles', declared_roles is not None, role_view(stored_roles, names), plan['functional_roles'],
             _support_set)):
        if (changed or leaving_support) and same(stored) != same(view):
            plan['before'][key], plan['after'][key] = stored, view
    return plan


def _support_set(view):
    return sorted((str(group.get('support_group_id')), str(group.get('role')), bool(group.get('default')))
                  for group in view)
