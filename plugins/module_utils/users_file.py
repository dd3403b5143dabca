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

FORMATS = {'.yml': 'yaml', '.yaml': 'yaml', '.json': 'json', '.csv': 'csv'}
FIELD_COLUMN = 'fields.'
BOOLEAN_TEXT = {'true': True, 'yes': True, 'on': True, '1': True, 'false': False, 'no': False, 'off': False, '0': False}


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
    try:
        if kind == 'json':
            data = json.loads(text)
        else:
            if not HAS_YAML:
                raise UsersFileError('users_file %s: reading YAML needs the Python library PyYAML' % path)
            data = yaml.load(text, Loader=_YAML_LOADER)  # nosec - a safe loader
    except (ValueError, yaml.YAMLError if HAS_YAML else ValueError) as exc:
        raise UsersFileError('users_file %s is not valid %s: %s' % (path, kind.upper(), _one_line(exc)))
    if isinstance(data, dict) and list(data) == ['users']:
        data = data['users']  # `users: [...]`, as a vars file holds it
    if not isinstance(data, list):
        raise UsersFileError('users_file %s must hold a list of users (dicts, or login names), got %s'
                             % (path, type(data).__name__ if data is not None else 'an empty file'))
    return data, ['users_file %s item %d' % (name, number) for number in range(1, len(data) + 1)]


def _parse_csv(path, text, columns):
    reader = csv.reader(io.StringIO(text.lstrip('\ufeff')))  # a byte-order mark from spreadsheet exports
    try:
        header = next(reader)
    except StopIteration:
        raise UsersFileError('users_file %s is empty: it needs a header row of option names' % path)
    except csv.Error as exc:
        raise UsersFileError('users_file %s row 1: %s' % (path, exc))
    header = [name.strip() for name in header]
    unknown = [name for name in header if name not in columns and not (
        name.startswith(FIELD_COLUMN) and len(name) > len(FIELD_COLUMN))]
    if unknown:
        named = ', '.join(repr(name) for name in unknown)
        raise UsersFileError('users_file %s row 1: unknown column%s %s; the columns are option names (%s) or'
                             ' fields.<AR field name>' % (path, '' if len(unknown) == 1 else 's', named,
                                                          ', '.join(sorted(columns))))
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


def _one_line(exc):
    return ' '.join(str(exc).split())
