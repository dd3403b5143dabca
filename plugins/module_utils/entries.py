# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Entries of any AR form: a key, the entry it finds, the plan of its change, and applying that plan.

The generic layer under helix_entry (and the form-specific modules built on it, such as a
CTM:People module): it knows nothing of users. Everything but find_entries, find_entry,
read_form_entries and apply_entry_plan is pure and sends nothing.

- An EntryKey says which entry a declaration means: key fields ANDed by equality, or a raw
  qualification. It is validated before any request: a blank value, an empty dict or a blank
  qualification would match every entry of the form.
- find_entry reads the entries the key matches: none, one, or an EntryError naming how many.
- plan_entry compares only the declared values (AR keeps no empty strings, so '' is null;
  numbers compare as their text) and returns an EntryPlan: the action, the one write, and the
  before/after of only the declared fields for diff mode.
- apply_entry_plan sends that write to the entry id it read, never to an id nobody read, and
  passes a look-up by the key to create_entry, so a create whose reply was lost is never repeated
  into a duplicate.

Entry ids are read from the entry's _links.self first, then from field id 1: field 1 is named per
form (Request ID on User, Person ID on CTM:People, Entry ID on HPD:Help Desk), so it is always
fetched by its id, never by a name.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.ar_client import last_segment
from ansible_collections.helix.users.plugins.module_utils.errors import HelixError
from ansible_collections.helix.users.plugins.module_utils.qualification import all_of, equals, from_filters

ENTRY_ID_FIELD = '1'  # the entry id of every AR form, whatever the form names it
REQUEST_ID_NAME = 'Request ID'  # what most forms name field 1; read only when every field was fetched
ACTIONS = ('created', 'updated', 'deleted', 'unchanged')
VERBS = {'created': 'create', 'updated': 'update', 'deleted': 'delete'}
# More matches than this are not counted further: the count is then "more than MATCH_LIMIT".
MATCH_LIMIT = 100
# Fields that must not be set through a generic entry: (form, field) -> the module that manages them.
# Their values would show in diff and results; the dedicated module keeps them secret.
SECRET_FIELDS = {('user', 'password'): 'helix.users.helix_user (its password option)',
                 ('user', '102'): 'helix.users.helix_user (its password option)'}
SCALARS = (str, int, float, bool)


class EntryError(HelixError):
    """A declaration that can not be carried out, its message naming the form and the key; nothing was written
    unless `result` says otherwise. `result` holds extra keys the module returns with the failure."""

    def __init__(self, msg, result=None, status=None, messages=None):
        super(EntryError, self).__init__(msg, status=status, messages=messages)
        self.result = result or {}


# ---------------------------------------------------------------------- the key
class EntryKey(object):
    """Which entry a declaration means: key fields ({field: value}, ANDed equality) or a raw qualification.

    Build it with make_key(), which refuses keys that could match every entry.
    """

    def __init__(self, fields=None, query=None):
        self.fields = dict(fields) if fields else {}
        self.query = query

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
        return [field for field in self.fields if not _is_field_id(field)]

    def describe(self):
        if self.query is not None:
            return 'key_query %s' % self.query
        return 'key %s' % ', '.join('%s=%r' % (field, value) for field, value in self.fields.items())

    def __repr__(self):
        return 'EntryKey(%s)' % self.describe()


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
        return EntryKey(query=key_query.strip())
    return EntryKey(fields=key)


# ---------------------------------------------------------------------- the declared values
def values_problems(values, key=None, form=None):
    """Problems of the declared values (and their clashes with the key) found without a server."""
    if values is None:
        return []
    if not isinstance(values, dict):
        return ['values must be a dict of AR field name to value, got %r' % (values,)]
    problems = []
    key_fields = key.fields if key is not None else {}
    for field, value in values.items():
        if not isinstance(field, str) or not field.strip():
            problems.append('values has an empty field name (%r)' % (field,))
            continue
        secret = _secret_problems(form, field, 'values')
        if secret:
            problems.extend(secret)
            continue
        if _is_field_id(field):
            problems.append('values names field %r by its id: give the field by its name (the server returns'
                            ' values by name, so a value given by id could never be compared)' % field)
        if value is not None and not isinstance(value, SCALARS):
            problems.append('values field %r must be a string, a number or null, got %r' % (field, value))
        elif field in key_fields and text_key(value) != text_key(key_fields[field]):
            problems.append('values field %r is %r but the key says %r: a key field is written from the key on'
                            ' create; declare it once' % (field, value, key_fields[field]))
    return problems


def _secret_problems(form, field, where):
    owner = SECRET_FIELDS.get((str(form or '').strip().casefold(), str(field).strip().casefold()))
    if owner is None:
        return []
    return ['%s may not name %r on form %r: it is a password, and values show in diff and results; use %s'
            % (where, field, form, owner)]


