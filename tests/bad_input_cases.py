"""The bad-input table: what a user may get wrong, and what the modules answer.

Used by tests/unit/test_bad_input.py (each case fails clearly, with no traceback and no write) and by
tools/render_bad_input.py, which writes docs/bad-input.md with the message each case really gives.
"""

import os
import re
import socket

from support import ADMIN_PASSWORD, ADMIN_USER

MODULES = {'helix_user': 'helix_user', 'helix_user_info': 'helix_user_info', 'helix_token': 'helix_token'}


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


class Case(object):
    """One row: a title, the module and its arguments, an optional simulator set-up, the expected fragment."""

    def __init__(self, title, module, args, expect, setup=None, url=None, credentials=True, server_validates=False,
                 tls=False, secret=None):
        self.title, self.module, self.args, self.expect = title, module, args, expect
        self.setup, self.url, self.credentials = setup, url, credentials
        self.tls = tls  # run against the simulator serving HTTPS with a certificate of an unknown CA
        # Only the tenant knows which fields it lets the account write: that write is sent, and refused.
        self.server_validates = server_validates
        self.secret = secret  # a value of the arguments no output may show

    def arguments(self, sim):
        url = self.url(sim) if self.url else sim.url
        options = dict(helix_url=url, max_retries=1)
        if self.credentials:
            options.update(helix_username=ADMIN_USER, helix_password=ADMIN_PASSWORD)
        options.update(self.args)
        return options


def _configure(**options):
    def setup(sim):
        sim.configure(**options)
    return setup


def _file(name, text):
    """helix_user with a users_file, as its action plugin hands it over (its text)."""
    return dict(users_file='/srv/%s' % name, _users_file_content=text)


def _expired_token(sim):
    sim.configure(html_401=True)


