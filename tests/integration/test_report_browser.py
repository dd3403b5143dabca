"""The HTML audit report looked at in a real browser: headless Chromium (Debian's package, which make test installs
through tools/ensure_chromium.py) renders the report of a simulator population with hostile names, saves a
screenshot for a person to look at (build/screenshots/audit-report.png), and dumps the DOM it built: the figures
it shows are the JSON report's, the hostile names are text, and no script ran.

Without Chromium this test fails (CI must never pass without looking); HELIX_SKIP_BROWSER=1 skips it, for a
developer machine where it can not be installed.
"""

import datetime
import json
import os
import shutil
import struct
import subprocess
import sys

import pytest

from ansible_collections.helix.users.plugins.module_utils.report_html import CSS, TITLE, csp
from audit_population import (EVERY_USER, HOSTILE_ATTRIBUTE, HOSTILE_FULL_NAME, HOSTILE_GROUP, HOSTILE_LOGIN,
                              HOSTILE_VALUES, PWNED, populate)
from report_dom import figures, parse
from support import ROOT, connection, run_module

SHOTS = os.path.join(ROOT, 'build', 'screenshots')
INSTALL_LOG = os.path.join(ROOT, 'build', 'chromium-install.log')
# /work/.library/env/machines/python.md: without the background-networking flags Chromium keeps trying hosts
# this machine's closed network refuses
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--hide-scrollbars']
TAGS = {'#document', 'html', 'head', 'meta', 'title', 'style', 'body', 'header', 'h1', 'h2', 'h3', 'dl', 'dt', 'dd',
        'code', 'time', 'main', 'section', 'div', 'svg', 'text', 'rect', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
        'p', 'span', 'footer', 'line', 'polyline', 'circle'}


def find_chromium(env):
    """The Chromium to run: HELIX_CHROMIUM (only it, when set), else chromium on the PATH. Without one the test
    fails, naming why the install failed, unless HELIX_SKIP_BROWSER=1 says to skip it."""
    named = env.get('HELIX_CHROMIUM')
    if named:
        found = named if os.access(named, os.X_OK) else None
    else:
        found = shutil.which('chromium') or shutil.which('chromium-browser')
    if found:
        return found
    if env.get('HELIX_SKIP_BROWSER') == '1':
        pytest.skip('no Chromium, and HELIX_SKIP_BROWSER=1 says to skip the browser test')
    reason = ''
    if os.path.exists(INSTALL_LOG):
        with open(INSTALL_LOG, encoding='utf-8', errors='replace') as handle:
            reason = ''.join(handle.readlines()[-8:])
    pytest.fail('no Chromium: make test installs it with tools/ensure_chromium.py (apt-get install chromium, as '
                'root); set HELIX_SKIP_BROWSER=1 to skip this test on a machine without it.\n' + reason)


@pytest.fixture(scope='module')
def chromium():
    return find_chromium(os.environ)


