"""The AR client against the running simulator: auth, retries, lost replies, paging, errors, secrets."""

import socket
import threading
import time

import pytest

from ansible_collections.helix.users.plugins.module_utils.ar_client import ARClient
from ansible_collections.helix.users.plugins.module_utils.reads import entry_id
from ansible_collections.helix.users.plugins.module_utils.tokens import strip_token, token_expiry
from ansible_collections.helix.users.plugins.module_utils.errors import (
    HelixAPIError,
    HelixAuthError,
    HelixConnectionError,
)
from ansible_collections.helix.users.plugins.module_utils.qualification import equals
from support import ADMIN_PASSWORD, ADMIN_USER, api_requests

NEW_USER = {'Login Name': 'newbie', 'Full Name': 'New Bie', 'License Type': 'Read'}


def client_for(sim, **kwargs):
    options = dict(username=ADMIN_USER, password=ADMIN_PASSWORD, backoff=0.001, backoff_max=0.01)
    options.update(kwargs)
    return ARClient(sim.url, **options)


def find_login(client, login):
    def lookup():
        for entry in client.list_entries('User', q=equals('Login Name', login), fields=['Request ID'], page_size=2):
            return entry_id(entry, 'User')
        return None
    return lookup


def get_values(client, entry_id_):
    """One User entry's values, or None when it does not exist (a single-entry GET through the client)."""
    try:
        return client.request_json('GET', client.form_path('User', entry_id_))['values']
    except HelixAPIError as exc:
        if exc.status == 404:
            return None
        raise


def logins(sim):
    return [r for r in sim.log if r['path'] == '/api/jwt/login']


# ------------------------------------------------------------------ tokens and login
@pytest.mark.parametrize('reply, token', [
    ('eyJ.abc.def', 'eyJ.abc.def'),
    ('"eyJ.abc.def"', 'eyJ.abc.def'),
    ('"AR-JWT eyJ.abc.def"', 'eyJ.abc.def'),
    ('AR-JWT eyJ.abc.def\n', 'eyJ.abc.def'),
    ("'ar-jwt eyJ.abc.def'", 'eyJ.abc.def'),
])
def test_strip_token_copes_with_bare_quoted_and_prefixed_replies(reply, token):
    assert strip_token(reply) == token


def test_token_expiry_reads_exp_or_gives_none():
    assert token_expiry('e30.eyJleHAiOjE3OTU4MjA0MDB9.sig') == '2026-11-27T23:00:00Z'
    assert token_expiry('not-a-jwt') is None


def test_login_returns_a_bare_token_that_the_server_accepts(sim):
    with client_for(sim) as client:
        token = client.login()
        assert not token.startswith(('AR-JWT', '"'))
        assert token.count('.') == 2
        assert token_expiry(token) is not None
        entries = list(client.list_entries('User', fields=['Login Name']))
        assert {e['values']['Login Name'] for e in entries} >= {'Demo', 'jdoe'}
    # close() logged the client's own token out
    assert [r['path'] for r in sim.log][-1] == '/api/jwt/logout'
    assert client.api_calls == 3


def test_login_is_form_encoded_and_logout_revokes(sim):
    client = client_for(sim)
    token = client.login()
    assert client.logout() is True
    stale = ARClient(sim.url, token=token)
    with pytest.raises(HelixAuthError) as info:
        list(stale.list_entries('User'))
    assert info.value.status == 401
    assert stale.logout() is False  # a revoked token: nothing left to log out


def test_wrong_password_names_the_user_never_the_password(sim):
    client = client_for(sim, password='Wrong-S3cret')
    with pytest.raises(HelixAuthError) as info:
        client.login()
    assert 'Demo' in str(info.value)
    assert info.value.messages[0].number == 623
    assert 'Wrong-S3cret' not in str(info.value)


def test_guest_user_trap_is_a_failed_login(sim):
    sim.configure(guest_mode=True)
    client = client_for(sim, username='nobody', password='whatever-pw')
    with pytest.raises(HelixAuthError) as info:
        client.login()
    assert 'AR 59' in str(info.value) and 'nobody' in str(info.value)
    assert client.token is None