CASES = [
    Case('empty login_name', 'helix_user', dict(login_name=''), 'login_name must be a non-empty string'),
    Case('whitespace login_name', 'helix_user', dict(login_name='   '), 'login_name must be a non-empty string'),
    Case('a login repeated in users', 'helix_user',
         dict(users=[dict(login_name='jdoe', department='A'), dict(login_name='jdoe', department='B')]),
         "users[1] (jdoe): login_name 'jdoe' is repeated (first in users[0])"),
    Case('unknown state', 'helix_user', dict(login_name='jdoe', state='disabled'),
         'value of state must be one of: present, obsolete, absent, got: disabled'),
    Case('groups not a list', 'helix_user', dict(login_name='jdoe', groups={'Service Desk': True}),
         "argument 'groups' is of type dict and we were unable to convert to list"),
    Case('purge without purge_query', 'helix_user', dict(users=['jdoe'], purge=True), 'purge needs a non-blank purge_query'),
    Case('a blank purge_query (a template that rendered nothing)', 'helix_user',
         dict(users=['jdoe'], purge=True, purge_query='\n  '), 'purge needs a non-blank purge_query'),
    Case('a purge with an empty users list', 'helix_user',
         dict(users=[], purge=True, purge_query="'Department' = \"Sales\""), 'purge with no declared users is refused'),
    Case('an empty login in purge_exclude', 'helix_user',
         dict(users=['jdoe'], purge=True, purge_query="'Department' = \"Sales\"", purge_exclude=['svc', '']),
         'purge_exclude has an empty login name'),
    Case('an empty group name (groups: [""])', 'helix_user', dict(login_name='jdoe', groups=['']),
         "user 'jdoe': groups has an empty group name"),
    Case('an empty groups string (groups: "")', 'helix_user', dict(login_name='jdoe', groups=''),
         "user 'jdoe': groups has an empty group name"),
    Case('the password through fields by field id', 'helix_user',
         dict(login_name='jdoe', fields={'102': 'Fields-Secret-Pw-3'}),
         "fields may not set '102' (Password): use the option password", secret='Fields-Secret-Pw-3'),
    Case('the Group List through fields by field id', 'helix_user', dict(login_name='jdoe', fields={'104': '1;'}),
         "fields may not set '104' (Group List): use the option groups"),
    Case('the Login Name through fields by field id', 'helix_user', dict(login_name='jdoe', fields={'101': 'other'}),
         "fields may not set '101' (Login Name): use the option login_name"),
    Case('an option field through fields in another case', 'helix_user',
         dict(login_name='jdoe', fields={'full name': 'X'}), "fields may not set 'full name' (Full Name): use the option full_name"),
    Case('a Default Notify Mechanism out of range', 'helix_user', dict(login_name='jdoe', notify_mechanism='7'),
         "notify_mechanism '7' is not a value of 'Default Notify Mechanism': one of None, Alert, Email"),
    Case('a login repeated in another case', 'helix_user', dict(users=['user00050', 'USER00050']),
         "users[1] (USER00050): login_name 'USER00050' is repeated (first in users[0] as 'user00050'"),
    Case('a login that matches a stored one only by case', 'helix_user', dict(login_name='JDOE', department='X'),
         "user 'JDOE': the tenant has 'jdoe', which differs only by case", setup=_configure(case_sensitive=False)),
    Case('a negative concurrency', 'helix_user', dict(users=['jdoe'], concurrency=-2),
         'concurrency must be 1 or more, got -2'),
    Case('a create without full_name and license_type', 'helix_user', dict(login_name='newbie', email='n@example.com'),
         "cannot create user 'newbie': full_name and license_type are required to create a user"),
    Case('an unknown group', 'helix_user', dict(login_name='jdoe', groups=['Service Dsk']),
         "user 'jdoe': unknown group 'Service Dsk'"),
    Case('an unknown License Type', 'helix_user', dict(login_name='x1', full_name='X', license_type='Platinum'),
         "user 'x1': license_type 'Platinum' is not a value of 'License Type'"),
    Case('a field the tenant does not let anyone write', 'helix_user',
         dict(login_name='x1', full_name='X', license_type='Read', fields={'Submitter': 'someone'}),
         "could not create user 'x1'", server_validates=True),
    Case('a URL without scheme', 'helix_user_info', dict(login_name=['jdoe']),
         'helix_url must be an absolute http:// or https:// URL', url=lambda sim: sim.url.split('://', 1)[1]),
    Case('an unreachable host', 'helix_user_info', dict(login_name=['jdoe']),
         "Login of user 'Demo' failed after 2 attempt(s): NewConnectionError",
         url=lambda sim: 'http://127.0.0.1:%d' % free_port()),
    Case('a TLS certificate that does not verify (validate_certs: true)', 'helix_user_info', dict(login_name=['jdoe']),
         'TLS failure talking to https://127.0.0.1', tls=True),
    Case('a server answering invalid JSON', 'helix_user_info', dict(login_name=['jdoe']),
         'with a body that is not valid JSON', setup=_configure(rate_invalid_json=1.0, faults_skip_login=True)),
    Case('a wrong password', 'helix_token', dict(helix_password='Not-The-Password'),
         "Authentication failed for user 'Demo': AR 623: Authentication failed (wrong username or password)"),
    Case('an account marked invalid', 'helix_token', {}, "AR 624",
         setup=_configure(invalid_accounts=['Demo'])),
    Case('plain http:// to a tenant that refuses it', 'helix_user_info', dict(login_name=['jdoe']),
         'the tenant refuses plain HTTP; use https:// in helix_url', setup=_configure(refuse_http=True)),
    Case('a field the account may not write (field permission)', 'helix_user',
         dict(login_name='jdoe', department='Ops'), 'the account may not write the field Department',
         setup=_configure(forbidden_fields=['Department']), server_validates=True),
    Case('a ca_path that does not exist', 'helix_user_info', dict(login_name=['jdoe'], ca_path='/nonexistent/ca.pem'),
         "ca_path '/nonexistent/ca.pem' is not a readable file"),
    Case('the guest-user trap (unknown user answered with a token)', 'helix_token',
         dict(helix_username='ghost', helix_password='whatever'), "Authentication failed for user 'ghost'",
         setup=_configure(guest_mode=True)),
    Case('an expired token behind single sign-on (HTML 401)', 'helix_user_info',
         dict(login_name=['jdoe'], helix_token='eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.expired'),
         'the token is expired, revoked or invalid (an HTML page', setup=_expired_token, credentials=False),
    Case('a qualification with a syntax error', 'helix_user_info', dict(query="'Status' = = \"Current\""),
         'failed with HTTP 400: AR 1587'),
    Case('a field the form does not have', 'helix_user_info', dict(query="'Shoe Size' = 44"),
         'failed with HTTP 400: AR 314'),
    # the strict door (issue "One strict door for input"): nothing is sent, no value that may be a secret is shown
    Case('two spellings of one option in an item', 'helix_user', dict(users=[dict(login_name='jdoe', name='John Doe')]),
         'users[0] (jdoe): login_name and name are two spellings of one option (login_name); give one'),
    Case('a duplicate key in a YAML users_file', 'helix_user', _file('u.yml', '- login_name: jdoe\n  login_name: x\n'),
         "users_file /srv/u.yml line 2: duplicate key 'login_name' in one item"),
    Case('a duplicate key in a JSON users_file', 'helix_user',
         _file('u.json', '[\n{"login_name": "jdoe", "login_name": "x"}]'),
         "users_file /srv/u.json line 2: duplicate key 'login_name' in one object"),
    Case('an unquoted 0123 as a login in a users_file (YAML reads 83)', 'helix_user',
         _file('u.yml', '- login_name: 0123\n'), 'users_file u.yml item 1 (line 1): login_name must be text, got a number'),
    Case('a login YAML read as a number in users', 'helix_user', dict(users=[dict(login_name=83)]),
         'users[0]: login_name must be text, got a number'),
    Case('a group id as a number', 'helix_user', dict(login_name='jdoe', groups=[1000000001]),
         'groups[0] must be text, got a number'),
    Case('a field value YAML read as a boolean', 'helix_user', dict(users=[dict(login_name='jdoe', fields={'Notes': True})]),
         'users[0] (jdoe): fields.Notes must be text or null, got a boolean'),
    Case('users given as a string (a file lookup on ansible-core 2.19+)', 'helix_user',
         dict(users='[{"login_name": "jdoe", "password": "Json-String-Pw-9"}]'),
         'users is a string, not a list', secret='Json-String-Pw-9'),
    Case('a login with a newline (a survey textarea)', 'helix_user', dict(login_name='user10\nuser11', state='obsolete'),
         'login_name contains a control character'),
    Case('a CSV users_file without its header row', 'helix_user', _file('u.csv', 'jdoe,Csv-Cell-Pw-8,Fixed\n'),
         'users_file /srv/u.csv row 1: columns 1, 2, 3 are not an option name', secret='Csv-Cell-Pw-8'),
    Case('a YAML tag in a users_file (!Password)', 'helix_user', _file('u.yml', '- login_name: jdoe\n  password: !Tag-Pw-7\n'),
         'users_file /srv/u.yml is not valid YAML: line 2, column 13 (ConstructorError; the text there is not shown',
         secret='Tag-Pw-7'),
    Case('a JSON syntax error in a users_file', 'helix_user', _file('u.json', '[{"login_name" "jdoe"}]'),
         "users_file /srv/u.json is not valid JSON: line 1, column 16: Expecting ':' delimiter"),
    Case('unbalanced parentheses in a query', 'helix_user_info',
         dict(query="'Login Name' != $NULL$) OR ('Login Name' = \"x\"", filters={'Status': 'Current'}),
         'query has unbalanced parentheses (a ")" closes what it did not open)'),
    Case('credentials in helix_url without a scheme', 'helix_user_info', dict(login_name=['jdoe']),
         'helix_url must not carry credentials', url=lambda sim: 'Demo:Url-Pw-6@' + sim.url.split('://', 1)[1],
         secret='Url-Pw-6'),
    Case('a field id the form does not have', 'helix_user', dict(login_name='jdoe', fields={'536870999': 'x'}),
         "fields names '536870999', which is no field of form 'User'"),
    Case('a misspelt field name', 'helix_user', dict(login_name='jdoe', fields={'Deparment': 'Ops'}),
         "fields names 'Deparment', which is no field of form 'User' (did you mean 'Department'?)"),
    Case('a field id on a tenant without field metadata', 'helix_user',
         dict(login_name='jdoe', fields={'536870999': 'x'}),
         "fields names the field '536870999' by an id this module can not resolve to a name",
         setup=_configure(field_metadata='404')),
]


def run_case(case, sim, run_module, tls_sim=None):
    """Set the case up, run it, put the simulator back; returns the module's result."""
    if case.tls:
        sim = tls_sim
    if case.setup:
        case.setup(sim)
    try:
        return run_module(MODULES[case.module], case.arguments(sim))
    finally:
        sim.reset()


def core_wording(message):
    """ansible-core 2.17 and 2.18 name a wrong argument's type as <class 'dict'>, 2.19 and newer (the table) as dict."""
    return re.sub(r"is of type <class '(\w+)'>", r'is of type \1', message)


def normalise(message):
    """The message with the run's ports replaced, so the documented table stays the same between runs."""
    message = core_wording(message)
    message = re.sub(r'127\.0\.0\.1:\d+', '127.0.0.1:PORT', message)
    message = re.sub(r'port=\d+', 'port=PORT', message)
    message = re.sub(r'_ssl\.c:\d+', '_ssl.c:N', message)  # the line in CPython's ssl module differs by version
    return message.replace('|', '\\|').replace('\n', ' ')


def docs_path(root):
    return os.path.join(root, 'docs', 'bad-input.md')
