"""The qualification grammar: parsing, the AST, evaluation, and q= over HTTP."""

import pytest
from hypothesis import given, settings, strategies as st

from simulator import QualificationError, compile_qualification, parse
from simulator.forms import USER_FORM
from simulator.grammar import And, Compare, Field, Keyword, Literal, Not, Or, UnknownFieldError

from sim_helpers import error_number, new_user

JDOE = {"Request ID": "000000000000002", "Login Name": "jdoe", "Full Name": "John Doe", "Status": 0,
        "License Type": 1, "Group List": "1;1000000001;", "Email Address": None, "Password": "salt$hash",
        "Create Date": 1_700_000_000, "Phone Number": 'say "hi"\nbye'}


def matches(text, values=None, **options):
    return compile_qualification(text, USER_FORM, **options)(JDOE if values is None else values)


def quote_field(name):
    return "'" + name.replace("'", "''") + "'"


def quote_string(value):
    return '"' + value.replace('"', '""') + '"'


def test_ast_shape():
    assert parse("'Login Name' = \"x\"\"y\"") == Compare("=", Field("Login Name"), Literal('x"y'))
    assert parse("'101'!=$NULL$") == Compare("!=", Field("101"), Keyword("NULL"))
    assert parse("'It''s' like \"a%\"") == Compare("LIKE", Field("It's"), Literal("a%"))
    assert parse("'a' >= -1.5") == Compare(">=", Field("a"), Literal(-1.5))
    tree = parse("'a'=1 OR 'b'=2 AND NOT 'c'=3")
    assert tree == Or((Compare("=", Field("a"), Literal(1)),
                       And((Compare("=", Field("b"), Literal(2)), Not(Compare("=", Field("c"), Literal(3)))))))
    assert parse("('a'=1 OR 'b'=2) AND 'c'=3") == And((Or((Compare("=", Field("a"), Literal(1)),
                                                           Compare("=", Field("b"), Literal(2)))),
                                                       Compare("=", Field("c"), Literal(3))))
    assert parse("'a'=1 && 'b'=2 || ! 'c'=3") == parse("'a'=1 and 'b'=2 or not 'c'=3")
    assert parse("'a'=1 AND 'b'=2 AND 'c'=3").terms == parse("'a'=1 AND ('b'=2 AND 'c'=3)").terms


def test_whitespace_and_newlines():
    assert parse("\n  'Login Name'\t=\r\n\"a\nb\"  ") == Compare("=", Field("Login Name"), Literal("a\nb"))


@pytest.mark.parametrize("text", ["", "   ", "'a' =", "'a' == 1", "'a' = 1 AND", "('a' = 1", "'a' = 1)",
                                  "'a", '"x" ', "'a' = \"unterminated", "$FOO$ = 1", "'a' ~ 1", "a = 1",
                                  "'a' = 1 'b' = 2", "NOT", "'a' = \"x\" OR OR 'b' = 1"])
def test_syntax_errors(text):
    with pytest.raises(QualificationError) as info:
        parse(text)
    assert info.value.number == 1587
    assert info.value.position is not None and 0 <= info.value.position <= len(text)


def test_error_position_points_at_problem():
    with pytest.raises(QualificationError) as info:
        parse("'a' = 1 AND 'b' ~ 2")
    assert info.value.position == 16
    assert "16" in info.value.message


@given(name=st.text(min_size=1).filter(lambda s: s.strip() == s and s),
       op=st.sampled_from(["=", "!=", "<", "<=", ">", ">=", "LIKE"]),
       value=st.text())
@settings(max_examples=300, deadline=None, database=None)
def test_quoting_round_trips(name, op, value):
    tree = parse(f"{quote_field(name)} {op} {quote_string(value)}")
    assert tree == Compare(op, Field(name), Literal(value))


@given(value=st.text())
@settings(max_examples=200, deadline=None, database=None)
def test_injection_is_contained(value):
    """A doubled value can never change the structure: one comparison, exact value."""
    predicate = compile_qualification(f"'Login Name' = {quote_string(value)}", USER_FORM)
    assert predicate({"Login Name": value})
    assert not predicate({"Login Name": value + "x"})