def test_expired_token_is_renewed_once_with_credentials(sim):
    client = client_for(sim)
    first = client.login()
    expire_now(sim, first)  # revoked on the server: the next request is answered 401 (a 1 s lifetime raced a slow machine)
    entries = list(client.list_entries('User', fields=['Login Name']))
    assert entries
    assert client.relogins == 1
    assert client.token != first
    assert len(logins(sim)) == 2


def expire_now(sim, token):
    """Make a token invalid on the server: log it out with a plain request."""
    import requests
    assert requests.post(sim.url + '/api/jwt/logout', headers={'Authorization': 'AR-JWT ' + token}, timeout=5).status_code == 204


def test_renewal_never_loops(sim):
    sim.configure(token_lifetime=0)  # every token is already expired when used
    client = client_for(sim)
    with pytest.raises(HelixAuthError) as info:
        list(client.list_entries('User'))
    assert info.value.status == 401
    assert len(logins(sim)) == 2  # the first login and exactly one renewal
    assert client.api_calls == 4


def test_expired_token_without_credentials_is_a_clear_error(sim):
    client = client_for(sim)
    token = client.login()
    expire_now(sim, token)
    tokened = ARClient(sim.url, token=token)
    with pytest.raises(HelixAuthError) as info:
        get_values(tokened, '000000000000001')
    message = str(info.value)
    assert 'expired, revoked or invalid' in message and 'helix_token' in message
    assert token not in message


def test_html_401_body_is_described_not_dumped(sim):
    sim.configure(html_401=True)
    tokened = ARClient(sim.url, token='eyJhbGciOiJIUzI1NiJ9.e30.bogus')
    with pytest.raises(HelixAuthError) as info:
        get_values(tokened, '000000000000001')
    assert 'HTML page' in str(info.value)
    assert '<html' not in str(info.value).lower()


# ------------------------------------------------------------------ retries
@pytest.mark.parametrize('status', [503, 429, 500, 502])
def test_transient_failures_are_retried_within_max_retries(sim, status):
    client = client_for(sim, max_retries=3)
    client.login()
    sim.configure(fail_first=3, fail_first_status=status)
    assert get_values(client, '000000000000002')['Login Name'] == 'jdoe'
    assert client.retries == 3
    assert client.api_calls == 1 + 4  # login + 4 tries


def test_past_max_retries_the_failure_is_clear(sim):
    client = client_for(sim, max_retries=2)
    client.login()
    sim.configure(fail_first=10, fail_first_status=503)
    with pytest.raises(HelixAPIError) as info:
        get_values(client, '000000000000002')
    assert info.value.status == 503
    assert 'after 3 attempt(s)' in str(info.value)
    assert client.api_calls == 1 + 3


def test_server_busy_message_93_is_retried(sim):
    client = client_for(sim, max_retries=1)
    client.login()
    sim.configure(rate_93=1.0)
    with pytest.raises(HelixAPIError) as info:
        get_values(client, '000000000000002')
    assert info.value.messages[0].number == 93
    sim.configure(rate_93=0.0)
    assert get_values(client, '000000000000002')['Login Name'] == 'jdoe'


def test_dropped_connections_are_retried(sim):
    client = client_for(sim, max_retries=8)
    client.login()
    sim.configure(drop_rate=0.3, fault_seed=7)
    names = [e['values']['Login Name'] for e in client.list_entries('User', fields=['Login Name'], page_size=1)]
    sim.configure(drop_rate=0.0)
    assert sorted(names) == sorted(u['Login Name'] for u in sim.state()['users'])
    assert client.retries > 0
    assert any(r.get('fault') for r in sim.log)


def test_unreachable_host_fails_clearly():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    client = ARClient('http://127.0.0.1:%d' % port, username='a', password='Secret-1', max_retries=1, backoff=0.001)
    with pytest.raises(HelixConnectionError) as info:
        client.login()
    assert 'Connection' in str(info.value) and 'Secret-1' not in str(info.value)
    assert client.api_calls == 2


@pytest.mark.parametrize('url', ['acme.onbmc.com', 'ftp://acme', '', 'https://user:pw@acme.onbmc.com'])
def test_bad_urls_are_refused_before_any_request(url):
    with pytest.raises(HelixConnectionError) as info:
        ARClient(url, username='a', password='pw')
    assert 'helix_url' in str(info.value)
    assert ':pw@' not in str(info.value)


