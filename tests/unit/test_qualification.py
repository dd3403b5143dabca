"""The qualification builder: whatever the input, a quoted value parses back to itself and never widens a match."""

from hypothesis import given, strategies as st

from ansible_collections.helix.users.plugins.module_utils import qualification as qb
from simulator.grammar import And, Compare, Field, Literal, Or, parse

# Strings that matter to AR's syntax, mixed with anything else Unicode has.
TOKENS = list('"\'%_()!=<>&|;$\\\n\r\t ') + [' AND ', ' OR ', 'NOT ', ' LIKE ', '$NULL$', 'a', 'é', 'jdoe']
HOSTILE = st.one_of(st.text(), st.lists(st.sampled_from(TOKENS), max_size=12).map(''.join))


@given(HOSTILE, HOSTILE)
def test_a_quoted_field_and_value_parse_back_to_themselves(field, value):
    assert parse(qb.equals(field, value)) == Compare('=', Field(field), Literal(value))


@given(st.lists(HOSTILE, min_size=2, max_size=6))
def test_any_of_is_an_or_of_exact_comparisons(values):
    tree = parse(qb.any_of('Login Name', values))
    assert tree == Or(tuple(Compare('=', Field('Login Name'), Literal(v)) for v in values))


@given(HOSTILE, st.dictionaries(st.sampled_from(['Login Name', 'Department', 'Company']), HOSTILE, min_size=2))
def test_query_and_filters_stay_separate_clauses(value, filters):
    tree = parse(qb.all_of("'Status' = \"Current\" OR 'Status' = \"Proposed\"", qb.from_filters(filters)))
    assert isinstance(tree, And) and isinstance(tree.terms[0], Or)
    assert tree.terms[1:] in [tuple(Compare('=', Field(k), Literal(v)) for k, v in filters.items()),
                              (And(tuple(Compare('=', Field(k), Literal(v)) for k, v in filters.items())),)]


@given(st.lists(HOSTILE, min_size=1, max_size=40), st.integers(min_value=60, max_value=400))
def test_chunks_cover_every_value_once_within_the_length(values, max_length):
    values = list(dict.fromkeys(values))
    chunks = list(qb.chunked_any_of('Login Name', values, max_length))
    seen = []
    for chunk in chunks:
        tree = parse(chunk)
        terms = tree.terms if isinstance(tree, Or) else (tree,)
        seen.extend(term.right.value for term in terms)
        if len(terms) > 1:
            assert len(chunk) <= max_length
    assert seen == values


def test_numbers_and_null_are_not_quoted():
    assert qb.equals('Group ID', 1000000001) == "'Group ID' = 1000000001"
    assert qb.equals('Email Address', None) == "'Email Address' = $NULL$"
    assert qb.all_of('', None, "'a' = 1") == "'a' = 1"
    assert qb.any_of('x', []) == "('x' = $NULL$ AND 'x' != $NULL$)"


@given(st.lists(st.tuples(HOSTILE, HOSTILE), min_size=1, max_size=5))
def test_qualifications_built_from_any_text_are_balanced(pairs):
    query = qb.all_of(*[qb.equals(field, value) for field, value in pairs])
    assert qb.balance_problem(query) is None
    assert qb.balance_problem(qb.any_of(pairs[0][0], [value for _field, value in pairs])) is None


def test_parentheses_outside_quotes_must_balance():
    assert qb.balance_problem("'Login Name' != $NULL$) OR ('Login Name' = \"x\"") is not None
    assert qb.balance_problem("('Status' = \"Current\"") == 'unbalanced parentheses (1 "(" left open)'
    assert qb.balance_problem("'A' = \"x)\" AND 'B(' = \"\"\"(\"") is None  # inside quotes, doubled quotes
    assert qb.balance_problem("'A' = \"open") == 'an unterminated quoted value'
    assert qb.balance_problem("'A = 1") == 'an unterminated quoted field name'


@given(st.lists(HOSTILE, min_size=0, max_size=60), st.integers(min_value=60, max_value=400))
def test_the_chunk_count_bound_never_exceeds_the_chunks(values, max_length):
    assert qb.chunk_count_at_least('Login Name', values, max_length) <= len(list(
        qb.chunked_any_of('Login Name', values, max_length)))