def browse(chromium, tmp_path, page, *args):
    """Run headless Chromium on a file with a fresh profile; return what it printed."""
    profile = tmp_path / ('profile-%d' % len(list(tmp_path.glob('profile-*'))))
    proc = subprocess.run([chromium] + FLAGS + ['--user-data-dir=%s' % profile] + list(args) + [page.as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def png_size(path):
    with open(path, 'rb') as handle:
        head = handle.read(24)
    assert head[:8] == b'\x89PNG\r\n\x1a\n'
    return struct.unpack('>II', head[16:24])


def days_ago(days):
    return datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=days)


def history(folder, days):
    """Keep this run's dated summary as if it had been written that many days ago."""
    today = folder / ('helix-users-%s.json' % days_ago(0).strftime('%Y%m%d'))
    today.rename(folder / ('helix-users-%s.json' % days_ago(days).strftime('%Y%m%d')))


def test_the_audit_report_in_a_browser(sim, tmp_path, chromium):
    sim.configure(status_labels='real')
    populate(sim)
    folder = tmp_path / 'reports'
    folder.mkdir()
    options = connection(sim, query=EVERY_USER, csv_path=str(folder / 'helix-users.csv'),
                         json_path=str(folder / 'helix-users.json'), html_path=str(folder / 'helix-users.html'),
                         history_dir=str(folder))
    # three earlier audits, weeks apart, while the tenant grew
    runs = []
    for days, grow in ((42, 0), (28, 12), (14, 9)):
        if grow:
            sim.seed_users(grow, prefix='hire%d' % days)
        runs.append((days_ago(days), run_module('helix_user_report', options)['by_license_type']))
        history(folder, days)
    sim.seed_users(7, prefix='new')
    result = run_module('helix_user_report', options)
    assert result.get('failed') is not True, result
    runs.append((days_ago(0), result['by_license_type']))
    report = json.loads((folder / 'helix-users.json').read_text())

    os.makedirs(SHOTS, exist_ok=True)
    screenshot = os.path.join(SHOTS, 'audit-report.png')
    if os.path.exists(screenshot):
        os.remove(screenshot)
    page = folder / 'helix-users.html'
    browse(chromium, tmp_path, page, '--window-size=1280,2000', '--screenshot=%s' % screenshot)
    assert png_size(screenshot) == (1280, 2000) and os.path.getsize(screenshot) > 50000
    dumped = browse(chromium, tmp_path, page, '--dump-dom')
    with open(os.path.join(SHOTS, 'audit-report.dom.html'), 'w', encoding='utf-8') as handle:
        handle.write(dumped)
    dom = parse(dumped)

    # no script ran: each hostile value would have changed the title, and added an element or a handler
    assert dom.find_all('title')[0].text() == TITLE and PWNED not in dom.find_all('head')[0].text()
    assert set(element.tag for element in dom.iter()) <= TAGS
    assert not [name for element in dom.iter() for name in element.attrs if name.startswith('on')]
    # the hostile names are there, as text
    assert HOSTILE_FULL_NAME in [cell.text() for cell in dom.find_all('td', class_='full-name')]
    assert HOSTILE_ATTRIBUTE in [cell.text() for cell in dom.find_all('td', class_='full-name')]
    assert dom.find_all('tr', class_='reclaim-user', data_login=HOSTILE_LOGIN)[0].find_all('td')[0].text() == HOSTILE_LOGIN
    assert HOSTILE_GROUP in [cell.text() for cell in dom.find_all('td', class_='group-name')]
    for value in HOSTILE_VALUES:
        assert value not in dumped  # serialised escaped, never as markup

    # the figures the browser shows are the JSON report's
    shown = figures(dom)
    assert shown['count'] == report['count'] == result['count']
    assert shown['by_license_and_status'] == report['by_license_and_status']
    audit = report['audit']
    assert shown['reclaim'] == audit['reclaim']['count'] > 0
    assert shown['reclaim_users'] == dict((user['login_name'], {'deactivated': 'deactivated', 'stale': 'not modified'}[
        user['reason']]) for user in audit['reclaim']['users'])
    assert shown['without_groups'] == audit['without_groups']['count'] > 0
    assert shown['ungrouped'] == audit['without_groups']['logins']
    assert shown['groups'] == dict((group['group_name'], group['members']) for group in audit['largest_groups'])
    assert dict((day, dict((label, n) for label, n in counts.items() if n)) for day, counts in shown['trend'].items()) == \
        dict((day.isoformat(), counts) for day, counts in runs)
    assert len(dom.by_id('trend').find_all('polyline')) == len(report['by_license_type'])
    assert dom.by_id('tenant').text() == sim.url and dom.by_id('query').text() == EVERY_USER


def test_the_check_would_see_a_script_that_ran_and_the_policy_alone_stops_it(tmp_path, chromium):
    """The controls: the same hostile markup, unescaped, does change the title; under the report's policy it does not."""
    body = '<p>%s</p><p>%s</p>' % (HOSTILE_FULL_NAME, HOSTILE_ATTRIBUTE)
    bare = tmp_path / 'bare.html'
    bare.write_text('<!DOCTYPE html><html><head><title>%s</title></head><body>%s</body></html>' % (TITLE, body))
    assert PWNED in parse(browse(chromium, tmp_path, bare, '--dump-dom')).find_all('title')[0].text()
    guarded = tmp_path / 'guarded.html'
    guarded.write_text('<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="%s">'
                       '<title>%s</title><style>%s</style></head><body>%s</body></html>' % (csp(CSS), TITLE, CSS, body))
    assert parse(browse(chromium, tmp_path, guarded, '--dump-dom')).find_all('title')[0].text() == TITLE


def test_without_chromium_the_browser_test_fails_unless_told_to_skip(tmp_path):
    """CI must not pass without looking: a missing Chromium fails the test; only HELIX_SKIP_BROWSER=1 skips it."""
    missing = dict(HELIX_CHROMIUM=str(tmp_path / 'no-chromium'), PATH=os.environ['PATH'])
    with pytest.raises(pytest.fail.Exception, match='no Chromium: make test installs it'):
        find_chromium(missing)
    with pytest.raises(pytest.fail.Exception):
        find_chromium(dict(missing, HELIX_SKIP_BROWSER='yes'))  # only 1 says so
    with pytest.raises(pytest.skip.Exception):
        find_chromium(dict(missing, HELIX_SKIP_BROWSER='1'))
    fake = tmp_path / 'chromium'
    fake.write_text('#!/bin/sh\n')
    fake.chmod(0o755)
    assert find_chromium(dict(HELIX_CHROMIUM=str(fake))) == str(fake)


def test_the_installer_reports_a_failed_install_and_leaves_the_verdict_to_the_test(tmp_path):
    """tools/ensure_chromium.py with apt-get failing: make test goes on, the reason is in the log the test shows."""
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    fake = bin_dir / 'apt-get'
    fake.write_text('#!/bin/sh\necho "E: Unable to locate package chromium" >&2\nexit 100\n')
    fake.chmod(0o755)
    env = dict(os.environ, HELIX_CHROMIUM=str(tmp_path / 'no-chromium'), PATH='%s:%s' % (bin_dir, os.environ['PATH']))
    env.pop('HELIX_SKIP_BROWSER', None)
    log = tmp_path / 'install.log'
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'tools', 'ensure_chromium.py'), '--log', str(log)],
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    if os.geteuid() != 0 and 'not root' in proc.stderr:
        assert 'NOT INSTALLED' in proc.stderr
        return
    assert proc.returncode == 0 and 'NOT INSTALLED: apt-get update -q failed with exit code 100' in proc.stderr
    assert 'Unable to locate package chromium' in log.read_text()
    skipped = subprocess.run([sys.executable, os.path.join(ROOT, 'tools', 'ensure_chromium.py'), '--log', str(log)],
                             env=dict(env, HELIX_SKIP_BROWSER='1'), capture_output=True, text=True, timeout=60, check=False)
    assert skipped.returncode == 0 and 'not installed (HELIX_SKIP_BROWSER=1' in skipped.stdout
