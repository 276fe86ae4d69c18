"""Parse a caller's formula expression, check it, and render it as SQL for a generated column."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from psycopg import sql

from polarbase.errors import InvalidFormulaError
from polarbase.schema._formula_tokens import RESERVED_WORDS, Token, TokenKind, tokenize

__all__ = ["FORMULA_FUNCTIONS", "MAX_FORMULA_DEPTH", "MAX_FORMULA_LENGTH", "compile_formula"]

MAX_FORMULA_LENGTH = 2000
MAX_FORMULA_DEPTH = 50

# Functions without side effects, I/O or access to the session, and immutable, as a generated
# column needs (concat, to_char, jsonb_build_object and array_to_string are only stable, so
# PostgreSQL would always refuse them; || concatenates). date_part and date_trunc are immutable
# for some argument types only; PostgreSQL refuses the others when the column is created.
_FUNCTION_NAMES = """
    abs acos asin atan atan2 cbrt ceil ceiling cos degrees div exp floor gcd lcm ln log log10
    mod pi power radians round sign sin sqrt tan trunc width_bucket
    coalesce greatest least nullif num_nonnulls num_nulls
    ascii btrim char_length character_length chr initcap left length lower
    lpad ltrim md5 octet_length repeat replace reverse right rpad rtrim split_part starts_with
    strpos substr substring translate trim upper
    date_part date_trunc make_date make_interval make_time make_timestamp
    array_length cardinality jsonb_array_length jsonb_typeof
