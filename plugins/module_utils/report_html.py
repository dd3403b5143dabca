# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit report as one self-contained HTML page: inline CSS and SVG, no script, font, image or request.

Every value on the page comes from the tenant and is hostile input: the page is rendered by Jinja2 with
autoescaping on, nothing from the report is ever marked safe, and a Content-Security-Policy forbids
scripts (and anything but the page's own stylesheet, pinned by its hash), so a Full Name such as
``<script>...`` or ``"><img src=x onerror=...>`` is shown as text. The chart geometry is computed here;
the template only places numbers and escaped text.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import re
import traceback

try:
    import jinja2
    from markupsafe import Markup
except ImportError:  # jinja2 comes with ansible-core; the sanity import test runs without it
    HAS_JINJA2 = False
    JINJA2_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_JINJA2 = True
    JINJA2_IMPORT_ERROR = None

# galaxy.yml's version (tests/unit/test_report_html.py keeps the two equal).
COLLECTION_VERSION = '0.1.0'
TITLE = 'BMC Helix license audit'
# Rows of the reclaim list shown; the JSON report lists them all.
RECLAIM_SHOWN = 1000
LABEL_CHARS = 26
MAX_SERIES = 8

KNOWN_LICENSES = ('Fixed', 'Floating', 'Read', 'Restricted Read')
# Okabe-Ito colours, told apart with colour-blindness too.
LICENSE_COLOURS = {'Fixed': '#0072B2', 'Floating': '#E69F00', 'Read': '#56B4E9', 'Restricted Read': '#CC79A7'}
COLOURS = ('#009E73', '#D55E00', '#999999', '#CC79A7', '#F0E442', '#000000', '#56B4E9', '#E69F00', '#0072B2')

CSS = '''
body { font: 14px/1.45 "Liberation Sans", "DejaVu Sans", Arial, sans-serif; color: #1b1f24; margin: 0; background: #f6f7f9; }
header { background: #1f3a5f; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 8px; font-size: 22px; font-weight: 600; }
header dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
header dt { color: #b9c8dc; }
header dd { margin: 0; overflow-wrap: anywhere; }
header code { color: #fff; }
main { padding: 8px 32px 32px; }
section { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 14px 20px; margin: 16px 0; }
h2 { font-size: 17px; margin: 0 0 10px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
.pair { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid #e4e7eb; padding: 3px 10px; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td, tr.total th { font-weight: 600; border-top: 2px solid #9aa4b1; }
.note { color: #5b6572; font-size: 12.5px; }
.big { font-size: 26px; font-weight: 600; }
.long { max-height: 420px; overflow: auto; border: 1px solid #e4e7eb; }
.long table { width: 100%; }
.cells td { overflow-wrap: anywhere; max-width: 320px; }
svg text { font: 12px "Liberation Sans", "DejaVu Sans", Arial, sans-serif; fill: #1b1f24; }
svg .axis { stroke: #9aa4b1; stroke-width: 1; }
svg .grid { stroke: #e4e7eb; stroke-width: 1; }
footer { padding: 0 32px 24px; color: #5b6572; font-size: 12px; }
'''

TEMPLATE = '''{% macro bars(chart, label) %}
<svg xmlns="http://www.w3.org/2000/svg" width="{{ chart.width }}" height="{{ chart.height }}"
 viewBox="0 0 {{ chart.width }} {{ chart.height }}" role="img" aria-label="{{ label }}">
{% for row in chart.rows %}
<text x="{{ chart.label_width - 6 }}" y="{{ row.y + 15 }}" text-anchor="end">{{ row.short }}<title>{{ row.label }}</title></text>
{% for segment in row.segments %}
<rect x="{{ segment.x }}" y="{{ row.y + 3 }}" width="{{ segment.width }}" height="18" fill="{{ segment.colour }}">
<title>{{ segment.title }}</title></rect>
{% endfor %}
<text x="{{ row.end }}" y="{{ row.y + 15 }}">{{ row.total | num }}</text>
{% endfor %}
{% for key in chart.legend %}
<rect x="{{ key.x }}" y="{{ chart.height - 16 }}" width="10" height="10" fill="{{ key.colour }}"></rect>
<text x="{{ key.x + 14 }}" y="{{ chart.height - 7 }}">{{ key.short }}</text>
{% endfor %}
</svg>
{% endmacro %}
{% macro lines(chart) %}
<svg xmlns="http://www.w3.org/2000/svg" width="{{ chart.width }}" height="{{ chart.height }}"
 viewBox="0 0 {{ chart.width }} {{ chart.height }}" role="img" aria-label="Users per license type over time">
{% for tick in chart.y_ticks %}
<line class="grid" x1="{{ chart.left }}" x2="{{ chart.right }}" y1="{{ tick.y }}" y2="{{ tick.y }}"></line>
<text x="{{ chart.left - 6 }}" y="{{ tick.y + 4 }}" text-anchor="end">{{ tick.value | num }}</text>
{% endfor %}
<line class="axis" x1="{{ chart.left }}" x2="{{ chart.right }}" y1="{{ chart.bottom }}" y2="{{ chart.bottom }}"></line>
{% for tick in chart.x_ticks %}
<text x="{{ tick.x }}" y="{{ chart.bottom + 16 }}" text-anchor="{{ tick.anchor }}">{{ tick.day }}</text>
{% endfor %}
{% for series in chart.series %}
<polyline fill="none" stroke="{{ series.colour }}" stroke-width="2" points="{{ series.points }}"></polyline>
{% for dot in series.dots %}
<circle cx="{{ dot.x }}" cy="{{ dot.y }}" r="3" fill="{{ series.colour }}">
<title>{{ series.label }}, {{ dot.day }}: {{ dot.value }}</title></circle>
{% endfor %}
{% endfor %}
{% for key in chart.legend %}
<rect x="{{ key.x }}" y="{{ chart.height - 14 }}" width="10" height="10" fill="{{ key.colour }}"></rect>
<text x="{{ key.x + 14 }}" y="{{ chart.height - 5 }}">{{ key.short }}</text>
{% endfor %}
</svg>
{% endmacro %}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>{{ css }}</style>
</head>
<body>
<header>
<h1>{{ title }}</h1>
<dl>
<dt>Tenant</dt><dd id="tenant">{{ tenant }}</dd>
<dt>Query</dt><dd><code id="query">{{ report.query or '(every user)' }}</code></dd>
<dt>Read</dt><dd><time id="generated" datetime="{{ generated_iso }}">{{ generated_text }}</time></dd>
<dt>Users</dt><dd id="count" data-count="{{ report.count }}">{{ report.count | num }}</dd>
<dt>Collection</dt><dd id="version">helix.users {{ version }}</dd>
</dl>
</header>
<main>
<section id="licenses">
<h2>Licenses by type and status</h2>
<div class="pair">
{{ bars(licence_chart, 'Users per license type and status') }}
<table id="by-license-status">
<thead><tr><th>License type</th>
{% for status in statuses %}
<th class="n">{{ status }}</th>
{% endfor %}
<th class="n">Total</th></tr></thead>
<tbody>
{% for row in licence_rows %}
<tr data-license="{{ row.label }}"><th>{{ row.label }}</th>
{% for cell in row.cells %}
<td class="n" data-status="{{ cell.status }}" data-count="{{ cell.count }}">{{ cell.count | num }}</td>
{% endfor %}
<td class="n" data-status="" data-count="{{ row.total }}">{{ row.total | num }}</td></tr>
{% endfor %}
<tr class="total"><th>Total</th>
{% for status in statuses %}
<td class="n">{{ report.by_status[status] | num }}</td>
{% endfor %}
<td class="n">{{ report.count | num }}</td></tr>
</tbody>
</table>
</div>
</section>

<section id="reclaim" data-count="{{ audit.reclaim.count }}">
<h2>Licenses to reclaim: <span class="big">{{ audit.reclaim.count | num }}</span></h2>
<p class="note">Fixed and Floating licenses held by deactivated accounts (Status Disabled or Obsolete)
{%- if audit.stale_days %}, and by accounts not modified for {{ audit.stale_days }} days (before {{ audit.stale_before }}){% endif %}.
{% if audit.reclaim_query %}
Deactivated holders are read with <code>{{ audit.reclaim_query }}</code> as well, whatever the query above matches.
{% endif %}
</p>
<table id="reclaim-counts">
<thead><tr><th>License type</th><th class="n">Deactivated</th>
{% if audit.stale_days %}<th class="n">Not modified</th>{% endif %}
<th class="n">Total</th></tr></thead>
<tbody>
{% for row in reclaim_rows %}
<tr data-license="{{ row.label }}"><th>{{ row.label }}</th>
<td class="n" data-reason="deactivated" data-count="{{ row.deactivated }}">{{ row.deactivated | num }}</td>
{% if audit.stale_days %}<td class="n" data-reason="stale" data-count="{{ row.stale }}">{{ row.stale | num }}</td>{% endif %}
<td class="n" data-reason="" data-count="{{ row.total }}">{{ row.total | num }}</td></tr>
{% endfor %}
<tr class="total"><th>Total</th><td class="n">{{ audit.reclaim.by_reason.deactivated | num }}</td>
{% if audit.stale_days %}<td class="n">{{ audit.reclaim.by_reason.stale | num }}</td>{% endif %}
<td class="n">{{ audit.reclaim.count | num }}</td></tr>
</tbody>
</table>
{% if reclaim_users %}
<h3>Accounts
{%- if reclaim_users | length < audit.reclaim.count %} (the first {{ reclaim_users | length | num }}; the JSON report lists all){% endif %}</h3>
<div class="long"><table id="reclaim-users" class="cells">
<thead><tr><th>Login name</th><th>Full name</th><th>License</th><th>Status</th><th>Modified</th><th>Why</th></tr></thead>
<tbody>
{% for user in reclaim_users %}
<tr class="reclaim-user" data-login="{{ user.login_name }}"><td>{{ user.login_name }}</td>
<td class="full-name">{{ user.full_name }}</td><td>{{ user.license_type }}</td><td>{{ user.status }}</td>
<td>{{ user.modified or '' }}</td><td>{{ reasons[user.reason] }}</td></tr>
{% endfor %}
</tbody>
</table></div>
{% endif %}
</section>

<section id="groups">
<h2>Groups</h2>
<p>Accounts without any group:
<span class="big" id="without-groups" data-count="{{ audit.without_groups.count }}">{{ audit.without_groups.count | num }}</span></p>
{% if audit.without_groups.logins %}
<p class="note">
{% if audit.without_groups.logins | length < audit.without_groups.count %}
The first {{ audit.without_groups.logins | length }} (the CSV lists all):
{% endif %}
<span id="ungrouped-logins">
{%- for login in audit.without_groups.logins %}<code class="login">{{ login }}</code>{% if not loop.last %}, {% endif %}{% endfor -%}
</span></p>
{% endif %}
<h3>The {{ audit.largest_groups | length }} largest groups by members</h3>
<div class="pair">
{{ bars(group_chart, 'Members of the largest groups') }}
<table id="largest-groups" class="cells">
<thead><tr><th>Group</th><th class="n">Id</th><th class="n">Members</th></tr></thead>
<tbody>
{% for group in audit.largest_groups %}
<tr data-group="{{ group.group_id }}"><td class="group-name">{{ group.group_name }}</td><td class="n">{{ group.group_id }}</td>
<td class="n" data-count="{{ group.members }}">{{ group.members | num }}</td></tr>
{% endfor %}
</tbody>
</table>
</div>
</section>

<section id="trend" data-points="{{ trend.points | length }}">
<h2>Licenses over time</h2>
{% if trend.points | length < 2 %}
<p class="note">The trend shows once there are reports of two or more days
{%- if not history %}: the module keeps them with history_dir (the audit role does){% endif %}.</p>
{% endif %}
{% if trend.other_queries %}
<p class="note">{{ trend.other_queries }} earlier report(s) of another query are left out.</p>
{% endif %}
<div class="pair">
{% if trend.points | length > 1 %}{{ lines(trend) }}{% endif %}
<table id="trend-table">
<thead><tr><th>Day</th>
{% for series in trend.series %}
<th class="n">{{ series.label }}</th>
{% endfor %}
</tr></thead>
<tbody>
{% for point in trend.points | reverse %}
<tr data-date="{{ point.day }}"><td>{{ point.day }}</td>
{% for value in point.counts %}
<td class="n" data-license="{{ trend.series[loop.index0].label }}" data-count="{{ value }}">{{ value | num }}</td>
{% endfor %}
</tr>
{% endfor %}
</tbody>
</table>
</div>
</section>
</main>
<footer>Written by helix.users {{ version }} (helix_user_report). Every name on this page comes from the tenant and is shown as text.</footer>
</body>
</html>
'''

REASONS = {'deactivated': 'deactivated', 'stale': 'not modified'}
_GENERATED = re.compile(r'<time id="generated" datetime="[^"<>]*">[^<>]*</time>')


def csp(css):
    """No script, no request: only the page's own stylesheet, by its hash."""
    digest = base64.b64encode(hashlib.sha256(css.encode('utf-8')).digest()).decode('ascii')
    return ("default-src 'none'; script-src 'none'; style-src 'sha256-%s'; img-src 'none'; font-src 'none'; "
            "connect-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; base-uri 'none'; "
            "form-action 'none'" % digest)


def same_html(one, other):
    """Two pages alike but for the time they were read at (a rerun with the same figures changes nothing)."""
    return _GENERATED.sub('', one) == _GENERATED.sub('', other)


def short(text, limit=LABEL_CHARS):
    text = ' '.join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + '\u2026'


def _num(value):
    return '{:,}'.format(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _licence_order(labels):
    known = [label for label in KNOWN_LICENSES if label in labels]
    return known + sorted(label for label in labels if label not in KNOWN_LICENSES)


def _status_order(labels):
    return sorted(labels, key=lambda label: (label != 'Current', label))


def _colours(labels, fixed=None):
    colours, spare = {}, iter(COLOURS * (len(labels) // len(COLOURS) + 1))
    for label in labels:
        colours[label] = (fixed or {}).get(label) or next(spare)
    return colours


def _legend(labels, colours, x=8, step=130):
    return [dict(x=x + step * index, colour=colours[label], short=short(label, 16)) for index, label in enumerate(labels)]


def bar_chart(rows, keys, colours, width=560, label_width=170):
    """Horizontal bars, each split into segments: rows are (label, {key: count}) pairs."""
    area = width - label_width - 60
    biggest = max([sum(counts.values()) for _label, counts in rows] + [1])
    chart_rows = []
    for index, (label, counts) in enumerate(rows):
        x, segments = float(label_width), []
        for key in keys:
            count = counts.get(key, 0)
            if count:
                size = max(area * count / biggest, 1.0)
                segments.append(dict(x=round(x, 1), width=round(size, 1), colour=colours[key],
                                     title='%s, %s: %s' % (label, key, _num(count)) if len(keys) > 1 else
                                     '%s: %s' % (label, _num(count))))
                x += size
        chart_rows.append(dict(label=label, short=short(label), y=8 + 26 * index, segments=segments,
                               end=round(x + 6, 1), total=sum(counts.values())))
    legend = _legend(keys, colours) if len(keys) > 1 else []
    height = 16 + 26 * len(rows) + (24 if legend else 0)
    return dict(width=width, height=height, label_width=label_width, rows=chart_rows, legend=legend)


def _ticks(top, count=4):
    """count + 1 round values from 0, the last at least top: steps of 1, 2 or 5 times a power of ten."""
    scale = 1
    while True:
        for factor in (1, 2, 5):
            if factor * scale * count >= top:
                return [factor * scale * index for index in range(count + 1)]
        scale *= 10


def line_chart(trend, width=620, height=280):
    """Counts per license type over the days of the trend: [(date, {license: count})], oldest first."""
    peaks = {}
    for _day, counts in trend:
        for label, count in counts.items():
            peaks[label] = max(peaks.get(label, 0), count)
    # a history file is hostile input too: a flood of made-up labels draws no more than MAX_SERIES lines
    labels = _licence_order(sorted(peaks, key=lambda label: (-peaks[label], label))[:MAX_SERIES])
    colours = _colours(labels, LICENSE_COLOURS)
    left, right, top, bottom = 56, width - 16, 12, height - 48
    first, last = trend[0][0], trend[-1][0]
    days = max((last - first).days, 1)
    ticks = _ticks(max([count for _day, counts in trend for count in counts.values()] + [1]))

    def x_of(day):
        return left + (right - left) * (day - first).days / days

    def y_of(value):
        return bottom - (bottom - top) * value / ticks[-1]

    series = []
    for label in labels:
        dots = [dict(x=round(x_of(day), 1), y=round(y_of(counts.get(label, 0)), 1), day=day.isoformat(),
                     value=counts.get(label, 0)) for day, counts in trend]
        series.append(dict(label=label, colour=colours[label], dots=dots,
                           points=' '.join('%s,%s' % (dot['x'], dot['y']) for dot in dots)))
    # the first and last day, and days between them no closer than a label's width to one already marked
    marks = [first, last]
    for day, _counts in trend[1:-1]:
        if all(abs(x_of(day) - x_of(mark)) >= 90 for mark in marks):
            marks.append(day)
    return dict(
        width=width, height=height, left=left, right=right, bottom=bottom, series=series,
        y_ticks=[dict(value=value, y=round(y_of(value), 1)) for value in ticks],
        x_ticks=[dict(x=round(x_of(day), 1), day=day.isoformat(),
                      anchor='start' if day == first else 'end' if day == last else 'middle') for day in sorted(marks)],
        legend=_legend(labels, colours, x=left),
        points=[dict(day=day.isoformat(), counts=[counts.get(label, 0) for label in labels]) for day, counts in trend])


_COMPILED = []


def _finalize(context, value):
    """Every value the page shows passes here before it is escaped: the secrets the client holds are masked,
    should a tenant value (or the query) ever carry one."""
    redact = context.get('redact')
    if redact is None or not isinstance(value, str) or isinstance(value, Markup):  # Markup: the page's own
        return value
    return redact(value)


def _template():
    """The page's template, compiled once per process; autoescaping on, an unknown name an error."""
    if not _COMPILED:
        environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                         lstrip_blocks=True, finalize=jinja2.pass_context(_finalize))
        environment.filters['num'] = _num
        _COMPILED.append(environment.from_string(TEMPLATE))
    return _COMPILED[0]


def render_html(report, context):
    """The page of a report (the JSON report's dict, with its audit) and its context: tenant (a URL without
    credentials), generated (aware datetime), version, trend ([(date, by_license_type)], oldest first),
    other_queries (earlier reports left out), history (whether dated reports are kept) and redact (text -> text
    with the client's secrets masked)."""
    audit = report['audit']
    licences = _licence_order(report['by_license_and_status'])
    statuses = _status_order(report['by_status'])
    status_colours = _colours(statuses)
    licence_rows = []
    for label in licences:
        counts = report['by_license_and_status'][label]
        licence_rows.append(dict(label=label, total=sum(counts.values()),
                                 cells=[dict(status=status, count=counts.get(status, 0)) for status in statuses]))
    reclaim_rows = []
    for label in _licence_order(audit['reclaim']['by_license_type']):
        users = [user for user in audit['reclaim']['users'] if user['license_type'] == label]
        deactivated = sum(1 for user in users if user['reason'] == 'deactivated')
        reclaim_rows.append(dict(label=label, deactivated=deactivated, stale=len(users) - deactivated, total=len(users)))
    groups = audit['largest_groups']
    group_chart = bar_chart([(group['group_name'], {'members': group['members']}) for group in groups], ['members'],
                            {'members': '#0072B2'})
    trend = line_chart(context['trend'])
    trend['other_queries'] = context.get('other_queries', 0)
    generated = context['generated']
    return _template().render(
        title=TITLE, css=Markup(CSS), csp=csp(CSS), report=report, audit=audit, tenant=context['tenant'],
        version=context['version'], generated_iso=generated.strftime('%Y-%m-%dT%H:%M:%SZ'),
        generated_text=generated.strftime('%Y-%m-%d %H:%M UTC'), statuses=statuses, licence_rows=licence_rows,
        licence_chart=bar_chart([(row['label'], report['by_license_and_status'][row['label']]) for row in licence_rows],
                                statuses, status_colours),
        reclaim_rows=reclaim_rows, reclaim_users=audit['reclaim']['users'][:RECLAIM_SHOWN], reasons=REASONS,
        group_chart=group_chart, trend=trend, history=context.get('history', False), redact=context.get('redact'))
