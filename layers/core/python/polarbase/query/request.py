"""A list request parsed once: fields, filter, search, sort, expand, page or cursor, and count."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import orjson

from ..errors import InvalidFilterError, InvalidInputError
from ..schema.model import Column, Table
from .filter import FilterNode
from .projection import Expansion
from .values import UnfitValueError, coerce_value

__all__ = [
    "CountMode",
    "ExpandRequest",
    "ListRequest",
    "SortKey",
    "decode_cursor",
    "expand_requests",
    "parse_expand",
    "parse_fields",
    "parse_sort",
]

CountMode = Literal["exact", "estimated", "none"]
_NUMBER_BASES = frozenset({"numeric", "float4", "float8", "money"})
_NUMBER_WORDS = frozenset({"NaN", "Infinity", "-Infinity"})
_ALIAS_CHARACTERS = re.compile(r"[^A-Za-z0-9_]")


@dataclass(frozen=True, slots=True)
class SortKey:
    column: Column
    descending: bool


@dataclass(frozen=True, slots=True)
class ListRequest:
    """Everything ``GET /rest/db/{table}`` can ask for, checked against the table."""

    table: Table
    key: Column | None  # None for a table without a single-column primary key: no cursors
    fields: tuple[Column, ...]
    filter: FilterNode | None = None
    search: str | None = None
    sort: tuple[SortKey, ...] = ()
    expand: tuple[Expansion, ...] = ()
    page: int = 1
    limit: int = 10_000
    after: tuple[Any, ...] | None = None
    count: CountMode = "exact"


def _names(names: str | Sequence[str] | None) -> list[str]:
    """A list of names, or one comma-separated text of them (as a query parameter has them)."""
    if names is None:
        return []
    items = names.split(",") if isinstance(names, str) else names
    return [item.strip() for item in items if item.strip()]


def parse_fields(names: str | Sequence[str] | None, table: Table) -> tuple[Column, ...]:
    """The columns to return (``["a", "b"]`` or ``"a,b"``), in that order; every column when
    none is named."""
    columns: list[Column] = []
    for name in _names(names):
        if not name:
            continue
        column = table.column(name)
        if column is None:
            raise InvalidInputError(f"fields: unknown column '{name}' in table '{table.name}'")
        if column not in columns:
            columns.append(column)
    return tuple(columns) or table.columns


def parse_sort(
    specs: str | Sequence[str] | None, table: Table, key: Column | None
) -> tuple[SortKey, ...]:
    """``["a:asc", "b:desc"]`` or ``"a:asc,b:desc"`` (``-b`` also means descending), always
    ending with the key.

    ``key`` is None for a table without a single-column primary key; its order then has no
    tie-breaker, and may be empty.
    """
    keys: list[SortKey] = []
    for part in _names(specs):
        descending = False
        if part.startswith("-"):
            part, descending = part[1:], True
        name, _, direction = part.partition(":")
        direction = direction.strip().lower()
        if direction not in ("", "asc", "desc"):
            raise InvalidInputError(f"sort: direction '{direction}' must be asc or desc")
        descending = descending or direction == "desc"
        column = table.column(name.strip())
        if column is None:
            raise InvalidInputError(
                f"sort: unknown column '{name.strip()}' in table '{table.name}'"
            )
        if column.base_type == "point" and not column.is_array:
            raise InvalidInputError(f"sort: geo-point column '{column.name}' cannot be sorted")
        if all(existing.column.name != column.name for existing in keys):
            keys.append(SortKey(column, descending))
    if key is not None and all(existing.column.name != key.name for existing in keys):
        keys.append(SortKey(key, False))
    return tuple(keys)


@dataclass(frozen=True, slots=True)
class ExpandRequest:
    """One reference to expand; ``explicit`` when named, not implied by ``all``."""

    column: Column
    alias: str
    explicit: bool


def expand_requests(specs: Iterable[str], table: Table) -> tuple[ExpandRequest, ...]:
    """``expand=field``, ``field:alias`` or ``all`` / ``*``, checked against ``table``."""
    wanted: list[ExpandRequest] = []
    for spec in (item.strip() for raw in specs for item in raw.split(",")):
        if not spec:
            continue
        if spec in ("all", "*"):
            for column in table.columns:
                if column.foreign_key is not None:
                    alias = f"{column.name}_{column.foreign_key.table.name}"
                    wanted.append(ExpandRequest(column, alias, explicit=False))
            continue
        name, _, alias = spec.partition(":")
        named = table.column(name.strip())
        if named is None:
            raise InvalidInputError(
                f"expand: unknown column '{name.strip()}' in table '{table.name}'"
            )
        if named.foreign_key is None:
            raise InvalidInputError(f"expand: column '{named.name}' is not a reference")
        alias = _ALIAS_CHARACTERS.sub("", alias) or named.foreign_key.table.name
        wanted.append(ExpandRequest(named, alias, explicit=True))
    requests: list[ExpandRequest] = []
    seen: set[str] = set()
    for request in wanted:
        if request.alias in seen:
            continue
        if table.has_column(request.alias) and request.alias != request.column.name:
            raise InvalidInputError(
                f"expand: alias '{request.alias}' is also a column of '{table.name}'; choose "
                "another with field:alias"
            )
        seen.add(request.alias)
        requests.append(request)
    return tuple(requests)


def parse_expand(
    specs: Iterable[str], table: Table, targets: Mapping[str, Table]
) -> tuple[Expansion, ...]:
    """The expansions of ``specs`` whose target table is in ``targets`` (by column name).

    The caller resolves targets it may show; ``all`` quietly leaves out the others.
    """
    return tuple(
        Expansion(request.column, request.alias, targets[request.column.name])
        for request in expand_requests(specs, table)
        if request.column.name in targets
    )


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(values)).rstrip(b"=").decode()


def decode_cursor(text: str, sort: tuple[SortKey, ...]) -> tuple[Any, ...]:
    """The sort values of the row a keyset page starts after, from an ``after`` cursor.

    Numbers are read as Decimals, so a numeric sort value stays exact: rounded to a float it
    could compare equal to its own row and the page would repeat. JSON values keep floats.
    """
    try:
        padded = text.strip() + "=" * (-len(text.strip()) % 4)
        raw = base64.urlsafe_b64decode(padded)
        exact = json.loads(raw, parse_float=Decimal)
        plain = json.loads(raw)
    except (binascii.Error, ValueError, RecursionError):
        raise InvalidFilterError("after: not a cursor returned by this API") from None
    if not isinstance(exact, list) or len(exact) != len(sort):
        raise InvalidFilterError("after: the cursor does not match this sort order")
    return tuple(
        _cursor_value(key.column, value, plain_value)
        for key, value, plain_value in zip(sort, exact, plain, strict=True)
    )


def _cursor_value(column: Column, value: Any, plain_value: Any) -> Any:
    """A cursor is the caller's text: each value is checked like a filter value.

    Postgres writes some numbers as text (money, NaN, Infinity); those pass as they are.
    """
    if column.base_type in ("json", "jsonb") and not column.is_array:
        return plain_value
    if (
        isinstance(value, str)
        and not column.is_array
        and (column.base_type == "money" or value in _NUMBER_WORDS)
        and column.base_type in _NUMBER_BASES
    ):
        return value
    try:
        return coerce_value(column, value)
    except UnfitValueError as problem:
        raise InvalidFilterError(
            f"after: the cursor does not match this sort order (column '{column.name}': {problem})"
        ) from None
