# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The license report: users streamed page by page into a CSV file, counted into a JSON report, and
(with html_path) aggregated into the audit that report_html.py renders, with its dated history."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import datetime
import filecmp
import json
import os
import re
import tempfile

from ansible_collections.helix.users.plugins.module_utils.errors import HelixError
from ansible_collections.helix.users.plugins.module_utils.groups import GroupResolver
from ansible_collections.helix.users.plugins.module_utils.qualification import all_of, any_of, equals, from_filters
from ansible_collections.helix.users.plugins.module_utils.report_html import COLLECTION_VERSION, render_html, same_html
from ansible_collections.helix.users.plugins.module_utils.user_form import GROUP_LIST, LOGIN, STATUS, display
from ansible_collections.helix.users.plugins.module_utils.user_form import DEACTIVATED, selection_key

LICENSE = 'License Type'
FULL_NAME = 'Full Name'
MODIFIED = 'Modified Date'
# Licenses worth reclaiming: the ones a tenant counts (Read and Restricted Read cost nothing).
RECLAIM_LICENSES = ('Fixed', 'Floating')
RECLAIM_FIELDS = [LOGIN, FULL_NAME, LICENSE, STATUS, MODIFIED]
LARGEST_GROUPS = 20
# Accounts without a group: all are counted, this many are named (the CSV lists every one).
UNGROUPED_NAMED = 200
# Earlier dated summaries read for the trend, newest first; a bigger file is no summary of ours.
HISTORY_POINTS = 366
HISTORY_MAX_BYTES = 1024 * 1024


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


def _label(field, value):
    return str(display(field, value) or '(none)')


_AR_DATE = re.compile(r'^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$')


def ar_date(value):
    """An AR date (ISO 8601 as the REST API returns it, e.g. 2026-11-27T08:45:00.000+0000, or epoch
    seconds) as an aware UTC datetime; None when missing or unreadable."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if text.isdigit():
        return datetime.datetime.fromtimestamp(int(text), datetime.timezone.utc)
    match = _AR_DATE.match(text)
    if not match:
        return None
    try:
        moment = datetime.datetime(*[int(part) for part in match.groups()[:6]], tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    offset = match.group(7)
    if offset and offset != 'Z':
        digits = offset[1:].replace(':', '')
        delta = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        moment = moment - delta if offset[0] == '+' else moment + delta
    return moment


class Audit(object):
    """What the HTML report shows, counted while the users stream past: only the licenses to reclaim
    (and the first UNGROUPED_NAMED logins without a group) are held, never the population."""

    def __init__(self, resolver, stale_days, today):
        self.resolver = resolver
        self.stale_days = stale_days
        # a whole UTC day, so that every run of one day sees the same accounts as stale
        self.stale_before = today - datetime.timedelta(days=stale_days) if stale_days else None
        self.reclaim = {}
        self.members = {}
        self.ungrouped = 0
        self.ungrouped_logins = []

    def add(self, values):
        """A user of the report's query."""
        login = str(values.get(LOGIN) or '')
        group_ids = self.resolver.stored_ids(values.get(GROUP_LIST))
        if not group_ids:
            self.ungrouped += 1
            if len(self.ungrouped_logins) < UNGROUPED_NAMED:
                self.ungrouped_logins.append(login)
        for group_id in group_ids:
            self.members[group_id] = self.members.get(group_id, 0) + 1
        self.consider(values)

    def consider(self, values):
        """A user that may hold a license to reclaim (from the query, or the read of deactivated holders)."""
        license_type = _label(LICENSE, values.get(LICENSE))
        if license_type not in RECLAIM_LICENSES:
            return
        login = str(values.get(LOGIN) or '')
        if login in self.reclaim:
            return
        modified = ar_date(values.get(MODIFIED))
        if selection_key(STATUS, values.get(STATUS)) == DEACTIVATED:
            reason = 'deactivated'
        elif self.stale_before and modified and modified.date() < self.stale_before:
            reason = 'stale'
        else:
            return
        self.reclaim[login] = dict(
            login_name=login, full_name=str(values.get(FULL_NAME) or ''), license_type=license_type,
            status=_label(STATUS, values.get(STATUS)), reason=reason,
            modified=modified.strftime('%Y-%m-%d') if modified else None)

    def result(self):
        # deactivated accounts first: theirs are the licenses to take back today
        users = sorted(self.reclaim.values(), key=lambda user: (user['reason'] != 'deactivated', user['login_name']))
        by_license, by_reason = {}, {'deactivated': 0, 'stale': 0}
        for user in users:
            by_license[user['license_type']] = by_license.get(user['license_type'], 0) + 1
            by_reason[user['reason']] += 1
        names = self.resolver.names(sorted(self.members)) if self.members else []
        groups = sorted(({'group_id': str(group_id), 'group_name': name, 'members': self.members[group_id]}
                         for group_id, name in zip(sorted(self.members), names)),
                        key=lambda group: (-group['members'], group['group_name']))
        return dict(
            stale_days=self.stale_days,
            stale_before=self.stale_before.isoformat() if self.stale_before else None,
            reclaim=dict(count=len(users), by_license_type=by_license, by_reason=by_reason, users=users),
            without_groups=dict(count=self.ungrouped, logins=self.ungrouped_logins),
            largest_groups=groups[:LARGEST_GROUPS])


