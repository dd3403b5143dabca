# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading entries for the _info modules: keys, a raw query and filters combined, paged, projected."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.ar_client import REQUEST_ID, entry_values
from ansible_collections.helix.users.plugins.module_utils.errors import AR_NO_SUCH_FIELD, HelixAPIError
from ansible_collections.helix.users.plugins.module_utils.qualification import all_of, chunked_any_of, from_filters


def info_argument_spec(form, **module_options):
    """The selection options every _info module shares, and the module's own (HelixModule adds the connection)."""
    return dict(
        query=dict(type='str'),
        filters=dict(type='dict'),
        fields=dict(type='list', elements='str'),
        sort=dict(type='str'),
        limit=dict(type='int', default=0),
        page_size=dict(type='int', default=500),
        form=dict(type='str', default=form),
        **module_options
    )


def _matches_key(value, keys_folded):
    return value is not None and str(value).casefold() in keys_folded


def read_entries(client, params, key_field, keys, default_fields):
    """The values of the entries chosen by keys (exact values of key_field), query and filters.

    :param params: the module's params: form, query, filters, fields, sort, limit, page_size.
    :return: a list of values dicts, each with its Request ID.
    """
    if keys is not None and not keys:
        return []
    if any(isinstance(value, (list, tuple)) and not value for value in (params['filters'] or {}).values()):
        return []  # a filter with an empty list of values matches no entry
    base = all_of(params['query'] and params['query'].strip(), from_filters(params['filters'] or {}))
    fields = list(dict.fromkeys([REQUEST_ID] + ([key_field] if keys else []) + list(params['fields'] or default_fields)))
    if keys:
        keys_folded = set(str(key).casefold() for key in keys)
        qualifications = [all_of(chunk, base) for chunk in chunked_any_of(key_field, keys)]
    else:
        keys_folded = None
        qualifications = [base]
    order = sort_order(params['sort']) if len(qualifications) > 1 and params['sort'] else None
    if order:
        # several requests answer one question: sort and limit apply to the whole answer, here, not per request
        read_params = dict(params, limit=0)
        read_with = list(dict.fromkeys(fields + [field for field, _descending in order]))
    else:
        read_params, read_with = params, fields
    try:
        rows = _read(client, read_params, qualifications, read_with, key_field, keys_folded)
    except HelixAPIError as exc:
        if params['fields'] or not exc.has_number(AR_NO_SUCH_FIELD):
            raise
        # A tenant whose form lacks one of the default fields: read every field, keep the default ones it has.
        rows = _read(client, read_params, qualifications, None, key_field, keys_folded)
    if order:
        rows = sort_rows(rows, order)[:params['limit'] or None]
    return [dict((field, values[field]) for field in fields if field in values) for values in rows]


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


def sort_rows(rows, order):
    """rows sorted by the fields of order, each ascending or descending, empty values last."""
    for field, descending in reversed(order):
        present = [values for values in rows if values.get(field) is not None]
        empty = [values for values in rows if values.get(field) is None]
        rows = sorted(present, key=lambda values: _sort_value(values[field]), reverse=descending) + empty
    return rows


def _read(client, params, qualifications, fields, key_field, keys_folded):
    rows, seen = [], set()
    limit = params['limit']
    for q in qualifications:
        remaining = limit - len(rows) if limit else 0
        for entry in client.list_entries(params['form'], q=q or None, fields=fields, sort=params['sort'],
                                         page_size=params['page_size'], limit=remaining):
            values = entry_values(entry)
            if keys_folded is not None and not _matches_key(values.get(key_field), keys_folded):
                continue  # only the exact keys asked for, whatever the server's matching
            if values[REQUEST_ID] in seen:
                continue
            seen.add(values[REQUEST_ID])
            rows.append(values)
        if limit and len(rows) >= limit:
            break
    return rows
