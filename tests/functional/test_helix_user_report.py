"""helix_user_report: CSV, JSON and HTML written from paged reads, atomically, only when they change."""

import csv
import datetime
import json
import os
import stat
import time

from ansible_collections.helix.users.plugins.module_utils.report_html import COLLECTION_VERSION
from audit_population import EVERY_USER, HOSTILE_VALUES, expected, populate
from report_dom import figures, parse
from support import ADMIN_PASSWORD, connection, entry_reads, run_module, writes


def report(sim, tmp_path, check=False, **args):
    options = dict(csv_path=str(tmp_path / 'users.csv'), json_path=str(tmp_path / 'users.json'))
    options.update(args)
    return run_module('helix_user_report', connection(sim, **options), check=check)


def test_report_pages_past_the_cap_and_counts(sim, tmp_path, deactivated):
    sim.seed_users(120)
    sim.configure(server_cap=50)
    result = report(sim, tmp_path, page_size=1000, query="'Login Name' != $NULL$")
    assert result['changed'] is True and result['count'] == 123
    with open(tmp_path / 'users.csv', encoding='utf-8', newline='') as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 123
    assert [r['Login Name'] for r in rows] == sorted(r['Login Name'] for r in rows)
    stored = sim.state()['users']
    data = json.loads((tmp_path / 'users.json').read_text())
    assert data['count'] == 123
    assert sum(data['by_license_type'].values()) == 123
    assert data['by_status'] == {'Current': sum(1 for u in stored if u['Status'] == 'Current'),
                                 deactivated: sum(1 for u in stored if u['Status'] == deactivated)}
    assert len(entry_reads(sim, 'User')) == 3


def test_rerun_is_unchanged_and_a_change_is_seen(sim, tmp_path):
    assert report(sim, tmp_path)['changed'] is True
    before = (tmp_path / 'users.csv').stat().st_mtime_ns
    assert report(sim, tmp_path)['changed'] is False
    assert (tmp_path / 'users.csv').stat().st_mtime_ns == before
    sim.seed_users(1)
    assert report(sim, tmp_path, check=True)['changed'] is True
    assert (tmp_path / 'users.csv').stat().st_mtime_ns == before  # check mode wrote nothing
    assert report(sim, tmp_path)['changed'] is True
    assert not [p for p in tmp_path.iterdir() if p.name.startswith('.helix-report-')]


def test_check_mode_writes_no_file(sim, tmp_path):
    result = report(sim, tmp_path, check=True)
    assert result['changed'] is True and result['count'] == 2
    assert not list(tmp_path.iterdir())


def test_a_missing_directory_is_a_clear_error(sim, tmp_path):
    result = report(sim, tmp_path, csv_path=str(tmp_path / 'nope' / 'users.csv'))
    assert result['failed'] is True and 'does not exist' in result['msg']


def test_filters_and_fields(sim, tmp_path):
    sim.seed_users(10)
    result = report(sim, tmp_path, filters={'License Type': 'Read'}, fields=['Login Name', 'Group List'])
    with open(tmp_path / 'users.csv', encoding='utf-8', newline='') as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ['Login Name', 'Group List']
    assert result['by_license_type'] == {'Read': result['count']}


def test_check_mode_needs_no_directory(sim, tmp_path):
    result = report(sim, tmp_path, check=True, csv_path=str(tmp_path / 'later' / 'u.csv'),
                    json_path=str(tmp_path / 'later' / 'u.json'))
    assert result['changed'] is True and result['count'] == 2
    assert not (tmp_path / 'later').exists()


def test_an_empty_filter_list_reports_no_user(sim, tmp_path):
    result = report(sim, tmp_path, filters={'License Type': []})
    assert result['count'] == 0


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_written_as_text(sim, tmp_path):
    hostile = {'jdoe': '=HYPERLINK("http://evil.example","x")', 'asmith': '+1-2', 'Demo': '@SUM(A1)'}
    for login, full_name in hostile.items():
        assert run_module('helix_user', connection(sim, login_name=login, full_name=full_name)).get('failed') is not True
    run_module('helix_user', connection(sim, login_name='newbie', full_name='\tTabbed', license_type='Read',
                                        department='-10'))
    report(sim, tmp_path, query="'Login Name' != $NULL$", fields=['Login Name', 'Full Name', 'Department'])
    with open(tmp_path / 'users.csv', encoding='utf-8', newline='') as handle:
        rows = dict((row['Login Name'], row) for row in csv.DictReader(handle))
    for login, full_name in hostile.items():
        assert rows[login]['Full Name'] == "'" + full_name
    assert rows['newbie']['Full Name'] == "'\tTabbed" and rows['newbie']['Department'] == "'-10"
    assert rows['newbie']['Login Name'] == 'newbie'


