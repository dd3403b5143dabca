# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The field names a task uses, against what the form tells of its fields (field_calls, field_metadata).

- resolve(): names and ids a user gave (fields, values, key, filters, sort) checked before any write: an unknown
  one is an error naming the form and the closest names; an id becomes the field's name, so a value given by id
  compares with the values a read returns by name. Without metadata, names are kept and ids resolved by the
  tables this collection knows (fields.KNOWN_IDS), as before.
- read_leaving_out(): a read of fields some of which the task only reads for display or copying: those the
  tenant's form lacks (customised, older) are left out, known beforehand from the metadata, else learned from the
  AR 314 that names one; the client keeps them (client.lacking) and the module warns once per field.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.helix.users.plugins.module_utils.errors import AR_NO_SUCH_FIELD, HelixAPIError
from ansible_collections.helix.users.plugins.module_utils.fields import field_name, is_field_id
from ansible_collections.helix.users.plugins.module_utils.reads import sort_order
from ansible_collections.helix.users.plugins.module_utils.writes import WriteError


def refuse(problems, done='nothing was written'):
    if problems:
        raise WriteError('%s: %s' % (done, '; '.join(problems)), result=dict(problems=problems))


def resolve(client, form, refs, what, done='nothing was written'):
    """{ref: field name} of the names and ids a user gave; WriteError naming each unknown one (and the closest names).
    Without metadata: {ref: the name the known tables give, else ref}."""
    refs = [ref for ref in refs if str(ref).strip()]
    if not refs:
        return {}
    meta = client.form_fields(form)
    if meta is None:
        return dict((ref, field_name(form, ref)) for ref in refs)
    refuse(meta.unknown(refs, what), done)
    return dict((ref, meta.find(ref).name) for ref in refs)


def resolve_values(client, form, values, what):
    """values ({field name or id: value}) with every field by the name the form gives it and each selection value as
    the server's label (so a number compares with the label a read returns); WriteError for unknown fields and for
    two references to one field. An id nothing could name stays an id (unresolved_ids)."""
    names = resolve(client, form, list(values or {}), what)
    meta = client.form_fields(form)
    resolved, problems = {}, []
    for ref, value in (values or {}).items():
        name = names.get(ref, ref)
        if name in resolved:
            problems.append('%s names the field %r twice%s' % (what, name, '' if name == ref else ' (as %r)' % ref))
        field = meta.find(name) if meta is not None else None
        label = field.label_of(value) if field is not None and not isinstance(value, bool) else None
        resolved[name] = label if label is not None else value
    refuse(problems)
    return resolved


def unresolved_ids(values):
    """The field ids among values' keys that no table could name (without metadata)."""
    return [field for field in values or {} if is_field_id(field)]


def check_selection(client, form, params):
    """The selection options of an _info module or the lookup (fields, filters, sort) checked against the form
    before anything is read."""
    refs = [('fields', ref) for ref in params.get('fields') or []]
    refs += [('filters', ref) for ref in (params.get('filters') or {})]
    if params.get('sort'):
        refs += [('sort', field) for field, _descending in sort_order(params['sort'])]
    meta = client.form_fields(form) if refs else None
    if meta is not None:
        refuse([problem for option in ('fields', 'filters', 'sort') for problem in meta.unknown(
            list(dict.fromkeys(ref for where, ref in refs if where == option)), option)], 'nothing was read')


def _named_by_314(exc, candidates):
    """The candidate field an AR 314 ("no such field") names in its appended text (the longest that fits)."""
    texts = [m.appended or '' for m in exc.messages if m.number == AR_NO_SUCH_FIELD]
    named = [name for name in candidates for text in texts if name == text.strip() or name in text]
    return max(named, key=len) if named else None


def available(client, form, fields, optional):
    """fields without the optional ones the form lacks (by its metadata, or as learned earlier in the run)."""
    meta = client.form_fields(form)
    if meta is not None:
        client.lacks(form, [name for name in optional if name in fields and meta.find(name) is None])
    lacking = set(client.lacking(form))
    return [name for name in fields if name not in lacking or name not in optional]


def read_leaving_out(client, form, read, fields, optional):
    """read(fields) with the optional fields the tenant's form lacks left out; AR 314 naming another field, or a read
    that fails otherwise, raises as before."""
    optional = [name for name in optional if name in fields]
    while True:
        wanted = available(client, form, fields, optional)
        try:
            return read(wanted)
        except HelixAPIError as exc:
            missing = _named_by_314(exc, [name for name in optional if name in wanted]) \
                if exc.has_number(AR_NO_SUCH_FIELD) else None
            if missing is None:
                raise
            client.lacks(form, [missing])
