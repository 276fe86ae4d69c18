"""A statement ready to run: composed SQL and its named parameters, gathered as it is built."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from psycopg import sql

__all__ = ["Params", "Statement"]


@dataclass(frozen=True, slots=True)
class Statement:
    """One parameterised SQL statement; Postgres returns the response body as its only value."""

    query: sql.Composable
    params: dict[str, Any] = field(default_factory=dict)


class Params:
    """Names each value as it is added, so SQL fragments can be composed in any order."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def add(self, value: Any) -> sql.Placeholder:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return sql.Placeholder(name)
