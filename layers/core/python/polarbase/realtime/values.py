"""Column values of a captured change, typed as the REST API returns them.

pgoutput sends each value as the text its type's output function writes. The REST API instead
returns what Postgres's ``row_to_json`` makes of the value (points as ``{"x", "y"}``). This
module turns the one into the other, so that a change event and ``GET /rest/db/{table}`` show
a row alike: ``orjson.loads(encode_json(decode_value(text, ...)))`` equals the REST value.

The text must come from a session with ``TimeZone=UTC``, ``DateStyle=ISO`` and
``IntervalStyle=postgres`` (what REST connections use), and the default ``extra_float_digits``
(1, shortest exact floats).

What ``to_json`` does, by type (json.c ``datum_to_json``):

- int2/int4/int8, float4/float8, numeric: a JSON number, its digits as printed; NaN and
  (-)Infinity become strings.
- bool: true/false. json/jsonb: the document itself.
- timestamp, timestamptz: ISO 8601 with ``T`` and ``+hh:mm`` (``infinity`` and `` BC`` kept);
  date prints the same in both styles.
- everything else (time, timetz, interval, uuid, bytea, money, inet, enums, ranges, ...): the
  output text as a JSON string.
- arrays: JSON arrays (nested for more dimensions, bounds dropped), each element by the rules
  above; a point inside an array stays a string, since only a point column gets ``{x, y}``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

import orjson

__all__ = ["decode_value", "decoder_for", "encode_json"]

Decoder = Callable[[str], Any]

# Numbers orjson would round: 16+ digits (a double keeps 15 for sure), or an exponent past
# 99 (1e-400 silently becomes 0.0, 1e400 fails). Digits inside strings match too; that only
# costs a slower, still exact, parse. jsonb prints its numbers without exponents (as numeric
# does), so only json needs the second search; two searches cost less than one alternation.
_LONG_NUMBER = re.compile(r"[0-9][0-9.]{15}")
_LARGE_EXPONENT = re.compile(r"[0-9][eE][-+]?[0-9]{3}")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_INT64_MIN, _UINT64_END = -(2**63), 2**64  # what orjson writes as a plain number
_MAX_EXPANDED_EXPONENT = 1000


def decode_value(text: str, base_type: str, is_array: bool) -> Any:
    """The REST value of a column holding ``text`` (a non-NULL value as pgoutput sent it).

    ``base_type`` is ``Column.base_type`` (domains resolved). Numbers that JSON cannot carry
    exactly as floats come back as ``Decimal`` (numeric, long numbers inside json);
    ``encode_json`` writes them digit for digit. Unknown types come back as the text. A json
    document no Python parser takes back (a lone surrogate escape, very deep nesting) comes
    back as an ``orjson.Fragment`` of its text, written out unchanged as REST writes it.
    Text Postgres did not write may raise ValueError.

    Example:
        >>> decode_value("2026-11-25 10:00:00.123+00", "timestamptz", False)
        '2026-11-25T10:00:00.123+00:00'
        >>> decode_value('{1.5,NULL,"NaN"}', "float8", True)
        [1.5, None, 'NaN']
    """
    return decoder_for(base_type, is_array)(text)


def decoder_for(base_type: str, is_array: bool) -> Decoder:
    """The function ``decode_value`` applies to a column's text; look it up once per column
    when decoding many rows of the same table.

    Example:
        >>> decoder_for("point", False)("(1.5,2)")
        {'x': 1.5, 'y': 2.0}
    """
    decoder = _DECODERS.get((base_type, is_array))
    if decoder is None:
        return _text_array if is_array else _text
    return decoder


def encode_json(value: Any) -> bytes:
    """``value`` as JSON, with each ``Decimal`` written as a number with all its digits.

    Example:
        >>> from decimal import Decimal
        >>> encode_json({"price": Decimal("0.00000001"), "tags": ["a"]})
        b'{"price":0.00000001,"tags":["a"]}'
    """
    return orjson.dumps(value, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _decimal_json(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _decimal_json(number: Decimal) -> orjson.Fragment | str:
    if not number.is_finite():
        return str(number)  # as to_json writes numeric NaN: a string
    text = str(number)
    # str() turns 0.00000001 into 1E-8; Postgres prints numeric digits out, so do the same
    # unless that would write a very long run of zeros.
    if "E" in text and abs(number.adjusted()) < _MAX_EXPANDED_EXPONENT:
        text = format(number, "f")
    return orjson.Fragment(text)


def _text(text: str) -> str:
    return text


def _bool(text: str) -> bool:
    return text == "t"


def _float(text: str) -> float | int | str:
    # NaN, Infinity and -Infinity have no JSON number; to_json writes them as strings.
    if not text[-1].isdigit():
        return text
    # A whole float prints without a point ("5"), and to_json writes it so: 5, not 5.0.
    if text.isdigit() or (text[0] == "-" and text[1:].isdigit() and text != "-0"):
        return int(text)
    return float(text)


def _numeric(text: str) -> Decimal | str:
    return Decimal(text) if text[-1].isdigit() else text


def _point(text: str) -> dict[str, float | str]:
    x, y = text[1:-1].split(",")
    return {"x": _float(x), "y": _float(y)}


def _timestamp(text: str) -> str:
    # "2026-11-25 10:00:00.5" -> "2026-11-25T10:00:00.5"; " BC" and "infinity" stay as they are.
    return text.replace(" ", "T", 1)


def _timestamptz(text: str) -> str:
    if text.endswith("+00"):  # UTC, nearly always
        return text.replace(" ", "T", 1) + ":00"
    if text.endswith(" BC"):
        return _timestamptz(text[:-3]) + " BC"
    if not text[0].isdigit():  # infinity, -infinity
        return text
    text = text.replace(" ", "T", 1)
    # The offset is the last sign: the time before it has none, the date's hyphens come earlier.
    sign = max(text.rfind("+"), text.rfind("-"))
    return text + ":00" if len(text) - sign == 3 else text


def _json_int(text: str) -> int | Decimal:
    number = int(text)
    return number if _INT64_MIN <= number < _UINT64_END else Decimal(text)


def _json(text: str) -> Any:
    if _LARGE_EXPONENT.search(text) is not None:
        return _exact_json(text)
    return _jsonb(text)


def _jsonb(text: str) -> Any:
    if _LONG_NUMBER.search(text) is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            # What Postgres's json type takes and orjson refuses (a lone surrogate escape such
            # as "\ud800", nesting past 1024) goes out as written, as REST sends it.
            return orjson.Fragment(text)
    return _exact_json(text)


def _exact_json(text: str) -> Any:
    """``text`` parsed with every number exact: Decimal, or int within orjson's 64 bits."""
    if _SURROGATE_ESCAPE.search(text) is not None:
        return orjson.Fragment(text)  # the parsed string could not be encoded again
    try:
        return json.loads(text, parse_float=Decimal, parse_int=_json_int)
    except RecursionError:
        return orjson.Fragment(text)


