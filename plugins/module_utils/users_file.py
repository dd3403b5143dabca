# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The users of a file: YAML or JSON (a list of items like `users`), or CSV (a header row of option names).

The action plugin of helix_user reads the file on the controller and hands its text to the module,
which parses it here, once: no Ansible templating of every item, which is what makes a 10,000-user
vars file slow. Every problem names the file and the row or item.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io
import json
import json.decoder
import json.scanner
import os

try:
    import yaml
    try:
        _YAML_LOADER = yaml.CSafeLoader  # libyaml: about ten times faster on a large file
    except AttributeError:
        _YAML_LOADER = yaml.SafeLoader
    HAS_YAML = True
except ImportError:  # pragma: no cover - PyYAML comes with ansible-core on the controller
    HAS_YAML = False

BOM = '\ufeff'
FORMATS = {'.yml': 'yaml', '.yaml': 'yaml', '.json': 'json', '.csv': 'csv'}
FIELD_COLUMN = 'fields.'
BOOLEAN_TEXT = {'true': True, 'yes': True, 'on': True, '1': True, 'false': False, 'no': False, 'off': False, '0': False}


if HAS_YAML:
    class _StrictLoader(_YAML_LOADER):  # pylint: disable=too-many-ancestors
        """The safe loader, refusing a key given twice in one mapping."""

        def construct_mapping(self, node, deep=False):
            if isinstance(node, yaml.MappingNode):
                seen = set()
                for key_node, _value_node in node.value:
                    key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                    if key is not None and key in seen and key != '<<':
                        raise _DuplicateKey(key, key_node.start_mark.line + 1)
                    seen.add(key)
            return super(_StrictLoader, self).construct_mapping(node, deep=deep)


class UsersFileError(ValueError):
    """A users_file that can not be read as users; the message names the file and, where it can, the row."""


def file_format(path):
    extension = os.path.splitext(path)[1].lower()
    if extension not in FORMATS:
        raise UsersFileError('users_file %s: the name must end in .yml, .yaml, .json or .csv (the format), got %r'
                             % (path, extension or 'no extension'))
    return FORMATS[extension]


def parse_users_file(path, text, columns):
    """(items, labels): the users of a file as `users` takes them (dicts or bare logins), and how each
    is named in messages ('users.csv row 7', 'users.yml item 3').

    :param columns: {option: type} of the per-user options ('str', 'bool', 'list', 'dict'), for CSV.
    """
    kind = file_format(path)
    name = os.path.basename(path)
    if kind == 'csv':
        rows = _parse_csv(path, text, columns)
        return [item for _row, item in rows], ['users_file %s row %d' % (name, row) for row, _item in rows]
    text = text.lstrip(BOM)  # a byte-order mark, as editors on Windows and spreadsheet exports write
    data, lines = _load_json(path, text) if kind == 'json' else _load_yaml(path, text)
    if isinstance(data, dict) and list(data) == ['users']:
        data = data['users']  # `users: [...]`, as a vars file holds it
        lines = lines[1:]
    if not isinstance(data, list):
        raise UsersFileError('users_file %s must hold a list of users (dicts, or login names), got %s'
                             % (path, type(data).__name__ if data is not None else 'an empty file'))
    where = [' (line %d)' % line for line in lines] + [''] * (len(data) - len(lines))
    return data, ['users_file %s item %d%s' % (name, number, where[number - 1]) for number in range(1, len(data) + 1)]


class _DuplicateKey(ValueError):
    def __init__(self, key, line=None):
        super(_DuplicateKey, self).__init__(key)
        self.key, self.line = key, line


def _unique_pairs(pairs):
    """A JSON object's dict; _DuplicateKey when a key is repeated (json.loads would keep the last silently)."""
    seen = set()
    for key, _value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen.add(key)
    return dict(pairs)


def _load_json(path, text):
    """(data, item lines) of a JSON users file; duplicate keys and syntax errors are UsersFileError with a line."""
    try:
        return json.loads(text, object_pairs_hook=_unique_pairs), []
    except _DuplicateKey as exc:
        raise UsersFileError('users_file %s line %d: duplicate key %r in one object (a user given two values of one'
                             ' option; JSON would keep the last silently)' % (path, _duplicate_line(text), exc.key))
    except ValueError as exc:
        # JSONDecodeError's own words name the syntax, never the text around it (which may be a password)
        raise UsersFileError('users_file %s is not valid JSON: line %s, column %s: %s' % (
            path, getattr(exc, 'lineno', '?'), getattr(exc, 'colno', '?'), getattr(exc, 'msg', 'not JSON')))


