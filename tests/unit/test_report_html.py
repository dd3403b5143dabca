"""The HTML audit report without a server: escaping of hostile values, the page's policy, its figures, the dated
history it reads, and the aggregation that feeds it."""

import base64
import datetime
import hashlib
import json
import os
import re

import yaml
from hypothesis import given, settings, strategies as st

from ansible_collections.helix.users.plugins.module_utils import report, report_html
from report_dom import figures, parse
from support import ROOT

UTC = datetime.timezone.utc
TODAY = datetime.date(2026, 12, 4)
# What the page's own markup uses; hostile text must never add a tag (or an attribute) to it.
PAGE_TAGS = {'#document', 'html', 'head', 'meta', 'title', 'style', 'body', 'header', 'h1', 'h2', 'h3', 'dl', 'dt',
             'dd', 'code', 'time', 'main', 'section', 'div', 'svg', 'text', 'rect', 'table', 'thead',
             'tbody', 'tr', 'th', 'td', 'p', 'span', 'footer', 'line', 'polyline', 'circle'}
HOSTILE = ('<script>document.title="x"</script>', '"><img src=x onerror=alert(1)>', "' onmouseover='alert(1)",
           '</style><script>alert(1)</script>', '<!--', ']]><svg onload=alert(1)>', '&amp; &lt;b&gt;', '{{ 7*7 }}')


class Resolver:
    """Group ids to names, as GroupResolver does, without a server."""

    def __init__(self, names):
        self.by_id = names

    def stored_ids(self, group_list):
        return [token for token in str(group_list or '').split(';') if token.strip()]

    def names(self, ids):
        return [self.by_id.get(group_id, group_id) for group_id in ids]


def a_report(name='Pat', group='Sales', licence='Fixed', status='Current', login='pat', trend=None, query="'a' = 1"):
    audit = report.Audit(Resolver({'7': group}), 180, TODAY)
    users = [{'Login Name': login, 'Full Name': name, 'License Type': licence, 'Status': status,
              'Group List': '7;', 'Modified Date': '2020-01-01T00:00:00.000+0000'},
             {'Login Name': 'sam', 'Full Name': 'Sam', 'License Type': 'Read', 'Status': 1, 'Group List': None,
              'Modified Date': '2026-12-01T00:00:00.000+0000'}]
    by_both = {}
    for user in users:
        audit.add(user)
        row = by_both.setdefault(str(user['License Type']), {})
        status_label = 'Disabled' if user['Status'] == 1 else str(user['Status'])
        row[status_label] = row.get(status_label, 0) + 1
    data = dict(query=query, count=2, by_license_and_status=by_both, audit=dict(audit.result(), reclaim_query=None))
    data['by_license_type'] = dict((key, sum(value.values())) for key, value in by_both.items())
    data['by_status'] = {}
    for row in by_both.values():
        for key, count in row.items():
            data['by_status'][key] = data['by_status'].get(key, 0) + count
    context = dict(tenant='https://acme.onbmc.com', generated=datetime.datetime(2026, 12, 4, 9, 30, tzinfo=UTC),
                   version='0.1.0', trend=trend or [(TODAY, data['by_license_type'])], history=True)
    return data, report_html.render_html(data, context)


def assert_inert(page):
    dom = parse(page)
    tags = set(element.tag for element in dom.iter())
    assert tags <= PAGE_TAGS, tags - PAGE_TAGS
    assert not [name for element in dom.iter() for name in element.attrs if name.startswith('on')]
    assert '<script' not in page.lower() and dom.find_all('title')[0].text() == report_html.TITLE
    return dom


def test_the_collection_version_is_galaxy_yml_s():
    with open(os.path.join(ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        assert report_html.COLLECTION_VERSION == yaml.safe_load(handle)['version']


def test_hostile_names_groups_labels_and_queries_are_text():
    for value in HOSTILE:
        data, page = a_report(name=value, group=value, licence='Fixed', login=value, query=value,
                              trend=[(TODAY - datetime.timedelta(days=3), {value: 2, 'Fixed': 1}), (TODAY, {'Fixed': 1})])
        dom = assert_inert(page)
        assert dom.by_id('query').text() == value
        assert value in [cell.text() for cell in dom.find_all('td', class_='full-name')]
        assert value in [cell.text() for cell in dom.find_all('td', class_='group-name')]
        assert dom.by_id('reclaim-users').find_all('tr', data_login=value)
        assert value in [cell.attrs.get('data-license') for cell in dom.by_id('trend-table').find_all('td')]
        assert '49' not in dom.by_id('query').text()  # no template ran the value


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1), st.text(min_size=1))
def test_any_text_stays_text(name, group):
    _data, page = a_report(name=name, group=group)
    dom = assert_inert(page)
    assert name in [cell.text() for cell in dom.find_all('td', class_='full-name')]
    assert group in [cell.text() for cell in dom.find_all('td', class_='group-name')]


