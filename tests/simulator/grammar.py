"""AR System qualification grammar (the ``q=`` parameter) and its evaluator.

Syntax: field references in single quotes (``'Login Name'``, ``'101'``; a ``'``
inside is doubled), string literals in double quotes (``"x""y"`` is ``x"y``; any
character, newlines included, may appear inside), numbers, the keywords
``$NULL$ $USER$ $DATE$ $TIMESTAMP$ $TIME$``, comparisons ``= != < <= > >= LIKE``,
boolean ``AND OR NOT`` (any case) or ``&& || !``, parentheses; whitespace anywhere.
Precedence: NOT binds tighter than AND, which binds tighter than OR.

AST shape (frozen dataclasses, so nodes compare by value and can be cached):

    Field(name)               'Login Name' -> Field("Login Name"); '101' -> Field("101")
    Literal(value)            "x""y" -> Literal('x"y'); 42 -> Literal(42); 1.5 -> Literal(1.5)
    Keyword(name)             $NULL$ -> Keyword("NULL")
    Compare(op, left, right)  op is one of "=", "!=", "<", "<=", ">", ">=", "LIKE"
    Not(term)
    And(terms), Or(terms)     terms: a tuple of two or more nodes, nested chains flattened

Example: parse("'Login Name' = \"x\"\"y\"") ==
    Compare("=", Field("Login Name"), Literal('x"y'))
"""

import datetime
import functools
import operator
import re
import time
from dataclasses import dataclass

from lark import Lark, Transformer, v_args
from lark.exceptions import UnexpectedInput, VisitError

from .errors import BAD_QUALIFICATION, BAD_VALUE, NO_SUCH_FIELD

KEYWORDS = ("NULL", "USER", "DATE", "TIMESTAMP", "TIME")
CHAR_KINDS = ("char", "grouplist")


class QualificationError(Exception):
    """A qualification that cannot be used; number is the AR message to answer with."""

    number = BAD_QUALIFICATION

    def __init__(self, message, position=None):
        super().__init__(message)
        self.message = message
        self.position = position


class UnknownFieldError(QualificationError):
    """A field reference naming no field of the form (AR message 314)."""

    number = NO_SUCH_FIELD

    def __init__(self, field):
        super().__init__(f"no such field: '{field}'")
        self.field = field


class BadValueError(QualificationError):
    """A literal that does not fit the field, e.g. an unknown selection label (306)."""

    number = BAD_VALUE


@dataclass(frozen=True)
class Field:
    name: str


@dataclass(frozen=True)
class Literal:
    value: object


@dataclass(frozen=True)
class Keyword:
    name: str


@dataclass(frozen=True)
class Compare:
    op: str
    left: object
    right: object


@dataclass(frozen=True)
class Not:
    term: object


@dataclass(frozen=True)
class And:
    terms: tuple


@dataclass(frozen=True)
class Or:
    terms: tuple


_GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr (_OR and_expr)*
?and_expr: not_expr (_AND not_expr)*
?not_expr: _NOT not_expr -> negation
         | comparison
         | "(" or_expr ")"
comparison: operand OP operand
?operand: FIELD -> field
        | STRING -> string
        | NUMBER -> number
        | KEYWORD -> keyword

