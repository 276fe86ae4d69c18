"""Filter trees as Python predicates over rows, answering as the SQL ``WHERE`` of the same tree.

Realtime asks, for every change event, whether the changed row matches a subscription's filter;
``compile_filter`` answers the same question in SQL for REST. Both must agree, so each operator
here reproduces what Postgres does with the statement ``compile_filter`` builds:

* Three-valued logic: a comparison with NULL is unknown, and unknown does not match, also under
  the NOT inside ``ne``, ``notIn``, ``notLike`` and ``notIlike`` (``notIn`` with a NULL in its
  list matches nothing). No NOT sits above a group, so unknown can be folded to false per
  condition: AND and OR give true exactly when they would with unknown kept.
* A column absent from the row is an unchanged TOASTed value: never NULL (Postgres does not
  store NULL out of line), but its value is unknown, so ``isNull``/``notNull`` answer and every
  other condition on it does not match.
* Numbers compare as Postgres resolves the operator: integers and ``numeric`` exactly, but a
  ``numeric`` column against a float value in double precision (``numeric = float8`` casts the
  column), ``real`` columns widened from single precision; NaN equals NaN and sorts above all.
* Text compares in code-point order: the databases PolarBase creates and tests against use the
  collation ``C.UTF-8`` (libc), which sorts by code point. A database with a linguistic
  collation (``en_US.UTF-8``, ICU) orders text differently, and ``gt``/``lt`` on text would
  differ there. ILIKE lowercases both sides one character at a time, as glibc's ``towlower``.
* Timestamps compare as instants (a filter value without offset is UTC: sessions run with
  ``TimeZone=UTC``), ``timestamp`` drops any offset, ``date`` takes the date part; infinity,
  BC and five-digit years order as Postgres orders them.
* LIKE on a non-text column matches the column's text form (``col::text``): reproduced for
  integers, numerics, floats, booleans, dates, times, uuids and timestamps.

What cannot be reproduced from a decoded row: a ``jsonb`` column holding JSON ``null`` looks like
SQL NULL; the text form of a ``numeric`` that arrives as a float has lost its scale (``1.50``
reads ``1.5``), and a float column's ``-0`` arrives as the integer 0 (its text reads ``0``);
enum order and interval equality are the database's, compared here as the values' text. A LIKE
pattern ending in a lone backslash matches nothing (Postgres raises an error for most rows).
"""

from __future__ import annotations

import math
import operator as python_operator
import re
import struct
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

from ..schema.model import Column
from .filter import Condition, FilterNode, Operator
from .geo import Box, Near

__all__ = ["RowPredicate", "compile_predicate"]

RowPredicate = Callable[[Mapping[str, Any]], bool]
_KeyOf = Callable[[Any], Any]

# A row value of a shape its column does not have compares as unknown instead of breaking the
# subscription's stream of events.
_UNFIT = (TypeError, ValueError, AttributeError, ArithmeticError, IndexError, struct.error)

_INTEGER_BASES = frozenset({"int2", "int4", "int8"})
_ORDER = {
    Operator.GT: python_operator.gt,
    Operator.GTE: python_operator.ge,
    Operator.LT: python_operator.lt,
    Operator.LTE: python_operator.le,
}
_NAN_KEY = (1, 0)
_FLOAT32 = struct.Struct("f")


# --- sort keys: equal keys for values SQL finds equal, ordered as SQL orders them --------------


def _decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    # A float stands for the decimal it was read from: the shortest one that gives it back.
    return Decimal(value if isinstance(value, str) else repr(value))


