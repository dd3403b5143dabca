"""The helix.users.users lookup in real playbooks against the simulator: keywords, HELIX_* variables, paging past a
server cap, the session it opens logged out, clean failures without secrets, and the same users as helix_user_info."""

import json

import yaml

from support import ADMIN_PASSWORD, ADMIN_USER, run_playbook, secret

SALES = '\'Department\' = "Sales"'
SEEDED = '\'Login Name\' LIKE "user%"'


def write_playbook(tmp_path, tasks, name='play.yml'):
    path = tmp_path / name
    path.write_text(yaml.safe_dump([dict(name='Lookup', hosts='localhost', connection='local', gather_facts=False,
                                         tasks=tasks)], sort_keys=False))
    return path


def dump(tmp_path, expression, name):
    """A task writing the value of a Jinja expression as JSON to tmp_path/name."""
    return {'name': 'Write %s' % name,
            'ansible.builtin.copy': dict(content='{{ %s | to_json }}' % expression, dest=str(tmp_path / name),
                                         mode='0600')}


def read(tmp_path, name):
    return json.loads((tmp_path / name).read_text())


def keywords(sim):
    """Extra vars holding the connection; the templates pass them as lookup keywords by variable name."""
    return dict(url=sim.url, user=ADMIN_USER, pw=ADMIN_PASSWORD)


CONNECTION = 'helix_url=url, helix_username=user, helix_password=pw'


def env(sim, **extra):
    values = dict(HELIX_URL=sim.url, HELIX_USERNAME=ADMIN_USER, HELIX_PASSWORD=ADMIN_PASSWORD)
    values.update(extra)
    return values


def paths(sim, path):
    return [r['path'] for r in sim.log].count(path)


def test_lookup_with_keywords_reads_every_page_past_a_server_cap_and_logs_out(sim, tmp_path):
    sim.seed_users(12)
    sim.configure(server_cap=5)
    play = write_playbook(tmp_path, [
        dump(tmp_path, "query('helix.users.users', q, sort='Login Name.asc', %s)" % CONNECTION, 'users.json')])
    rc, output = run_playbook(play, tmp_path, extra_vars=dict(keywords(sim), q=SEEDED))
    assert rc == 0, output
    users = read(tmp_path, 'users.json')
    assert [u['login_name'] for u in users] == ['user%05d' % n for n in range(1, 13)]
    assert all(u['groups'] and u['group_ids'] for u in users)
    lists = [r for r in sim.log if r['method'] == 'GET' and r['path'] == '/api/arsys/v1/entry/User']
    assert len(lists) >= 3  # 12 users, at most 5 per answer
    assert paths(sim, '/api/jwt/login') == 1 and paths(sim, '/api/jwt/logout') == 1
    assert sim.log[-1]['path'] == '/api/jwt/logout'


def test_lookup_with_environment_variables_only(sim, tmp_path):
    play = write_playbook(tmp_path, [
        dump(tmp_path, "query('helix.users.users', filters={'Login Name': ['jdoe', 'asmith']}, fields=['Login Name'])",
             'filtered.json'),
        dump(tmp_path, "query('helix.users.users')", 'everyone.json')])
    rc, output = run_playbook(play, tmp_path, env=env(sim, HELIX_MAX_RETRIES='1', HELIX_TIMEOUT='10',
                                                      HELIX_VALIDATE_CERTS='true'))
    assert rc == 0, output
    filtered = read(tmp_path, 'filtered.json')
    assert sorted(u['login_name'] for u in filtered) == ['asmith', 'jdoe']
    assert all(set(u) == {'request_id', 'login_name', 'values'} for u in filtered)
    everyone = read(tmp_path, 'everyone.json')
    assert sorted(u['login_name'] for u in everyone) == sorted(u['Login Name'] for u in sim.state()['users'])
    assert paths(sim, '/api/jwt/login') == 2 and paths(sim, '/api/jwt/logout') == 2


def test_lookup_returns_what_helix_user_info_returns(sim, tmp_path):
    sim.seed_users(7)
    sim.configure(server_cap=3)
    play = write_playbook(tmp_path, [
        {'name': 'Read with the module', 'helix.users.helix_user_info': dict(
            query='{{ q }}', filters={'Status': 'Current'}, sort='Login Name.asc', helix_url='{{ url }}',
            helix_username='{{ user }}', helix_password='{{ pw }}'), 'register': 'info'},
        dump(tmp_path, 'info.users', 'module.json'),
        dump(tmp_path, "query('helix.users.users', q, filters={'Status': 'Current'}, sort='Login Name.asc', %s)"
             % CONNECTION, 'lookup.json'),
        dump(tmp_path, "query('helix.users.users', q, fields=['Login Name', 'Group List'], limit=4, page_size=2, %s)"
             % CONNECTION, 'fields.json'),
        {'name': 'Read some fields with the module', 'helix.users.helix_user_info': dict(
            query='{{ q }}', fields=['Login Name', 'Group List'], limit=4, page_size=2, helix_url='{{ url }}',
            helix_username='{{ user }}', helix_password='{{ pw }}'), 'register': 'some'},
        dump(tmp_path, 'some.users', 'module-fields.json')])
    rc, output = run_playbook(play, tmp_path, extra_vars=dict(keywords(sim), q=SEEDED + ' OR ' + SALES))
    assert rc == 0, output
    module = read(tmp_path, 'module.json')
    assert len(module) == 7
    assert read(tmp_path, 'lookup.json') == module
    some = read(tmp_path, 'module-fields.json')
    assert len(some) == 4 and read(tmp_path, 'fields.json') == some


