"""Split a formula expression into tokens, rejecting what no formula may contain."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from polarbase.errors import InvalidFormulaError

__all__ = ["RESERVED_WORDS", "Token", "TokenKind", "tokenize"]


class TokenKind(Enum):
    WORD = "word"  # a bare name or keyword; value folded to lower case as PostgreSQL does
    QUOTED = "quoted"  # a "double-quoted" name; value has "" unescaped and keeps its case
    NUMBER = "number"  # value is an int or a Decimal, never the raw text
    STRING = "string"  # a 'single-quoted' string; value has '' unescaped
    SYMBOL = "symbol"  # an operator or punctuation; value is its text
    END = "end"  # after the last character


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    value: str | int | Decimal
    text: str  # as written, for messages
    position: int  # 1-based offset of the first character, like PostgreSQL's error cursor


_WHITESPACE = frozenset(" \t\n\r\f\v")
_WORD = re.compile(r"[^\W\d]\w*")
_WORD_CHARACTERS = re.compile(r"\w+")
_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# Longest first, so that "->>" is not read as "->" then ">".
_SYMBOLS = (
    *("->>", "::", "<=", ">=", "<>", "!=", "||", "->"),
    *("+", "-", "*", "/", "%", "^", "=", "<", ">", "(", ")", ",", ".", "[", "]"),
)
_STRING_PREFIXES = frozenset({"e", "b", "x", "n"})  # E'\n', B'101', X'1F', N'text'
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)

# PostgreSQL's reserved key words (kwlist.h): none of them can be a bare column name.
RESERVED_WORDS = frozenset(
    """
    all analyse analyze and any array as asc asymmetric authorization binary both case cast
    check collate collation column concurrently constraint create cross current_catalog
    current_date current_role current_schema current_time current_timestamp current_user
    default deferrable desc distinct do else end except false fetch for foreign freeze from
    full grant group having ilike in initially inner intersect into is isnull join lateral
    leading left like limit localtime localtimestamp natural not notnull null offset on only
    or order outer overlaps placing primary references returning right select session_user
    similar some symmetric system_user table tablesample then to trailing true union unique
    user using variadic verbose when where window with
    """.split()  # noqa: SIM905 - a word list reads better than 100 quoted strings
)


def tokenize(expression: str) -> list[Token]:
    """Return the tokens of `expression`, ending with one END token.

    Raises InvalidFormulaError for text that can only be an attempt to escape the expression
    (";", comments, "$"), for prefixed strings such as E'...', and for unterminated quotes.
    """
    try:
        expression.encode()
    except UnicodeEncodeError as exc:
        raise _error("the expression is not valid text", exc.start + 1) from None
    if "\x00" in expression:
        raise _error("NUL characters are not allowed", expression.index("\x00") + 1)
    tokens: list[Token] = []
    index = 0
    while index < len(expression):
        if expression[index] in _WHITESPACE:
            index += 1
            continue
        token = _read_token(expression, index)
        tokens.append(token)
        index += len(token.text)
    tokens.append(Token(TokenKind.END, "", "", len(expression) + 1))
    return tokens


def _read_token(expression: str, index: int) -> Token:
    char = expression[index]
    position = index + 1
    if expression.startswith(("--", "/*"), index):
        raise _error("comments are not allowed", position)
    if char == "'":
        value, text = _read_quoted(expression, index, "'", "string")
        return Token(TokenKind.STRING, value, text, position)
    if char == '"':
        value, text = _read_quoted(expression, index, '"', "quoted name")
        if not value:
            raise _error("a quoted name may not be empty", position)
        return Token(TokenKind.QUOTED, value, text, position)
    if number := _NUMBER.match(expression, index):
        return _number_token(expression, number)
    if word := _WORD.match(expression, index):
        text = word.group()
        if text.lower() in _STRING_PREFIXES and expression.startswith("'", word.end()):
            raise _error(f"prefixed strings such as {text}'...' are not supported", position)
        return Token(TokenKind.WORD, text.translate(_ASCII_LOWER), text, position)
    for symbol in _SYMBOLS:
        if expression.startswith(symbol, index):
            return Token(TokenKind.SYMBOL, symbol, symbol, position)
    if char == ";":
        raise _error("';' is not allowed: a formula is a single expression", position)
    if char == "$":
        raise _error("'$' is not allowed", position)
    raise _error(f"unexpected character {char!r}", position)


def _number_token(expression: str, number: re.Match[str]) -> Token:
    text = number.group()
    position = number.start() + 1
    if junk := _WORD_CHARACTERS.match(expression, number.end()):
        raise _error(f"malformed number '{text}{junk.group()}'", position)
    if not any(char in text for char in ".eE"):
        return Token(TokenKind.NUMBER, int(text), text, position)
    value = Decimal(text)
    if str(value).isdigit():  # "2." and "1e0" are numeric to PostgreSQL, so not "2" and "1"
        value = Decimal(str(value) + ".0")
    return Token(TokenKind.NUMBER, value, text, position)


def _read_quoted(expression: str, index: int, quote: str, what: str) -> tuple[str, str]:
    """Read a quoted string or name starting at `index`; a doubled quote stands for one."""
    end = index + 1
    while True:
        end = expression.find(quote, end)
        if end == -1:
            raise _error(f"unterminated {what}", index + 1)
        if not expression.startswith(quote, end + 1):
            break
        end += 2
    text = expression[index : end + 1]
    return text[1:-1].replace(quote * 2, quote), text


def _error(problem: str, position: int) -> InvalidFormulaError:
    return InvalidFormulaError(f"formula: {problem} at position {position}")