def test_the_policy_forbids_scripts_and_allows_only_the_page_s_own_style():
    _data, page = a_report()
    policy = parse(page).find_all('meta', http_equiv='Content-Security-Policy')[0].attrs['content']
    rules = dict(rule.strip().split(' ', 1) for rule in policy.split(';'))
    assert rules['default-src'] == "'none'" and rules['script-src'] == "'none'" and rules['img-src'] == "'none'"
    style = re.search(r'<style>(.*?)</style>', page, re.S).group(1)
    assert rules['style-src'] == "'sha256-%s'" % base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert ' style=' not in page  # a style attribute would need 'unsafe-inline'
    assert not re.search(r'(src|href)\s*=|url\(|@import|https?://(?!acme\.onbmc\.com|www\.w3\.org/2000/svg)', page)


def test_the_page_shows_the_figures_it_was_given():
    data, page = a_report()
    shown = figures(parse(page))
    assert shown['count'] == 2
    assert shown['by_license_and_status'] == data['by_license_and_status']
    assert shown['reclaim'] == 1 and shown['reclaim_users'] == {'pat': 'not modified'}
    assert shown['without_groups'] == 1 and shown['ungrouped'] == ['sam']
    assert shown['groups'] == {'Sales': 1}


def test_two_pages_differ_only_by_their_time_are_the_same():
    data, page = a_report()
    later = page.replace('2026-12-04T09:30:00Z', '2026-12-04T17:45:10Z').replace('2026-12-04 09:30 UTC', '2026-12-04 17:45 UTC')
    assert later != page and report_html.same_html(page, later)
    assert not report_html.same_html(page, page.replace('>Pat<', '>Pam<'))


def test_ticks_are_round_and_reach_the_top():
    assert report_html._ticks(1) == [0, 1, 2, 3, 4]
    assert report_html._ticks(86) == [0, 50, 100, 150, 200] or report_html._ticks(86)[-1] >= 86
    for top in (1, 7, 99, 100, 101, 12345):
        ticks = report_html._ticks(top)
        assert ticks[-1] >= top and ticks[0] == 0 and len(set(b - a for a, b in zip(ticks, ticks[1:]))) == 1


def test_ar_dates():
    assert report.ar_date('2026-11-27T08:45:00.000+0000') == datetime.datetime(2026, 11, 27, 8, 45, tzinfo=UTC)
    assert report.ar_date('2026-11-27T08:45:00Z') == datetime.datetime(2026, 11, 27, 8, 45, tzinfo=UTC)
    assert report.ar_date('2026-11-27T10:45:00+02:00') == datetime.datetime(2026, 11, 27, 8, 45, tzinfo=UTC)
    assert report.ar_date(1764233100) == datetime.datetime(2025, 11, 27, 8, 45, tzinfo=UTC)
    for bad in (None, '', 'yesterday', '2026-13-45T00:00:00Z', True):
        assert report.ar_date(bad) is None


def test_licences_to_reclaim():
    audit = report.Audit(Resolver({}), 180, TODAY)
    old, new = '2026-06-06T23:59:59.000+0000', '2026-06-07T00:00:00.000+0000'  # stale_before is 2026-06-07
    for login, licence, status, modified in (
            ('a', 'Fixed', 'Disabled', new), ('b', 'Floating', 'Obsolete', new), ('c', 'Fixed', 1, None),
            ('d', 'Fixed', 'Current', old), ('e', 'Floating', 0, new), ('f', 'Read', 'Disabled', old),
            ('g', 'Restricted Read', 'Current', old), ('h', 'Fixed', 'Current', None)):
        audit.consider({'Login Name': login, 'License Type': licence, 'Status': status, 'Modified Date': modified})
    audit.consider({'Login Name': 'a', 'License Type': 'Fixed', 'Status': 'Disabled'})  # read twice, counted once
    result = audit.result()
    assert [(user['login_name'], user['reason']) for user in result['reclaim']['users']] == [
        ('a', 'deactivated'), ('b', 'deactivated'), ('c', 'deactivated'), ('d', 'stale')]
    assert result['reclaim']['by_reason'] == {'deactivated': 3, 'stale': 1}
    assert result['stale_before'] == '2026-06-07'
    never = report.Audit(Resolver({}), 0, TODAY)
    never.consider({'Login Name': 'd', 'License Type': 'Fixed', 'Status': 'Current', 'Modified Date': old})
    assert never.result()['reclaim']['count'] == 0 and never.result()['stale_before'] is None


