"""helix_user_info and helix_group_info against the simulator."""

import math
from urllib.parse import quote

import pytest

from ansible_collections.helix.users.plugins.module_utils.reads import sort_entries, sort_order
from support import connection, entry_reads, run_module

KEYS = {'request_id', 'login_name', 'full_name', 'first_name', 'last_name', 'email', 'phone', 'license_type', 'groups',
        'group_ids', 'notify_mechanism', 'locale', 'time_zone', 'status', 'department', 'company', 'values'}


def gets(sim):
    return entry_reads(sim)


def test_users_by_login_with_normalised_keys(sim, deactivated):
    result = run_module('helix_user_info', connection(sim, login_name=['jdoe', 'asmith', 'nobody']))
    assert result['changed'] is False and result['count'] == 2
    users = dict((u['login_name'], u) for u in result['users'])
    assert set(users) == {'jdoe', 'asmith'}
    jdoe = users['jdoe']
    assert set(jdoe) == KEYS
    assert jdoe['groups'] == ['Service Desk'] and jdoe['group_ids'] == ['1000000001']
    assert jdoe['status'] == 'Current' and jdoe['license_type'] == 'Fixed'
    assert jdoe['request_id'] == sim.user('jdoe')['Request ID']
    assert jdoe['values']['Group List'] == '1000000001;'
    assert users['asmith']['status'] == deactivated  # the tenant's own label


def test_many_logins_take_few_requests(sim):
    sim.seed_users(400)
    logins = ['user%05d' % n for n in range(1, 401)]
    result = run_module('helix_user_info', connection(sim, login_name=logins, fields=['Login Name']))
    assert result['count'] == 400
    user_gets = [r for r in gets(sim) if r['form'] == 'User']
    assert 2 <= len(user_gets) <= 10
    assert all(len(quote(r['query']['q'], safe='')) <= 4000 for r in user_gets)


def test_raw_query_is_passed_through(sim):
    query = "'Status' = \"Current\" AND 'License Type' = \"Fixed\""
    result = run_module('helix_user_info', connection(sim, query=query, sort='Login Name.asc', fields=['Login Name']))
    assert [u['login_name'] for u in result['users']] == ['Demo', 'jdoe']
    assert gets(sim)[0]['query']['q'] == query


def test_filters_are_quoted_anded_and_take_lists(sim):
    sim.seed_users(30)
    result = run_module('helix_user_info', connection(sim, filters={'License Type': ['Read', 'Floating'], 'Status': 'Current'},
                                                      fields=['Login Name', 'License Type', 'Status']))
    assert result['count'] > 0
    for user in result['users']:
        assert user['license_type'] in ('Read', 'Floating') and user['status'] == 'Current'
    expected = [u for u in sim.state()['users'] if u['License Type'] in ('Read', 'Floating') and u['Status'] == 'Current']
    assert result['count'] == len(expected)


def test_every_page_is_read_past_a_server_cap(sim):
    sim.seed_users(260)
    sim.configure(server_cap=50)
    result = run_module('helix_user_info', connection(sim, fields=['Login Name'], page_size=500))
    assert result['count'] == 263
    assert len(gets(sim)) == 6


def test_limit_and_page_size(sim):
    sim.seed_users(30)
    result = run_module('helix_user_info', connection(sim, fields=['Login Name'], limit=25, page_size=10))
    assert result['count'] == 25
    assert [r['query']['limit'] for r in gets(sim)] == ['10', '10', '5']


def test_a_rejected_query_gives_the_ar_message_and_the_query(sim):
    result = run_module('helix_user_info', connection(sim, query="'Shoe Size' = \"44\""))
    assert result['failed'] is True
    assert 'AR 314' in result['msg'] and "'Shoe Size' = \"44\"" in result['msg']


def test_a_syntax_error_is_a_clear_failure(sim):
    result = run_module('helix_user_info', connection(sim, query="'Status' = = \"Current\""))
    assert result['failed'] is True and 'HTTP 400' in result['msg']


@pytest.mark.parametrize('args, complaint', [(dict(limit=-1), 'limit'), (dict(page_size=0), 'page_size')])
def test_bad_numbers(sim, args, complaint):
    result = run_module('helix_user_info', connection(sim, **args))
    assert result['failed'] is True and complaint in result['msg']


def test_groups_by_name_id_and_all(sim):
    every = run_module('helix_group_info', connection(sim, sort='Group Name.asc'))
    names = [g['group_name'] for g in every['groups']]
    assert len(names) >= 12 and names == sorted(names)
    assert set(every['groups'][0]) >= {'group_id', 'group_name', 'long_group_name', 'group_type', 'group_category',
                                       'request_id', 'values'}
    by_name = run_module('helix_group_info', connection(sim, group_name=['Administrator', 'Service Desk']))
    assert sorted(g['group_id'] for g in by_name['groups']) == ['1', '1000000001']
    by_id = run_module('helix_group_info', connection(sim, group_id=['1000000002']))
    assert [g['group_name'] for g in by_id['groups']] == ['Incident Master']
    both = run_module('helix_group_info', connection(sim, group_name=['Administrator'], group_id=['1', '1000000003']))
    assert sorted(g['group_name'] for g in both['groups']) == ['Administrator', 'Change Manager']


def test_group_info_pages_past_the_server_cap(sim):
    sim.configure(server_cap=5)
    result = run_module('helix_group_info', connection(sim, page_size=100))
    assert result['count'] == len(sim.state()['groups'])
    assert len(gets(sim)) == math.ceil(result['count'] / 5)


def test_an_empty_filter_list_matches_nothing(sim):
    result = run_module('helix_user_info', connection(sim, filters={'Department': []}))
    assert result['count'] == 0
    assert gets(sim) == []


@pytest.mark.parametrize('sort, limit, expected', [
    ('Login Name.desc', 5, ['c00300', 'c00299', 'c00298', 'c00297', 'c00296']),
    ('Login Name.asc', 3, ['c00001', 'c00002', 'c00003']),
    ('Login Name', 0, ['c%05d' % n for n in range(1, 301)]),
])
def test_sort_and_limit_apply_to_the_whole_answer_of_many_logins(sim, sort, limit, expected):
    sim.seed_users(300, prefix='c')
    logins = ['c%05d' % n for n in range(1, 301)]
    sim.clear_log()
    result = run_module('helix_user_info', connection(sim, login_name=logins, sort=sort, limit=limit,
                                                      fields=['Login Name', 'Email Address']))
    assert [user['login_name'] for user in result['users']] == expected
    assert len([r for r in sim.log if r['path'].endswith('/entry/User')]) > 1  # the logins took several requests
    assert all(set(user['values']) == {'Request ID', 'Login Name', 'Email Address'} for user in result['users'])


def test_sort_order_reads_ar_sort_parameters():
    assert sort_order('Login Name.asc, Modified Date.DESC,Department') == [
        ('Login Name', False), ('Modified Date', True), ('Department', False)]
    rows = [dict(entry_id=None, values=values) for values in (
        {'a': 'b', 'n': 2}, {'a': None, 'n': 1}, {'a': 'A', 'n': 3}, {'a': 'b', 'n': 1})]
    assert [(r['values']['a'], r['values']['n']) for r in sort_entries(rows, [('a', False), ('n', True)])] == [
        ('A', 3), ('b', 2), ('b', 1), (None, 1)]
