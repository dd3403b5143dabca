# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""helix_user's task: the users it declares (its own options, users, or users_file), checked before any request,
planned, executed through writes.execute, and shaped into the single or bulk result.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.bulk import (
    bulk_result,
    plan_all,
    status_labels,
    summarize,
    validate_items,
)
from ansible_collections.helix.users.plugins.module_utils.form_names import refuse, resolve_values
from ansible_collections.helix.users.plugins.module_utils.groups import GroupResolver
from ansible_collections.helix.users.plugins.module_utils.guards import Guard
from ansible_collections.helix.users.plugins.module_utils.reads import read_by_keys
from ansible_collections.helix.users.plugins.module_utils.user_form import (
    CSV_COLUMNS,
    FIELD_OPTIONS,
    INHERITED,
    ITEM_SPEC,
    LOGIN,
    USER_OPTIONS,
    StatusRule,
    fields_problems,
    passwords_in,
)
from ansible_collections.helix.users.plugins.module_utils.user_reads import read_fields
from ansible_collections.helix.users.plugins.module_utils.users import fields_to_read, plan_user, user_after
from ansible_collections.helix.users.plugins.module_utils.users_file import UsersFileError, parse_users_file
from ansible_collections.helix.users.plugins.module_utils.writes import WriteError, execute, raise_failure

# The options of helix_user besides those of one user (USER_OPTIONS) and the connection.
TASK_OPTIONS = dict(
    users=dict(type='list', elements='raw'),
    users_file=dict(type='path'),
    purge=dict(type='bool', default=False),
    purge_query=dict(type='str'),
    purge_limit=dict(type='int', default=10),
    purge_exclude=dict(type='list', elements='str'),
    concurrency=dict(type='int', default=4),
    list_unchanged=dict(type='bool'),
    page_size=dict(type='int', default=1000),
    form=dict(type='str', default='User'),
    current_status=dict(type='str'),
    obsolete_status=dict(type='str'),
    _users_file_content=dict(type='str', no_log=True),
)


def argument_spec():
    return dict(TASK_OPTIONS, **USER_OPTIONS)


_FILE_ITEMS = {}  # the parsed users_file, by its text: parsed once for its secrets, used again for the users


def file_items(params):
    """(items, labels) of the users_file the action plugin read, parsed once; UsersFileError when it is bad."""
    text = params.get('_users_file_content')
    if text not in _FILE_ITEMS:
        try:
            _FILE_ITEMS[text] = parse_users_file(params.get('users_file') or 'users_file', text, CSV_COLUMNS)
        except UsersFileError as exc:
            _FILE_ITEMS[text] = exc
    return _FILE_ITEMS[text]


def raw_secrets(params):
    """Passwords Ansible can not know are secrets: inside the raw users items or the users_file, and given
    through fields."""
    found = passwords_in(params)
    items = params.get('users') or []
    if params.get('_users_file_content') is not None:
        parsed = file_items(params)
        items = [] if isinstance(parsed, UsersFileError) else parsed[0]
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            found.extend(passwords_in(item))
    return found


def declared_specs(module):
    """The validated user specs of the task: the module's own options as one item, or the users items.

    Sends nothing; fails naming every bad item.
    """
    params = module.params
    items, labels = params['users'], None
    if params['users_file'] is not None:
        if params['_users_file_content'] is None:
            module.fail_json(msg='users_file %s: the file was not read; helix_user reads it through its action plugin,'
                                 ' which runs when the task names the module helix.users.helix_user' % params['users_file'])
        parsed = file_items(params)
        if isinstance(parsed, UsersFileError):
            module.fail_json(msg='nothing was sent: %s' % parsed)
        items, labels = parsed  # kept out of params: the result would echo them back
        # the specs are all that is needed from here on: 100,000 parsed items held to the end were 30 MB
        _FILE_ITEMS.pop(params['_users_file_content'], None)
    single = items is None
    if single:
        if params['purge'] or params['purge_query']:
            module.fail_json(msg='purge and purge_query work in bulk mode only (with users)')
        items = [dict((key, params[key]) for key in USER_OPTIONS)]
    else:
        clashing = [key for key in FIELD_OPTIONS + ['login_name'] if params[key] is not None]
        if clashing:
            module.fail_json(msg='with users, per-user options go inside the items; not at the top: %s' % ', '.join(clashing))
        if params['purge']:
            refuse_unsafe_purge(module, items)
    specs, problems = validate_items(items, ITEM_SPEC, dict((key, params[key]) for key in INHERITED), single=single,
                                     labels=labels)
    if problems and single:
        module.fail_json(msg='; '.join(problems), problems=problems)
    if problems:
        module.fail_json(msg='nothing was sent: %d bad users item%s: %s' % (
            len(problems), '' if len(problems) == 1 else 's', '; '.join(problems)), problems=problems)
    return specs, single


