# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The license report: users streamed page by page into a CSV file, counted into a JSON report."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import filecmp
import json
import os
import tempfile

from ansible_collections.helix.users.plugins.module_utils.errors import HelixError
from ansible_collections.helix.users.plugins.module_utils.groups import GroupResolver
from ansible_collections.helix.users.plugins.module_utils.qualification import all_of, from_filters
from ansible_collections.helix.users.plugins.module_utils.user_form import GROUP_LIST, LOGIN, STATUS, display

LICENSE = 'License Type'


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')


def csv_text(text):
    """text as a CSV cell a spreadsheet shows as text: a leading ' defuses a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(field, value, resolver):
    if value is None:
        return ''
    if field == GROUP_LIST:
        return csv_text(';'.join(resolver.names(resolver.stored_ids(value))))
    return csv_text(str(display(field, value)))


def _replace(module, produced, path):
    """Move produced over path unless equal, then set its mode; True when the file or its mode changes."""
    if os.path.exists(path) and filecmp.cmp(produced, path, shallow=False):
        os.remove(produced)
        changed = False
    elif module.check_mode:
        os.remove(produced)
        changed = True
    else:
        module.atomic_move(produced, path)
        changed = True
    if os.path.exists(path):  # in check mode a new file does not exist yet
        changed = module.set_mode_if_different(path, module.params['mode'], changed)
    return changed


def _temp_file(module, path):
    """A temporary file beside path (so the final move is atomic), or in the module's temporary
    directory in check mode (nothing is written beside path, which may not exist yet)."""
    directory = os.path.dirname(os.path.abspath(path))
    if module.check_mode:
        directory = module.tmpdir
    elif not os.path.isdir(directory):
        raise HelixError('the directory of %s does not exist' % path)
    try:
        handle, name = tempfile.mkstemp(dir=directory, prefix='.helix-report-')
    except OSError as exc:
        raise HelixError('can not write in %s: %s' % (directory, exc))
    os.close(handle)
    return name


def write_report(module, client):
    params = module.params
    q = all_of(params['query'] and params['query'].strip(), from_filters(params['filters'] or {}))
    fields = list(params['fields'])
    read_fields = list(dict.fromkeys(fields + [LOGIN, LICENSE, STATUS]))
    resolver = GroupResolver(client)
    by_license, by_status = {}, {}
    count = 0
    temps = []
    try:
        csv_temp = _temp_file(module, params['csv_path'])
        temps.append(csv_temp)
        json_temp = _temp_file(module, params['json_path'])
        temps.append(json_temp)
        with open(csv_temp, 'w', newline='', encoding='utf-8') as stream:
            writer = csv.writer(stream)
            writer.writerow([csv_text(field) for field in fields])
            # Sorted by the server and written as it arrives: the population is never held in memory.
            for entry in client.list_entries(params['form'], q=q or None, fields=read_fields,
                                             sort='%s.asc' % LOGIN, page_size=params['page_size']):
                values = entry.get('values') or {}
                writer.writerow([_cell(field, values.get(field), resolver) for field in fields])
                license_type = str(display(LICENSE, values.get(LICENSE)) or '(none)')
                status = str(display(STATUS, values.get(STATUS)) or '(none)')
                by_license[license_type] = by_license.get(license_type, 0) + 1
                by_status[status] = by_status.get(status, 0) + 1
                count += 1
        report = dict(query=q, count=count, by_license_type=by_license, by_status=by_status, fields=fields)
        with open(json_temp, 'w', encoding='utf-8') as stream:
            json.dump(report, stream, indent=2, sort_keys=True)
            stream.write('\n')
        changed = _replace(module, csv_temp, params['csv_path'])
        changed = _replace(module, json_temp, params['json_path']) or changed
    except (IOError, OSError) as exc:
        raise HelixError('could not write the report: %s' % exc)
    finally:
        for leftover in temps:
            if os.path.exists(leftover):
                os.remove(leftover)
    return dict(changed=changed, count=count, by_license_type=by_license, by_status=by_status,
                csv_path=params['csv_path'], json_path=params['json_path'])