def _duplicate_line(text):
    """The line of the first JSON object holding a duplicate key, found by the pure-Python scanner (slow, so only
    after the fast parse found one)."""
    starts = []

    def parse_object(s_and_end, *args, **kwargs):
        pairs, end = json.decoder.JSONObject(s_and_end, *args[:3], object_pairs_hook=lambda pairs: pairs, **kwargs)
        names = [key for key, _value in pairs]
        if len(set(names)) != len(names) and not starts:
            starts.append(s_and_end[1])
        return dict(pairs), end
    decoder = json.JSONDecoder()
    decoder.parse_object = parse_object
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    decoder.decode(text)
    return text.count('\n', 0, starts[0]) + 1 if starts else 1


def _load_yaml(path, text):
    """(data, item lines) of a YAML users file; duplicate keys and syntax errors are UsersFileError with a line."""
    if not HAS_YAML:
        raise UsersFileError('users_file %s: reading YAML needs the Python library PyYAML' % path)
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        lines = []
        if node is not None:
            items = node
            if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
                items = node.value[0][1]
                lines.append(node.value[0][0].start_mark.line + 1)
            if isinstance(items, yaml.SequenceNode):
                lines.extend(item.start_mark.line + 1 for item in items.value)
        return (loader.construct_document(node) if node is not None else None), lines
    except _DuplicateKey as exc:
        raise UsersFileError('users_file %s line %d: duplicate key %r in one item (a missing "- " merges two users'
                             ' into one; YAML would keep the last silently)' % (path, exc.line, exc.key))
    except yaml.YAMLError as exc:
        # only where: the problem's own words may quote the text (a tag such as !Secret2024 is a password)
        mark = getattr(exc, 'problem_mark', None)
        where = 'line %d, column %d' % (mark.line + 1, mark.column + 1) if mark is not None else 'somewhere'
        raise UsersFileError('users_file %s is not valid YAML: %s (%s; the text there is not shown, it may be a'
                             ' secret)' % (path, where, type(exc).__name__))
    finally:
        loader.dispose()


def _parse_csv(path, text, columns):
    reader = csv.reader(io.StringIO(text.lstrip(BOM)))  # a byte-order mark from spreadsheet exports
    try:
        header = next(reader)
    except StopIteration:
        raise UsersFileError('users_file %s is empty: it needs a header row of option names' % path)
    except csv.Error as exc:
        raise UsersFileError('users_file %s row 1: %s' % (path, exc))
    header = [name.strip() for name in header]
    unknown = [position for position, name in enumerate(header, 1) if name not in columns and not (
        name.startswith(FIELD_COLUMN) and len(name) > len(FIELD_COLUMN))]
    if unknown:
        # named by position: a file without a header row has its first user there, password and all
        raise UsersFileError('users_file %s row 1: column%s %s %s not an option name; the first row is a header of'
                             ' option names (%s) or fields.<AR field name>' % (
                                 path, '' if len(unknown) == 1 else 's', ', '.join(str(number) for number in unknown),
                                 'is' if len(unknown) == 1 else 'are', ', '.join(sorted(columns))))
    repeated = sorted(set(name for name in header if header.count(name) > 1))
    if repeated:
        raise UsersFileError('users_file %s row 1: repeated column%s %s' % (
            path, '' if len(repeated) == 1 else 's', ', '.join(repr(name) for name in repeated)))
    items = []
    try:
        for row_number, row in enumerate(reader, 2):
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            if len(row) != len(header):
                raise UsersFileError('users_file %s row %d: %d cells for %d columns' % (
                    path, row_number, len(row), len(header)))
            items.append((row_number, _csv_item(path, row_number, header, row, columns)))
    except csv.Error as exc:
        raise UsersFileError('users_file %s row %d: %s' % (path, reader.line_num, exc))
    return items


def _csv_item(path, row_number, header, row, columns):
    item = {}
    for name, cell in zip(header, row):
        if cell == '':
            continue  # an empty cell declares nothing (AR keeps no empty strings)
        if name.startswith(FIELD_COLUMN):
            item.setdefault('fields', {})[name[len(FIELD_COLUMN):]] = cell
        elif columns[name] == 'list':
            item[name] = [cell]  # names or ids separated by ';', split like a Group List (a blank cell is refused)
        elif columns[name] == 'bool':
            if cell.strip().lower() not in BOOLEAN_TEXT:
                raise UsersFileError('users_file %s row %d: %s must be true or false, got %r' % (
                    path, row_number, name, cell))
            item[name] = BOOLEAN_TEXT[cell.strip().lower()]
        else:
            item[name] = cell
    return item
