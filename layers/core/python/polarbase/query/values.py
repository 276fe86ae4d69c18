"""Check a JSON value against a column and turn it into what Postgres expects."""

from __future__ import annotations

import math
import re
import uuid
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from ..schema.domains import ATTACHMENT_KEYS, is_email, is_url
from ..schema.fields import point_text
from ..schema.model import Column

__all__ = ["UnfitValueError", "coerce_value", "mime_allowed", "parse_integer_text"]

_STRING_TYPES = frozenset({"varchar", "bpchar", "text", "citext", "name", "char", "bit", "varbit"})
_INTEGER_RANGES = {"int2": 2**15, "int4": 2**31, "int8": 2**63}
_NUMBER_TYPES = frozenset({"numeric", "float4", "float8", "money"})
_TIMESTAMP_TYPES = frozenset({"timestamptz", "timestamp", "date"})
_INTEGER_TEXT = re.compile(r"\s*(?P<sign>[+-]?)(?P<digits>[0-9]+)\s*", re.ASCII)
_MAX_DIGITS = 20
_TOO_MANY_DIGITS: int = 10**_MAX_DIGITS  # out of every column's range
_LENGTH_LIMIT = re.compile(r"^(?:character varying|character)\((\d+)\)(?:\[\])?$")


class UnfitValueError(ValueError):
    """A value does not fit its column; the message says how, without naming the column."""


def _describe(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "..."


def parse_integer_text(text: str) -> int | None:
    """The integer an ASCII decimal string spells (an optional sign, then digits), else None.

    ``str.isdigit`` accepts superscripts and other scripts' digits that ``int`` refuses, and
    ``int`` refuses more than 4,300 digits: both would escape as errors, not as a 400. Past 20
    digits no column can hold the value, so it is reported as out of range by its caller.
    """
    match = _INTEGER_TEXT.fullmatch(text)
    if match is None:
        return None
    digits = match["digits"].lstrip("0")
    if len(digits) > _MAX_DIGITS:
        return _TOO_MANY_DIGITS if match["sign"] != "-" else -_TOO_MANY_DIGITS
    return int(match["sign"] + (digits or "0"))


def _integer(value: Any, base: str) -> int:
    if isinstance(value, bool):
        raise UnfitValueError(f"{_describe(value)} is not an integer")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    sent = value
    if isinstance(value, str):
        parsed = parse_integer_text(value)
        if parsed is None:
            raise UnfitValueError(f"{_describe(sent)} is not an integer")
        value = parsed
    if not isinstance(value, int):
        raise UnfitValueError(f"{_describe(sent)} is not an integer")
    limit = _INTEGER_RANGES.get(base, 2**63)
    if not -limit <= value < limit:
        raise UnfitValueError(f"{_describe(sent)} is out of range for this column")
    return value


def _number(value: Any) -> int | float | Decimal:
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, bool):
        raise UnfitValueError(f"{_describe(value)} is not a number")
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise UnfitValueError(f"{_describe(value)} is not a number") from None
    if not isinstance(value, int | float) or (
        isinstance(value, float) and not math.isfinite(value)
    ):
        raise UnfitValueError(f"{_describe(value)} is not a number")
    return value


def _timestamp(value: Any, base: str) -> str:
    if not isinstance(value, str):
        raise UnfitValueError(f"{_describe(value)} is not a date: send an ISO 8601 string")
    text = value.strip()
    try:
        if base == "date" and len(text) == 10:
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise UnfitValueError(
            f"{_describe(value)} is not a date: send an ISO 8601 string"
        ) from None
    return text


def _time(value: Any) -> str:
    if not isinstance(value, str):
        raise UnfitValueError(f"{_describe(value)} is not a time")
    try:
        time.fromisoformat(value.strip())
    except ValueError:
        raise UnfitValueError(f"{_describe(value)} is not a time: send HH:MM[:SS]") from None
    return value