@pytest.mark.parametrize("text, expected", [
    ("'Login Name' = \"jdoe\"", True),
    ("'101' = \"jdoe\"", True),
    ("'Login Name' = \"JDOE\"", False),
    ("'Login Name' != \"jdoe\"", False),
    ("'Status' = \"Current\"", True),
    ("'Status' = 0", True),
    ("'Status' = \"0\"", True),
    ("'7' = \"current\"", True),
    ("'License Type' > \"Read\"", True),
    ("'License Type' < 1", False),
    ("'Email Address' = $NULL$", True),
    ("'Email Address' != $NULL$", False),
    ("$NULL$ = 'Email Address'", True),
    ("'Login Name' = $NULL$", False),
    ("'Email Address' = \"\"", False),
    ("'Email Address' != \"x\"", False),
    ("'Email Address' < \"x\"", False),
    ("'Login Name' LIKE \"j%\"", True),
    ("'Login Name' LIKE \"j__e\"", True),
    ("'Login Name' LIKE \"j_e\"", False),
    ("'Login Name' LIKE \"doe\"", False),
    ("'Login Name' LIKE \"%o%\"", True),
    ("'Full Name' LIKE \"John%\" AND 'Status' = \"Current\"", True),
    ("'Group List' LIKE \"%;1000000001;%\"", True),
    ("'Group List' LIKE \"%;1;%\"", True),
    ("'Group List' LIKE \"%;1000000002;%\"", False),
    ("'Status' LIKE \"Curr%\"", True),
    ("NOT 'Login Name' = \"jdoe\"", False),
    ("!('Login Name' = \"x\")", True),
    ("'Login Name' = \"x\" OR 'Login Name' = \"jdoe\"", True),
    ("'Login Name' = \"x\" OR 'Login Name' = \"jdoe\" AND 'Status' = 1", False),
    ("('Login Name' = \"x\" OR 'Login Name' = \"jdoe\") AND 'Status' = 0", True),
    ("NOT 'Status' = 1 AND 'Login Name' = \"jdoe\"", True),
    ("NOT ('Status' = 0 AND 'Login Name' = \"jdoe\")", False),
    ("'Phone Number' = \"say \"\"hi\"\"\nbye\"", True),
    ("'Create Date' > 1600000000", True),
    ("'Create Date' < \"01/01/2020\"", False),
    ("'Create Date' > \"11/14/2023\"", True),
    ("'Create Date' < \"11/14/2023 23:00:00\"", True),
    ("'Create Date' > \"11/14/23 22:14\"", False),
    ("'Create Date' >= \"1700000000\"", True),
    ("'Create Date' < $TIMESTAMP$", True),
    ("'Login Name' = $USER$", True),
    ("'Password' = $NULL$", False),
    ("'Password' = \"salt$hash\"", False),
    ("'Login Name' = 'Full Name'", False),
    ("1 = 1", True),
])
def test_evaluation(text, expected):
    assert matches(text, user="jdoe") is expected


def test_case_insensitive_option():
    assert matches("'Login Name' = \"JDOE\"", case_sensitive=False)
    assert matches("'Login Name' LIKE \"J%\"", case_sensitive=False)
    assert not matches("'Login Name' LIKE \"J%\"")


def test_unknown_field_and_bad_selection():
    with pytest.raises(UnknownFieldError) as info:
        compile_qualification("'Shoe Size' = 1", USER_FORM)
    assert info.value.field == "Shoe Size" and info.value.number == 314
    with pytest.raises(QualificationError) as info:
        compile_qualification("'Status' = \"Retired\"", USER_FORM)
    assert info.value.number == 306


def test_iso_8601_dates_are_refused_as_ar_does_not_document_them():
    """AR takes dates as integers of seconds or quoted strings such as "04/01/04" (AR-API-FACTS.md); an ISO 8601
    literal is a value that does not fit (306), so that no client comes to depend on it."""
    for literal in ('"2020-01-01T00:00:00+00:00"', '"2020-01-01"', '"yesterday"'):
        with pytest.raises(QualificationError) as info:
            matches("'Create Date' < %s" % literal)
        assert info.value.number == 306, literal


def test_qualifications_over_http(api):
    robert = new_user("rsmith", **{"Full Name": 'Robert "Bobby" Smith', "Phone Number": "line1\nline2"})
    assert api.create(robert).status_code == 201
    found = api.find("'Full Name' = \"Robert \"\"Bobby\"\" Smith\"")
    assert [u["Login Name"] for u in found] == ["rsmith"]
    assert [u["Login Name"] for u in api.find("'Phone Number' = \"line1\nline2\"")] == ["rsmith"]
    assert [u["Login Name"] for u in api.find("'Status' = 1 OR 'License Type' = \"Read\"")] == ["asmith"]
    assert [u["Login Name"] for u in api.find("'Login Name' = \"jdoe\" OR 'Login Name' = \"Demo\"")] == ["Demo", "jdoe"]
    assert [u["Login Name"] for u in api.find("'1' = \"000000000000003\"")] == ["asmith"]
    assert [u["Login Name"] for u in api.find("'Group List' LIKE \"%;1000000001;%\" AND 'Status' = \"Current\"")] == ["jdoe"]
    assert api.find("'Login Name' = \"Robert\" OR 'Full Name' = \"x\"") == []


def test_bad_qualification_over_http(api):
    response = api.users(q="'Login Name' = = \"x\"")
    assert response.status_code == 400 and error_number(response) == 1587
    assert "position" in response.json()[0]["messageAppendedText"]
    response = api.users(q="'Status' = \"Retired\"")
    assert response.status_code == 400 and error_number(response) == 306