def _is_field_id(field):
    return str(field).strip().isdigit()


# ---------------------------------------------------------------------- comparing
def text_key(value):
    """Comparable form of a value: AR keeps no empty strings ('' is null); numbers compare as their text."""
    if value is None or value == '':
        return None
    if isinstance(value, bool):
        return str(int(value))
    return str(value)


def text_equal(field, declared, current):  # pylint: disable=unused-argument
    """The comparison of arbitrary forms: text, case-sensitively ('' and null equal, 1 and '1' equal).

    A selection field reads back as its label, so a selection declared by its number differs from
    what is stored: declare selections by label. Modules that know a form's selections pass their
    own `equal` to plan_entry (users.values_equal for the User form).
    """
    return text_key(declared) == text_key(current)


def _number_for_label(declared, current):
    """True when a number was declared where a label is stored: the comparison can not judge it."""
    number = isinstance(declared, int) and not isinstance(declared, bool) or (
        isinstance(declared, str) and declared.strip().isdigit())
    label = isinstance(current, str) and current.strip() != '' and not current.strip().lstrip('-').replace(
        '.', '', 1).isdigit()
    return bool(number and label)


# ---------------------------------------------------------------------- reading
def entry_id_of(entry, requested=None):
    """The id of a listed or fetched entry: the end of its _links.self href, else its field 1.

    :param requested: the field names the read asked for with fields=values(1, ...), or None when every
        field was read. Field 1 comes back under the form's own name for it; with a field list, that is
        the one name in the values nobody asked for. With every field read, only the name Request ID
        (field 1 on most forms) is taken for it.
    """
    try:
        href = entry['_links']['self'][0]['href']
    except (KeyError, IndexError, TypeError):
        href = None
    if isinstance(href, str) and href:
        segment = last_segment(href)
        if segment:
            return segment
    values = entry.get('values') or {}
    if values.get(ENTRY_ID_FIELD) not in (None, ''):
        return str(values[ENTRY_ID_FIELD])
    if requested is None:
        found = values.get(REQUEST_ID_NAME)
        return str(found) if found not in (None, '') else None
    extra = [name for name in values if name not in set(requested)]
    if len(extra) == 1 and values[extra[0]] not in (None, ''):
        return str(values[extra[0]])
    return None


def fetch_fields(fields):
    """fields=values(...) for a read that must know each entry's id: field id 1 first, then the fields."""
    if not fields:
        return None
    return list(dict.fromkeys([ENTRY_ID_FIELD] + [field for field in fields if field != ENTRY_ID_FIELD]))


def _stored(entry, fields):
    requested = [field for field in fields if field != ENTRY_ID_FIELD] if fields else None
    return dict(entry_id=entry_id_of(entry, requested), values=dict(entry.get('values') or {}))


def find_entries(client, form, key, fields=None, limit=0, page_size=500):
    """The entries the key matches, each {'entry_id', 'values'}; fields=None reads every field."""
    fetch = fetch_fields(fields)
    return [_stored(entry, fetch) for entry in client.list_entries(
        form, q=key.qualification, fields=fetch, page_size=page_size, limit=limit)]


def find_entry(client, form, key, fields=None):
    """The one entry the key matches ({'entry_id', 'values'}), None when none does; EntryError when more do."""
    found = find_entries(client, form, key, fields, limit=MATCH_LIMIT + 1, page_size=MATCH_LIMIT + 1)
    if len(found) > 1:
        count = 'more than %d' % MATCH_LIMIT if len(found) > MATCH_LIMIT else str(len(found))
        raise EntryError('nothing was written: %s entries of form %r match the %s; a key must match at most one'
                         ' entry (add key fields, or narrow key_query)' % (count, form, key.describe()),
                         result=dict(match_count=len(found)))
    return found[0] if found else None


def read_form_entries(client, form, query=None, filters=None, fields=None, sort=None, limit=0, page_size=500):
    """Entries of a form chosen by a raw query and equality filters (ANDed), paged, each {'entry_id', 'values'}.

    A filter with an empty list of values matches nothing, and sends nothing.
    """
    filters = filters or {}
    if any(isinstance(value, (list, tuple)) and not value for value in filters.values()):
        return []
    q = all_of((query or '').strip(), from_filters(filters))
    fetch = fetch_fields(fields)
    return [_stored(entry, fetch) for entry in client.list_entries(
        form, q=q or None, fields=fetch, sort=sort or None, page_size=page_size, limit=limit)]


def fields_to_read(key, values):
    """The fields a plan needs: the key fields (by name) and the declared ones (field 1 is added on reading)."""
    return list(dict.fromkeys(key.fetch_names() + list(values or {})))


