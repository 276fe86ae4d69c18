"""Identifiers and name literals for statements that carry parameters.

psycopg reads ``%`` in a query with parameters as the start of a placeholder, and does not escape
it inside identifiers or literals. A column named ``a%b`` (legal in PostgreSQL, possible in a
table made outside PolarBase) would break every statement that names it, so names rendered here
double their ``%``, as psycopg expects of literal text.
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

__all__ = ["ident", "name_literal"]


class _PercentSafeIdentifier(sql.Identifier):
    def as_bytes(self, context: Any = None) -> bytes:
        return super().as_bytes(context).replace(b"%", b"%%")


class _PercentSafeLiteral(sql.Literal):
    def as_bytes(self, context: Any = None) -> bytes:
        return super().as_bytes(context).replace(b"%", b"%%")


def ident(*names: str) -> sql.Identifier:
    """``sql.Identifier`` that stays correct in a statement with parameters."""
    if any("%" in name for name in names):
        return _PercentSafeIdentifier(*names)
    return sql.Identifier(*names)


def name_literal(name: str) -> sql.Literal:
    """A column name as a string literal (a JSON key), correct in a statement with parameters."""
    return _PercentSafeLiteral(name) if "%" in name else sql.Literal(name)
