"""users_file: YAML, JSON and CSV read by the action plugin and parsed by the module; bad files send nothing."""

import os
import shutil
import subprocess
import sys

from support import ADMIN_PASSWORD, run_playbook, secret, writes

PLAYBOOKS = os.path.join(os.path.dirname(__file__), 'playbooks')


def test_users_file_in_every_format_converges_and_bad_files_send_nothing(sim, tmp_path):
    passwords = [secret('Yaml-File-Secret-1'), secret('Csv-File-Secret-1')]
    playbooks = tmp_path / 'playbooks'
    shutil.copytree(PLAYBOOKS, playbooks)
    # made here: a broken YAML file in the repository would fail the sanity yamllint test
    (playbooks / 'files' / 'broken.yml').write_text('- login_name: [unclosed\n', encoding='utf-8')
    rc, output = run_playbook(str(playbooks / 'users_file.yml'), tmp_path, verbosity=3,
                              extra_vars=dict(sim_url=sim.url, admin_password=ADMIN_PASSWORD))
    assert rc == 0, output
    stored = dict((user['Login Name'], user) for user in sim.state()['users'])
    assert stored['yfile1']['Group List'] == '1000000001;1000000002;'
    assert sim.password_matches('yfile1', passwords[0]) and sim.password_matches('cfile1', passwords[1])
    assert stored['yfile2']['Department'] == 'Sales'
    assert stored['jfile2']['Full Text License Type'] == 'Fixed'
    assert stored['cfile1']['Group List'] == '1000000001;1000000002;' and stored['cfile2']['License Type'] == 'Read'
    creates = [w for w in writes(sim) if w['method'] == 'POST']
    created = sorted(w['values']['Login Name'] for w in creates)
    assert created == ['cfile1', 'cfile2', 'jfile1', 'jfile2', 'yfile1', 'yfile2']
    assert [w for w in writes(sim) if w['method'] != 'POST'] == []  # jdoe and asmith were as declared
    for password in passwords:
        assert password not in output


def test_the_provision_role_takes_a_users_file_found_beside_the_playbook(sim, tmp_path):
    (tmp_path / 'files').mkdir()
    (tmp_path / 'files' / 'staff.csv').write_text('login_name,full_name,license_type,department\n'
                                                  'rfile1,Role File,Read,Ops\njdoe,,,Ops\n', encoding='utf-8')
    playbook = tmp_path / 'provision.yml'
    playbook.write_text('- hosts: localhost\n  gather_facts: false\n  roles:\n    - role: helix.users.provision\n'
                        '      vars:\n        helix_users_file: staff.csv\n', encoding='utf-8')
    env = dict(HELIX_URL=sim.url, HELIX_USERNAME='Demo', HELIX_PASSWORD=ADMIN_PASSWORD)
    rc, output = run_playbook(str(playbook), tmp_path, env=env)
    assert rc == 0, output
    assert sim.user('rfile1')['Department'] == 'Ops' and sim.user('jdoe')['Department'] == 'Ops'
    sim.clear_log()
    rc, output = run_playbook(str(playbook), tmp_path, env=env)
    assert rc == 0 and writes(sim) == [], output
    both = tmp_path / 'both.yml'
    both.write_text('- hosts: localhost\n  gather_facts: false\n  roles:\n    - role: helix.users.provision\n'
                    '      vars:\n        helix_users_file: staff.csv\n        helix_users: [jdoe]\n', encoding='utf-8')
    sim.clear_log()
    rc, output = run_playbook(str(both), tmp_path, env=env)
    assert rc != 0 and 'not both' in output and sim.log == []


