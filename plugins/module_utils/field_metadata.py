# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a form tells of its own fields (GET /api/arsys/v1.0/fields/{form}), parsed; nothing here sends a request.

BMC documents, per field: id, name, datatype (CHAR, INTEGER, ENUM, TIME...), field_option (REQUIRED, OPTIONAL,
SYSTEM, DISPLAY), create_mode and limit (for CHAR: max_length, pattern, char_menu...). The shape of an ENUM
limit is not in BMC's published examples; the shapes read here, and why (docs/ar-api.md, "Field metadata"):

- the AR Java API's EnumLimitInfo in the endpoint's snake_case (CharacterLimitInfo.getMaxLength is max_length):
  list_style REGULAR with string_list (or regular_list) of labels numbered 0, 1, 2... in order; list_style
  CUSTOM with custom_list of EnumItem {enum_item_name, enum_item_number} (or {name, number}, {name, id},
  {label, value});
- a {label: number} or {number: label} object, as other REST front ends of AR serialise an enum map.

Any other shape (a QUERY list style, whose labels come from a form at run time, included) gives no selections:
callers then keep the collection's own rules (selection labels by its tables, Status by index).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib

from ansible_collections.helix.users.plugins.module_utils.reads import key_text

# Server-set fields of every form: never missing from a create whatever their field_option says.
SERVER_SET_IDS = frozenset(('1', '2', '3', '5', '6', '15'))
# Fields a form's own workflow fills on create although they are REQUIRED (filters run before AR checks them).
WORKFLOW_FILLED = {'ctm:people': ('Full Name',)}
_LABEL_KEYS = ('enum_item_name', 'name', 'label', 'itemName', 'enumItemName')
_NUMBER_KEYS = ('enum_item_number', 'number', 'id', 'value', 'itemNumber', 'enumItemNumber')


def _fold(text):
    return str(text).strip().casefold()


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip('-').isdigit():
        return int(value.strip())
    return None


def _items(items):
    """{label: number} of a list of EnumItem-like dicts, or None when one of them is of another shape."""
    selections = {}
    for item in items:
        if not isinstance(item, dict):
            return None
        label = next((item[key] for key in _LABEL_KEYS if isinstance(item.get(key), str)), None)
        number = next((_number(item[key]) for key in _NUMBER_KEYS if _number(item.get(key)) is not None), None)
        if label is None or number is None:
            return None
        selections[label] = number
    return selections


def selections_of(limit):
    """{label: number} an ENUM limit lists, or None when its shape is not one this module can justify."""
    if not isinstance(limit, dict):
        return None
    if str(limit.get('list_style') or '').upper().endswith('QUERY'):
        return None  # the labels come from another form at run time
    for key in ('string_list', 'regular_list'):
        labels = limit.get(key)
        if isinstance(labels, list) and labels and all(isinstance(label, str) for label in labels):
            return dict((label, number) for number, label in enumerate(labels))
    for key in ('custom_list', 'enum_items', 'items'):
        if isinstance(limit.get(key), list) and limit[key]:
            return _items(limit[key])
    for key in ('selections', 'enum_values'):
        mapping = limit.get(key)
        if isinstance(mapping, dict) and mapping:
            if all(_number(number) is not None for number in mapping.values()):
                return dict((str(label), _number(number)) for label, number in mapping.items())
            if all(_number(number) is not None and isinstance(label, str) for number, label in mapping.items()):
                return dict((label, _number(number)) for number, label in mapping.items())
    return None


class FieldInfo(object):
    """One field as the server described it."""

    def __init__(self, data):
        self.id = str(data.get('id')).strip()
        self.name = str(data.get('name'))
        self.datatype = str(data.get('datatype') or '').upper() or None
        self.option = str(data.get('field_option') or '').upper() or None
        self.create_mode = data.get('create_mode')
        self.default = data.get('default_value')
        limit = data.get('limit')
        self.selections = selections_of(limit) if self.datatype == 'ENUM' else None
        self.max_length = _number(limit.get('max_length')) if isinstance(limit, dict) else None

    @property
    def required(self):
        return self.option == 'REQUIRED'

    def as_result(self):
        return dict(name=self.name, id=int(self.id) if self.id.isdigit() else self.id, datatype=self.datatype,
                    required=self.required, create_mode=self.create_mode, selections=self.selections)

    def label_of(self, value):
        """The label a selection value (label in any case, or number) stands for; None when it is neither."""
        if self.selections is None:
            return None
        number = _number(value)
        for label, label_number in self.selections.items():
            if (number is not None and number == label_number) or _fold(label) == _fold(value):
                return label
        return None


