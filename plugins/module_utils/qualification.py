# -*- coding: utf-8 -*-
# Copyright: helix.users contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Building AR System qualifications (the q= parameter) safely.

AR quotes field names in single quotes and string values in double quotes and
escapes a quote inside either by doubling it. Every value and field name that
comes from a user goes through these functions, so no input can change what a
qualification means.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote

# Longest qualification sent when selecting many values of one field, URL-encoded: well inside the
# 8 KB request line that common servers and proxies accept, with room for the rest of the URL.
QUALIFICATION_MAX = 4000


# Options that hold a raw AR qualification, checked before any request.
QUALIFICATION_OPTIONS = ('query', 'purge_query', 'key_query')


def balance_problem(text):
    """Why a raw qualification is unsafe to AND with another one, or None.

    A parenthesis closed before it was opened (or one left open) outside the quoted field names ('...') and
    values ("..."; a doubled quote is a quote) would let the term escape the AND it is put in.
    """
    depth, index, length = 0, 0, len(text)
    while index < length:
        char = text[index]
        if char in '\'"':
            end = index + 1
            while True:
                end = text.find(char, end)
                if end == -1:
                    return 'an unterminated quoted %s' % ('field name' if char == "'" else 'value')
                if text[end + 1:end + 2] == char:  # a doubled quote is a quote
                    end += 2
                    continue
                break
            index = end + 1
            continue
        if char == '(':
            depth += 1
        elif char == ')':
            depth -= 1
            if depth < 0:
                return 'unbalanced parentheses (a ")" closes what it did not open)'
        index += 1
    if depth:
        return 'unbalanced parentheses (%d "(" left open)' % depth
    return None


def qualification_problems(params):
    """The problems of the raw qualification options of a module, found before any request."""
    problems = []
    for name in QUALIFICATION_OPTIONS:
        value = params.get(name)
        problem = balance_problem(value) if isinstance(value, str) else None
        if problem:
            problems.append('%s has %s: written so it could escape the AND with the other conditions of the task'
                            % (name, problem))
    return problems


def quote_field(name):
    """'Field Name' with any ' doubled. Field ids (101) are quoted the same way."""
    return "'" + str(name).replace("'", "''") + "'"


def quote_value(value):
    """A literal: None becomes $NULL$, bool/int/float stay numbers, anything else a doubled-quote string."""
    if value is None:
        return '$NULL$'
    if isinstance(value, bool):
        return '1' if value else '0'
    if isinstance(value, (int, float)):
        return repr(value)
    return '"' + str(value).replace('"', '""') + '"'


def equals(field, value):
    return '%s = %s' % (quote_field(field), quote_value(value))


def any_of(field, values):
    """field equals one of values, as an OR chain in parentheses.

    No values means no match: a contradiction on the field (never an empty clause, which
    all_of would drop and so widen the match to everything).
    """
    values = list(values)
    if not values:
        return '(%s = $NULL$ AND %s != $NULL$)' % (quote_field(field), quote_field(field))
    if len(values) == 1:
        return equals(field, values[0])
    return '(' + ' OR '.join(equals(field, value) for value in values) + ')'


def all_of(*clauses):
    """AND of the non-empty clauses, each parenthesised so an OR inside stays inside."""
    clauses = [clause for clause in clauses if clause]
    if len(clauses) == 1:
        return clauses[0]
    return ' AND '.join('(%s)' % clause for clause in clauses)


def from_filters(filters):
    """AND of equality filters: {field: value or [values]}."""
    clauses = []
    for field, value in filters.items():
        if isinstance(value, (list, tuple)):
            clauses.append(any_of(field, value))
        else:
            clauses.append(equals(field, value))
    return all_of(*clauses)


def chunked_any_of(field, values, max_length=QUALIFICATION_MAX):
    """Split an OR chain over many values into qualifications no longer than max_length characters
    once URL-encoded (a single value longer than that still gets its own qualification).

    Lets a module fetch many users by login in few requests while keeping each
    URL within what servers and proxies accept.
    """
    separator = len(quote(' OR ', safe=''))
    chunk = []
    length = 2
    for value in values:
        clause = len(quote(equals(field, value).encode('utf-8'), safe=''))
        if chunk and length + clause + separator > max_length:
            yield any_of(field, chunk)
            chunk, length = [], 2
        chunk.append(value)
        length += clause + separator
    if chunk:
        yield any_of(field, chunk)


def chunk_count_at_least(field, values, max_length=QUALIFICATION_MAX):
    """A lower bound of the number of qualifications chunked_any_of makes of values, without quoting each one
    (URL-encoding only lengthens a clause): cheap enough to weigh 100,000 look-ups against a scan."""
    overhead = len(quote(equals(field, ''), safe=''))
    # every chunk holds at most max_length characters of clauses, or one clause longer than that
    total = sum(min(len(str(value)) + overhead, max_length) for value in values)
    return -(-total // max_length) if total else 0
