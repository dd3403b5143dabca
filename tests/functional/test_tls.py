"""HTTPS: validate_certs and ca_path work, and refuse properly; redirects say where they point."""

import http.server
import threading

import pytest

from support import connection, run_module


def test_ca_path_trusts_a_private_ca(tls_sim, tls_files):
    assert tls_sim.url.startswith('https://')
    result = run_module('helix_user_info', connection(tls_sim, login_name=['jdoe'], ca_path=tls_files['ca']))
    assert result.get('failed') is not True, result
    assert [u['login_name'] for u in result['users']] == ['jdoe']


def test_an_unknown_ca_is_refused_clearly_before_anything_is_sent(tls_sim, tls_files):
    for extra in ({}, {'ca_path': tls_files['other_ca']}):
        result = run_module('helix_token', connection(tls_sim, max_retries=2, **extra))
        assert result['failed'] is True
        assert 'TLS failure talking to %s' % tls_sim.url in result['msg']
        assert 'CERTIFICATE_VERIFY_FAILED' in result['msg'] and 'ca_path' in result['msg']
        assert result['api_calls'] == 1  # a certificate that does not verify is not retried
    assert tls_sim.log == []


def test_validate_certs_false_skips_verification(tls_sim):
    result = run_module('helix_user_info', connection(tls_sim, login_name=['jdoe'], validate_certs=False))
    assert result.get('failed') is not True and result['count'] == 1
    (warning,) = result['warnings']  # said once, for the whole run
    assert 'TLS certificate verification is off' in repr(warning) and tls_sim.url in repr(warning)


def test_ca_path_wins_over_a_ca_bundle_from_the_environment(tls_sim, tls_files, monkeypatch):
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', tls_files['other_ca'])
    monkeypatch.setenv('CURL_CA_BUNDLE', tls_files['other_ca'])
    result = run_module('helix_user_info', connection(tls_sim, login_name=['jdoe'], ca_path=tls_files['ca']))
    assert result.get('failed') is not True, result
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', tls_files['ca'])
    monkeypatch.delenv('CURL_CA_BUNDLE')
    result = run_module('helix_user_info', connection(tls_sim, login_name=['jdoe'], validate_certs=False))
    assert result.get('failed') is not True


@pytest.mark.parametrize('scheme', ['http', 'https'])
def test_a_missing_ca_path_file_is_a_clear_error_before_any_request(sim, tmp_path, scheme):
    missing = str(tmp_path / 'no-such-ca.pem')
    sim.clear_log()
    result = run_module('helix_user_info', connection(sim, helix_url='%s://127.0.0.1:%d' % (scheme, sim.port),
                                                      login_name=['jdoe'], ca_path=missing))
    assert result['failed'] is True
    assert result['msg'].startswith("ca_path '%s' is not a readable file" % missing)
    assert sim.log == []


def test_a_redirect_names_where_it_points(tmp_path):
    """A tenant (or its proxy) that redirects http to https: the message says where to."""
    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server naming
            self.send_response(301)
            self.send_header('Location', 'https://acme.example.com' + self.path)
            self.send_header('Content-Length', '0')
            self.end_headers()

        def log_message(self, *_args):
            pass

    server = http.server.HTTPServer(('127.0.0.1', 0), Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = run_module('helix_user_info', dict(helix_url='http://127.0.0.1:%d' % server.server_port,
                            helix_username='u', helix_password='redirect-pw-1', login_name=['x']))
    finally:
        server.shutdown()
        server.server_close()
    assert result['failed'] is True
    assert 'HTTP 301, a redirect to https://acme.example.com/api/jwt/login' in result['msg']
    assert 'redirect-pw-1' not in repr(result)


def test_a_ca_bundle_from_the_environment_serves_when_no_ca_path_is_given(tls_sim, tls_files, monkeypatch):
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', tls_files['ca'])  # read once with the client, as requests would
    result = run_module('helix_user_info', connection(tls_sim, login_name=['jdoe']))
    assert result.get('failed') is not True and result['count'] == 1, result
