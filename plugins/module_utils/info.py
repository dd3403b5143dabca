# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The selection every _info module and the lookup share: keys, a raw query and filters, read by reads.read_by_keys."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.errors import AR_NO_SUCH_FIELD, HelixAPIError
from ansible_collections.helix.users.plugins.module_utils.form_names import check_selection
from ansible_collections.helix.users.plugins.module_utils.qualification import all_of, from_filters
from ansible_collections.helix.users.plugins.module_utils.reads import KeyedRead, field_one_name, read_by_keys

SELECTION_OPTIONS = ('query', 'filters', 'fields', 'sort', 'limit', 'page_size', 'form')


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


def matches_nothing(filters):
    """True when a filter has an empty list of values: no entry can match, and nothing need be sent."""
    return any(isinstance(value, (list, tuple)) and not value for value in (filters or {}).values())


def base_query(query, filters):
    """The raw query and the equality filters, ANDed (None when neither narrows the read)."""
    return all_of((query or '').strip(), from_filters(filters or {})) or None


def read_selected(client, params, key_field=None, keys=None, default_fields=None):
    """The reads.KeyedRead of the entries chosen by keys (exact values of key_field), query and filters.

    :param params: the selection options: form, query, filters, fields, sort, limit, page_size. The field names
        of fields, filters and sort are checked against the form's field metadata first (where the tenant tells).
    :param default_fields: fetched when params has no fields; a tenant whose form lacks one of them is read
        with every field instead.
    """
    if (keys is not None and not keys) or matches_nothing(params.get('filters')):
        return KeyedRead(key_field, [])
    check_selection(client, params['form'], params)  # field names a user gave, against the form's own
    fields = params.get('fields') or default_fields

    def read(fetch):
        return read_by_keys(client, params['form'], key_field, keys, base_query=base_query(
            params.get('query'), params.get('filters')), fields=fetch, sort=params.get('sort'),
            limit=params.get('limit') or 0, page_size=params.get('page_size') or 500)
    try:
        return read(fields)
    except HelixAPIError as exc:
        if params.get('fields') or not default_fields or not exc.has_number(AR_NO_SUCH_FIELD):
            raise
    # a tenant whose form lacks one of the default fields: read every field, keep the default ones it has
    found = read(None)
    wanted = set(default_fields) | set([key_field, field_one_name(params['form'])])
    for entry in found.entries:
        entry['values'] = dict((name, value) for name, value in entry['values'].items() if name in wanted)
    return found


def case_warnings(found, what):
    """Warnings naming the declared keys found only in another case (exact keys only are returned)."""
    return ['no %s %r; the tenant has %s, which differs only by case (keys are matched exactly)' % (
        what, key, ', '.join(repr(stored) for stored in stored_keys)) for key, stored_keys in found.variants().items()]