class FormFields(object):
    """The fields of one form: found by name (exactly, else in another case when that is unambiguous) or by id."""

    def __init__(self, form, fields):
        self.form = form
        self.fields = list(fields)
        self._by_id = dict((field.id, field) for field in self.fields)
        self._by_name = dict((field.name, field) for field in self.fields)
        self._by_folded = {}
        for field in self.fields:
            self._by_folded.setdefault(_fold(field.name), []).append(field)

    @classmethod
    def parse(cls, form, body):
        """The FormFields of an answer (a list of field objects, or an object holding one); None when it is
        no such thing."""
        if isinstance(body, dict):
            body = next((body[key] for key in ('fields', 'entries', 'items') if isinstance(body.get(key), list)), None)
        if not isinstance(body, list):
            return None
        fields = [FieldInfo(item) for item in body if isinstance(item, dict) and item.get('name') and
                  _number(item.get('id')) is not None]
        return cls(form, fields) if fields else None

    def find(self, ref):
        """The FieldInfo a name or an id names, or None."""
        text = str(ref).strip()
        if text.isdigit():
            return self._by_id.get(text)
        if str(ref) in self._by_name:
            return self._by_name[str(ref)]
        folded = self._by_folded.get(_fold(ref), [])
        return folded[0] if len(folded) == 1 else None

    def names(self):
        """{id: name}, for fields.field_name()."""
        return dict((field.id, field.name) for field in self.fields)

    def closest(self, ref, count=3):
        """The names most like ref (for an error naming an unknown field)."""
        folded = dict((_fold(field.name), field.name) for field in self.fields)
        return [folded[name] for name in difflib.get_close_matches(_fold(ref), list(folded), n=count, cutoff=0.5)]

    def unknown(self, refs, what):
        """A problem for each name or id in refs that the form has no field for, naming the closest names."""
        problems = []
        for ref in refs:
            if self.find(ref) is None:
                near = self.closest(ref)
                problems.append('%s names %r, which is no field of form %r%s' % (
                    what, ref, self.form, ' (did you mean %s?)' % ', '.join(repr(name) for name in near) if near
                    else ''))
        return problems

    def missing_on_create(self, values):
        """The REQUIRED fields a create would leave empty (a default, the server or the form's workflow fills
        the others)."""
        given = set(_fold(self.find(ref).name if self.find(ref) else ref) for ref, value in values.items()
                    if key_text(value) is not None)
        filled = set(_fold(name) for name in WORKFLOW_FILLED.get(_fold(self.form), ()))
        return [field.name for field in self.fields
                if field.required and field.id not in SERVER_SET_IDS and field.default in (None, '')
                and _fold(field.name) not in given | filled]

    def value_problems(self, values, what):
        """Values the form would refuse, found before the write: a selection value that is no label or number of
        its field (where the server listed them), a text longer than its field holds."""
        problems = []
        for ref, value in values.items():
            field = self.find(ref)
            if field is None or value is None or value == '':
                continue
            if field.selections is not None and not isinstance(value, bool) and field.label_of(value) is None:
                problems.append('%s: %r is not a value of %s of form %r: one of %s' % (
                    what, value, field.name, self.form, ', '.join(sorted(field.selections, key=field.selections.get))))
            elif field.max_length and isinstance(value, str) and len(value) > field.max_length:
                problems.append('%s: %s would be %d characters; form %r holds at most %d in it' % (
                    what, field.name, len(value), self.form, field.max_length))
        return problems

    def same_value(self, ref, declared, stored):
        """True when a declared selection value (label in any case, or number) is the stored one; None when the
        field has no known selections (the caller compares as it always did)."""
        field = self.find(ref)
        if field is None or field.selections is None:
            return None
        if key_text(declared) is None or key_text(stored) is None:
            return key_text(declared) == key_text(stored)
        return field.label_of(declared) is not None and field.label_of(declared) == field.label_of(stored)