def test_report_files_are_readable_by_their_owner_only_unless_mode_widens_them(sim, tmp_path):
    assert report(sim, tmp_path)['changed'] is True
    for name in ('users.csv', 'users.json'):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600
    assert report(sim, tmp_path)['changed'] is False
    widened = report(sim, tmp_path, mode='0640')
    assert widened['changed'] is True  # only the mode changed
    assert stat.S_IMODE(os.stat(tmp_path / 'users.csv').st_mode) == 0o640
    assert report(sim, tmp_path, mode='0640')['changed'] is False


def test_every_report_file_has_its_mode_from_the_first_byte(sim, tmp_path, monkeypatch):
    """No moment with the files readable by others: each is 0600 already when it is moved into place."""
    from ansible_collections.helix.users.plugins.module_utils import report as report_utils
    moved = []
    real_replace = os.replace

    def replace(source, destination):
        moved.append((os.path.basename(destination), stat.S_IMODE(os.stat(source).st_mode)))
        return real_replace(source, destination)
    monkeypatch.setattr(report_utils.os, 'replace', replace)
    (tmp_path / 'users.csv').write_text('old', encoding='utf-8')
    os.chmod(tmp_path / 'users.csv', 0o644)  # an earlier file others could read
    old_umask = os.umask(0o022)
    try:
        assert report(sim, tmp_path, html_path=str(tmp_path / 'users.html'))['changed'] is True
    finally:
        os.umask(old_umask)
    assert sorted(moved) == [('users.csv', 0o600), ('users.html', 0o600), ('users.json', 0o600)]
    for name in ('users.csv', 'users.json', 'users.html'):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600


# ---------------------------------------------------------------- the HTML audit
def audit_report(sim, folder, check=False, **args):
    options = dict(csv_path=str(folder / 'helix-users.csv'), json_path=str(folder / 'helix-users.json'),
                   html_path=str(folder / 'helix-users.html'), history_dir=str(folder))
    options.update(args)
    return run_module('helix_user_report', connection(sim, **options), check=check)


def user_reads(sim):
    return entry_reads(sim, 'User')


def test_the_html_audit_shows_the_tenant_s_figures(sim, tmp_path, deactivated):
    populate(sim)
    sim.clear_log()
    result = audit_report(sim, tmp_path)  # the default query: Current users; deactivated holders read besides
    assert result.get('failed') is not True, result
    want = expected(sim, current_only=True)
    data = json.loads((tmp_path / 'helix-users.json').read_text())
    assert data['by_license_and_status'] == want['by_license_and_status'] == result['by_license_and_status']
    audit = data['audit']
    assert dict((u['login_name'], u['reason']) for u in audit['reclaim']['users']) == want['reclaim']
    assert audit['reclaim']['count'] == result['audit']['reclaim']['count'] == len(want['reclaim'])
    assert audit['stale_before'] == want['stale_before']
    assert audit['without_groups']['logins'] == want['ungrouped']
    assert dict((g['group_name'], g['members']) for g in audit['largest_groups']) == want['members']
    assert set(u['status'] for u in audit['reclaim']['users'] if u['reason'] == 'deactivated') == {deactivated}
    shown = figures(parse((tmp_path / 'helix-users.html').read_text()))
    assert shown['by_license_and_status'] == want['by_license_and_status']
    assert shown['reclaim'] == len(want['reclaim'])
    assert shown['reclaim_users'] == dict((login, {'deactivated': 'deactivated', 'stale': 'not modified'}[reason])
                                          for login, reason in want['reclaim'].items())
    assert shown['groups'] == want['members'] and shown['ungrouped'] == want['ungrouped']
    # two reads of the User form (the query, then the deactivated holders by Status index), one of the groups
    reads = user_reads(sim)
    assert len(reads) == 2 and writes(sim) == []
    assert [r for r in sim.log if r['method'] == 'GET' and r['form'] == 'Group']
    second = reads[1]['query']['q']
    assert "'Status' = 1" in second and '"Fixed"' in second and '"Floating"' in second


def test_reclaim_deactivated_false_reads_the_query_only(sim, tmp_path):
    populate(sim)
    sim.clear_log()
    result = audit_report(sim, tmp_path, reclaim_deactivated=False)
    assert len(user_reads(sim)) == 1
    assert result['audit']['reclaim']['by_reason']['deactivated'] == 0
    assert result['audit']['reclaim']['by_reason']['stale'] == 4
    data = json.loads((tmp_path / 'helix-users.json').read_text())
    assert data['audit']['reclaim_query'] is None


def test_stale_days_zero_lists_no_stale_account_and_a_negative_one_is_refused(sim, tmp_path):
    populate(sim)
    result = audit_report(sim, tmp_path, stale_days=0, query=EVERY_USER)
    assert result['audit']['reclaim']['by_reason'] == {'deactivated': len(expected(sim, 0)['reclaim']), 'stale': 0}
    sim.clear_log()
    refused = audit_report(sim, tmp_path, stale_days=-1)
    assert refused['failed'] is True and 'stale_days must be 0 or more' in refused['msg']
    assert sim.log == []