FIELD: /'(?:[^']|'')*'/
STRING: /"(?:[^"]|"")*"/
NUMBER: /[+-]?(?:\d+(?:\.\d*)?|\.\d+)/
KEYWORD: /\$[A-Za-z]+\$/
OP: "<=" | ">=" | "!=" | "=" | "<" | ">" | /LIKE\b/i
_AND: /AND\b/i | "&&"
_OR: /OR\b/i | "||"
_NOT: /NOT\b/i | "!"
%ignore /\s+/
"""


@v_args(inline=True)
class _ToAst(Transformer):
    """Lark parse tree -> the dataclass AST above."""

    def field(self, token):
        return Field(token[1:-1].replace("''", "'"))

    def string(self, token):
        return Literal(token[1:-1].replace('""', '"'))

    def number(self, token):
        text = str(token)
        return Literal(float(text) if any(c in text for c in ".") else int(text))

    def keyword(self, token):
        name = token[1:-1].upper()
        if name not in KEYWORDS:
            raise QualificationError(f"unknown keyword {token}", token.start_pos)
        return Keyword(name)

    def comparison(self, left, op, right):
        return Compare(str(op).upper(), left, right)

    def negation(self, term):
        return Not(term)

    def and_expr(self, *terms):
        return And(_flatten(And, terms))

    def or_expr(self, *terms):
        return Or(_flatten(Or, terms))


def _flatten(kind, terms):
    flat = []
    for term in terms:
        flat.extend(term.terms if isinstance(term, kind) else (term,))
    return tuple(flat)


# LALR with the transformer inline: about 10x faster than Earley, and plenty for this grammar.
_PARSER = Lark(_GRAMMAR, parser="lalr", transformer=_ToAst())


@functools.lru_cache(maxsize=4096)
def parse(text):
    """Parse a qualification into the AST; raise QualificationError(message, position)."""
    if not text or not text.strip():
        raise QualificationError("empty qualification", 0)
    try:
        return _PARSER.parse(text)
    except VisitError as exc:
        if isinstance(exc.orig_exc, QualificationError):
            raise exc.orig_exc from None
        raise
    except UnexpectedInput as exc:
        position = exc.pos_in_stream
        token = getattr(exc, "token", None)
        if position is None or position < 0 or (token is not None and token.type == "$END"):
            position = len(text)
        near = text[position:position + 20]
        where = f"at position {position}" + (f" near {near!r}" if near else " (end of text)")
        raise QualificationError(f"syntax error {where}", position) from None


# ---------------------------------------------------------------- evaluation

_ORDER = {
    "=": operator.eq, "!=": operator.ne, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}
_MIRROR = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<=", "LIKE": "LIKE"}


# The date literals AR documents (AR-API-FACTS.md): integers of seconds, or quoted strings such as "04/01/04"
# or "11/27/2026 08:45:00", read in the server's time zone (the simulator's is UTC). ISO 8601 is not documented,
# so it is refused like any value that does not fit (306), so that no client comes to depend on it.
_DATE_FORMATS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%m/%d/%y %H:%M:%S", "%m/%d/%y %H:%M", "%m/%d/%y")


def parse_date(text):
    """Epoch seconds from a number string or an AR date string (MM/DD/YY[YY] [HH:MM[:SS]]); None when unreadable."""
    text = text.strip()
    if re.fullmatch(r"\d+", text):
        return int(text)
    for layout in _DATE_FORMATS:
        try:
            moment = datetime.datetime.strptime(text, layout)
        except ValueError:
            continue
        return int(moment.replace(tzinfo=datetime.timezone.utc).timestamp())
    return None


def like_regex(pattern, case_sensitive=True):
    """AR LIKE: % is any run, _ is one character, the pattern matches the whole value."""
    parts = [".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern]
    flags = re.DOTALL | (0 if case_sensitive else re.IGNORECASE)
    return re.compile("".join(parts), flags)


class _Compiler:
    """Turns an AST into nested closures over a values dict (field name -> stored value).

    The form only needs ``field(ref)`` returning an object with ``name``, ``kind``
    ("char", "grouplist", "selection", "integer", "date", "object", "password") and, for
    selections, ``labels`` (index -> label).
    """

    def __init__(self, form, user, case_sensitive, now):
        self.form = form
        self.user = user
        self.case_sensitive = case_sensitive
        self.now = time.time() if now is None else now

    def compile(self, node):
        if isinstance(node, Or):
            preds = tuple(self.compile(t) for t in node.terms)
            return lambda values: any(p(values) for p in preds)
        if isinstance(node, And):
            preds = tuple(self.compile(t) for t in node.terms)
            return lambda values: all(p(values) for p in preds)
        if isinstance(node, Not):
            pred = self.compile(node.term)
            return lambda values: not pred(values)
        return self._compare(node)

    def _field(self, node):
        field = self.form.field(node.name)
        if field is None:
            raise UnknownFieldError(node.name)
        return field

    def _compare(self, node):
        op, left, right = node.op, node.left, node.right
        if not isinstance(left, Field) and isinstance(right, Field):
            op, left, right = _MIRROR[op], right, left
        if _is_null(right):
            return self._null_check(op, left)
        if _is_null(left):
            return self._null_check(op, right)
        if isinstance(left, Field):
            field = self._field(left)
            get_left = self._getter(field)
            if isinstance(right, Field):
                get_right = self._getter(self._field(right))
            else:
                constant = self._coerce(field, self._constant(right), op)
                get_right = _fixed(constant)
        else:
            field = None
            constant_left, constant_right = self._constant(left), self._constant(right)
            get_left, get_right = _fixed(constant_left), _fixed(constant_right)
        if op == "LIKE":
            return self._like(get_left, get_right, field)
        compare = _ORDER[op]

        def predicate(values):
            a, b = get_left(values), get_right(values)
            if a is None or b is None:
                return False
            try:
                return compare(a, b)
            except TypeError:
                return False
        return predicate

    def _null_check(self, op, other):
        if isinstance(other, Field):
            get = self._getter(self._field(other))
        else:
            constant = self._constant(other)
            get = _fixed(constant)
        if op == "=":
            return lambda values: get(values) is None
        if op == "!=":
            return lambda values: get(values) is not None
        return lambda values: False

    def _constant(self, node):
        if isinstance(node, Literal):
            return node.value
        if node.name == "USER":
            return self.user
        if node.name in ("TIMESTAMP", "TIME"):
            return int(self.now)
        if node.name == "DATE":
            return int(self.now) - int(self.now) % 86400
        return None

    def _getter(self, field):
        """Read a stored value in comparable form (strings folded when case-insensitive)."""
        name = field.name
        if field.kind == "password":
            return lambda values: None if values.get(name) is None else "***"
        if field.kind in CHAR_KINDS and not self.case_sensitive:
            def folded(values):
                value = values.get(name)
                return value.casefold() if isinstance(value, str) else value
            return folded
        return lambda values: values.get(name)

    def _coerce(self, field, value, op):
        """Bring a literal to the stored type of the field it is compared with."""
        if value is None:
            return None
        kind = field.kind
        if op == "LIKE":
            return str(value)
        if kind == "selection":
            return selection_index(field, value)
        if kind in ("integer", "date"):
            if isinstance(value, (int, float)):
                return value
            number = parse_date(value) if kind == "date" else _int_or_none(value)
            if number is None:
                raise BadValueError(f"{field.name}: {value!r} is not a valid {kind} value")
            return number
        if kind in CHAR_KINDS:
            text = value if isinstance(value, str) else _number_text(value)
            return text if self.case_sensitive else text.casefold()
        return value

    def _like(self, get_left, get_right, field):
        case_sensitive = self.case_sensitive
        kind = field.kind if field else "char"
        labels = field.labels if kind == "selection" else None

        @functools.lru_cache(maxsize=64)
        def regex(pattern):
            return like_regex(pattern, case_sensitive)

        def predicate(values):
            value, pattern = get_left(values), get_right(values)
            if value is None or pattern is None:
                return False
            if labels is not None:
                value = labels.get(value, "")
            matcher = regex(str(pattern)).fullmatch
            text = value if isinstance(value, str) else _number_text(value)
            # Group List "1;20;" has no leading ';': also try ";1;20;" so "%;1;%" finds the first group.
            return matcher(text) is not None or (kind == "grouplist" and matcher(";" + text) is not None)
        return predicate


def _is_null(node):
    return isinstance(node, Keyword) and node.name == "NULL"


def _fixed(value):
    """A getter that ignores the row: for literals and keywords."""
    return lambda values: value


def _number_text(value):
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _int_or_none(text):
    try:
        return int(str(text).strip())
    except ValueError:
        return None


def selection_index(field, value):
    """Selection value (label, integer or numeric string) -> its index; BadValueError if none."""
    labels = field.labels
    if isinstance(value, bool):
        raise BadValueError(f"{field.name}: {value!r}")
    if isinstance(value, (int, float)) and float(value).is_integer() and int(value) in labels:
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d+", text) and int(text) in labels:
            return int(text)
        for index, label in labels.items():
            if label.casefold() == text.casefold():
                return index
    raise BadValueError(f"{field.name}: {value!r} is not one of {', '.join(labels.values())}")


def compile_qualification(text, form, *, user="", case_sensitive=True, now=None):
    """Compile a qualification (text or AST) into predicate(values_dict) -> bool.

    Raises QualificationError (syntax, 1587), UnknownFieldError (314) or BadValueError (306).
    """
    node = parse(text) if isinstance(text, str) else text
    predicate = _Compiler(form, user, case_sensitive, now).compile(node)
    return predicate


def equality_sets(node, field_of):
    """Values a qualification pins fields to, for index look-ups.

    Returns (field_name, set_of_literals) when the qualification is an equality on
    one field, an OR of such equalities, or an AND containing one; otherwise None.
    ``field_of(ref)`` resolves a field reference to its canonical name or None.
    """
    if isinstance(node, Compare) and node.op == "=":
        pairs = ((node.left, node.right), (node.right, node.left))
        for field, literal in pairs:
            if isinstance(field, Field) and isinstance(literal, Literal) and isinstance(literal.value, str):
                name = field_of(field.name)
                return (name, {literal.value}) if name else None
        return None
    if isinstance(node, Or):
        parts = [equality_sets(term, field_of) for term in node.terms]
        if any(p is None for p in parts) or len({p[0] for p in parts}) != 1:
            return None
        return parts[0][0], set().union(*(p[1] for p in parts))
    if isinstance(node, And):
        for term in node.terms:
            found = equality_sets(term, field_of)
            if found:
                return found
    return None
