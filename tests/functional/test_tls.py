"""HTTPS: validate_certs and ca_path work, and refuse properly."""

from ansible_collections.helix.users.plugins.modules import helix_token, helix_user_info
from support import connection, run_module


def test_ca_path_trusts_a_private_ca(tls_sim, tls_files):
    assert tls_sim.url.startswith('https://')
    result = run_module(helix_user_info, connection(tls_sim, login_name=['jdoe'], ca_path=tls_files['ca']))
    assert result.get('failed') is not True, result
    assert [u['login_name'] for u in result['users']] == ['jdoe']


def test_an_unknown_ca_is_refused_clearly_before_anything_is_sent(tls_sim, tls_files):
    for extra in ({}, {'ca_path': tls_files['other_ca']}):
        result = run_module(helix_token, connection(tls_sim, max_retries=2, **extra))
        assert result['failed'] is True
        assert 'TLS failure talking to %s' % tls_sim.url in result['msg']
        assert 'CERTIFICATE_VERIFY_FAILED' in result['msg'] and 'ca_path' in result['msg']
        assert result['api_calls'] == 1  # a certificate that does not verify is not retried
    assert tls_sim.log == []


def test_validate_certs_false_skips_verification(tls_sim):
    result = run_module(helix_user_info, connection(tls_sim, login_name=['jdoe'], validate_certs=False))
    assert result.get('failed') is not True and result['count'] == 1
    assert 'warnings' not in result


def test_ca_path_wins_over_a_ca_bundle_from_the_environment(tls_sim, tls_files, monkeypatch):
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', tls_files['other_ca'])
    monkeypatch.setenv('CURL_CA_BUNDLE', tls_files['other_ca'])
    result = run_module(helix_user_info, connection(tls_sim, login_name=['jdoe'], ca_path=tls_files['ca']))
    assert result.get('failed') is not True, result
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', tls_files['ca'])
    monkeypatch.delenv('CURL_CA_BUNDLE')
    result = run_module(helix_user_info, connection(tls_sim, login_name=['jdoe'], validate_certs=False))
    assert result.get('failed') is not True