def deactivated_holders_query(filters):
    """Deactivated users (Status index 1: Disabled or Obsolete) holding a license worth reclaiming."""
    return all_of(equals(STATUS, DEACTIVATED), any_of(LICENSE, RECLAIM_LICENSES), from_filters(filters or {}))


def summary(report):
    """The dated summary the trend is drawn from: the counts of a report, no list of users."""
    audit = report.get('audit') or {}
    kept = dict((key, report[key]) for key in ('query', 'count', 'by_license_type', 'by_status', 'by_license_and_status'))
    if audit:
        kept['reclaim'] = dict((key, audit['reclaim'][key]) for key in ('count', 'by_license_type', 'by_reason'))
        kept['without_groups'] = audit['without_groups']['count']
    return kept


def _counts(value):
    """A {label: count} mapping as a summary file holds it, or None when it is anything else."""
    if not isinstance(value, dict):
        return None
    for key, count in value.items():
        if not isinstance(key, str) or isinstance(count, bool) or not isinstance(count, int) or count < 0:
            return None
    return value


def history_name(json_path, day):
    stem = os.path.splitext(os.path.basename(json_path))[0]
    return '%s-%s.json' % (stem, day.strftime('%Y%m%d'))


def read_history(directory, json_path, query, today, warn):
    """The earlier dated summaries of the same query in directory: [(date, by_license_type)], oldest first;
    plus how many summaries of another query were left out. Unreadable files are left out with a warning."""
    stem = os.path.splitext(os.path.basename(json_path))[0]
    pattern = re.compile(r'^%s-(\d{8})\.json$' % re.escape(stem))
    if not directory or not os.path.isdir(directory):
        return [], 0
    dated = []
    for name in os.listdir(directory):
        match = pattern.match(name)
        if match:
            try:
                day = datetime.datetime.strptime(match.group(1), '%Y%m%d').date()
            except ValueError:
                continue
            if day < today:
                dated.append((day, name))
    points, other_queries = [], 0
    for day, name in sorted(dated, reverse=True)[:HISTORY_POINTS]:
        path = os.path.join(directory, name)
        try:
            if os.path.getsize(path) > HISTORY_MAX_BYTES:
                raise ValueError('larger than %d bytes' % HISTORY_MAX_BYTES)
            with open(path, encoding='utf-8') as stream:
                data = json.load(stream)
            counts = _counts(data.get('by_license_type')) if isinstance(data, dict) else None
            if counts is None:
                raise ValueError('no by_license_type counts')
        except (IOError, OSError, ValueError) as exc:
            warn('history file %s left out of the trend: %s' % (name, exc))
            continue
        if data.get('query') != query:
            other_queries += 1
            continue
        points.append((day, counts))
    return sorted(points, key=lambda point: point[0]), other_queries


def _replace(module, produced, path, equal=None):
    """Move produced over path unless equal, then set its mode; True when the file or its mode changes.

    equal(produced, path) decides whether the two count as the same (default: byte for byte)."""
    if os.path.exists(path) and (equal or _same_bytes)(produced, path):
        os.remove(produced)
        changed = False
    elif module.check_mode:
        os.remove(produced)
        changed = True
    else:
        # the file gets its final mode before it is moved in place (the temporary file is beside it, so the move
        # is one rename): atomic_move would give a new file the default 0644 until the mode is set after it
        module.set_mode_if_different(produced, module.params['mode'], False)
        os.replace(produced, path)
        changed = True
    if os.path.exists(path):  # in check mode a new file does not exist yet
        changed = module.set_mode_if_different(path, module.params['mode'], changed)
    return changed


def _same_bytes(produced, path):
    return filecmp.cmp(produced, path, shallow=False)


