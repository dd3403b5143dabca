# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Group form: group names and ids, and the Group List field of users.

Tenants store a user's Group List (field 104) as group ids ("1;1000000001;", or
separated by spaces as Kinetic writes it: "1 1000000001"), people declare groups by name. Whether a server converts names written to
Group List is not documented, so the collection resolves names itself,
compares sets of ids and writes ids.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.errors import HelixError

GROUP_FORM = 'Group'
GROUP_FIELDS = {
    'request_id': 'Request ID',
    'group_name': 'Group Name',
    'group_id': 'Group ID',
    'long_group_name': 'Long Group Name',
    'group_type': 'Group Type',
    'group_category': 'Group Category',
}


def _ids_apart(token):
    """A token of group ids separated by spaces (as Kinetic writes a Group List) as its ids; any other as itself
    (a group name may hold spaces)."""
    parts = str(token).split()
    if len(parts) > 1 and all(part.lstrip('-').isdigit() for part in parts):
        return parts
    return [token]


def split_group_list(value):
    """Group List tokens from a ';' string (or ids separated by spaces) or a list, stripped, empty ones dropped, order
    kept, no duplicates."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        tokens = []
        for item in value:
            tokens.extend(split_group_list(item) if isinstance(item, str) and ';' in item else [item])
    else:
        tokens = [part for token in str(value).split(';') for part in _ids_apart(token)]
    seen = []
    for token in tokens:
        token = str(token).strip() if token is not None else ''
        if token and token not in seen:
            seen.append(token)
    return seen


def join_group_list(ids):
    """The Group List value AR stores: ids joined by ';' with the trailing ';'."""
    return ''.join('%s;' % group_id for group_id in ids)


class UnknownGroupsError(HelixError):
    """Groups that are neither a group name nor a group id of the tenant."""

    def __init__(self, unknown, known_count):
        self.unknown = list(unknown)
        super(UnknownGroupsError, self).__init__(
            'unknown group%s %s (the Group form has %d groups; give group names or ids)' % (
                '' if len(self.unknown) == 1 else 's', ', '.join(repr(g) for g in self.unknown), known_count))


class GroupResolver(object):
    """Maps group names to ids and back, reading the Group form once, on first use."""

    def __init__(self, client, form=GROUP_FORM):
        self.client = client
        self.form = form
        self._by_id = None
        self._by_name = None
        self._by_folded_name = None

    def _load(self):
        if self._by_id is not None:
            return
        by_id, by_name, folded = {}, {}, {}
        for entry in self.client.list_entries(self.form, fields=['Group ID', 'Group Name'], page_size=1000):
            values = entry.get('values') or {}
            group_id, name = values.get('Group ID'), values.get('Group Name')
            if group_id is None or not name:
                continue
            group_id = str(group_id)
            by_id[group_id] = name
            by_name[name] = group_id
            folded.setdefault(name.casefold(), set()).add(group_id)
        self._by_id, self._by_name, self._by_folded_name = by_id, by_name, folded

    def group_id(self, token):
        """The id of a group given by id or name, or None when the tenant has no such group."""
        self._load()
        token = str(token).strip()
        if token in self._by_id:
            return token
        if token in self._by_name:
            return self._by_name[token]
        # AR group names are unique regardless of case; accept another case only when it is unambiguous.
        candidates = self._by_folded_name.get(token.casefold(), set())
        if len(candidates) == 1:
            return next(iter(candidates))
        return None

    def to_ids(self, tokens):
        """Ids of the groups (names or ids, mixed), order kept; raises UnknownGroupsError naming every unknown one."""
        ids, unknown = [], []
        for token in split_group_list(tokens):
            group_id = self.group_id(token)
            if group_id is None:
                unknown.append(token)
            elif group_id not in ids:
                ids.append(group_id)
        if unknown:
            raise UnknownGroupsError(unknown, len(self._by_id))
        return ids

    def stored_ids(self, group_list):
        """The ids in a Group List as the server returned it; names (a server that stores them as written)
        are mapped to their ids, tokens the Group form does not know are kept as they are."""
        ids = []
        for token in split_group_list(group_list):
            group_id = self.group_id(token) or token
            if group_id not in ids:
                ids.append(group_id)
        return ids

    def names(self, ids):
        self._load()
        return [self._by_id.get(str(group_id), str(group_id)) for group_id in ids]