""".split()  # noqa: SIM905 - a word list reads better than 80 quoted strings
_FUNCTION_SQL = {name: sql.SQL(name) for name in _FUNCTION_NAMES}
FORMULA_FUNCTIONS: frozenset[str] = frozenset(_FUNCTION_SQL)

# Each type we emit, with the spellings a formula may use for it.
_TYPE_SPELLINGS = {
    "text": ("text",),
    "varchar": ("varchar", "character varying"),
    "integer": ("integer", "int", "int4"),
    "bigint": ("bigint", "int8"),
    "smallint": ("smallint", "int2"),
    "numeric": ("numeric", "decimal"),
    "real": ("real", "float4"),
    "double precision": ("double precision", "float", "float8"),
    "boolean": ("boolean", "bool"),
    "date": ("date",),
    "timestamp": ("timestamp", "timestamp without time zone"),
    "timestamptz": ("timestamptz", "timestamp with time zone"),
    "time": ("time",),
    "interval": ("interval",),
    "json": ("json",),
    "jsonb": ("jsonb",),
    "uuid": ("uuid",),
}
_TYPES = {
    tuple(spelling.split()): name
    for name, spellings in _TYPE_SPELLINGS.items()
    for spelling in spellings
}
_TYPE_PREFIXES = frozenset(words[:n] for words in _TYPES for n in range(1, len(words) + 1))
_TYPE_SQL = {name: sql.SQL(name) for name in _TYPE_SPELLINGS}
_TYPE_MODIFIERS = {"numeric": 2, "varchar": 1}  # numeric(precision, scale), varchar(length)

# Binding strength, loosest first, as in PostgreSQL's operator precedence table.
_OR, _AND, _NOT, _IS, _COMPARE, _PATTERN = range(1, 7)
_OTHER, _ADD, _MULTIPLY, _POWER, _UNARY, _CAST = range(7, 13)
_NON_ASSOCIATIVE = frozenset({_IS, _COMPARE, _PATTERN})
# Infix operators as written (symbol or lower-case word) and their precedence.
_BINARY = {
    operator: precedence
    for precedence, operators in (
        (_OR, ("or",)),
        (_AND, ("and",)),
        (_COMPARE, ("=", "<>", "!=", "<", "<=", ">", ">=")),
        (_PATTERN, ("like", "ilike")),
        (_OTHER, ("||", "->", "->>")),
        (_ADD, ("+", "-")),
        (_MULTIPLY, ("*", "/", "%")),
        (_POWER, ("^",)),
    )
    for operator in operators
}
_NEGATABLE = frozenset({"between", "in", "like", "ilike"})
_NEGATED = {"like": "not like", "ilike": "not ilike"}
_CONSTANTS: dict[str, bool | None] = {"null": None, "true": True, "false": False}
# What we emit for each operator, keyed by its lower-case spelling in the formula.
_OPERATOR_SQL = {
    "or": sql.SQL(" OR "),
    "and": sql.SQL(" AND "),
    "=": sql.SQL(" = "),
    "<>": sql.SQL(" <> "),
    "!=": sql.SQL(" <> "),
    "<": sql.SQL(" < "),
    "<=": sql.SQL(" <= "),
    ">": sql.SQL(" > "),
    ">=": sql.SQL(" >= "),
    "like": sql.SQL(" LIKE "),
    "not like": sql.SQL(" NOT LIKE "),
    "ilike": sql.SQL(" ILIKE "),
    "not ilike": sql.SQL(" NOT ILIKE "),
    "is distinct from": sql.SQL(" IS DISTINCT FROM "),
    "is not distinct from": sql.SQL(" IS NOT DISTINCT FROM "),
    "||": sql.SQL(" || "),
    "->": sql.SQL(" -> "),
    "->>": sql.SQL(" ->> "),
    "+": sql.SQL(" + "),
    "-": sql.SQL(" - "),
    "*": sql.SQL(" * "),
    "/": sql.SQL(" / "),
    "%": sql.SQL(" % "),
    "^": sql.SQL(" ^ "),
}
_PREFIX_SQL = {"-": sql.SQL("-"), "+": sql.SQL("+"), "not": sql.SQL("NOT ")}
_CONSTANT_SQL = {"null": sql.SQL("NULL"), "true": sql.SQL("TRUE"), "false": sql.SQL("FALSE")}
_OPEN, _CLOSE, _COMMA, _SPACE = sql.SQL("("), sql.SQL(")"), sql.SQL(", "), sql.SQL(" ")


# --- the tree ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Value:
    value: int | Decimal | str | bool | None


@dataclass(frozen=True, slots=True)
class Column:
    name: str


@dataclass(frozen=True, slots=True)
class Operation:
    """Operands joined by operators of one precedence, applied left to right."""

    operands: tuple[Node, ...]
    operators: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Prefix:
    operator: str
    operand: Node


@dataclass(frozen=True, slots=True)
class IsTest:
    operand: Node
    constant: str  # null, true or false
    is_negated: bool


@dataclass(frozen=True, slots=True)
class Between:
    operand: Node
    low: Node
    high: Node
    is_negated: bool


@dataclass(frozen=True, slots=True)
class InList:
    operand: Node
    items: tuple[Node, ...]
    is_negated: bool


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    arguments: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Case:
    subject: Node | None
    branches: tuple[tuple[Node, Node], ...]
    default: Node | None


@dataclass(frozen=True, slots=True)
class Cast:
    operand: Node
    type_name: str
    modifiers: tuple[int, ...]
    is_array: bool


Node = Value | Column | Operation | Prefix | IsTest | Between | InList | Call | Case | Cast


# --- parsing -------------------------------------------------------------------------------


def compile_formula(expression: str, *, columns: Collection[str]) -> sql.Composed:
    """Parse `expression`, check it, and return it as safe SQL for a generated column.

    The caller's text never reaches the SQL: the expression is parsed into a tree, each column
    is checked against `columns` and emitted as an identifier, each literal as a value, and
    every keyword, operator, function and type name comes from this module's tables. Each
    sub-expression is parenthesised, so the SQL means what the tree means. `columns` are the
    names the formula may use: the table's other columns (PostgreSQL itself refuses references
    to generated columns). Bare names fold to lower case and "quoted" names do not, as in SQL.

    Raises InvalidFormulaError (400) naming the problem and its 1-based position.

    Example:
        >>> compile_formula("round(price * qty, 2)", columns={"price", "qty"}).as_string()
        'round(("price" * "qty"), 2)'
    """
    if not isinstance(expression, str):
        raise InvalidFormulaError("formula: the expression must be a string")
    if len(expression) > MAX_FORMULA_LENGTH:
        raise InvalidFormulaError(
            f"formula: expression is longer than {MAX_FORMULA_LENGTH} characters"
        )
    if not expression.strip():
        raise InvalidFormulaError("formula: expression is empty")
    tree = _Parser(tokenize(expression), frozenset(columns)).parse()
    rendered = _render(tree, 1)
    return rendered if isinstance(rendered, sql.Composed) else sql.Composed([rendered])


class _Parser:
    """Precedence climbing over the tokens; every nested sub-expression counts toward depth."""

    def __init__(self, tokens: list[Token], columns: frozenset[str]) -> None:
        self._tokens = tokens
        self._index = 0
        self._columns = columns
        self._depth = 0

    def parse(self) -> Node:
        node = self._expression()
        if self._peek().kind is not TokenKind.END:
            raise _unexpected(self._peek())
        return node

    def _expression(self, min_precedence: int = 0) -> Node:
        self._depth += 1
        if self._depth > MAX_FORMULA_DEPTH:
            raise _too_deep()
        left = self._prefix()
        previous = 0
        while True:
            token = self._peek()
            precedence = self._infix_precedence(token)
            if precedence is None or precedence < min_precedence:
                break
            if precedence == previous and precedence in _NON_ASSOCIATIVE:
                raise _unexpected(token)
            left = self._infix(left, precedence, extend=precedence == previous)
            previous = precedence
        self._depth -= 1
        return left

    def _infix_precedence(self, token: Token) -> int | None:
        if _is(token, "::"):
            return _CAST
        if token.kind is TokenKind.WORD:
            if token.value == "is":
                return _IS
            if token.value in ("between", "in"):
                return _PATTERN
            if token.value == "not":
                following = self._peek(1)
                is_negation = following.kind is TokenKind.WORD and following.value in _NEGATABLE
                return _PATTERN if is_negation else None
        if token.kind in (TokenKind.SYMBOL, TokenKind.WORD) and token.value in _BINARY:
            return _BINARY[str(token.value)]
        return None

    def _infix(self, left: Node, precedence: int, *, extend: bool) -> Node:
        if precedence == _CAST:
            self._next()
            return Cast(left, *self._type())
        if precedence == _IS:
            return self._is(left)
        is_negated = self._accept("not")
        token = self._next()
        if token.value == "between":
            low = self._expression(_PATTERN + 1)
            self._expect("and")
            return Between(left, low, self._expression(_PATTERN + 1), is_negated)
        if token.value == "in":
            self._expect("(")
            return InList(left, self._arguments(allow_empty=False), is_negated)
        operator = _NEGATED[str(token.value)] if is_negated else str(token.value)
        right = self._expression(precedence + 1)
        if extend and isinstance(left, Operation):
            return Operation((*left.operands, right), (*left.operators, operator))
        return Operation((left, right), (operator,))

    def _is(self, left: Node) -> Node:
        self._next()
        is_negated = self._accept("not")
        token = self._next()
        if token.kind is TokenKind.WORD and token.value in _CONSTANTS:
            return IsTest(left, str(token.value), is_negated)
        if _is(token, "distinct"):
            self._expect("from")
            operator = "is not distinct from" if is_negated else "is distinct from"
            return Operation((left, self._expression(_IS + 1)), (operator,))
        expected = "expected NULL, TRUE, FALSE or DISTINCT FROM after IS"
        raise _error(f"{expected}, found {_describe(token)}", token)

    def _prefix(self) -> Node:
        token = self._peek()
        if token.kind is TokenKind.SYMBOL and token.value in ("-", "+"):
            self._next()
            return Prefix(str(token.value), self._expression(_UNARY))
        if self._accept("not"):
            return Prefix("not", self._expression(_NOT))
        return self._primary()

    def _primary(self) -> Node:
        token = self._next()
        if token.kind in (TokenKind.NUMBER, TokenKind.STRING):
            return Value(token.value)
        if token.kind is TokenKind.WORD:
            return self._word(token)
        if token.kind is TokenKind.QUOTED:
            if _is(self._peek(), "("):
                raise _error("a function name may not be quoted", token)
            return self._column(token)
        if _is(token, "("):
            node = self._expression()
            self._expect(")")
            return node
        raise _unexpected(token)

    def _word(self, token: Token) -> Node:
        word = str(token.value)
        if word in _CONSTANTS:
            return Value(_CONSTANTS[word])
        if word == "case":
            return self._case()
        if word == "cast":
            self._expect("(")
            operand = self._expression()
            self._expect("as")
            cast = Cast(operand, *self._type())
            self._expect(")")
            return cast
        if _is(self._peek(), "("):
            return self._call(token)
        if word in RESERVED_WORDS:
            raise _unexpected(token)
        return self._column(token)

    def _column(self, token: Token) -> Column:
        if _is(self._peek(), "."):
            self._next()
            part = self._next()
            if part.kind not in (TokenKind.WORD, TokenKind.QUOTED):
                raise _unexpected(part)
            if _is(self._peek(), "("):
                raise _error(f"function '{token.value}.{part.value}' is not allowed", token)
            problem = f"a formula may not refer to column '{part.value}' of another table"
            raise _error(problem, token)
        name = str(token.value)
        if name not in self._columns:
            raise _error(f"unknown column '{name}'", token)
        return Column(name)

    def _call(self, token: Token) -> Call:
        name = str(token.value)
        if name not in FORMULA_FUNCTIONS:
            raise _error(f"function '{name}' is not allowed", token)
        self._next()
        return Call(name, self._arguments(allow_empty=True))

    def _arguments(self, *, allow_empty: bool) -> tuple[Node, ...]:
        """Read comma-separated expressions up to the closing parenthesis."""
        if allow_empty and self._accept(")"):
            return ()
        items = [self._expression()]
        while self._accept(","):
            items.append(self._expression())
        self._expect(")")
        return tuple(items)

    def _case(self) -> Case:
        subject = None if _is(self._peek(), "when") else self._expression()
        branches: list[tuple[Node, Node]] = []
        while self._accept("when"):
            condition = self._expression()
            self._expect("then")
            branches.append((condition, self._expression()))
        if not branches:
            raise _error(f"expected WHEN, found {_describe(self._peek())}", self._peek())
        default = self._expression() if self._accept("else") else None
        self._expect("end")
        return Case(subject, tuple(branches), default)

    def _type(self) -> tuple[str, tuple[int, ...], bool]:
        """Read an allowed type name with its optional modifiers and array brackets."""
        start = self._peek()
        words: tuple[str, ...] = ()
        while (token := self._peek()).kind is TokenKind.WORD:
            if (*words, token.value) not in _TYPE_PREFIXES:
                break
            words = (*words, str(token.value))
            self._next()
        if words not in _TYPES:
            if start.kind is not TokenKind.WORD:
                raise _error(f"expected a type name, found {_describe(start)}", start)
            shown = " ".join(words) if words else start.text
            raise _error(f"type '{shown}' is not allowed", start)
        type_name = _TYPES[words]
        modifiers: list[int] = []
        if type_name in _TYPE_MODIFIERS and self._accept("("):
            modifiers.append(self._whole_number())
            while len(modifiers) < _TYPE_MODIFIERS[type_name] and self._accept(","):
                modifiers.append(self._whole_number())
            self._expect(")")
        is_array = self._accept("[")
        if is_array:
            self._expect("]")
        return type_name, tuple(modifiers), is_array

    def _whole_number(self) -> int:
        token = self._next()
        if token.kind is not TokenKind.NUMBER or not isinstance(token.value, int):
            raise _error(f"expected a whole number, found {_describe(token)}", token)
        return token.value

    def _peek(self, ahead: int = 0) -> Token:
        return self._tokens[min(self._index + ahead, len(self._tokens) - 1)]

    def _next(self) -> Token:
        token = self._peek()
        if token.kind is not TokenKind.END:
            self._index += 1
        return token

    def _accept(self, value: str) -> bool:
        """Consume the next token if it is the keyword or symbol `value`."""
        if _is(self._peek(), value):
            self._next()
            return True
        return False

    def _expect(self, value: str) -> None:
        if not self._accept(value):
            shown = value.upper() if value.isalpha() else f"'{value}'"
            raise _error(f"expected {shown}, found {_describe(self._peek())}", self._peek())


def _is(token: Token, value: str) -> bool:
    """Whether `token` is the keyword (lower-case letters) or the symbol `value`."""
    kind = TokenKind.WORD if value.isalpha() else TokenKind.SYMBOL
    return token.kind is kind and token.value == value


def _describe(token: Token) -> str:
    if token.kind is TokenKind.END:
        return "the end of the expression"
    if token.kind in (TokenKind.STRING, TokenKind.NUMBER):
        return f"{token.kind.value} {token.text}"
    return f"'{token.text}'"


def _error(problem: str, token: Token) -> InvalidFormulaError:
    return InvalidFormulaError(f"formula: {problem} at position {token.position}")


def _unexpected(token: Token) -> InvalidFormulaError:
    if token.kind is TokenKind.END:
        return _error("unexpected end of expression", token)
    return _error(f"unexpected {_describe(token)}", token)


def _too_deep() -> InvalidFormulaError:
    return InvalidFormulaError(f"formula: expression nests more than {MAX_FORMULA_DEPTH} levels")


# --- rendering -----------------------------------------------------------------------------


def _render(node: Node, depth: int) -> sql.Composable:
    """Render `node` from our constants, identifiers and literals, parenthesising each part."""
    if depth > MAX_FORMULA_DEPTH:
        raise _too_deep()
    inner = depth + 1
    match node:
        case Value(value):
            return sql.Literal(value)
        case Column(name):
            return sql.Identifier(name)
        case Operation(operands, operators):
            parts = [_OPEN, _render(operands[0], inner)]
            for operator, operand in zip(operators, operands[1:], strict=True):
                parts += [_OPERATOR_SQL[operator], _render(operand, inner)]
            return sql.Composed([*parts, _CLOSE])
        case Prefix(operator, operand):
            return sql.Composed([_OPEN, _PREFIX_SQL[operator], _render(operand, inner), _CLOSE])
        case IsTest(operand, constant, is_negated):
            keyword = sql.SQL(" IS NOT ") if is_negated else sql.SQL(" IS ")
            return sql.Composed(
                [_OPEN, _render(operand, inner), keyword, _CONSTANT_SQL[constant], _CLOSE]
            )
        case Between(operand, low, high, is_negated):
            keyword = sql.SQL(" NOT BETWEEN ") if is_negated else sql.SQL(" BETWEEN ")
            bounds = [_render(low, inner), sql.SQL(" AND "), _render(high, inner)]
            return sql.Composed([_OPEN, _render(operand, inner), keyword, *bounds, _CLOSE])
        case InList(operand, items, is_negated):
            keyword = sql.SQL(" NOT IN (") if is_negated else sql.SQL(" IN (")
            listed = _COMMA.join(_render(item, inner) for item in items)
            return sql.Composed([_OPEN, _render(operand, inner), keyword, listed, _CLOSE, _CLOSE])
        case Call(function, arguments):
            listed = _COMMA.join(_render(argument, inner) for argument in arguments)
            return sql.Composed([_FUNCTION_SQL[function], _OPEN, listed, _CLOSE])
        case Case(subject, branches, default):
            parts = [sql.SQL("CASE")]
            if subject is not None:
                parts += [_SPACE, _render(subject, inner)]
            for condition, result in branches:
                parts += [sql.SQL(" WHEN "), _render(condition, inner)]
                parts += [sql.SQL(" THEN "), _render(result, inner)]
            if default is not None:
                parts += [sql.SQL(" ELSE "), _render(default, inner)]
            return sql.Composed([*parts, sql.SQL(" END")])
        case Cast(operand, type_name, modifiers, is_array):
            parts = [sql.SQL("CAST("), _render(operand, inner), sql.SQL(" AS ")]
            parts.append(_TYPE_SQL[type_name])
            if modifiers:
                parts += [_OPEN, _COMMA.join(sql.Literal(number) for number in modifiers), _CLOSE]
            if is_array:
                parts.append(sql.SQL("[]"))
            return sql.Composed([*parts, _CLOSE])
    raise AssertionError(f"unrenderable formula node {node!r}")