# ------------------------------------------------------------------ lost create replies
def test_create_whose_reply_is_lost_leaves_exactly_one_entry(sim):
    client = client_for(sim)
    client.login()
    sim.configure(drop_after_commit=1)
    new_id = client.create_entry('User', NEW_USER, find_existing=find_login(client, 'newbie'))
    matches = [u for u in sim.state()['users'] if u['Login Name'] == 'newbie']
    assert len(matches) == 1
    assert matches[0]['Request ID'] == new_id
    assert len([r for r in sim.log if r['method'] == 'POST' and r['path'].endswith('/User')]) == 1


def test_create_refused_before_commit_is_repeated_after_a_lookup(sim):
    client = client_for(sim)
    client.login()
    sim.configure(fail_first=1, fail_first_status=503)
    new_id = client.create_entry('User', NEW_USER, find_existing=find_login(client, 'newbie'))
    assert sim.user('newbie')['Request ID'] == new_id
    posts = [r for r in sim.log if r['method'] == 'POST' and r['path'].endswith('/User')]
    assert len(posts) == 2 and posts[0]['status'] == 503
    lookups = [r for r in sim.log if r['method'] == 'GET']
    assert len(lookups) == 1  # looked up once before repeating


def test_create_without_a_key_lookup_is_never_repeated(sim):
    client = client_for(sim)
    client.login()
    sim.configure(drop_after_commit=1)
    with pytest.raises(HelixConnectionError):
        client.create_entry('User', NEW_USER)
    assert len([u for u in sim.state()['users'] if u['Login Name'] == 'newbie']) == 1
    assert len([r for r in sim.log if r['method'] == 'POST' and r['path'].endswith('/User')]) == 1


def test_create_returns_the_request_id_from_location(sim):
    with client_for(sim) as client:
        new_id = client.create_entry('User', NEW_USER)
        assert len(new_id) == 15 and new_id.isdigit()
        assert get_values(client, new_id)['Login Name'] == 'newbie'


# ------------------------------------------------------------------ entries
def test_paging_returns_every_row_when_the_server_cap_is_below_the_page_size(sim):
    sim.seed_users(1234)
    sim.configure(server_cap=100)
    client = client_for(sim)
    rows = list(client.list_entries('User', fields=['Login Name'], sort='Login Name.asc', page_size=500))
    names = [r['values']['Login Name'] for r in rows]
    assert len(names) == len(set(names)) == len(sim.state()['users']) == 1237
    assert names == sorted(names)
    gets = api_requests(sim, ['GET'])
    assert len(gets) == 13  # 12 full pages of 100, one of 37, none past the end
    assert all(r['query']['limit'] == '500' for r in gets)


def test_reading_ahead_asks_for_each_page_at_the_offset_the_last_one_reached(sim):
    sim.seed_users(1234)
    sim.configure(server_cap=100)  # short pages: the next offset is known only once a page is in
    client = client_for(sim)
    pages = list(client.list_pages('User', fields=['Login Name'], page_size=500, ahead=True))
    assert [len(page) for page in pages] == [100] * 12 + [37]
    names = [entry['values']['Login Name'] for page in pages for entry in page]
    assert len(set(names)) == 1237 == len(sim.state()['users'])
    assert [r['query'].get('offset') for r in api_requests(sim, ['GET'])] == [str(100 * n) for n in range(13)]


def test_a_reader_that_stops_early_waits_for_the_page_asked_ahead_and_leaves_no_thread(sim):
    sim.seed_users(300)
    client = client_for(sim)

    def readers():  # the simulator serves in threads of its own: only the pool's are the reader's
        return [thread for thread in threading.enumerate() if thread.name.startswith('ThreadPoolExecutor')]
    before = readers()
    pages = client.list_pages('User', fields=['Login Name'], page_size=100, ahead=True)
    assert len(next(pages)) == 100
    pages.close()
    assert readers() == before
    assert [r['query'].get('offset') for r in api_requests(sim, ['GET'])] == ['0', '100']  # one page ahead, no more


