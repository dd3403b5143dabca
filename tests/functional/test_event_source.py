"""The event source helix.users.changes as a coroutine with an asyncio queue (loaded as ansible-rulebook loads it),
against the simulator: the event shape, the state file across restarts, the overlapping window without
duplicates, re-login on expiry, a dead tenant, and the webhook listener with its secret. No event ever carries
a secret."""

import json
import logging
import time

import pytest
import requests

import eda_support
from eda_support import Running, basic, free_port, poll_args
from simulator import Simulator
from support import ADMIN_PASSWORD

pytestmark = pytest.mark.filterwarnings('ignore::DeprecationWarning')
EVENT_KEYS = {'form', 'entry_id', 'key', 'operation', 'values', 'modified_date'}
USER_PASSWORD = 'User-Passw0rd!'
WEBHOOK_SECRET = 'Hook-Secret-42'


def api(sim):
    """A requests session logged in to the simulator as the admin (changes made "outside the pipeline")."""
    session = requests.Session()
    token = session.post(sim.url + '/api/jwt/login', data=dict(username='Demo', password=ADMIN_PASSWORD)).text
    session.headers['Authorization'] = 'AR-JWT ' + token
    return session


def update(session, sim, login, values, form='User'):
    entry_id = sim.user(login)['Request ID']
    response = session.put('%s/api/arsys/v1/entry/%s/%s' % (sim.url, form, entry_id), json=dict(values=values))
    assert response.status_code == 204, response.text
    return entry_id


def create(session, sim, values):
    response = session.post(sim.url + '/api/arsys/v1/entry/User', json=dict(values=values))
    assert response.status_code == 201, response.text


def no_secret_in(events, sim, *more):
    text = json.dumps(events)
    for secret in [ADMIN_PASSWORD, USER_PASSWORD, WEBHOOK_SECRET] + list(sim.issued_tokens()) + list(more):
        assert secret not in text
    for event in events:
        assert not [name for name in event['helix']['values'] if 'password' in name.lower() or name == 'Auth String']


def wait_next_second():
    """Sleep into the next wall-clock second (Modified Date has seconds only)."""
    time.sleep(1.02 - time.time() % 1)


# ---------------------------------------------------------------------------------------------------- polling
def test_poll_reports_each_change_once_in_the_contract_shape_without_secrets(sim):
    session = api(sim)

    async def scenario():
        source = Running(poll_args(sim), asyncio_loop())
        await source.watching(sim)
        assert await source.quiet(0.3) == []  # what was there before the source started is no event
        create(session, sim, {'Login Name': 'eda.new', 'Full Name': 'Eda New', 'License Type': 'Read',
                              'Password': USER_PASSWORD, 'Auth String': 'auth-Secret-9'})
        update(session, sim, 'jdoe', {'Email Address': 'john@example.com'})
        events = await source.events(2)
        later = await source.quiet(0.5)
        await source.stop()
        return events, later

    events, later = eda_support.run(scenario)
    assert later == []
    assert [set(event['helix']) for event in events] == [EVENT_KEYS, EVENT_KEYS]
    by_key = dict((event['helix']['key'], event['helix']) for event in events)
    assert by_key['eda.new']['operation'] == 'create' and by_key['jdoe']['operation'] == 'update'
    jdoe = by_key['jdoe']
    assert jdoe['form'] == 'User' and jdoe['entry_id'] == sim.user('jdoe')['Request ID']
    assert jdoe['values']['Email Address'] == 'john@example.com'
    assert jdoe['modified_date'] == sim.user('jdoe')['Modified Date']
    assert 'Password' not in by_key['eda.new']['values'] and 'Auth String' not in by_key['eda.new']['values']
    no_secret_in(events, sim, 'auth-Secret-9')
    # one login for the life of the source (the other is the test's own session), logged out when it stopped
    stats = sim.stats.snapshot()
    assert stats['logins'] == 2 and stats['logouts'] == 1


