"""Groups as people name them, in both ways a server may store Group List (converted to ids, or as written)."""

import pytest

from ansible_collections.helix.users.plugins.module_utils.ar_client import ARClient
from ansible_collections.helix.users.plugins.module_utils.groups import GroupResolver, split_group_list
from support import ADMIN_PASSWORD, ADMIN_USER, connection, run_module, writes


@pytest.fixture(params=['ids', 'as-written'])
def gsim(sim, request):
    sim.configure(group_list_mode=request.param)
    return sim


def declare(sim, groups, login='jdoe', **extra):
    return run_module('helix_user', connection(sim, login_name=login, groups=groups, **extra))


@pytest.mark.parametrize('declared', [
    ['Incident Master', 'Change Manager'],
    ['1000000002', '1000000003'],
    ['Incident Master', '1000000003'],
])
def test_names_ids_or_mixed_are_stored_as_ids_and_rerun_unchanged(gsim, declared):
    first = declare(gsim, declared)
    assert first['changed'] is True
    assert gsim.user('jdoe')['Group List'] == '1000000002;1000000003;'
    for again in (declared, list(reversed(declared)), ['Change Manager', '1000000002', 'Incident Master']):
        gsim.clear_log()
        assert declare(gsim, again)['changed'] is False
        assert writes(gsim) == []


def test_info_returns_names_and_ids(gsim):
    declare(gsim, ['Administrator', 'Knowledge User'])
    user = run_module('helix_user_info', connection(gsim, login_name=['jdoe']))['users'][0]
    assert user['groups'] == ['Administrator', 'Knowledge User']
    assert user['group_ids'] == ['1', '1000000005']


def test_unknown_group_is_refused_with_zero_writes(gsim):
    result = declare(gsim, ['Incident Master', 'Incidnet Master'])
    assert result['failed'] is True and "'Incidnet Master'" in result['msg'] and "'jdoe'" in result['msg']
    assert writes(gsim) == []
    assert gsim.user('jdoe')['Group List'] == '1000000001;'


def test_append_with_names(gsim):
    assert declare(gsim, ['Problem Viewer'], append=True)['changed'] is True
    assert gsim.user('jdoe')['Group List'] == '1000000001;1000000006;'
    gsim.clear_log()
    assert declare(gsim, ['Problem Viewer', 'Service Desk'], append=True)['changed'] is False
    assert writes(gsim) == []


def test_bulk_with_a_typo_in_one_users_groups_writes_nothing(gsim):
    users = [dict(login_name='bulk%d' % n, full_name='Bulk %d' % n, license_type='Read', groups=['Service Desk'])
             for n in range(5)]
    users[2]['groups'] = ['Service Dsk']
    users[4]['groups'] = ['Knowledge User', 'Nope']
    users.append(dict(login_name='jdoe', groups=['Change Manager']))
    result = run_module('helix_user', connection(gsim, users=users))
    assert result['failed'] is True
    assert "'bulk2'" in result['msg'] and "'Service Dsk'" in result['msg']
    assert "'bulk4'" in result['msg'] and "'Nope'" in result['msg']
    assert 'nothing was written' in result['msg']
    assert writes(gsim) == []
    assert gsim.user('bulk0') is None


def test_group_names_match_regardless_of_case_when_unambiguous(sim):
    resolver = GroupResolver(ARClient(sim.url, username=ADMIN_USER, password=ADMIN_PASSWORD))
    assert resolver.to_ids(['service desk', 'ADMINISTRATOR', '1000000002']) == ['1000000001', '1', '1000000002']
    assert resolver.names(['1', '424242']) == ['Administrator', '424242']


@pytest.mark.parametrize('raw, tokens', [
    ('1;1000000001;', ['1', '1000000001']),
    (' 1 ; ;1;', ['1']),
    (['a', 'b;c', ' a '], ['a', 'b', 'c']),
    (None, []),
    ('', []),
])
def test_group_list_splitting(raw, tokens):
    assert split_group_list(raw) == tokens