def test_proxies_are_read_from_the_environment_once_with_no_proxy_honoured(sim, monkeypatch):
    for name in ('NO_PROXY', 'no_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HTTP_PROXY', 'http://127.0.0.1:9')  # nothing listens there
    assert client_for(sim).session.proxies.get('http') == 'http://127.0.0.1:9'
    monkeypatch.setenv('NO_PROXY', '127.0.0.1')
    direct = client_for(sim)
    assert 'http' not in direct.session.proxies and not direct.session.trust_env
    monkeypatch.delenv('NO_PROXY')  # the environment is not walked again for every request
    assert direct.login() and sim.log[-1]['path'] == '/api/jwt/login'


def test_paging_honours_the_total_limit(sim):
    sim.seed_users(50)
    client = client_for(sim)
    rows = list(client.list_entries('User', fields=['Login Name'], page_size=20, limit=45))
    assert len(rows) == 45
    assert [r['query']['limit'] for r in api_requests(sim, ['GET'])] == ['20', '20', '5']


def test_entry_ids_come_from_values_or_the_self_link(sim):
    client = client_for(sim)
    rows = list(client.list_entries('User', q=equals('Login Name', 'jdoe'), fields=['Full Name']))
    assert len(rows) == 1
    assert entry_id(rows[0], 'User') == sim.user('jdoe')['Request ID']


def test_get_update_delete(sim):
    client = client_for(sim)
    jdoe = sim.user('jdoe')['Request ID']
    assert get_values(client, '999999999999999') is None
    client.update_entry('User', jdoe, {'Email Address': 'john@example.com'})
    stored = sim.user('jdoe')
    assert stored['Email Address'] == 'john@example.com' and stored['Full Name'] == 'John Doe'
    client.delete_entry('User', jdoe)
    assert sim.user('jdoe') is None


def test_forbidden_delete_is_a_typed_error(sim):
    sim.configure(delete_allowed=False)
    client = client_for(sim)
    with pytest.raises(HelixAPIError) as info:
        client.delete_entry('User', sim.user('jdoe')['Request ID'])
    assert info.value.status == 403 and info.value.messages[0].number is not None
    assert sim.user('jdoe') is not None


@pytest.mark.parametrize('values, number', [
    ({'Login Name': 'jdoe', 'Full Name': 'Dup', 'License Type': 'Read'}, 382),
    ({'Login Name': 'x1', 'License Type': 'Read'}, 307),
    ({'Login Name': 'x2', 'Full Name': 'X', 'License Type': 'Platinum'}, 306),
    ({'Login Name': 'x3', 'Full Name': 'X', 'License Type': 'Read', 'Shoe Size': '44'}, 314),
])
def test_validation_errors_carry_the_ar_message(sim, values, number):
    client = client_for(sim)
    with pytest.raises(HelixAPIError) as info:
        client.create_entry('User', values)
    assert info.value.messages[0].number == number
    assert 'AR %d' % number in str(info.value)


def test_unknown_field_in_a_qualification_is_message_314(sim):
    client = client_for(sim)
    with pytest.raises(HelixAPIError) as info:
        list(client.list_entries('User', q="'Shoe Size' = \"44\""))
    assert info.value.messages[0].number == 314
    assert 'Shoe Size' in str(info.value)


def test_no_secret_reaches_an_error_or_the_simulator_log(sim):
    password = 'Pw-that-must-not-leak-42'
    sim.configure(admin_users={'Demo': ADMIN_PASSWORD, 'svc': password})
    client = client_for(sim, username='svc', password=password, max_retries=0)
    token = client.login()
    errors = []
    for call in (lambda: client.create_entry('User', {'Login Name': 'jdoe', 'Full Name': 'x', 'License Type': 'Read',
                                                      'Password': password}),
                 lambda: list(client.list_entries('User', q="'Nope' = \"%s\"" % token))):
        with pytest.raises(HelixAPIError) as info:
            call()
        errors.append(str(info.value))
    sim.configure(fail_first=1, fail_first_status=503)
    with pytest.raises(HelixAPIError) as info:
        get_values(client, '000000000000001')
    errors.append(str(info.value))
    text = '\n'.join(errors) + repr(sim.log) + repr(sim.state())
    assert password not in text
    assert token not in '\n'.join(errors)