def test_restart_with_the_state_file_neither_loses_nor_repeats(sim, tmp_path):
    session = api(sim)
    state = tmp_path / 'state' / 'helix-users.json'
    args = poll_args(sim, state_file=str(state))

    async def first():
        source = Running(args, asyncio_loop())
        await source.watching(sim)
        update(session, sim, 'jdoe', {'Department': 'One'})
        events = await source.events(1)
        await source.stop()
        return events

    async def second():
        source = Running(args, asyncio_loop())
        events = await source.events(1)
        more = await source.quiet(0.5)
        await source.stop()
        return events + more

    before = eda_support.run(first)
    assert [event['helix']['values']['Department'] for event in before] == ['One']
    assert oct(state.stat().st_mode & 0o777) == '0o600'
    saved = json.loads(state.read_text())
    assert saved['form'] == 'User' and saved['watermark'] >= 1
    wait_next_second()
    update(session, sim, 'asmith', {'Department': 'While stopped'})  # a change while the source was down
    after = eda_support.run(second)
    assert [(event['helix']['key'], event['helix']['values']['Department']) for event in after] == [
        ('asmith', 'While stopped')]


def test_a_state_file_that_can_not_be_written_stops_nothing_and_is_said_once(sim, tmp_path, caplog):
    """The folder of the state file turns into a file while the source runs (a full or read-only disk): the events
    still come, none twice, the source says it once (not as a failure of the tenant, with no backoff), tries again
    with every poll and writes the file once it can."""
    session = api(sim)
    folder = tmp_path / 'state'
    state = folder / 'helix-users.json'

    async def scenario():
        source = Running(poll_args(sim, state_file=str(state), interval=0.05), asyncio_loop())
        await source.watching(sim)
        assert state.exists()
        state.unlink()
        folder.rmdir()
        folder.write_text('not a folder', encoding='utf-8')
        update(session, sim, 'jdoe', {'Department': 'Unsaved'})
        first = await source.events(1)
        update(session, sim, 'asmith', {'Department': 'Unsaved too'})
        second = await source.events(1)
        rest = await source.quiet(0.5)
        folder.unlink()
        deadline = time.monotonic() + 5
        while not state.exists() and time.monotonic() < deadline:
            await source.quiet(0.05)
        await source.stop()
        return first + second, rest

    with caplog.at_level(logging.INFO, logger='helix.users.changes'):
        events, rest = eda_support.run(scenario)
    assert [event['helix']['key'] for event in events] == ['jdoe', 'asmith'] and rest == []
    messages = [r.getMessage() for r in caplog.records]
    assert len([m for m in messages if 'could not be written' in m]) == 1, messages
    assert not [m for m in messages if 'keeps running, next try' in m], messages  # no backoff: the tenant is fine
    assert [m for m in messages if 'is written again' in m]
    saved = json.loads(state.read_text())
    assert saved['watermark'] >= 1 and any(pair[0] == sim.user('asmith')['Request ID'] for pair in saved['seen'])


def test_overlapping_window_reports_late_commits_and_no_duplicates(sim, tmp_path):
    """Changes in the second the watermark stands at, and a change committed late with an earlier Modified Date
    (inside the overlap), are reported; nothing already reported comes back, poll after poll."""
    session = api(sim)

    async def scenario():
        source = Running(poll_args(sim, overlap=5, interval=0.05), asyncio_loop())
        await source.watching(sim)
        update(session, sim, 'jdoe', {'Department': 'A'})
        first = await source.events(1)
        update(session, sim, 'asmith', {'Department': 'B'})  # very likely the same second as jdoe's
        second = await source.events(1)
        # a transaction that committed late: its Modified Date is 3 s before the newest one seen
        store = sim.store
        with store.lock:
            users = store.forms['User']
            demo_id = sim.user('Demo')['Request ID']
            users.entries[demo_id]['Modified Date'] -= 3
            users.entries[demo_id]['Department'] = 'Late'
            users.rendered.pop(demo_id, None)
        late = await source.events(1)
        rest = await source.quiet(0.6)  # a dozen polls over the same window
        await source.stop()
        return first, second, late, rest

    first, second, late, rest = eda_support.run(scenario)
    assert [e['helix']['key'] for e in first + second + late] == ['jdoe', 'asmith', 'Demo'] and rest == []