def test_groups_are_counted_while_streaming_and_the_20_largest_kept():
    audit = report.Audit(Resolver(dict((str(n), 'group %02d' % n) for n in range(30))), 180, TODAY)
    for n in range(30):
        for member in range(n):
            audit.add({'Login Name': 'u%d-%d' % (n, member), 'Group List': '%d;' % n, 'License Type': 'Read'})
    for n in range(report.UNGROUPED_NAMED + 5):
        audit.add({'Login Name': 'lone%03d' % n, 'Group List': ' ;', 'License Type': 'Read'})
    result = audit.result()
    assert [group['members'] for group in result['largest_groups']] == list(range(29, 9, -1))
    assert result['without_groups']['count'] == report.UNGROUPED_NAMED + 5
    assert len(result['without_groups']['logins']) == report.UNGROUPED_NAMED


def test_the_history_of_the_same_query_is_read_and_bad_files_are_left_out(tmp_path):
    def write(day, data, raw=None):
        (tmp_path / ('users-%s.json' % day)).write_text(raw if raw is not None else json.dumps(data))
    write('20261101', dict(query='q', by_license_type={'Fixed': 3}))
    write('20261102', dict(query='other', by_license_type={'Fixed': 9}))
    write('20261103', None, raw='{not json')
    write('20261104', dict(query='q', by_license_type={'Fixed': 'many'}))
    write('20261105', dict(query='q', by_license_type={'Fixed': True}))
    write('20261204', dict(query='q', by_license_type={'Fixed': 1}))  # today: this run replaces it
    write('20261399', dict(query='q', by_license_type={'Fixed': 1}))  # no date
    (tmp_path / 'other-20261101.json').write_text(json.dumps(dict(query='q', by_license_type={'Fixed': 5})))
    warnings = []
    points, others = report.read_history(str(tmp_path), '/x/users.json', 'q', TODAY, warnings.append)
    assert points == [(datetime.date(2026, 11, 1), {'Fixed': 3})] and others == 1
    assert sorted(w.split(' ')[2] for w in warnings) == ['users-20261103.json', 'users-20261104.json', 'users-20261105.json']
    assert report.read_history(str(tmp_path / 'missing'), '/x/users.json', 'q', TODAY, warnings.append) == ([], 0)


def test_the_dated_summary_holds_counts_and_no_user():
    data, _page = a_report()
    kept = report.summary(data)
    assert set(kept) == {'query', 'count', 'by_license_type', 'by_status', 'by_license_and_status', 'reclaim',
                         'without_groups'}
    assert 'pat' not in json.dumps(kept) and 'Pat' not in json.dumps(kept)
    assert report.history_name('/d/helix-users.json', TODAY) == 'helix-users-20261204.json'


def test_a_secret_the_client_holds_is_masked_wherever_a_value_carries_it():
    secret = 'S3cr3t<&>"pw'
    data, _page = a_report(name='pw is %s' % secret, group=secret, query="'x' = \"%s\"" % secret)
    context = dict(tenant='https://acme.onbmc.com', generated=datetime.datetime(2026, 12, 4, tzinfo=UTC), version='0.1.0',
                   trend=[(TODAY, data['by_license_type'])], redact=lambda text: text.replace(secret, '********'))
    page = report_html.render_html(data, context)
    dom = assert_inert(page)
    assert secret not in page and 'S3cr3t' not in page
    assert dom.by_id('query').text() == "'x' = \"********\""
    assert 'pw is ********' in [cell.text() for cell in dom.find_all('td', class_='full-name')]
    assert re.search(r'<style>(.*?)</style>', page, re.S).group(1) == report_html.CSS  # the page's own, untouched