SECRET_CASES = '''- hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    connection_args: &connection
      helix_url: "{{ sim_url }}"
      helix_username: Demo
      helix_password: "{{ admin_password }}"
  tasks:
    - name: users given as the text of a JSON file
      helix.users.helix_user:
        <<: *connection
        users: "{{ lookup('file', 'users.json') }}"
        state: obsolete
      register: as_string
      ignore_errors: true
    - name: a CSV file without its header row
      helix.users.helix_user:
        <<: *connection
        users_file: headless.csv
      register: headless
      ignore_errors: true
    - name: a users_file that is a link to /etc/passwd
      helix.users.helix_user:
        <<: *connection
        users_file: passwd.csv
      register: passwd
      ignore_errors: true
    - name: a YAML file whose tag is a password
      helix.users.helix_user:
        <<: *connection
        users_file: tagged.yml
      register: tagged
      ignore_errors: true
    - name: credentials in helix_url without a scheme
      helix.users.helix_user_info:
        helix_url: "Demo:{{ url_password }}@{{ sim_url | regex_replace('^https?://', '') }}"
        helix_username: Demo
        helix_password: "{{ admin_password }}"
        login_name: [jdoe]
      register: in_url
      ignore_errors: true
    - name: an encrypted users_file is decrypted as copy does
      helix.users.helix_user:
        <<: *connection
        users_file: vaulted.yml
      register: vaulted
    - name: Every case failed for its reason
      ansible.builtin.assert:
        that:
          - as_string is failed and 'from_json' in as_string.msg
          - headless is failed and 'columns 1, 2, 3 are not an option name' in headless.msg
          - tagged is failed and 'line 2, column 13' in tagged.msg
          - passwd is failed and 'is not an option name' in passwd.msg
          - in_url is failed and 'must not carry credentials' in in_url.msg
          - vaulted is changed
'''


def test_no_secret_case_shows_its_secret_at_vvv_and_a_vaulted_file_is_read(sim, tmp_path):
    secrets = dict(json=secret('Json-In-String-Pw-42'), csv=secret('Headless-Csv-Pw-43'),
                   tag=secret('Tagged-Yaml-Pw-44'), url=secret('Url-Userinfo-Pw-45'), vault=secret('Vault-Item-Pw-46'))
    files = tmp_path / 'files'
    files.mkdir()
    (files / 'users.json').write_text('[{"login_name": "jdoe", "password": "%s"}, {"login_name": "asmith"}]'
                                      % secrets['json'], encoding='utf-8')
    (files / 'headless.csv').write_text('jdoe,%s,Fixed\n' % secrets['csv'], encoding='utf-8')
    (files / 'passwd.csv').symlink_to('/etc/passwd')
    first_line = open('/etc/passwd', encoding='utf-8').readline().strip()
    (files / 'tagged.yml').write_text('- login_name: jdoe\n  password: !%s\n' % secrets['tag'], encoding='utf-8')
    plain = files / 'vaulted.yml'
    plain.write_text('- login_name: vfile1\n  full_name: Vault File\n  license_type: Read\n  password: %s\n'
                     % secrets['vault'], encoding='utf-8')
    vault_password = tmp_path / 'vault-pass'
    vault_password.write_text(secret('Vault-Pass-Word-47') + '\n', encoding='utf-8')
    vault = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-vault'), 'encrypt', str(plain),
                            '--vault-password-file', str(vault_password)], capture_output=True, text=True, check=False)
    assert vault.returncode == 0 and plain.read_text().startswith('$ANSIBLE_VAULT'), vault.stderr
    playbook = tmp_path / 'cases.yml'
    playbook.write_text(SECRET_CASES, encoding='utf-8')
    rc, output = run_playbook(str(playbook), tmp_path, verbosity=3,
                              extra_vars=dict(sim_url=sim.url, admin_password=ADMIN_PASSWORD,
                                              url_password=secrets['url']),
                              env=dict(ANSIBLE_VAULT_PASSWORD_FILE=str(vault_password)))
    assert rc == 0, output
    for value in secrets.values():
        assert value not in output
    assert first_line and first_line not in output and first_line.split(':')[0] + ':x:' not in output
    assert sim.user('vfile1') is not None and sim.password_matches('vfile1', secrets['vault'])
    assert [w['values']['Login Name'] for w in writes(sim)] == ['vfile1']  # the failing cases sent nothing
