# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Field ids and names of the forms this collection knows, so a field given by id is the same field as by name.

AR accepts a field id wherever it takes a name, and returns values by name: a key, a guard or a
comparison that looked only at names could be side-stepped by giving the id.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# {folded form: {field id: field name}}; field 1 is the entry id, named per form.
KNOWN_IDS = {
    'user': {'1': 'Request ID', '5': 'Last Modified By', '6': 'Modified Date', '7': 'Status', '8': 'Full Name',
             '101': 'Login Name', '102': 'Password', '103': 'Email Address', '104': 'Group List',
             '108': 'Default Notify Mechanism', '109': 'License Type', '110': 'Full Text License Type',
             '118': 'Auth String', '119': 'Computed Group List', '122': 'Application License'},
    'group': {'1': 'Request ID', '105': 'Group Name', '106': 'Group ID', '107': 'Group Type', '8': 'Long Group Name'},
    'ctm:people': {'1': 'Person ID', '4': 'Remedy Login ID', '7': 'Profile Status'},
}
# {folded form: {field name: the most characters it holds}}, where BMC documents it: checked before a write when
# the tenant serves no field metadata (which then tells these and more).
KNOWN_LIMITS = {'user': {'Group List': 4000}}


def is_field_id(field):
    return str(field).strip().isdigit()


def field_name(form, field, names=None):
    """The name of a field given by name or id (an id this collection does not know is returned as given).

    :param names: {id: name} the server told for this form (field metadata), consulted first.
    """
    text = str(field).strip()
    if not is_field_id(text):
        return text
    if names and text in names:
        return names[text]
    return KNOWN_IDS.get(str(form or '').strip().casefold(), {}).get(text, text)


def same_field(form, one, other, names=None):
    """True when two field references (names or ids, names in any case) name the same field."""
    return field_name(form, one, names).casefold() == field_name(form, other, names).casefold()


def known_limit_problems(form, values, what):
    """Values longer than a field of the forms this collection knows can hold (the User form's Group List)."""
    limits = KNOWN_LIMITS.get(str(form or '').strip().casefold(), {})
    problems = []
    for field, value in (values or {}).items():
        most = limits.get(field_name(form, field))
        if most and isinstance(value, str) and len(value) > most:
            problems.append('%s: %s would be %d characters; form %r holds at most %d in it' % (
                what, field_name(form, field), len(value), form, most))
    return problems
