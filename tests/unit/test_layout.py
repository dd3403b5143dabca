"""The repository's own rules of layout: import paths come from configuration, never from sys.path edits."""

import os
import re
import subprocess

from support import ROOT

PATH_EDIT = re.compile(r'sys\.path\s*(\.\s*(insert|append|extend)\s*\(|\[[^\]]*\]\s*=|\s*\+=)')


def test_no_python_file_edits_sys_path():
    tracked = subprocess.run(['git', 'ls-files', '--cached', '--others', '--exclude-standard', '*.py'], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    offenders = []
    for path in tracked:
        if path == 'tests/unit/test_layout.py':
            continue  # its own examples
        with open(os.path.join(ROOT, path), encoding='utf-8') as handle:
            for number, line in enumerate(handle, 1):
                if PATH_EDIT.search(line):
                    offenders.append('%s:%d' % (path, number))
    assert tracked and offenders == []


def test_the_pattern_catches_the_usual_edits():
    for line in ('sys.path.insert(0, x)', 'sys.path.append(x)', 'sys.path[:0] = [x]', 'sys.path += [x]'):
        assert PATH_EDIT.search(line), line
    assert not PATH_EDIT.search('print(sys.path)')


def test_unit_tests_need_no_server():
    unit = os.path.join(ROOT, 'tests', 'unit')
    for name in os.listdir(unit):
        if name.endswith('.py') and name != 'test_layout.py':
            with open(os.path.join(unit, name), encoding='utf-8') as handle:
                text = handle.read()
            assert not re.search(r'def test_\w+\([^)]*\bsim\b', text), name
            assert 'run_playbook' not in text, name