def _same_page(produced, path):
    with open(produced, encoding='utf-8') as one, open(path, encoding='utf-8', errors='replace') as other:
        return same_html(one.read(), other.read())


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


def _write_json(path, data):
    with open(path, 'w', encoding='utf-8') as stream:
        json.dump(data, stream, indent=2, sort_keys=True)
        stream.write('\n')


def write_report(module, client):
    params = module.params
    q = all_of(params['query'] and params['query'].strip(), from_filters(params['filters'] or {}))
    fields = list(params['fields'])
    html_path = params.get('html_path')
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    resolver = GroupResolver(client)
    audit = Audit(resolver, params['stale_days'], now.date()) if html_path else None
    extra = [FULL_NAME, GROUP_LIST, MODIFIED] if audit else []
    read_fields = list(dict.fromkeys(fields + [LOGIN, LICENSE, STATUS] + extra))
    by_license, by_status, by_both = {}, {}, {}
    count = 0
    outputs = [('csv', params['csv_path']), ('json', params['json_path'])]
    history_dir = params.get('history_dir') if html_path else None
    if html_path:
        outputs.append(('html', html_path))
    if history_dir:
        outputs.append(('history', os.path.join(history_dir, history_name(params['json_path'], now.date()))))
    temps = {}
    try:
        for kind, path in outputs:
            temps[kind] = _temp_file(module, path)
        with open(temps['csv'], 'w', newline='', encoding='utf-8') as stream:
            writer = csv.writer(stream)
            writer.writerow([csv_text(field) for field in fields])
            # Sorted by the server and written as it arrives: the population is never held in memory.
            for entry in client.list_entries(params['form'], q=q or None, fields=read_fields,
                                             sort='%s.asc' % LOGIN, page_size=params['page_size']):
                values = entry.get('values') or {}
                writer.writerow([_cell(field, values.get(field), resolver) for field in fields])
                license_type = _label(LICENSE, values.get(LICENSE))
                status = _label(STATUS, values.get(STATUS))
                by_license[license_type] = by_license.get(license_type, 0) + 1
                by_status[status] = by_status.get(status, 0) + 1
                row = by_both.setdefault(license_type, {})
                row[status] = row.get(status, 0) + 1
                count += 1
                if audit:
                    audit.add(values)
        report = dict(query=q, count=count, by_license_type=by_license, by_status=by_status,
                      by_license_and_status=by_both, fields=fields)
        reclaim_query = None
        if audit:
            if params['reclaim_deactivated']:
                # whatever the query matches (by default Current users only), licenses held by deactivated
                # accounts are the first to reclaim
                reclaim_query = deactivated_holders_query(params['filters'])
                for entry in client.list_entries(params['form'], q=reclaim_query, fields=RECLAIM_FIELDS,
                                                 sort='%s.asc' % LOGIN, page_size=params['page_size']):
                    audit.consider(entry.get('values') or {})
            report['audit'] = dict(audit.result(), reclaim_query=reclaim_query)
        _write_json(temps['json'], report)
        if history_dir:
            _write_json(temps['history'], summary(report))
        if html_path:
            trend, other_queries = read_history(history_dir, params['json_path'], q, now.date(), module.warn)
            trend.append((now.date(), by_license))
            page = render_html(report, dict(
                tenant=client.base_url, generated=now, version=COLLECTION_VERSION, trend=trend,
                other_queries=other_queries, history=bool(history_dir), redact=client.redact))
            with open(temps['html'], 'w', encoding='utf-8') as stream:
                stream.write(page)
        changed = False
        for kind, path in outputs:
            changed = _replace(module, temps.pop(kind), path, _same_page if kind == 'html' else None) or changed
    except (IOError, OSError) as exc:
        raise HelixError('could not write the report: %s' % exc)
    finally:
        for leftover in temps.values():
            if os.path.exists(leftover):
                os.remove(leftover)
    result = dict(changed=changed, count=count, by_license_type=by_license, by_status=by_status,
                  by_license_and_status=by_both, csv_path=params['csv_path'], json_path=params['json_path'])
    if html_path:
        audit_result = report['audit']
        result['html_path'] = html_path
        result['audit'] = dict(
            stale_days=audit_result['stale_days'], stale_before=audit_result['stale_before'],
            reclaim=dict((key, audit_result['reclaim'][key]) for key in ('count', 'by_license_type', 'by_reason')),
            without_groups=audit_result['without_groups']['count'], largest_groups=audit_result['largest_groups'])
    return result
