# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Entries of any AR form, as helix_entry declares them: a key, the entry it finds, and the change to it.

- An EntryKey says which entry a declaration means: key fields ANDed by equality, or a raw
  qualification. It is validated before any request: a blank value, an empty dict or a blank
  qualification would match every entry of the form.
- find_entry reads the entries the key matches through reads.read_by_keys: none, one, or an
  EntryError naming how many.
- plan_entry compares only the declared values (AR keeps no empty strings, so '' is null; numbers
  compare as their text) and returns a writes.Change of one step, which writes.execute checks and sends.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.fields import field_name, is_field_id
from ansible_collections.helix.users.plugins.module_utils.qualification import all_of, equals
from ansible_collections.helix.users.plugins.module_utils.reads import key_text, read_by_keys, read_entries
from ansible_collections.helix.users.plugins.module_utils.writes import Change, Step, WriteError

# More matches than this are not counted further: the count is then "more than MATCH_LIMIT".
MATCH_LIMIT = 100
# Fields that must not be set through a generic entry: (form, field) -> the module that manages them.
# Their values would show in diff and results; the dedicated module keeps them secret.
SECRET_FIELDS = {('user', 'Password'): 'helix.users.helix_user (its password option)'}
# Fields of the User form that helix_user manages through options; helix_entry writes them only with
# allow_reserved (and never on the account the task logs in as: the guard layer).
RESERVED_FIELDS = {('user', 'Login Name'): 'login_name', ('user', 'Status'): 'state',
                   ('user', 'Group List'): 'groups'}
SCALARS = (str, int, float, bool)
text_key = key_text  # AR keeps no empty strings ('' is null); numbers compare as their text
EntryError = WriteError


# ---------------------------------------------------------------------- the key
class EntryKey(object):
    """Which entry a declaration means: key fields ({field: value}, ANDed equality) or a raw qualification.

    Build it with make_key(), which refuses keys that could match every entry.
    """

    def __init__(self, fields=None, query=None, form=None):
        self.fields = dict(fields) if fields else {}
        self.query = query
        self.form = form

    @property
    def qualification(self):
        """The q= of the key: each key field quoted by AR's rules, or the raw qualification as written."""
        if self.query is not None:
            return self.query
        return all_of(*[equals(field, value) for field, value in self.fields.items()])

    def create_values(self):
        """What a create must carry so that the key finds the entry again: the key fields (none for a query)."""
        return dict(self.fields)

    def fetch_names(self):
        """Key fields worth fetching, by name (a field id comes back under its name, so it is not asked for)."""
        return [field for field in self.fields if not is_field_id(field)]

    def named(self):
        """The key fields by name (ids the collection knows resolved), as a read returns them."""
        return dict((field_name(self.form, field), value) for field, value in self.fields.items())

    def describe(self):
        if self.query is not None:
            return 'key_query %s' % self.query
        return 'key %s' % ', '.join('%s=%r' % (field, value) for field, value in self.fields.items())

    def __repr__(self):
        return 'EntryKey(%s)' % self.describe()


def _form_key(form):
    return str(form or '').strip().casefold()


def _owner(table, form, field):
    name = field_name(form, field)
    for (table_form, table_field), owner in table.items():
        if table_form == _form_key(form) and table_field.casefold() == name.casefold():
            return table_field, owner
    return None, None


def key_problems(key=None, key_query=None, form=None):
    """Problems of a key (dict) or key_query (str) found without a server; [] when it is usable."""
    if key is not None and key_query is not None:
        return ['give key or key_query, not both']
    if key is None and key_query is None:
        return ['give key (key fields and their values) or key_query (a qualification matching one entry)']
    if key_query is not None:
        if not isinstance(key_query, str) or not key_query.strip():
            return ['key_query is blank (%r): a template that rendered nothing would match every entry of the form'
                    % (key_query,)]
        return []
    if not isinstance(key, dict):
        return ['key must be a dict of key field to value, got %r' % (key,)]
    if not key:
        return ['key is empty: it would match every entry of the form; give at least one key field and its value']
    problems = []
    for field, value in key.items():
        if not isinstance(field, str) or not field.strip():
            problems.append('key has an empty field name (%r)' % (field,))
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append('key field %r has a blank value (%r): a template that rendered nothing? A blank key'
                            ' value must never choose the entry' % (field, value))
        elif not isinstance(value, SCALARS):
            problems.append('key field %r must be a string or a number, got %r' % (field, value))
        problems.extend(_secret_problems(form, field, 'key'))
    return problems