def _attachment(column: Column, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UnfitValueError(f"{_describe(value)} is not an attachment object")
    missing = [key for key in ATTACHMENT_KEYS if key not in value]
    if missing:
        raise UnfitValueError(f"attachment is missing {', '.join(missing)}")
    rules = column.validation or {}
    name = _describe(value.get("name"))
    largest, size = rules.get("maxFileSize"), value.get("size")
    if largest and isinstance(size, int | float) and size > largest:
        raise UnfitValueError(f"file {name} has {size} bytes, more than the {largest} allowed")
    allowed = rules.get("allowedMimeTypes")
    if allowed and not mime_allowed(str(value.get("mimeType")), allowed):
        raise UnfitValueError(
            f"file {name} is {_describe(value.get('mimeType'))}, not one of {', '.join(allowed)}"
        )
    return value


def mime_allowed(mime: str, allowed: list[str]) -> bool:
    """Whether ``mime`` is one of ``allowed`` (exact types, or families like ``image/*``)."""
    mime = mime.lower()
    return any(
        mime == item or (item.endswith("/*") and mime.startswith(item[:-1])) for item in allowed
    )


def _scalar(column: Column, value: Any) -> Any:
    """One non-array value of ``column``'s storage type."""
    base = column.base_type
    if column.domain == "email_address":
        if not isinstance(value, str) or not is_email(value):
            raise UnfitValueError(f"{_describe(value)} is not an email address")
        return value
    if column.domain == "url_address":
        if not isinstance(value, str) or not is_url(value):
            raise UnfitValueError(f"{_describe(value)} is not a URL (http:// or https://)")
        return value
    if column.domain == "attachment":
        return _attachment(column, value)
    if base in _STRING_TYPES:
        if not isinstance(value, str):
            raise UnfitValueError(f"{_describe(value)} is not a string")
        if "\x00" in value:
            raise UnfitValueError("strings may not contain the NUL character")
        return value
    if base in _INTEGER_RANGES:
        return _integer(value, base)
    if base in _NUMBER_TYPES:
        return _number(value)
    if base == "bool":
        if not isinstance(value, bool):
            raise UnfitValueError(f"{_describe(value)} is not true or false")
        return value
    if base in _TIMESTAMP_TYPES:
        return _timestamp(value, base)
    if base in ("time", "timetz"):
        return _time(value)
    if base == "uuid":
        try:
            return str(uuid.UUID(str(value)))
        except ValueError:
            raise UnfitValueError(f"{_describe(value)} is not a UUID") from None
    if base == "point":
        try:
            return point_text(value)
        except ValueError as error:
            raise UnfitValueError(f"{_describe(value)} {error}") from None
    if base in ("json", "jsonb"):
        return value
    return value


def coerce_value(column: Column, value: Any, *, stored: bool = False) -> Any:
    """``value`` checked for ``column`` and normalised; None stays None. Raises UnfitValueError.

    ``stored``: the value is to be written, so it must also fit the column's length limit
    (a filter may compare with a longer text: it just matches nothing).
    """
    coerced = _coerce(column, value)
    if stored and isinstance(coerced, str | list):
        _check_length(column, coerced)
    return coerced


def _check_length(column: Column, value: str | list[Any]) -> None:
    limit = _LENGTH_LIMIT.match(column.pg_type)
    if limit is None:
        return
    for text in value if isinstance(value, list) else [value]:
        # Postgres drops trailing spaces past the limit rather than refusing them.
        if isinstance(text, str) and len(text.rstrip(" ")) > int(limit[1]):
            raise UnfitValueError(f"{_describe(text)} is longer than {limit[1]} characters")


def _coerce(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if (
        column.is_array and column.base_type not in ("json", "jsonb")
    ) or column.domain == "attachment":
        if not isinstance(value, list):
            raise UnfitValueError(f"{_describe(value)} is not a list")
        return [None if item is None else _scalar(column, item) for item in value]
    if column.is_array:
        if not isinstance(value, list):
            raise UnfitValueError(f"{_describe(value)} is not a list")
        return value
    return _scalar(column, value)