def test_lookup_concatenates_terms_and_uses_a_given_token_without_logging_in_or_out(sim, tmp_path):
    play = write_playbook(tmp_path, [
        {'name': 'Log in', 'helix.users.helix_token': dict(helix_url='{{ url }}', helix_username='{{ user }}',
                                                           helix_password='{{ pw }}'), 'register': 'session'},
        dump(tmp_path, "query('helix.users.users', one, two, one, fields=['Login Name'], helix_url=url,"
                       " helix_token=session.token) | map(attribute='login_name') | list", 'logins.json'),
        {'name': 'Log out', 'helix.users.helix_token': dict(helix_url='{{ url }}', helix_token='{{ session.token }}',
                                                            state='absent')}])
    rc, output = run_playbook(play, tmp_path, extra_vars=dict(keywords(sim), one='\'Login Name\' = "jdoe"',
                                                              two='\'Login Name\' = "asmith"'))
    assert rc == 0, output
    assert read(tmp_path, 'logins.json') == ['jdoe', 'asmith', 'jdoe']
    assert paths(sim, '/api/jwt/login') == 1 and paths(sim, '/api/jwt/logout') == 1  # the play's own session


def test_lookup_with_a_bad_password_fails_cleanly_without_showing_it(sim, tmp_path):
    wrong = secret('Wr0ng-Secret-Passw0rd')
    play = write_playbook(tmp_path, [dump(tmp_path, "query('helix.users.users', %s)" % CONNECTION, 'never.json')])
    rc, output = run_playbook(play, tmp_path, extra_vars=dict(keywords(sim), pw=wrong))
    assert rc != 0
    assert "The lookup plugin 'helix.users.users' failed" in output and 'Authentication failed for user' in output
    assert wrong not in output and 'Traceback' not in output
    assert not (tmp_path / 'never.json').exists()
    assert paths(sim, '/api/jwt/logout') == 0 and paths(sim, '/api/arsys/v1/entry/User') == 0


def test_lookup_errors_after_login_still_log_out_and_hide_the_token(sim, tmp_path):
    play = write_playbook(tmp_path, [dump(tmp_path, "query('helix.users.users', 'no such grammar = =', %s)" % CONNECTION,
                                          'never.json')])
    rc, output = run_playbook(play, tmp_path, extra_vars=keywords(sim))
    assert rc != 0
    assert 'AR 1587' in output and 'Traceback' not in output
    assert paths(sim, '/api/jwt/login') == 1 and paths(sim, '/api/jwt/logout') == 1


def test_lookup_refuses_a_blank_term_missing_credentials_and_bad_numbers_before_any_request(sim, tmp_path):
    cases = [("query('helix.users.users', '  ', %s)" % CONNECTION, 'a blank term is refused'),
             ("query('helix.users.users', helix_url=url)", 'give helix_token, or helix_username with helix_password'),
             ("query('helix.users.users', %s, max_retries=-1)" % CONNECTION, 'max_retries must be 0 or more'),
             ("query('helix.users.users', %s, timeout=0)" % CONNECTION, 'timeout must be a positive number'),
             ("query('helix.users.users', %s, limit=-2)" % CONNECTION, 'limit must be 0 (all) or more'),
             ("query('helix.users.users', helix_username=user, helix_password=pw)", 'helix_url'),
             ("query('helix.users.users', escape, %s, filters={'Status': 'Current'})" % CONNECTION,
              'a term has unbalanced parentheses')]
    for expression, complaint in cases:
        play = write_playbook(tmp_path, [dump(tmp_path, expression, 'never.json')])
        rc, output = run_playbook(play, tmp_path, extra_vars=dict(
            keywords(sim), escape="'Login Name' != $NULL$) OR ('Login Name' = \"x\""))
        assert rc != 0, expression
        assert complaint in output, (expression, output[-3000:])
    assert sim.log == []  # the client logs in on its first request, and none was sent


def test_lookup_without_requests_says_so(sim, tmp_path):
    fake = tmp_path / 'no-requests'
    (fake / 'requests').mkdir(parents=True)
    (fake / 'requests' / '__init__.py').write_text('raise ImportError("No module named requests (test)")\n')
    play = write_playbook(tmp_path, [dump(tmp_path, "query('helix.users.users')", 'never.json')])
    rc, output = run_playbook(play, tmp_path, env=dict(env(sim), PYTHONPATH=str(fake)))
    assert rc != 0
    assert 'helix.users.users needs the Python library requests on the controller' in output
    assert sim.log == []


def test_lookup_documents_every_connection_option_from_the_table(tmp_path):
    import os
    import subprocess
    import sys

    from ansible_collections.helix.users.plugins.doc_fragments.connection_lookup import ModuleDocFragment
    from ansible_collections.helix.users.plugins.module_utils.connection import CONNECTION_OPTIONS
    from support import COLLECTIONS, ROOT

    options = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    assert set(options) == set(CONNECTION_OPTIONS)
    for name, option in CONNECTION_OPTIONS.items():
        assert options[name]['env'] == [dict(name=option['env'])]
        assert options[name]['type'] == option['type'] and options[name].get('default') == option.get('default')
    doc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-doc'), '-t', 'lookup', '--json',
                          'helix.users.users'], cwd=ROOT, capture_output=True, text=True, check=False,
                         env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_HOME=str(tmp_path)))
    assert doc.returncode == 0, doc.stderr
    rendered = json.loads(doc.stdout)['helix.users.users']
    assert set(CONNECTION_OPTIONS) | {'_terms', 'filters', 'fields', 'sort', 'limit', 'page_size', 'form'} == set(
        rendered['doc']['options'])
    assert rendered['examples'] and rendered['return']