def test_query_narrows_what_is_watched(sim):
    session = api(sim)

    async def scenario():
        source = Running(poll_args(sim, query="'Department' = \"Watched\""), asyncio_loop())
        await source.watching(sim)
        update(session, sim, 'jdoe', {'Department': 'Elsewhere'})
        update(session, sim, 'asmith', {'Department': 'Watched'})
        events = await source.events(1)
        more = await source.quiet(0.4)
        await source.stop()
        return events + more

    events = eda_support.run(scenario)
    assert [event['helix']['key'] for event in events] == ['asmith']
    lists = [r for r in sim.log if r['method'] == 'GET' and r['path'].endswith('/entry/User')]
    # dates as integers of seconds (AR-API-FACTS.md), the user's query ANDed in its own parentheses
    assert any(r['query'].get('q', '').startswith("('Modified Date' >= ") and r['query']['q'].endswith(
        ") AND ('Department' = \"Watched\")") for r in lists), lists[-1]


def test_an_expired_token_is_renewed_by_one_login(sim, caplog):
    sim.configure(token_lifetime=1)

    async def scenario():
        source = Running(poll_args(sim, interval=0.3), asyncio_loop())
        await source.watching(sim)
        await source.quiet(1.5)  # the token expired meanwhile
        update(api(sim), sim, 'jdoe', {'Department': 'After expiry'})
        events = await source.events(1)
        await source.stop()
        return events

    with caplog.at_level(logging.WARNING, logger='helix.users.changes'):
        events = eda_support.run(scenario)
    assert [event['helix']['values']['Department'] for event in events] == ['After expiry']
    stats = sim.stats.snapshot()
    # the session's own login is one of them; the source logged in again after a 401, and failed no poll
    assert stats['auth_failures'] >= 1 and stats['logins'] >= 3
    assert not [r for r in caplog.records if 'failed' in r.getMessage()]


def test_a_dead_tenant_is_retried_with_backoff_and_the_source_says_so(caplog):
    port = free_port()
    args = dict(helix_url='http://127.0.0.1:%d' % port, helix_username='Demo', helix_password=ADMIN_PASSWORD,
                interval=0.05, backoff_max=0.2, max_retries=0, timeout=2)

    async def scenario():
        source = Running(args, asyncio_loop())
        assert await source.quiet(1.0) == []
        assert not source.task.done()  # still running
        sim = Simulator(port=port).start()  # the tenant comes back
        try:
            await source.watching(sim)
            session = api(sim)
            update(session, sim, 'jdoe', {'Department': 'Back'})
            events = await source.events(1)
        finally:
            await source.stop()
            sim.stop()
        return events

    with caplog.at_level(logging.INFO, logger='helix.users.changes'):
        events = eda_support.run(scenario)
    assert [event['helix']['values']['Department'] for event in events] == ['Back']
    failures = [r.getMessage() for r in caplog.records if 'keeps running' in r.getMessage()]
    assert 3 <= len(failures) <= 12, failures  # backed off: 1 s at most 5 tries of 0.2 s, not 20 of 0.05 s
    assert 'next try in 0.2 s' in failures[-1] and ADMIN_PASSWORD not in ' '.join(failures)
    assert [r for r in caplog.records if 'answers again' in r.getMessage()]


def test_bad_options_are_refused_before_any_request_without_quoting_secrets():
    main = eda_support.load_source()['main']

    async def refused(args):
        with pytest.raises(ValueError) as info:
            await main(None, args)
        return str(info.value)

    message = eda_support.run(refused, dict(helix_url='http://127.0.0.1:9', helix_password='Only-Passw0rd',
                                            mode='webhook', interval='soon', query="'A' = \"x\") OR (1=1"))
    assert 'interval' in message and 'Only-Passw0rd' not in message
    message = eda_support.run(refused, dict(helix_url='http://127.0.0.1:9', helix_username='Demo',
                                            helix_password='Only-Passw0rd', mode='webhook', query="'A' = \"x\") OR (1=1"))
    assert 'needs port' in message and 'needs secret' in message and 'unbalanced' in message
    assert 'Only-Passw0rd' not in message