def _exact_number(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return (0, value)
    number = _decimal(value)
    return _NAN_KEY if number.is_nan() else (0, number)


def _float_number(value: Any) -> tuple[int, float]:
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    number = float(value)  # "NaN" and "Infinity", as Postgres writes them in JSON, read too
    return _NAN_KEY if math.isnan(number) else (0, number)


def _single_float_number(value: Any) -> tuple[int, float]:
    rank, number = _float_number(value)
    return (rank, _FLOAT32.unpack(_FLOAT32.pack(number))[0]) if rank == 0 else _NAN_KEY


def _fold(text: str) -> str:
    """Lowercase as ILIKE does: per character (no final-sigma rule, İ becomes i)."""
    if "\u03a3" in text or "\u0130" in text:  # capital sigma, capital I with dot
        text = text.replace("\u03a3", "\u03c3").replace("\u0130", "i")
    return text.lower()


_INFINITE_MOMENTS = {"infinity": (3,), "-infinity": (-1,)}


def _moment(text: str, convert: Callable[[datetime], Any]) -> tuple[Any, ...]:
    """(era, year, value) for a date or timestamp text; BC and years past 9999 are read with
    the placeholder year 2000 and ordered by their era and year first."""
    text = text.strip()
    infinite = _INFINITE_MOMENTS.get(text.lower())
    if infinite is not None:
        return infinite
    era, year = 1, 0
    dash = text.find("-", 1)
    if text.endswith(" BC"):
        era, year, text = 0, -int(text[:dash]), "2000" + text[dash:-3]
    elif dash > 4:
        era, year, text = 2, int(text[:dash]), "2000" + text[dash:]
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return (era, year, convert(moment))


def _as_instant(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _instant_key(value: str) -> tuple[Any, ...]:
    return _moment(value, _as_instant)


def _local_key(value: str) -> tuple[Any, ...]:
    return _moment(value, lambda moment: moment.replace(tzinfo=None))


def _date_key(value: str) -> tuple[Any, ...]:
    return _moment(value, lambda moment: moment.date())


def _clock(value: str) -> tuple[int, int]:
    """Microseconds since midnight (24:00:00 is allowed) and the offset in seconds."""
    text = value.strip()
    if text.startswith("24:00"):
        text = "00:00" + text[5:]
        extra = 86_400_000_000
    else:
        extra = 0
    clock = time.fromisoformat(text)
    offset = clock.utcoffset()
    micros = ((clock.hour * 60 + clock.minute) * 60 + clock.second) * 1_000_000
    return extra + micros + clock.microsecond, int(offset.total_seconds()) if offset else 0


def _time_key(value: str) -> int:
    return _clock(value)[0]


def _zoned_time_key(value: str) -> tuple[int, int]:
    # Postgres orders timetz by the UTC time, then by zone; equal only with equal zones.
    micros, offset = _clock(value)
    return (micros - offset * 1_000_000, -offset)


def _json_key(value: Any) -> Any:
    """jsonb equality: objects by keys, arrays in order, numbers by value (1 = 1.0), and
    booleans apart from numbers."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float | Decimal):
        return _exact_number(value)[1]
    if isinstance(value, list):
        return ("array", tuple(_json_key(item) for item in value))
    if isinstance(value, dict):
        return ("object", frozenset((key, _json_key(item)) for key, item in value.items()))
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def _same(value: Any) -> Any:
    return value


_KEYS: dict[str, _KeyOf] = {
    "timestamptz": _instant_key,
    "timestamp": _local_key,
    "date": _date_key,
    "time": _time_key,
    "timetz": _zoned_time_key,
    "uuid": str.lower,
    "citext": _fold,
    "bpchar": lambda text: text.rstrip(" "),  # char(n) pads; comparisons ignore the padding
}


def _keys(column: Column, values: Iterable[Any]) -> tuple[_KeyOf, _KeyOf]:
    """The key functions for a row's values and for the filter's ``values`` of ``column``."""
    base = column.base_type
    if base in ("json", "jsonb"):
        return _json_key, _json_key
    if base in _INTEGER_BASES:
        return _exact_number, _exact_number
    if base == "numeric":
        floating = any(isinstance(value, float) for value in values)
        key = _float_number if floating else _exact_number
        return key, key
    if base == "float8":
        return _float_number, _float_number
    if base == "float4":
        return _single_float_number, _float_number
    key = _KEYS.get(base, _same)
    return key, key


def _array_key(element: _KeyOf) -> _KeyOf:
    """Array equality: same shape, elements equal, and NULL elements equal to each other."""

    def key(value: Any) -> Any:
        if not isinstance(value, list):
            raise TypeError("not an array")
        return tuple(
            None if item is None else key(item) if isinstance(item, list) else element(item)
            for item in value
        )

    return key


def _flat(value: Any) -> Iterable[Any]:
    if not isinstance(value, list):
        raise TypeError("not an array")
    for item in value:
        if isinstance(item, list):
            yield from _flat(item)
        else:
            yield item


# --- text forms: a value as ``column::text`` shows it ----------------------------------------


def _float_text(number: float, longest_plain: int, digits: str) -> str:
    """Postgres' shortest exact float text: plain between 1e-4 and 10**longest_plain."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "-0" if math.copysign(1, number) < 0 else "0"
    exact = Decimal(digits).normalize()
    sign, figures, exponent = exact.as_tuple()
    assert isinstance(exponent, int)
    scientific = len(figures) - 1 + exponent
    if -4 <= scientific < longest_plain:
        return format(exact, "f")
    mantissa = str(figures[0]) + ("." + "".join(map(str, figures[1:])) if len(figures) > 1 else "")
    return f"{'-' if sign else ''}{mantissa}e{scientific:+03d}"


def _double_text(value: Any) -> str:
    number = float(value)
    return _float_text(number, 15, repr(number))


def _single_text(value: Any) -> str:
    number = _single_float_number(value)[1] if not isinstance(value, str) else float(value)
    for precision in range(1, 10):  # the shortest digits that read back as the same float
        digits = f"{number:.{precision}g}"
        if _FLOAT32.unpack(_FLOAT32.pack(float(digits)))[0] == number:
            break
    return _float_text(number, 6, digits)


def _numeric_text(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return format(_decimal(value), "f")


_LONG_UTC_OFFSET = re.compile(r"([+-]\d\d):00(?=(?: BC)?$)")


def _timestamp_text(value: Any, *, zoned: bool) -> str:
    key = _instant_key(value) if zoned else _local_key(value)
    if key[0] != 1:  # infinity, BC, year 10000 and later: reshape the JSON form
        return _LONG_UTC_OFFSET.sub(r"\1", str(value).strip().replace("T", " ", 1))
    moment: datetime = key[2].astimezone(UTC) if zoned else key[2]
    text = moment.replace(tzinfo=None).isoformat(sep=" ")
    if moment.microsecond:
        text = text.rstrip("0")
    return text + "+00" if zoned else text


def _text_form(column: Column) -> Callable[[Any], str]:
    base = column.base_type
    if base in _INTEGER_BASES:
        return str
    if base == "numeric":
        return _numeric_text
    if base == "float8":
        return _double_text
    if base == "float4":
        return _single_text
    if base == "bool":
        return lambda value: "true" if value else "false"
    if base in ("timestamptz", "timestamp"):
        zoned = base == "timestamptz"
        return lambda value: _timestamp_text(value, zoned=zoned)
    if base == "uuid":
        return str.lower
    return lambda value: value if isinstance(value, str) else str(value)


def _like(pattern: str, *, fold: bool) -> Callable[[str], bool] | None:
    """SQL LIKE as an anchored regex: % any text, _ one character, backslash escapes; None for
    a pattern ending in a lone backslash (an error in Postgres)."""
    if fold:
        pattern = _fold(pattern)
    parts: list[str] = []
    characters = iter(pattern)
    for character in characters:
        if character == "\\":
            escaped = next(characters, None)
            if escaped is None:
                return None
            parts.append(re.escape(escaped))
        elif character == "%":
            parts.append(".*")
        elif character == "_":
            parts.append(".")
        else:
            parts.append(re.escape(character))
    matcher = re.compile("".join(parts), re.DOTALL).fullmatch
    if fold:
        return lambda text: matcher(_fold(text)) is not None
    return lambda text: matcher(text) is not None


# --- jsonb containment ------------------------------------------------------------------------


def _json_contains(whole: Any, part: Any, *, top: bool = False) -> bool:
    """``whole @> part`` as jsonb defines it: objects by key, recursively; an array contains an
    array whose elements each match one of its own; at the top level only, an array contains
    a scalar that is one of its elements."""
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(
            key in whole and _json_contains(whole[key], value) for key, value in part.items()
        )
    if isinstance(part, list):
        if not isinstance(whole, list):
            return False
        for wanted in part:
            if isinstance(wanted, dict | list):
                kind = type(wanted)
                if not any(
                    isinstance(item, kind) and _json_contains(item, wanted) for item in whole
                ):
                    return False
            elif not _has_scalar(whole, wanted):
                return False
        return True
    if isinstance(whole, list):
        return top and _has_scalar(whole, part)
    return not isinstance(whole, dict) and _json_key(whole) == _json_key(part)


def _has_scalar(items: list[Any], wanted: Any) -> bool:
    key = _json_key(wanted)
    return any(not isinstance(item, dict | list) and _json_key(item) == key for item in items)


# --- conditions -------------------------------------------------------------------------------


def _on_value(name: str, test: Callable[[Any], bool]) -> RowPredicate:
    """``test`` on the row's value of ``name``; NULL (or absent: unknown) does not match."""

    def matches(row: Mapping[str, Any]) -> bool:
        value = row.get(name)
        if value is None:
            return False
        try:
            return test(value)
        except _UNFIT:
            return False

    return matches


def _constant(answer: bool) -> RowPredicate:
    return lambda row: answer


def _compare(column: Column, operator: Operator, value: Any) -> Callable[[Any], bool]:
    is_json = column.base_type in ("json", "jsonb") and not column.is_array
    row_key, value_key = _keys(column, [value])
    if column.is_array and not is_json:
        row_key = value_key = _array_key(row_key)
    expected = value_key(value)
    if operator is Operator.EQ:
        return lambda found: row_key(found) == expected
    if operator is Operator.NE:
        return lambda found: row_key(found) != expected
    order = _ORDER[operator]
    return lambda found: order(row_key(found), expected)


def _membership(column: Column, operator: Operator, values: list[Any]) -> RowPredicate:
    if not values:  # compile_filter writes the constant: even NULL rows follow it
        return _constant(operator is Operator.NOT_IN)
    row_key, value_key = _keys(column, values)
    keys = frozenset(value_key(value) for value in values if value is not None)
    if operator is Operator.IN:
        return _on_value(column.name, lambda found: row_key(found) in keys)
    if None in values:  # NOT (x = ANY(list with NULL)) is never true
        return _constant(False)
    return _on_value(column.name, lambda found: row_key(found) not in keys)


def _pattern(column: Column, operator: Operator, value: str) -> Callable[[Any], bool]:
    text_of = _text_form(column)
    if operator is Operator.CONTAINS:  # ILIKE '%value%'
        needle = _fold(value)
        return lambda found: needle in _fold(text_of(found))
    # citext's LIKE ignores case too
    fold = operator in (Operator.ILIKE, Operator.NOT_ILIKE) or column.base_type == "citext"
    if operator is Operator.STARTS_WITH:
        if fold:
            prefix = _fold(value)
            return lambda found: _fold(text_of(found)).startswith(prefix)
        return lambda found: text_of(found).startswith(value)
    matches = _like(value, fold=fold)
    if matches is None:
        return lambda found: False
    if operator in (Operator.NOT_LIKE, Operator.NOT_ILIKE):
        return lambda found: not matches(text_of(found))
    return lambda found: matches(text_of(found))


def _array_containment(column: Column, operator: Operator, values: list[Any]) -> RowPredicate:
    row_key, value_key = _keys(column, values)
    wanted = frozenset(value_key(value) for value in values if value is not None)
    if operator is Operator.CONTAINS:
        if None in values:  # a NULL element is contained in nothing
            return _constant(False)
        return _on_value(
            column.name,
            lambda found: wanted <= {row_key(item) for item in _flat(found) if item is not None},
        )
    return _on_value(
        column.name,
        lambda found: any(item is not None and row_key(item) in wanted for item in _flat(found)),
    )


def _geo(area: Box | Near) -> Callable[[Any], bool]:
    """A geo-point as REST returns it (``{"x", "y"}``) inside ``area``; anything else is not."""

    def inside(found: Any) -> bool:
        if not isinstance(found, Mapping):
            return False
        x, y = found.get("x"), found.get("y")
        if isinstance(x, bool) or isinstance(y, bool):
            return False
        if not isinstance(x, int | float | Decimal) or not isinstance(y, int | float | Decimal):
            return False
        return area.contains(float(x), float(y))

    return inside


def _condition(node: Condition) -> RowPredicate:
    column, operator, value = node.column, node.operator, node.value
    name = column.name
    if operator in (Operator.IS_NULL, Operator.NOT_NULL):
        wants_null = value == (operator is Operator.IS_NULL)
        return lambda row: (name in row and row[name] is None) is wants_null
    if operator in (Operator.WITHIN_BOX, Operator.NEAR):
        return _on_value(name, _geo(value))
    if operator in (Operator.EQ, Operator.NE) or operator in _ORDER:
        return _on_value(name, _compare(column, operator, value))
    if operator is Operator.BETWEEN:
        low = _compare(column, Operator.GTE, value[0])
        high = _compare(column, Operator.LTE, value[1])
        return _on_value(name, lambda found: low(found) and high(found))
    if operator in (Operator.IN, Operator.NOT_IN):
        return _membership(column, operator, value)
    if column.is_array and operator in (Operator.CONTAINS, Operator.OVERLAPS):
        return _array_containment(column, operator, value)
    if operator is Operator.CONTAINS and column.base_type in ("json", "jsonb"):
        return _on_value(name, lambda found: _json_contains(found, value, top=True))
    return _on_value(name, _pattern(column, operator, value))


def _every(predicates: list[RowPredicate]) -> RowPredicate:
    def matches(row: Mapping[str, Any]) -> bool:
        return all(predicate(row) for predicate in predicates)

    return matches


def _some(predicates: list[RowPredicate]) -> RowPredicate:
    def matches(row: Mapping[str, Any]) -> bool:
        return any(predicate(row) for predicate in predicates)

    return matches


def compile_predicate(node: FilterNode | None) -> RowPredicate:
    """A function telling whether a row (as REST returns it, decoded) matches ``node``, with
    the answer the SQL of ``compile_filter`` gives for the same row; None matches every row.

    Everything the filter fixes (key functions, regexes, sets, parsed filter values) is worked
    out here, once per subscription; the returned function runs once per change event. It never
    raises: a row value of a shape its column cannot have counts as unknown.

    Example:
        >>> matches = compile_predicate(parse_filter({"age": {"gte": 18}}, people))
        >>> matches({"id": 1, "age": 20}), matches({"id": 2, "age": None})
        (True, False)
    """
    if node is None:
        return _constant(True)
    if isinstance(node, Condition):
        return _condition(node)
    children = [compile_predicate(child) for child in node.children]
    return _every(children) if node.kind == "and" else _some(children)
