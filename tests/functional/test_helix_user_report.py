"""helix_user_report: CSV and JSON written from a paged read, atomically, only when they change."""

import csv
import json
import os
import stat

from support import connection, entry_reads, run_module


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
