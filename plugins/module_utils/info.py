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
    try:
        return _read(client, params, qualifications, fields, key_field, keys_folded)
    except HelixAPIError as exc:
        if params['fields'] or not exc.has_number(AR_NO_SUCH_FIELD):
            raise
    # A tenant whose form lacks one of the default fields: read every field, keep the default ones it has.
    rows = _read(client, params, qualifications, None, key_field, keys_folded)
    return [dict((field, values[field]) for field in fields if field in values) for values in rows]


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