def make_key(key=None, key_query=None, form=None):
    """The EntryKey of a key dict or a key_query; EntryError listing the problems (before any request)."""
    problems = key_problems(key, key_query, form)
    if problems:
        raise EntryError('; '.join(problems), result=dict(problems=problems))
    if key_query is not None:
        return EntryKey(query=key_query.strip(), form=form)
    return EntryKey(fields=key, form=form)


# ---------------------------------------------------------------------- the declared values
def values_problems(values, key=None, form=None, allow_reserved=False, ids_later=False):
    """Problems of the declared values (and their clashes with the key, by name or id) found without a server.

    :param ids_later: a field given by an id the collection can not name is left for the form's field metadata to
        name (form_names.resolve_values), instead of being refused here.
    """
    if values is None:
        return []
    if not isinstance(values, dict):
        return ['values must be a dict of AR field name to value, got %r' % (values,)]
    problems = []
    key_fields = dict((field_name(form, field).casefold(), (field, value))
                      for field, value in (key.fields if key else {}).items())
    for field, value in values.items():
        if not isinstance(field, str) or not field.strip():
            problems.append('values has an empty field name (%r)' % (field,))
            continue
        secret = _secret_problems(form, field, 'values')
        if secret:
            problems.extend(secret)
            continue
        if is_field_id(field_name(form, field)):
            if not ids_later:
                problems.append('values names field %r by its id, which neither this module nor the tenant\'s field'
                                ' metadata can name: give the field by its name (the server returns values by name,'
                                ' so a value given by id could never be compared)' % field)
            continue
        reserved, option = _owner(RESERVED_FIELDS, form, field)
        if reserved and not allow_reserved:
            problems.append('values may not set %r on form %r: helix.users.helix_user manages it (its option %s);'
                            ' set allow_reserved: true to write it here' % (field, form, option))
        if value is not None and not isinstance(value, SCALARS):
            problems.append('values field %r must be a string, a number or null, got %r' % (field, value))
        elif field.casefold() in key_fields and text_key(value) != text_key(key_fields[field.casefold()][1]):
            name, key_value = key_fields[field.casefold()]
            problems.append('values field %r is %r but the key says %r%s: a key field is written from the key on'
                            ' create, and never changed through it; declare it once' % (
                                field, value, key_value, '' if name == field else ' (as field %s)' % name))
    return problems


def _secret_problems(form, field, where):
    secret, owner = _owner(SECRET_FIELDS, form, field)
    if secret is None:
        return []
    return ['%s may not name %r on form %r: it is a password, and values show in diff and results; use %s'
            % (where, field, form, owner)]


def key_id_problems(key, values, form):
    """A key field given by an id the collection can not name can not be compared with the values: refused."""
    if key is None or not values:
        return []
    return ['key names field %r by an id this module can not resolve on form %r, so it can not be compared with'
            ' values: give the key field by its name' % (field, form)
            for field in key.fields if is_field_id(field) and is_field_id(field_name(form, field))]


# ---------------------------------------------------------------------- comparing
def text_equal(field, declared, current):  # pylint: disable=unused-argument
    """The comparison of arbitrary forms: text, case-sensitively ('' and null equal, 1 and '1' equal)."""
    return text_key(declared) == text_key(current)


def _number_for_label(declared, current):
    """True when a number was declared where a label is stored: the comparison can not judge it."""
    number = isinstance(declared, int) and not isinstance(declared, bool) or (
        isinstance(declared, str) and declared.strip().isdigit())
    label = isinstance(current, str) and current.strip() != '' and not current.strip().lstrip('-').replace(
        '.', '', 1).isdigit()
    return bool(number and label)