def test_connection_options_come_from_the_helix_variables(sim, monkeypatch):
    monkeypatch.setenv('HELIX_URL', sim.url)
    monkeypatch.setenv('HELIX_USERNAME', 'Demo')
    monkeypatch.setenv('HELIX_PASSWORD', ADMIN_PASSWORD)
    monkeypatch.setenv('HELIX_TIMEOUT', '')  # as AWX injects an unset input: the default
    session = api(sim)

    async def scenario():
        source = Running(dict(interval=0.1), asyncio_loop())
        await source.watching(sim)
        update(session, sim, 'jdoe', {'Department': 'From env'})
        events = await source.events(1)
        await source.stop()
        return events

    assert [event['helix']['key'] for event in eda_support.run(scenario)] == ['jdoe']


# ---------------------------------------------------------------------------------------------------- webhooks
def register(session, sim, url, secret=WEBHOOK_SECRET):
    response = session.post(sim.url + '/api/arsys/v1/webhook', json={
        'form': 'User', 'url': url, 'authentication': {'type': 'basic', 'username': 'ar', 'password': secret}})
    assert response.status_code == 201, response.text


def test_webhook_calls_become_the_same_events_re_read_from_the_tenant(sim):
    session = api(sim)
    port = free_port()
    listener = 'http://127.0.0.1:%d/helix' % port

    async def scenario():
        source = Running(poll_args(sim, mode='webhook', port=port, host='127.0.0.1', secret=WEBHOOK_SECRET),
                         asyncio_loop())
        await source.listening(port)
        register(session, sim, listener)
        update(session, sim, 'jdoe', {'Department': 'Hooked'})
        events = await source.events(1)
        # a call whose payload lies about the values: the event holds what the tenant holds
        forged = {'formName': 'User', 'entryEvent': 'Update', 'entryId': sim.user('asmith')['Request ID'],
                  'values': {'Department': 'Forged', 'Password': 'leak'}, 'extra': [1, 2]}
        answer = await asyncio_loop().run_in_executor(None, lambda: requests.post(
            listener, json=forged, headers={'Authorization': basic(WEBHOOK_SECRET)}, timeout=10))
        forged_events = await source.events(1)
        repeated = await asyncio_loop().run_in_executor(None, lambda: requests.post(
            listener, json=forged, headers={'Authorization': basic(WEBHOOK_SECRET)}, timeout=10))
        other_form = await asyncio_loop().run_in_executor(None, lambda: requests.post(
            listener, json={'formName': 'Group', 'entryEvent': 'Create', 'entryId': '1'},
            headers={'Authorization': basic(WEBHOOK_SECRET)}, timeout=10))
        entry_id = update(session, sim, 'jdoe', {'Department': 'Hooked again'})
        tail = await source.events(1)
        session.delete('%s/api/arsys/v1/entry/User/%s' % (sim.url, entry_id))  # gone: nothing left to re-read
        tail += await source.events(1)
        more = await source.quiet(0.3)
        await source.stop()
        return events, answer.status_code, forged_events, repeated.json(), other_form.json(), tail + more

    events, status, forged_events, repeated, other_form, tail = eda_support.run(scenario)
    helix, = [event['helix'] for event in events]
    assert set(helix) == EVENT_KEYS and helix['key'] == 'jdoe' and helix['operation'] == 'update'
    assert helix['values']['Department'] == 'Hooked' and helix['modified_date'] == helix['values']['Modified Date']
    assert status == 200 and forged_events[0]['helix']['values']['Department'] is None
    assert forged_events[0]['helix']['key'] == 'asmith'
    assert repeated == {'accepted': False} and other_form == {'accepted': False}
    # the second update wrote nothing new but its Modified Date, then the delete: its key from the source's memory
    assert [(e['helix']['operation'], e['helix']['key']) for e in tail] == [('update', 'jdoe'), ('delete', 'jdoe')]
    assert tail[1]['helix']['values'] == {}
    no_secret_in(events + forged_events + tail, sim, 'leak')