def test_html_report_files_are_the_owner_s_only_and_hold_no_secret(sim, tmp_path):
    populate(sim)
    token = run_module('helix_token', connection(sim))['token']
    result = audit_report(sim, tmp_path, helix_token=token, query=EVERY_USER)
    assert result['changed'] is True
    written = sorted(path.name for path in tmp_path.iterdir())
    today = datetime.datetime.now(datetime.timezone.utc).strftime('%Y%m%d')
    assert written == ['helix-users-%s.json' % today, 'helix-users.csv', 'helix-users.html', 'helix-users.json']
    secrets = set(sim.issued_tokens()) | {ADMIN_PASSWORD}
    for name in written:
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600, name
        text = (tmp_path / name).read_text()
        assert not [s for s in secrets if s in text], name
    page = (tmp_path / 'helix-users.html').read_text()
    dom = parse(page)
    assert dom.by_id('tenant').text() == sim.url and dom.by_id('query').text() == EVERY_USER
    assert dom.by_id('version').text() == 'helix.users %s' % COLLECTION_VERSION
    for value in HOSTILE_VALUES:
        assert value not in page  # only escaped
    summary = json.loads((tmp_path / ('helix-users-%s.json' % today)).read_text())
    assert summary['by_license_type'] == result['by_license_type'] and 'users' not in summary['reclaim']
    assert 'mallory' not in json.dumps(summary)
    # a tenant value that carries the password the module logged in with: masked on the page all the same
    sim.store.insert_entry('User', {'Login Name': 'leaky', 'Full Name': 'pw %s' % ADMIN_PASSWORD, 'License Type': 1,
                                    'Status': 1}, 'Demo')
    audit_report(sim, tmp_path, query=EVERY_USER)
    page = (tmp_path / 'helix-users.html').read_text()
    assert ADMIN_PASSWORD not in page and 'pw ********' in page


def test_html_rerun_is_unchanged_and_check_mode_writes_nothing(sim, tmp_path):
    populate(sim)
    result = audit_report(sim, tmp_path, check=True)
    assert result['changed'] is True and result['audit']['reclaim']['count'] > 0
    assert list(tmp_path.iterdir()) == []
    assert audit_report(sim, tmp_path)['changed'] is True
    stamps = dict((path.name, path.stat().st_mtime_ns) for path in tmp_path.iterdir())
    time.sleep(1.1)  # a page read a second later shows another time, and is still the same page
    assert audit_report(sim, tmp_path)['changed'] is False
    assert audit_report(sim, tmp_path, check=True)['changed'] is False
    assert dict((path.name, path.stat().st_mtime_ns) for path in tmp_path.iterdir()) == stamps
    sim.backdate_user('user00016', 365)  # a Fixed license not used for a year
    result = audit_report(sim, tmp_path)
    assert result['changed'] is True and 'user00016' in (tmp_path / 'helix-users.html').read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith('.helix-report-')]


def test_the_trend_draws_the_earlier_days_of_the_same_query(sim, tmp_path):
    populate(sim)
    today = datetime.datetime.now(datetime.timezone.utc).date()

    def dated(days_ago):
        return 'helix-users-%s.json' % (today - datetime.timedelta(days=days_ago)).strftime('%Y%m%d')
    first = audit_report(sim, tmp_path)
    (tmp_path / ('helix-users-%s.json' % today.strftime('%Y%m%d'))).rename(tmp_path / dated(14))
    sim.seed_users(5, prefix='late')
    second = audit_report(sim, tmp_path)
    (tmp_path / ('helix-users-%s.json' % today.strftime('%Y%m%d'))).rename(tmp_path / dated(7))
    (tmp_path / dated(3)).write_text(json.dumps(dict(query="'Department' = \"Sales\"", by_license_type={'Fixed': 1})))
    (tmp_path / dated(2)).write_text('{"query": "cut in')
    sim.seed_users(3, prefix='later')
    third = audit_report(sim, tmp_path)
    assert 'history file %s left out of the trend' % dated(2) in repr(third.get('warnings'))
    shown = figures(parse((tmp_path / 'helix-users.html').read_text()))
    days = [(today - datetime.timedelta(days=n)).isoformat() for n in (14, 7, 0)]
    assert sorted(shown['trend']) == days
    for day, run in zip(days, (first, second, third)):
        assert dict((k, v) for k, v in shown['trend'][day].items() if v) == run['by_license_type']
    assert 'of another query are left out' in (tmp_path / 'helix-users.html').read_text()
    assert parse((tmp_path / 'helix-users.html').read_text()).by_id('trend').find_all('polyline')