# ---------------------------------------------------------------------- planning
class EntryPlan(object):
    """What to do with one entry.

    :ivar action: created, updated, deleted or unchanged.
    :ivar entry_id: the id as read (None for a create until it is applied).
    :ivar write: the field values of the one POST or PUT (None for a delete or no change).
    :ivar before, after: the declared fields (and state when it changes) as they are and will be, for diff mode.
    :ivar current: the stored values as read, or None.
    :ivar warnings: comparisons that could not be judged (a number declared where a label is stored).
    """

    def __init__(self, key, action, entry_id=None, write=None, before=None, after=None, current=None,
                 warnings=None):
        self.key = key
        self.action = action
        self.entry_id = entry_id
        self.write = write
        self.before = before or {}
        self.after = after or {}
        self.current = current
        self.warnings = list(warnings or [])

    @property
    def changed(self):
        return self.action != 'unchanged'

    @property
    def diff(self):
        return dict(before=dict(self.before), after=dict(self.after))

    def entry_after(self):
        """The entry's values after the plan (in check mode, as they would be), as far as this run knows them."""
        if self.action == 'deleted' or (self.current is None and self.action != 'created'):
            return {}
        values = dict(self.current or {})
        values.update(self.write or {})
        return values


def plan_entry(key, values, current, state='present', equal=None):
    """The plan that brings the entry the key found (current) to the declared values and state.

    :param key: the EntryKey; its fields go into a create.
    :param values: {field name: value} declared (validated with values_problems); only these are compared.
    :param current: {'entry_id', 'values'} as find_entry returned it, or None when no entry matched.
    :param state: present or absent.
    :param equal: callable(field, declared, stored) -> bool; default text_equal.
    Raises EntryError when the entry must be written but its id was never read.
    """
    equal = equal or text_equal
    values = dict(values or {})
    if state == 'absent':
        if current is None:
            return EntryPlan(key, 'unchanged')
        stored = current['values']
        before = dict(state='present')
        before.update((field, stored.get(field)) for field in list(key.fetch_names()) + list(values))
        return EntryPlan(key, 'deleted', _readable_id(current, key, 'delete'), before=before,
                         after=dict(state='absent'), current=stored)
    if current is None:
        write = key.create_values()
        write.update(values)
        after = dict(state='present')
        after.update(write)
        return EntryPlan(key, 'created', write=write, before=dict(state='absent'), after=after)
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
        return EntryPlan(key, 'unchanged', current.get('entry_id'), current=stored)
    return EntryPlan(key, 'updated', _readable_id(current, key, 'update'), write=write, before=before, after=after,
                     current=stored, warnings=warnings)


def _readable_id(current, key, verb):
    if current.get('entry_id'):
        return current['entry_id']
    raise EntryError('nothing was written: cannot %s the entry matching the %s: the server returned neither'
                     ' _links.self nor field 1 for it, and an entry is only written at an id that was read'
                     % (verb, key.describe()))


# ---------------------------------------------------------------------- applying
def apply_entry_plan(client, form, plan, find_existing=None):
    """Send the plan's one write; sets plan.entry_id on a create and returns the plan.

    :param find_existing: callable() -> the entry id if the entry exists; by default a look-up by the plan's
        key. create_entry calls it when a create's reply was lost, so a retry never makes a duplicate.
    Raises EntryError naming the form, the key and the AR message; its result says action failed, or
    unknown when the write may have been applied all the same.
    """
    if find_existing is None:
        def find_existing():
            found = find_entry(client, form, plan.key, fields=plan.key.fetch_names())
            return found['entry_id'] if found else None
    try:
        if plan.action == 'created':
            plan.entry_id = client.create_entry(form, plan.write, find_existing=find_existing)
        elif plan.action == 'updated':
            client.update_entry(form, plan.entry_id, plan.write)
        elif plan.action == 'deleted':
            client.delete_entry(form, plan.entry_id)
    except HelixError as exc:
        unknown = exc.outcome_unknown
        if unknown:
            msg = ('the %s of the %s entry matching the %s may have been applied: its reply was lost and the outcome'
                   ' could not be confirmed (%s); check the entry before running again' % (
                       VERBS[plan.action], form, plan.key.describe(), exc))
        else:
            msg = 'could not %s the %s entry matching the %s: %s' % (VERBS[plan.action], form, plan.key.describe(), exc)
        error = EntryError(msg, result=dict(changed=unknown, action='unknown' if unknown else 'failed',
                                            entry_id=plan.entry_id),
                           status=exc.status, messages=exc.messages)
        error.outcome_unknown = unknown
        raise error
    return plan