def test_a_webhook_call_without_the_secret_is_refused_logged_without_body_and_queues_nothing(sim, caplog):
    port = free_port()
    listener = 'http://127.0.0.1:%d/' % port
    body = {'formName': 'User', 'entryEvent': 'Update', 'entryId': '000000000000002', 'note': 'BODY-MARKER'}

    async def scenario():
        source = Running(poll_args(sim, mode='webhook', port=port, host='127.0.0.1', secret=WEBHOOK_SECRET),
                         asyncio_loop())
        await source.listening(port)
        answers = []
        for headers in ({'Authorization': basic('Wrong-Secret')}, {}, {'Authorization': 'Bearer Wrong-Secret'},
                        {'Authorization': 'Basic !!!'}):
            response = await asyncio_loop().run_in_executor(None, lambda h=headers: requests.post(
                listener, json=body, headers=h, timeout=10))
            answers.append(response.status_code)
        get = await asyncio_loop().run_in_executor(None, lambda: requests.get(listener, timeout=10))
        queued = await source.quiet(0.3)
        await source.stop()
        return answers, get.status_code, queued

    with caplog.at_level(logging.INFO, logger='helix.users.changes'):
        answers, get_status, queued = eda_support.run(scenario)
    assert answers == [401, 401, 401, 401] and get_status == 401 and queued == []
    refusals = [r.getMessage() for r in caplog.records if 'refused' in r.getMessage()]
    assert len(refusals) == 5
    text = caplog.text
    assert 'BODY-MARKER' not in text and 'Wrong-Secret' not in text and WEBHOOK_SECRET not in text
    assert [r for r in sim.log if r['path'].startswith('/api/arsys/')] == []  # nothing was read for them


def test_webhook_bodies_that_are_no_callback_are_answered_and_logged_without_their_bodies(sim, caplog):
    """With the secret, but not JSON, JSON nested past what Python parses, or larger than the listener reads: each
    answered 400 or 413 (not a 500 with a traceback), logged without the body; the listener goes on."""
    port = free_port()
    listener = 'http://127.0.0.1:%d/' % port
    bodies = [b'not json BODY-MARKER', b'\xff\xfe', b'[' * 100000 + b']' * 100000,
              b'{"entryId": "' + b'x' * (2 << 20) + b'BODY-MARKER"}']

    async def scenario():
        source = Running(poll_args(sim, mode='webhook', port=port, host='127.0.0.1', secret=WEBHOOK_SECRET),
                         asyncio_loop())
        await source.listening(port)
        headers = {'Authorization': basic(WEBHOOK_SECRET), 'Content-Type': 'application/json'}
        answers = []
        for body in bodies:
            response = await asyncio_loop().run_in_executor(None, lambda b=body: requests.post(
                listener, data=b, headers=headers, timeout=20))
            answers.append(response.status_code)
        good = await asyncio_loop().run_in_executor(None, lambda: requests.post(
            listener, json={'formName': 'User', 'entryId': sim.user('jdoe')['Request ID']}, headers=headers, timeout=10))
        events = await source.events(1)
        await source.stop()
        return answers, good.status_code, events

    with caplog.at_level(logging.INFO):
        answers, good, events = eda_support.run(scenario)
    assert answers == [400, 400, 400, 413] and good == 200
    assert [event['helix']['key'] for event in events] == ['jdoe']
    assert 'BODY-MARKER' not in caplog.text and 'Traceback' not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text[-2000:]
    assert len([r for r in caplog.records if 'body not' in r.getMessage()]) == 4


def test_webhook_listener_serves_tls(sim, tls_files):
    port = free_port()
    session = api(sim)

    async def scenario():
        source = Running(poll_args(sim, mode='webhook', port=port, host='127.0.0.1', secret=WEBHOOK_SECRET,
                                   certfile=tls_files['server']), asyncio_loop())
        await source.listening(port)
        register(session, sim, 'https://127.0.0.1:%d/' % port)
        update(session, sim, 'jdoe', {'Department': 'Over TLS'})
        events = await source.events(1)
        plain = await asyncio_loop().run_in_executor(None, lambda: _plain_http_fails(port))
        await source.stop()
        return events, plain

    events, plain = eda_support.run(scenario)
    assert [event['helix']['values']['Department'] for event in events] == ['Over TLS'] and plain


def _plain_http_fails(port):
    try:
        requests.post('http://127.0.0.1:%d/' % port, json={}, timeout=5)
    except requests.exceptions.ConnectionError:
        return True
    return False


def asyncio_loop():
    import asyncio  # pylint: disable=import-outside-toplevel
    return asyncio.get_running_loop()