def test_a_reply_slower_than_the_timeout_is_retried_then_fails_clearly(sim):
    client = client_for(sim, max_retries=1, timeout=0.2)
    client.login()
    sim.configure(latency_ms=600)
    with pytest.raises(HelixConnectionError) as info:
        get_values(client, '000000000000002')
    assert 'after 2 attempt(s)' in str(info.value) and 'Timeout' in str(info.value)
    sim.configure(latency_ms=0)
    time.sleep(0.7)  # let the server finish the abandoned requests, or they land in the next test's log


def test_latency_within_the_timeout_just_costs_time(sim):
    client = client_for(sim, timeout=5)
    client.login()
    sim.configure(latency_ms=50)
    assert get_values(client, '000000000000002')['Login Name'] == 'jdoe'
    assert client.retries == 0


def test_random_503_and_429_are_absorbed_by_retries(sim):
    client = client_for(sim, max_retries=6)
    client.login()
    sim.configure(rate_503=0.2, rate_429=0.2, fault_seed=11)
    for number in range(20):
        client.update_entry('User', sim.user('jdoe')['Request ID'], {'Phone Number': str(number)})
    sim.configure(rate_503=0.0, rate_429=0.0)
    assert sim.user('jdoe')['Phone Number'] == '19'
    faults = [r['fault'] for r in sim.log if r.get('fault')]
    assert client.retries == len(faults) > 0


def test_a_create_whose_last_reply_is_lost_is_still_found(sim):
    client = client_for(sim, max_retries=0)
    client.login()
    sim.configure(drop_after_commit=1)
    new_id = client.create_entry('User', NEW_USER, find_existing=find_login(client, 'newbie'))
    assert new_id == sim.user('newbie')['Request ID']


def test_a_refused_relogin_is_not_repeated_by_every_thread(sim):
    import threading
    good = client_for(sim)
    token = good.login()
    client = ARClient(sim.url, token=token, username=ADMIN_USER, password='Wrong-Pw-1', backoff=0.001)
    expire_now(sim, token)
    sim.clear_log()
    errors = []

    def read():
        try:
            get_values(client, '000000000000002')
        except HelixAuthError as exc:
            errors.append(exc)
    threads = [threading.Thread(target=read) for _number in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == 6
    assert len(logins(sim)) == 1


def test_logout_is_retried(sim):
    client = client_for(sim)
    client.login()
    sim.configure(fail_first=2, fail_first_status=503)
    assert client.logout() is True


def test_deleting_an_entry_that_is_not_there_is_a_failure_never_deleted(sim):
    client = client_for(sim)
    with pytest.raises(HelixAPIError) as info:
        client.delete_entry('User', '999999999999999')
    assert info.value.status == 404 and info.value.outcome_unknown is False
    with pytest.raises(HelixAPIError) as info:
        client.update_entry('User', '999999999999999', {'Department': 'Ops'})
    assert info.value.status == 404 and info.value.outcome_unknown is False
    assert len(sim.state()['users']) == 3


def test_a_write_answered_404_after_a_lost_reply_may_have_been_applied(sim):
    jdoe = sim.user('jdoe')['Request ID']
    sim.configure(drop_after_commit=1, drop_after_commit_methods=['DELETE'])
    client = client_for(sim)
    with pytest.raises(HelixAPIError) as info:
        client.delete_entry('User', jdoe)  # the first try deleted it and its reply was lost; the retry finds nothing
    assert info.value.status == 404 and info.value.outcome_unknown is True
    assert sim.user('jdoe') is None
    assert [r['method'] for r in api_requests(sim, ['DELETE'])] == ['DELETE', 'DELETE']


def test_get_entry_reads_one_entry_or_none(sim):
    client = client_for(sim)
    jdoe = sim.user('jdoe')['Request ID']
    assert client.get_entry('User', jdoe, fields=['Login Name'])['values']['Login Name'] == 'jdoe'
    assert client.get_entry('User', '999999999999999') is None


def test_the_guest_session_is_logged_out(sim):
    sim.configure(guest_mode=True)
    client = client_for(sim, username='nobody', password='whatever-pw')
    with pytest.raises(HelixAuthError):
        client.login()
    assert [r['path'] for r in sim.log] == ['/api/jwt/login', '/api/jwt/logout']
    assert client.token is None
