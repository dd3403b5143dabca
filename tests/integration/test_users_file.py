"""users_file: YAML, JSON and CSV read by the action plugin and parsed by the module; bad files send nothing."""

import os
import shutil

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