def refuse_unsafe_purge(module, items):
    """A purge obsoletes whoever its scope holds and the list does not: refuse the inputs that widen it by mistake."""
    params = module.params
    if not (params['purge_query'] or '').strip():
        module.fail_json(msg='purge needs a non-blank purge_query: the qualification choosing the users a purge may'
                             ' obsolete (got %r; a template that rendered nothing would make the whole form the scope)'
                         % (params['purge_query'],))
    if not items:
        module.fail_json(msg='purge with no declared users is refused: it would obsolete every user purge_query'
                             ' matches (an empty users list is usually a variable that was not set)')
    blank = [login for login in params['purge_exclude'] or [] if not (login or '').strip()]
    if blank:
        module.fail_json(msg='purge_exclude has an empty login name: %r' % (params['purge_exclude'],))


def single_result(plan, resolver, diff, labels):
    """The single-mode result of the one plan: user, action, a flat diff; its failure with the AR messages."""
    if plan.action in ('failed', 'unknown'):
        raise_failure(plan, summary=summarize([plan]))
    result = dict(changed=plan.changed, action=plan.action, user=user_after(plan, resolver, labels),
                  summary=summarize([plan]))
    if plan.msg:
        result['msg'] = plan.msg
    if diff:
        result['diff'] = dict(before=plan.before, after=plan.after)
    return result


def named_fields(client, specs, form):
    """Every spec's fields by the names the form gives them, before anything is read: ids resolved through the
    form's field metadata, unknown names refused (naming the closest), selection values as the server's labels,
    and the fields checked again as named. WriteError naming every problem."""
    problems = []
    for spec in specs:
        if spec.get('fields'):
            spec['fields'] = resolve_values(client, form, spec['fields'], 'fields')
            problems.extend('user %r: %s' % (spec['login_name'], problem) for problem in fields_problems(spec['fields']))
    refuse(problems)


def replanning(specs, resolver, settings):
    """The Change.replan of every user's plan (one for all): after AR 309, the user read again and planned anew."""
    by_login = dict((spec['login_name'], spec) for spec in specs)

    def replan(fresh, plan):
        spec = by_login[plan.login]
        found = read_by_keys(fresh, settings['form'], LOGIN, [spec['login_name']],
                             fields=read_fields(fields_to_read([spec])))
        stored = found.found(spec['login_name'])
        return plan_user(spec, stored[0] if stored else None, resolver, settings['status_rule'], settings['form'])
    return replan


def run(module, client, specs, single):
    params = module.params
    resolver = GroupResolver(client)
    settings = dict((key, params[key]) for key in ('form', 'purge', 'purge_query', 'purge_limit'))
    settings['status_rule'] = StatusRule(params['current_status'], params['obsolete_status'])
    # logins a purge never touches: the listed service accounts, and the account this task works as
    settings['purge_exclude'] = list(params['purge_exclude'] or []) + [client.login_name]
    try:
        named_fields(client, specs, params['form'])
        plans = plan_all(client, specs, resolver, settings, params['page_size'], hold_unchanged=single)
        replan = replanning(specs, resolver, settings)
        for plan in plans[:len(specs)]:  # plans of the specs come first, in their order (then the purge's)
            plan.replan = replan
        breaker = execute(client, plans, module.check_mode, Guard(client.login_name, params['form']),
                          params['concurrency'])
    except WriteError as exc:
        if single and exc.result.get('problems'):
            raise WriteError('; '.join(exc.result['problems']), result=exc.result)  # one user: its problem alone
        raise
    for plan in plans:
        for warning in plan.warnings:  # a write that timed out, and a re-read found applied
            module.warn('user %r: %s' % (plan.login, warning))
    if single:
        return single_result(plans[0], resolver, module._diff, status_labels(plans))
    return bulk_result(plans, module._diff, breaker, params['list_unchanged'])