# ---------------------------------------------------------------------- reading
def find_entry(client, form, key, fields=None):
    """The one entry the key matches ({'entry_id', 'values'}), None when none does; EntryError when more do."""
    limit = MATCH_LIMIT + 1
    named = key.named()
    by_name = [field for field in named if not is_field_id(field)]
    if key.query is not None or not by_name:
        # a raw qualification, or key fields all given by ids no one can name: the server's matching alone
        found = read_entries(client, form, key.qualification, fields, limit=limit, page_size=limit)
    else:
        first, rest = by_name[0], [(field, value) for field, value in named.items() if field != by_name[0]]
        base = all_of(*[equals(field, value) for field, value in rest])
        found = [entry for entry in read_by_keys(client, form, first, [named[first]], base_query=base, fields=fields,
                                                 limit=limit, page_size=limit).entries
                 if all(field not in entry['values'] or text_key(entry['values'][field]) == text_key(value)
                        for field, value in rest)]
    if len(found) > 1:
        count = 'more than %d' % MATCH_LIMIT if len(found) > MATCH_LIMIT else str(len(found))
        raise EntryError('nothing was written: %s entries of form %r match the %s; a key must match at most one'
                         ' entry (add key fields, or narrow key_query)' % (count, form, key.describe()),
                         result=dict(match_count=len(found)))
    return found[0] if found else None


def fields_to_read(key, values):
    """The fields a plan needs: the key fields (by name) and the declared ones (field 1 is added on reading)."""
    return list(dict.fromkeys(key.fetch_names() + list(values or {})))


# ---------------------------------------------------------------------- planning
def plan_entry(form, key, values, current, state='present', equal=None):
    """The writes.Change that brings the entry the key found (current) to the declared values and state.

    :param key: the EntryKey; its fields go into a create, and find the entry again.
    :param values: {field name: value} declared (validated with values_problems); only these are compared.
    :param current: {'entry_id', 'values'} as find_entry returned it, or None when no entry matched.
    :param equal: callable(field, declared, stored) -> bool; default text_equal.
    """
    equal = equal or text_equal
    values = dict(values or {})
    subject = 'the %s entry matching the %s' % (form, key.describe())
    find_again = key.named() if key.query is None else key.query

    def change(action, method=None, entry_id=None, write=None, before=None, after=None, stored=None):
        steps = [Step(form, method, entry_id, write, key=find_again, current=stored, what='%s %s' % (method, subject),
                      noun='%s of %s' % (method, subject))] if method else []
        return Change(subject, action, steps, before, after, current=stored, entry_id=entry_id)

    if state == 'absent':
        if current is None:
            return change('unchanged')
        stored = current['values']
        before = dict(state='present')
        before.update((field, stored.get(field)) for field in list(key.fetch_names()) + list(values))
        return change('deleted', 'delete', current['entry_id'], before=before, after=dict(state='absent'),
                      stored=stored)
    if current is None:
        write = key.create_values()
        write.update(values)
        after = dict(state='present')
        after.update(write)
        return change('created', 'create', write=write, before=dict(state='absent'), after=after)
    stored = current['values']
    write, before, after, warnings = {}, {}, {}, []
    for field, value in values.items():
        if equal(field, value, stored.get(field)):
            continue
        write[field] = value
        before[field] = stored.get(field)
        after[field] = value
        if _number_for_label(value, stored.get(field)):
            warnings.append('%s: %r was declared where the entry holds %r; if %r is a selection field, declare it by'
                            ' its label, or every run reports a change' % (field, value, stored.get(field), field))
    if not write:
        result = change('unchanged', entry_id=current['entry_id'], stored=stored)
    else:
        result = change('updated', 'update', current['entry_id'], write, before, after, stored)
    result.warnings.extend(warnings)
    return result


def entry_after(change):
    """The entry's values after the change (in check mode, as they would be), as far as this run knows them."""
    if change.action == 'deleted' or (change.current is None and change.action != 'created'):
        return {}
    values = dict(change.current or {})
    for step in change.steps:
        values.update(step.values or {})
    return values
