# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one guard layer: what no task may write, whatever module or form it writes through.

The account a run logs in as is never obsoleted, deleted, renamed or stripped of its groups: on the
User form, on its CTM:People record, or on the rows that give it permission and support groups. No
option lifts this; an administrator does that from another account. A key field is never changed
by the write that its key found, by name or by id. writes.execute() asks the guard about every step
before the first write of a task, in check mode too.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.fields import field_name
from ansible_collections.helix.users.plugins.module_utils.groups import split_group_list
from ansible_collections.helix.users.plugins.module_utils.reads import key_text
from ansible_collections.helix.users.plugins.module_utils.user_form import ACTIVE, STATUS, selection_key

PEOPLE = 'ctm:people'
# Forms whose rows give a person groups or roles, each with its Login ID.
ROW_FORMS = ('ctm:people permission groups', 'ctm:support group association', 'ctm:supportgroupfunctionalrole')
# Profile Status values that end a person's use of the tenant.
PERSON_ENDED = ('obsolete', 'archive', 'delete', 'offline')


def _fold(value):
    return None if value is None or value == '' else str(value).strip().casefold()


class Guard(object):
    """Judges steps against the account the run works as.

    :param own_login: the login the client works as (None when no one can tell: the own-account rules
        then have nothing to protect, and the caller says so).
    :param user_form: the form that holds users (helix_user's form option).
    """

    def __init__(self, own_login, user_form='User'):
        self.own_login = own_login
        self.user_form = _fold(user_form) or 'user'

    def _own(self, login):
        return bool(self.own_login) and _fold(login) == _fold(self.own_login)

    def problems(self, step):
        """What is wrong with one step, in words that name the rule; [] when it may be sent."""
        problems = list(self._key_problems(step))
        form = _fold(step.form)
        kind = 'user' if form in (self.user_form, 'user') else 'person' if form == PEOPLE else \
            'row' if form in ROW_FORMS else None
        login_field, rules = OWN_ACCOUNT_RULES.get(kind, (None, ()))
        current = step.current or {}
        login = current.get(login_field)
        if login_field is None or step.method == 'create' or not self._own(login):
            return problems
        if step.method == 'delete':
            return problems + [self._refusal(step, login, 'stripped of its groups' if kind == 'row' else 'deleted')]
        written = dict((field_name(step.form, field), value) for field, value in (step.values or {}).items())
        for rule in rules:
            broken = rule(written, current)
            if broken:
                problems.append(self._refusal(step, login, broken))
        return problems

    def _key_problems(self, step):
        if step.method != 'update' or step.rekeys or isinstance(step.key, str):
            return
        written = dict((field_name(step.form, field).casefold(), value) for field, value in (step.values or {}).items())
        for field, value in step.key.items():
            name = field_name(step.form, field)
            if name.casefold() in written and key_text(written[name.casefold()]) != key_text(value):
                yield ('%s would change the key field %r from %r to %r: the entry its key found is never renamed by'
                       ' the same write' % (step.what, name, value, written[name.casefold()]))

    @staticmethod
    def _refusal(step, login, rule):
        return ('%s is refused: %r is the account this task logs in as, which is never %s (an administrator does'
                ' that from another account)' % (step.what, login, rule))


# ---------------------------------------------------------------------- the rules of the own account
def _changed(field, words):
    """A rule: the write changes field (a login removed or replaced)."""
    return lambda written, current: words if field in written and key_text(written[field]) != key_text(
        current.get(field)) else None


def _user_disabled(written, current):  # pylint: disable=unused-argument
    if STATUS in written and selection_key(STATUS, written[STATUS]) != ACTIVE:
        return 'obsoleted or disabled'
    return None


def _groups_lost(written, current):
    if 'Group List' not in written:
        return None
    kept = set(split_group_list(written['Group List']))
    lost = [group for group in split_group_list(current.get('Group List')) if group not in kept]
    return 'stripped of its groups (%s)' % ', '.join(lost) if lost else None


def _person_ended(written, current):  # pylint: disable=unused-argument
    if _fold(written.get('Profile Status')) in PERSON_ENDED:
        return 'obsoleted (Profile Status %s)' % written['Profile Status']
    return None


def _support_left(written, current):
    if 'Support Staff' in written and _fold(current.get('Support Staff')) == 'yes' and \
            _fold(written['Support Staff']) != 'yes':
        return 'stripped of its groups (the change to non-support removes them)'
    return None


def _row_disabled(written, current):  # pylint: disable=unused-argument
    if written.get('Status') is not None and _fold(written['Status']) != 'enabled':
        return 'stripped of its groups'
    return None


# kind -> (the field holding the login an entry belongs to, the rules of an update of the own account's entry)
OWN_ACCOUNT_RULES = {
    'user': ('Login Name', (_user_disabled, _changed('Login Name', 'renamed'), _groups_lost)),
    'person': ('Remedy Login ID', (_person_ended, _changed('Remedy Login ID', 'renamed or stripped of its login'),
                                   _support_left)),
    'row': ('Login ID', (_row_disabled,)),
}
