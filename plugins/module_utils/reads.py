# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every read of entries, for every form: the one entry-id rule and the one read by keys.

- entry_id(entry, form): the id of a listed or fetched entry. Its _links.self first, then field 1
  (asked for by its id, it comes back under the form's own name for it), else None: no id. Nothing
  else (a Login Name, a key value) is ever taken for an id; a write to an entry without an id goes
  through writes.proven_address first.
- read_by_keys: the entries whose key field holds one of many values, in chunked OR qualifications,
  ANDed with a base qualification. Only exact keys are kept (a stored key that differs only by case
  is reported apart, never taken for the declared one), entries are de-duplicated by id only when
  their id is known (two entries without an id are never merged), and a sort and a limit apply to
  the whole answer, not to each request.

Every entry is a dict {'entry_id', 'values'}.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.entry_calls import last_segment
from ansible_collections.helix.users.plugins.module_utils.qualification import all_of, chunked_any_of

FIELD_ONE = '1'  # the entry id of every AR form, whatever the form names it
# What forms name field 1 (AR-API-FACTS.md): read under this name when the self link is missing.
FIELD_ONE_NAMES = {
    'user': 'Request ID',
    'group': 'Request ID',
    'ctm:people': 'Person ID',
    'sit:site': 'Site ID',
    'ctm:support group': 'Support Group ID',
    'ctm:support group association': 'Support Group Association ID',
    'ctm:supportgroupfunctionalrole': 'SupportGroupFunctionalRole ID',
    'hpd:help desk': 'Entry ID',
}
DEFAULT_FIELD_ONE_NAME = 'Request ID'


def field_one_name(form):
    """The name a form gives its field 1 (Request ID on most forms)."""
    return FIELD_ONE_NAMES.get(str(form or '').strip().casefold(), DEFAULT_FIELD_ONE_NAME)


def _present(value):
    return value is not None and value != ''


def entry_id(entry, form, requested=None):
    """The id of a listed or fetched entry, or None when the server showed none.

    :param requested: the field names a read asked for (field 1 apart), or None when it read every field.
        Field 1 comes back under the form's own name for it; with a field list, that is also the one name
        in the values nobody asked for.
    """
    try:
        href = entry['_links']['self'][0]['href']
    except (KeyError, IndexError, TypeError):
        href = None
    if isinstance(href, str) and href:
        # the common case, read 100,000 times in a large run: a plain path, its last segment without escapes
        segment = href[href.rfind('/') + 1:] if '?' not in href and '#' not in href else ''
        if not segment or '%' in segment:
            segment = last_segment(href)
        if segment:
            return segment
    values = entry.get('values') or {}
    for name in (FIELD_ONE, field_one_name(form)):
        if _present(values.get(name)):
            return str(values[name])
    if requested is not None:
        extra = [name for name in values if name not in set(requested)]
        if len(extra) == 1 and _present(values[extra[0]]):
            return str(values[extra[0]])
    return None


def fetch_list(fields):
    """fields=values(...) of a read that must know each entry's id: field 1 first (None: every field)."""
    if not fields:
        return None
    return list(dict.fromkeys([FIELD_ONE] + [str(field) for field in fields if str(field) != FIELD_ONE]))


def as_entry(entry, form, fetched=None):
    """{'entry_id', 'values'} of a listed entry; fetched is the fields=values(...) list of its read."""
    requested = [field for field in fetched if field != FIELD_ONE] if fetched else None
    values = entry.get('values')
    return dict(entry_id=entry_id(entry, form, requested), values=values if isinstance(values, dict) else {})


def key_text(value):
    """A key value as compared: its text ('' and None are no key)."""
    if isinstance(value, str):
        return value or None  # the common case: every key of a bulk run of 100,000 users
    if value is None:
        return None
    if isinstance(value, bool):
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------------- reading
def read_entries(client, form, query=None, fields=None, sort=None, limit=0, page_size=500):
    """Entries of form matching a qualification (None: every entry), page after page; each page is asked for
    while the one before is worked on (all are read, so none is asked for in vain)."""
    fetch = fetch_list(fields)
    return [as_entry(entry, form, fetch) for entry in client.list_entries(
        form, q=query or None, fields=fetch, sort=sort or None, page_size=page_size, limit=limit, ahead=True)]


def scan(client, form, query, fields, page_size=500, ahead=False):
    """Pages of entries (lists of {'entry_id', 'values'}) of a qualification, one per request."""
    fetch = fetch_list(fields)
    for page in client.list_pages(form, q=query or None, fields=fetch, page_size=page_size, ahead=ahead):
        yield [as_entry(entry, form, fetch) for entry in page]


class KeyedRead(object):
    """The entries whose key_field holds one of keys, as they are offered: the one matching rule.

    A stored key matches a declared one only when it is the same text. One that differs only by case
    is kept apart as a variant (on most tenants the two are one entry, and guessing which the task
    meant could change the wrong one). Entries are kept once per id, when the id is known.
    """

    def __init__(self, key_field, keys=None, on_exact=None):
        """:param on_exact: callable(key, entry) given each entry of a declared key as it arrives, instead of
            keeping it (entries, by_key and found() stay empty): a caller that plans 100,000 users from a scan
            holds only what its plans need. Counts, missing keys and case variants are kept all the same.
        """
        self.key_field = key_field
        self._on_exact = on_exact
        self._counts = {}
        self.keys = None if keys is None else list(dict.fromkeys(text for text in map(key_text, keys) if text))
        self._exact = None if keys is None else set(self.keys)
        self._folded = {}
        for key in self.keys or []:
            self._folded.setdefault(key.casefold(), []).append(key)
        self.entries = []
        self.by_key = {}
        self._variants = {}
        self._ids = set()

    def offer(self, entry):
        """Take one entry; True when it belongs to a declared key (exactly or as a case variant)."""
        if self.keys is None:
            self._keep(entry, None)
            return True
        # field 1 is the entry id, whatever name it comes back under
        stored = key_text(entry['entry_id'] if self.key_field == FIELD_ONE else entry['values'].get(self.key_field))
        if stored is None:
            return False
        if stored in self._exact:
            self._keep(entry, stored)
            return True
        declared = self._folded.get(stored.casefold())
        for key in declared or []:
            self._variants.setdefault(key, []).append(entry)
        return bool(declared)

    def _keep(self, entry, key):
        if entry['entry_id'] is not None:
            if entry['entry_id'] in self._ids:
                return
            self._ids.add(entry['entry_id'])
        if key is not None:
            self._counts[key] = self._counts.get(key, 0) + 1
            if self._on_exact is not None:
                self._on_exact(key, entry)
                return
            self.by_key.setdefault(key, []).append(entry)
        self.entries.append(entry)

    def count(self, key):
        """How many entries (distinct where their ids are known) hold one declared key exactly."""
        return self._counts.get(key_text(key), 0)

    def found(self, key):
        """The entries of one declared key ([] when none)."""
        return self.by_key.get(key_text(key), [])

    def variants(self):
        """{declared key: [stored keys]} of the keys found only in another case."""
        return dict((key, sorted(set(key_text(entry['values'].get(self.key_field)) for entry in entries)))
                    for key, entries in self._variants.items() if key not in self._counts)

    def found_in_any_case(self, key):
        """The entries of one declared key, else those whose key differs only by case (for names AR matches
        without case, such as group or site names: never for logins)."""
        return self.found(key) or list(self._variants.get(key_text(key), []))

    def missing(self):
        """The declared keys not found exactly (yet)."""
        return [key for key in self.keys or [] if key not in self._counts]

    def complete(self):
        return self.keys is not None and len(self._counts) == len(self.keys)


def read_by_keys(client, form, key_field, keys, base_query=None, fields=None, sort=None, limit=0, page_size=500,
                 into=None):
    """The entries of form whose key_field holds one of keys (None: every entry of base_query).

    :param keys: the key values; [] matches nothing and sends nothing.
    :param fields: the fields to fetch (the key field and field 1 are added); None fetches every field.
    :param into: a KeyedRead to offer the entries to (it keeps what earlier reads offered).
    :return: the KeyedRead; its entries are sorted by sort and cut to limit over the whole answer.
    """
    found = into or KeyedRead(key_field, keys)
    if keys is not None and not found.keys:
        return found
    fetch = None if fields is None else list(dict.fromkeys(([key_field] if keys is not None else []) + list(fields)))
    if keys is None:
        qualifications = [base_query or None]
    else:
        qualifications = [all_of(chunk, base_query) for chunk in chunked_any_of(key_field, found.missing())]
    order = sort_order(sort) if sort and len(qualifications) > 1 else None
    if order:
        # several requests answer one question: the sort and the limit apply here, to the whole answer
        fetch = fetch and list(dict.fromkeys(fetch + [field for field, _descending in order]))
    for q in qualifications:
        remaining = 0 if order or not limit else limit - len(found.entries)
        for entry in read_entries(client, form, q, fetch, sort=sort, limit=remaining, page_size=page_size):
            found.offer(entry)
        if limit and not order and len(found.entries) >= limit:
            break
    if order:
        found.entries = sort_entries(found.entries, order)
    if limit:
        found.entries = found.entries[:limit]
    return found


# ---------------------------------------------------------------------- sorting
def sort_order(sort):
    """[(field, descending)] of an AR sort parameter such as 'Login Name.asc,Modified Date.desc'."""
    order = []
    for part in sort.split(','):
        field, _dot, direction = part.strip().rpartition('.')
        if not field or direction.lower() not in ('asc', 'desc'):
            field, direction = part.strip(), 'asc'
        if field:
            order.append((field, direction.lower() == 'desc'))
    return order


def _sort_value(value):
    # AR's own collation is the database's; case-insensitive text order is what most tenants show.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (1, value, '')
    return (2, 0, str(value).casefold())


def sort_entries(entries, order):
    """entries sorted by the fields of order, each ascending or descending, empty values last."""
    for field, descending in reversed(order):
        present = [entry for entry in entries if entry['values'].get(field) is not None]
        empty = [entry for entry in entries if entry['values'].get(field) is None]
        entries = sorted(present, key=lambda entry: _sort_value(entry['values'][field]), reverse=descending) + empty
    return entries
