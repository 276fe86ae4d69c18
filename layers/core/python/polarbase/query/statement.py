"""A statement ready to run: composed SQL and its named parameters, gathered as it is built."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from psycopg import sql

if TYPE_CHECKING:
    from ..schema.model import Table

__all__ = ["Params", "Statement"]


@dataclass(frozen=True, slots=True)
class Statement:
    """One parameterised SQL statement; Postgres returns the response body as its only value.

    ``table`` is the shape the statement was built for: where it runs, a database error is
    explained in its terms (the column a shortened rule name belongs to).
    """

    query: sql.Composable
    params: dict[str, Any] = field(default_factory=dict)
    table: Table | None = None


class Params:
    """Names each value as it is added, so SQL fragments can be composed in any order."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def add(self, value: Any) -> sql.Placeholder:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return sql.Placeholder(name)
