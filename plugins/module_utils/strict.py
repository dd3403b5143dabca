# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one strict door for input: options as they were given, before Ansible (or YAML) converts them.

Ansible turns a number into a string option's text and splits a string given for a list on commas;
YAML turns an unquoted 0123 into 83, yes into true and 2024-01-01 into a date. Each of these once
became a different login, a bogus user or a user obsoleted by a purge. Here, whatever the path (the
module's own options, the items of `users` or of a users_file, a person's support groups), such a value
is an error naming the option and the item, before any request. No message quotes a value that may be
a secret: a wrong type is named by its type.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

# Options that take a number on purpose (documented: a selection's label or its number).
NUMERIC_OK = ('license_type', 'notify_mechanism', 'full_text_license_type')
# Options whose text names an account or a group: no control character (a newline from a survey's textarea).
NAME_OPTIONS = ('login_name', 'name', 'login_id', 'person_id', 'groups', 'permission_groups', 'purge_exclude',
                'group_name', 'group_id')
# Dicts of AR field values, whose values are text (or null): a number or a bool YAML made of them is refused.
TEXT_DICTS = ('fields',)
CONTROL = re.compile(r'[\x00-\x1f\x7f]')
LIST_STRING_HINTS = {
    'users': "give a list: a string (for example {{ lookup('file', 'users.json') }} on ansible-core 2.19 and newer) would"
             " be split on commas into bogus logins; use \"{{ lookup('file', 'users.json') | from_json }}\", or"
             " users_file",
}


def describe_type(value):
    """A value's type as messages name it (never the value: it may be a secret)."""
    if isinstance(value, bool):
        return 'a boolean (true/false; YAML reads yes, no, on and off so)'
    if isinstance(value, (int, float)):
        return 'a number (YAML reads an unquoted 0123 as 83 and 1e3 as 1000.0)'
    if isinstance(value, (datetime.date, datetime.datetime)):
        return 'a date (YAML reads an unquoted 2024-01-01 so)'
    return 'a %s' % type(value).__name__


def _not_text(value):
    return isinstance(value, (bool, int, float, datetime.date, datetime.datetime))


class Door(object):
    """The strict checks of one argument spec, prepared once (a bulk run checks every item with them).

    :param numeric_fields: fields of a TEXT_DICTS option that take a number on purpose (a selection the module
        knows, given by its number).
    """

    def __init__(self, spec, numeric_fields=()):
        self.spec = spec
        self.numeric_fields = frozenset(numeric_fields)
        self.names = {}
        for option, entry in spec.items():
            self.names[option] = option
            for alias in entry.get('aliases') or []:
                self.names[alias] = option
        self.text_options = frozenset(option for option, entry in spec.items() if entry.get('type', 'str') == 'str')
        self._nested = dict((option, Door(entry['options'], numeric_fields)) for option, entry in spec.items()
                            if entry.get('options'))

    def problems(self, raw, where=''):
        """What is wrong with raw options (a dict as given); [] when they may pass.

        :param where: how messages name the holder ('users[3] (jdoe): ', 'support_groups[0]: ').
        """
        if not isinstance(raw, dict):
            return []
        found, seen, spellings = [], set(), None
        for name, value in raw.items():
            option = self.names.get(name)
            if option is None or value is None:
                continue
            if option in seen:
                spellings = spellings or {}
                spellings.setdefault(option, set()).add(name)
            seen.add(option)
            if isinstance(value, str) and option in self.text_options:  # the common case of 100,000 items
                if option in NAME_OPTIONS and CONTROL.search(value):
                    found.append('%s%s contains a control character (a newline or a tab): one name per option' % (
                        where, name))
            else:
                found.extend(self._value_problems(option, self.spec[option], value, where + name))
        for option in sorted(spellings or ()):
            names = sorted(set(name for name in raw if self.names.get(name) == option and raw[name] is not None))
            found.insert(0, '%s%s are two spellings of one option (%s); give one' % (where, ' and '.join(names), option))
        return found

    def _value_problems(self, option, entry, value, label):
        kind = entry.get('type', 'str')
        if kind == 'str':
            if _not_text(value) and option not in NUMERIC_OK:
                return ['%s must be text, got %s: quote it' % (label, describe_type(value))]
            if option in NAME_OPTIONS and isinstance(value, str) and CONTROL.search(value):
                return ['%s contains a control character (a newline or a tab): one name per option' % label]
            return []
        if kind == 'list':
            return self._list_problems(option, entry, value, label)
        if kind == 'dict':
            if option in self._nested:
                return self._nested[option].problems(value, '%s: ' % label)
            if option in TEXT_DICTS and isinstance(value, dict):
                return ['%s.%s must be text or null, got %s: quote it' % (label, field, describe_type(field_value))
                        for field, field_value in value.items() if _not_text(field_value) and not (
                            field in self.numeric_fields and not isinstance(field_value, bool))]
        return []

    def _list_problems(self, option, entry, value, label):
        if isinstance(value, str):
            if option in LIST_STRING_HINTS:
                return ['%s is a string, not a list: %s' % (label, LIST_STRING_HINTS[option])]
            if option in NAME_OPTIONS and CONTROL.search(value):
                return ['%s contains a control character (a newline or a tab): give a list, one name per item' % label]
            return []
        if not isinstance(value, list):
            return []  # Ansible's own validation words it
        found = []
        element = entry.get('elements')
        for index, item in enumerate(value):
            if element == 'str':
                found.extend(self._value_problems(option, TEXT, item, '%s[%d]' % (label, index)))
            elif option in self._nested:
                found.extend(self._nested[option].problems(item, '%s[%d]: ' % (label, index)))
        return found


TEXT = dict(type='str')


def problems(raw, spec, where='', numeric_fields=()):
    """What is wrong with raw options against an argument spec (see Door.problems)."""
    return Door(spec, numeric_fields).problems(raw, where)
