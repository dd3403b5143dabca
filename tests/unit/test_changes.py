"""The pure parts of the event source's logic (module_utils/changes.py): dates, the window, callbacks of any
shape, secret fields, the state file and the backoff."""

import json

import pytest

from ansible_collections.helix.users.plugins.module_utils import changes


@pytest.mark.parametrize('value, expected', [
    ('2026-12-04T17:03:10.000+0000', 1796403790),
    ('2026-12-04T18:03:10.000+01:00', 1796403790),
    ('2026-12-04T17:03:10Z', 1796403790),
    ('2026-12-04 17:03:10', 1796403790),
    (1796403790, 1796403790), ('1796403790', 1796403790),
    (None, None), (True, None), ('yesterday', None), ('04/12/2026', None),
])
def test_epoch_of_reads_the_dates_the_api_returns(value, expected):
    assert changes.epoch_of(value) == expected


def test_the_window_is_an_integer_of_seconds_anded_with_the_query():
    assert changes.window_query(None, 1764867785) == "'Modified Date' >= 1764867785"
    assert changes.window_query("'Status' = 0 OR 'Status' = 1", 5) == \
        "('Modified Date' >= 5) AND ('Status' = 0 OR 'Status' = 1)"


@pytest.mark.parametrize('payload, expected', [
    ({'formName': 'User', 'entryEvent': 'Update', 'entryId': '000000000000004'}, ('User', 'update', '000000000000004')),
    ({'form': 'CTM:People', 'event': 'CREATED', 'requestId': 'PPL1', 'extra': {}}, ('CTM:People', 'create', 'PPL1')),
    ({'entry': {'form_name': 'User', 'operation': 'merge', 'entry_id': 7}}, ('User', 'merge', '7')),
    ({'data': {'formName': 'User', 'action': 'Deleted', 'Request ID': 'x'}}, ('User', 'delete', 'x')),
    ({'formName': 'User', 'entryId': 'x', 'event': 'Touched'}, ('User', 'update', 'x')),
    ({'entryId': ''}, (None, None, None)), ([1, 2], (None, None, None)), ({'entryId': True}, (None, None, None)),
])
def test_a_callback_of_any_shape_names_form_operation_and_id(payload, expected):
    assert changes.callback_fields(payload) == expected


def test_events_never_carry_a_secret_field():
    values = {'Login Name': 'jdoe', 'Password': '***', 'Auth String': 'x', '102': 'y', 'API Token': 't',
              'client_secret': 's', 'Status': 'Current'}
    event = changes.make_event('User', '1', 'jdoe', 'update', values, None)
    assert event == {'helix': dict(form='User', entry_id='1', key='jdoe', operation='update',
                                   values={'Login Name': 'jdoe', 'Status': 'Current'}, modified_date=None)}


def test_the_state_file_is_kept_only_for_its_form_and_query(tmp_path):
    path = tmp_path / 'state.json'
    state = changes.StateFile(str(path), 'User', "'Status' = 0")
    assert state.load() is None
    state.save(100, {('1', 99, 'abc'): 99})
    assert oct(path.stat().st_mode & 0o777) == '0o600'
    assert state.load() == (100, [('1', 99, 'abc')])
    assert changes.StateFile(str(path), 'CTM:People', "'Status' = 0").load() is None
    assert changes.StateFile(str(path), 'User', None).load() is None
    path.write_text('{not json', encoding='utf-8')
    assert state.load() is None
    path.write_text(json.dumps(dict(version=99, watermark=1)), encoding='utf-8')
    assert state.load() is None


def test_backoff_doubles_up_to_its_maximum_and_says_when_it_recovered():
    backoff = changes.Backoff(1, 5)
    assert [backoff.failed() for _attempt in range(4)] == [2, 4, 5, 5]
    assert backoff.succeeded() == 4 and backoff.succeeded() == 0


def test_options_are_the_modules_connection_options_and_the_sources_own(monkeypatch):
    monkeypatch.setenv('HELIX_URL', 'https://acme.example')
    monkeypatch.setenv('HELIX_TOKEN', 'a-token')
    monkeypatch.setenv('HELIX_MAX_RETRIES', '')
    params, problems = changes.source_params(dict(interval='2.5', port='', eda_feedback_queue=object()))
    assert problems == []
    assert params['helix_url'] == 'https://acme.example' and params['helix_token'] == 'a-token'
    assert params['max_retries'] == 3 and params['interval'] == 2.5 and params['mode'] == 'poll'
    _params, problems = changes.source_params(dict(overlap=-1, mode='webhook', secret='s', port=1,
                                                   certfile='/nonexistent.pem'))
    assert problems == ['overlap must be 0 or more', 'certfile /nonexistent.pem is not a readable file']


def test_blank_options_from_templates_are_options_not_given(monkeypatch):
    """A rulebook's "{{ var | default('') }}" may render blanks: a blank query, state file or form is no option (a
    state file named '  ' in the working directory, a query of blanks ANDed to the window)."""
    monkeypatch.delenv('HELIX_URL', raising=False)
    params, problems = changes.source_params(dict(helix_url='https://acme.example', helix_username='u',
                                                  helix_password='p', query='  ', state_file=' ', form='\t', port=' '))
    assert problems == []
    assert params['query'] is None and params['state_file'] is None and params['form'] == 'User'
    _params, problems = changes.source_params(dict(helix_url='  ', helix_username='u', helix_password='p'))
    assert problems == ['missing required arguments: helix_url']


@pytest.mark.parametrize('name', ['interval', 'backoff_max'])
@pytest.mark.parametrize('value', ['nan', 'inf', '-inf'])
def test_numbers_that_are_no_durations_are_refused(name, value):
    _params, problems = changes.source_params({'helix_url': 'https://acme.example', 'helix_username': 'u',
                                               'helix_password': 'p', name: value})
    assert problems == ['%s must be 0.01 or more' % name]


def test_a_state_file_that_can_not_be_kept_is_refused_at_the_start(tmp_path):
    connection = dict(helix_url='https://acme.example', helix_username='u', helix_password='p')
    blocker = tmp_path / 'a-file'
    blocker.write_text('x', encoding='utf-8')
    for path, expected in ((blocker / 'deeper' / 'state.json', 'is not a directory'),
                           (tmp_path, 'is a directory')):
        _params, problems = changes.source_params(dict(connection, state_file=str(path)))
        assert len(problems) == 1 and expected in problems[0], problems
    _params, problems = changes.source_params(dict(connection, state_file=str(tmp_path / 'new' / 'state.json')))
    assert problems == []


@pytest.mark.parametrize('name', ['102', 102, ' 102 ', '118', 'PASSWORD', 'pass-word', 'AUTH_STRING', 'authstring',
                                  'User Pwd', 'Passphrase', 'API Key', 'api_key', 'Private Key', 'Bearer', 'AR-JWT',
                                  'Session Token', 'Client Secret'])
def test_secret_fields_by_id_or_by_name_in_any_case_are_never_shown(name):
    assert changes.shown_values('User', {name: 'hidden', 'Status': 'Current'}) == {'Status': 'Current'}
