"""The sections of docs/benchmarks.md that separate benchmark scripts own, each between its own markers.

`make bench` rewrites the main tables (benchmarks/run.py) and keeps every section it does not make;
each other script replaces only its own section.
"""

import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATH = os.path.join(ROOT, 'docs', 'benchmarks.md')
SECTION = re.compile(r'<!-- ([a-z-]+):start -->.*?<!-- \1:end -->', re.S)


def markers(name):
    return '<!-- %s:start -->' % name, '<!-- %s:end -->' % name


def wrap(name, lines):
    start, end = markers(name)
    return '\n'.join([start] + list(lines) + [end])


def kept(text):
    """Every marked section of a docs/benchmarks.md text, in order."""
    return [match.group(0) for match in SECTION.finditer(text)]


def read():
    with open(PATH, encoding='utf-8') as handle:
        return handle.read()


def write_section(name, text):
    """Put one marked section into docs/benchmarks.md, replacing the one there (or appending it)."""
    start, end = markers(name)
    current = read()
    if start in current and end in current:
        current = current[:current.index(start)] + text + current[current.index(end) + len(end):]
    else:
        current = current.rstrip('\n') + '\n\n' + text + '\n'
    with open(PATH, 'w', encoding='utf-8') as out:
        out.write(current)
