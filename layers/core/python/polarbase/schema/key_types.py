"""The storage type of a key, and of a reference column that points at one."""

from __future__ import annotations

import re

from psycopg import sql

from ..errors import RuleViolationError
from .model import Column

__all__ = ["ID_KEY_TYPES", "reference_storage"]

ID_KEY_TYPES: dict[str, sql.Composable] = {
    "integer": sql.SQL("integer"),
    "biginteger": sql.SQL("bigint"),
    "uuid": sql.SQL("uuid"),
    "shortid": sql.SQL("varchar(16)"),
}
"""The type of the ``id`` column each ``idType`` makes."""

_BASE_TYPES: dict[str, sql.Composable] = {
    "int2": sql.SQL("smallint"),
    "int4": sql.SQL("integer"),
    "int8": sql.SQL("bigint"),
    "uuid": sql.SQL("uuid"),
    "text": sql.SQL("text"),
    "numeric": sql.SQL("numeric"),
}
_SIZED = (
    (re.compile(r"^character varying\((\d+)\)$"), sql.SQL("varchar({})")),
    (re.compile(r"^character\((\d+)\)$"), sql.SQL("char({})")),
)


def reference_storage(target: Column) -> sql.Composable:
    """The type a reference to ``target`` is stored in: the target's own type, without its
    identity or default. Raises RuleViolationError for a type no reference can point at."""
    if target.base_type in _BASE_TYPES and not target.is_array:
        return _BASE_TYPES[target.base_type]
    for pattern, template in _SIZED:
        found = pattern.match(target.pg_type)
        if found:
            return template.format(sql.Literal(int(found.group(1))))
    if target.base_type == "varchar":
        return sql.SQL("varchar")
    raise RuleViolationError(
        f"column '{target.name}' ({target.pg_type}) cannot be the target of a reference"
    )
