"""A simulator population for the audit report, with hostile names, and the figures it must show, computed from
the simulator's own stored state (not from the module's code).

Each hostile value would, if a browser ran it, change document.title: a page whose title is still the report's
own ran no script.
"""

import datetime

PWNED = 'pwned'
HOSTILE_FULL_NAME = '<script>document.title="%s-script"</script>' % PWNED
HOSTILE_ATTRIBUTE = '"><img src=x onerror="document.title=\'%s-img\'">' % PWNED
HOSTILE_LOGIN = "x'><svg onload=\"document.title='%s-svg'\">" % PWNED
HOSTILE_GROUP = '<img src=x onerror="document.title=\'%s-group\'">Sales & <b>Ops</b>' % PWNED
HOSTILE_GROUP_ID = 1000000099
HOSTILE_VALUES = (HOSTILE_FULL_NAME, HOSTILE_ATTRIBUTE, HOSTILE_LOGIN, HOSTILE_GROUP)

SEEDED = 80
FIXED, FLOATING = 1, 2
DEACTIVATED = 1
# every query the tests use reads every user (the default query reads Current users only)
EVERY_USER = "'Login Name' != $NULL$"


def _entry_id(sim, login):
    return sim.store.user_values(login)['Request ID']


def populate(sim):
    """80 seeded users, and: deactivated, Floating, stale and ungrouped ones, hostile names, a hostile group."""
    sim.seed_users(SEEDED)
    store = sim.store
    store.insert_entry('Group', {'Group Name': HOSTILE_GROUP, 'Group ID': HOSTILE_GROUP_ID,
                                 'Long Group Name': HOSTILE_GROUP, 'Group Type': 1}, 'Demo')
    for number in range(1, SEEDED + 1):
        login = 'user%05d' % number
        changes = {}
        if number % 10 == 0:
            changes['Status'] = DEACTIVATED
        if number % 7 == 0:
            changes['License Type'] = FLOATING
        if number % 11 == 0:
            changes['Group List'] = None
        if number % 4 == 0:
            changes['Group List'] = '1000000001;%d;' % HOSTILE_GROUP_ID
        if changes:
            store.set_fields('User', _entry_id(sim, login), changes, 'Demo')
    hostile = [
        dict(login=HOSTILE_LOGIN, full=HOSTILE_FULL_NAME, license=FIXED, status=DEACTIVATED,
             groups='%d;' % HOSTILE_GROUP_ID),
        dict(login='mallory', full=HOSTILE_ATTRIBUTE, license=FLOATING, status=0, groups=None),
        dict(login='trudy', full='Trudy "the intruder" <trudy@example.com>', license=FIXED, status=0,
             groups='%d;1000000002;' % HOSTILE_GROUP_ID),
    ]
    for user in hostile:
        store.insert_entry('User', {'Login Name': user['login'], 'Full Name': user['full'], 'License Type': user['license'],
                                    'Status': user['status'], 'Group List': user['groups'],
                                    'Email Address': 'x@example.com'}, 'Demo')
    # untouched for long: Current Fixed/Floating ones are licenses to reclaim, a Read one is not
    for login, days in (('user00001', 400), ('user00002', 181), ('user00003', 999), ('user00014', 200),
                        ('user00005', 179), ('mallory', 365), ('jdoe', 30)):
        sim.backdate_user(login, days)
    return sim


def _day(text):
    return datetime.datetime.strptime(text[:10], '%Y-%m-%d').date()


def expected(sim, stale_days=180, current_only=False):
    """The figures of the report from the simulator's stored users: the query reads every user (or, with
    current_only, Current ones), deactivated licence holders are read whatever the query."""
    state = sim.state()
    group_names = dict((str(group['Group ID']), group['Group Name']) for group in state['groups'])
    today = datetime.datetime.now(datetime.timezone.utc).date()
    stale_before = today - datetime.timedelta(days=stale_days)
    both, reclaim, members, ungrouped = {}, {}, {}, []
    for user in state['users']:
        deactivated = user['Status'] in ('Disabled', 'Obsolete')
        licence = user['License Type']
        if licence in ('Fixed', 'Floating'):
            if deactivated:
                reclaim[user['Login Name']] = 'deactivated'
            elif stale_days and _day(user['Modified Date']) < stale_before:
                reclaim[user['Login Name']] = 'stale'
        if current_only and user['Status'] != 'Current':
            continue
        row = both.setdefault(licence, {})
        row[user['Status']] = row.get(user['Status'], 0) + 1
        groups = [token for token in (user.get('Group List') or '').split(';') if token]
        if not groups:
            ungrouped.append(user['Login Name'])
        for group in groups:
            members[group_names.get(group, group)] = members.get(group_names.get(group, group), 0) + 1
    return dict(by_license_and_status=both, reclaim=reclaim, members=members, ungrouped=sorted(ungrouped),
                stale_before=stale_before.isoformat())