def _array(text: str, convert: Decoder, delimiter: str = ",") -> list[Any]:
    """An array literal as array_out writes it: ``{1,NULL,"a \\"b\\""}``, ``{{1,2},{3,4}}``,
    ``[0:1]={1,2}`` (explicit bounds, dropped as to_json drops them)."""
    if text[:1] != "{":
        if text[:1] != "[":  # int2vector, oidvector: "1 2", which to_json shows as an array
            return [convert(item) for item in text.split()]
        text = text[text.index("=") + 1 :]
    if '"' not in text and "\\" not in text and text.count("{") == 1:
        body = text[1:-1]  # one dimension, no quoting: most arrays
        if not body:
            return []
        return [None if item == "NULL" else convert(item) for item in body.split(delimiter)]
    items, _ = _array_level(text, 1, convert, delimiter)
    return items


def _array_level(text: str, pos: int, convert: Decoder, delimiter: str) -> tuple[list[Any], int]:
    """The elements of the dimension whose ``{`` is just before ``pos``, and the position after
    its ``}``."""
    items: list[Any] = []
    if text[pos] == "}":
        return items, pos + 1
    while True:
        char = text[pos]
        if char == "{":
            inner, pos = _array_level(text, pos + 1, convert, delimiter)
            items.append(inner)
        elif char == '"':
            element, pos = _quoted(text, pos + 1)
            items.append(convert(element))  # a quoted NULL is the string "NULL"
        else:
            end = text.find(delimiter, pos)
            close = text.find("}", pos)
            if end < 0 or close < end:
                end = close
            element = text[pos:end]
            items.append(None if element == "NULL" else convert(element))
            pos = end
        if text[pos] == "}":
            return items, pos + 1
        pos += 1  # the delimiter


def _quoted(text: str, start: int) -> tuple[str, int]:
    """The quoted element whose text begins at ``start`` (after its ``"``), unescaped, and the
    position after its closing quote. Each character is scanned once (str.find), as a value
    can be megabytes long."""
    end = text.find('"', start)
    backslash = text.find("\\", start)
    parts: list[str] = []
    while True:
        if end < 0:
            raise ValueError(f"unterminated quoted element in array literal {text[:100]!r}")
        if backslash < 0 or backslash > end:
            parts.append(text[start:end])
            return "".join(parts), end + 1
        parts.append(text[start:backslash])
        parts.append(text[backslash + 1 : backslash + 2])  # the escaped character
        start = backslash + 2
        backslash = text.find("\\", start)
        if end < start:  # that quote was the escaped one
            end = text.find('"', start)


def _text_array(text: str) -> list[Any]:
    return _array(text, _text)


_SCALARS: dict[str, Decoder] = {
    "int2": int,
    "int4": int,
    "int8": int,
    "numeric": _numeric,
    "float4": _float,
    "float8": _float,
    "bool": _bool,
    "json": _json,
    "jsonb": _jsonb,
    "timestamp": _timestamp,
    "timestamptz": _timestamptz,
    "point": _point,
}
# Inside an array a point is text: the REST projection builds {x, y} for point columns only.
_ELEMENTS: dict[str, Decoder] = {**_SCALARS, "point": _text}
# array_out separates elements with the type's typdelim: ',' for all built-in types but box.
_DELIMITERS = {"box": ";"}

_DECODERS: dict[tuple[str, bool], Decoder] = {
    **{(name, False): decode for name, decode in _SCALARS.items()},
    **{(name, True): partial(_array, convert=decode) for name, decode in _ELEMENTS.items()},
    **{
        (name, True): partial(_array, convert=_text, delimiter=delimiter)
        for name, delimiter in _DELIMITERS.items()
    },
}
