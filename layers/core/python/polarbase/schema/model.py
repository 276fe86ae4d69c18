"""The shape of a table as PolarBase knows it: columns with their field types, keys and rules."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from psycopg import sql

from ..errors import TableNotFoundError

__all__ = ["MAX_COLUMNS", "Column", "ForeignKey", "Formula", "Index", "Table", "TableName"]


MAX_COLUMNS = 1600
"""PostgreSQL's own limit on the columns of a table."""


@dataclass(frozen=True, slots=True)
class TableName:
    """A table is always (schema, name) inside the engine, even while the API shows one schema."""

    schema: str
    name: str

    def __str__(self) -> str:
        return f"{self.schema}.{self.name}"

    @classmethod
    def named(cls, schema: str, name: str) -> TableName:
        """The table a caller names; raises TableNotFoundError for a name no table can have
        (Postgres names never hold NUL, and a NUL cannot even travel as a parameter)."""
        if "\x00" in name:
            raise TableNotFoundError(name.replace("\x00", "\\0"))
        return cls(schema, name)


@dataclass(frozen=True, slots=True)
class ForeignKey:
    constraint: str
    table: TableName
    column: str
    on_update: str
    on_delete: str


@dataclass(frozen=True, slots=True)
class Formula:
    result_type: str
    expression: str
    strategy: str  # "stored" | "virtual"


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its field type, how Postgres stores it, and the rules PolarBase found on it."""

    name: str
    attnum: int
    field_type: str
    pg_type: str  # format_type(), e.g. "character varying(255)", "integer[]"
    udt_name: str  # pg_type.typname of the column's type, e.g. "varchar", "_text", "email_address"
    base_type: str  # typname after resolving domains and arrays, e.g. "text", "jsonb", "int8"
    is_array: bool
    nullable: bool
    primary: bool
    unique: bool
    default_sql: str | None
    default_value: Any
    is_identity: bool
    generated: str  # "" | "stored" | "virtual"
    comment: str | None
    domain: str | None
    validation: dict[str, Any] | None = None
    options: tuple[str, ...] | None = None
    foreign_key: ForeignKey | None = None
    formula: Formula | None = None
    checks: tuple[dict[str, Any], ...] = ()
    ui_name: str | None = None
    display_format: dict[str, Any] | None = None
    is_identity_always: bool = False

    @property
    def is_read_only(self) -> bool:
        """Columns the API never writes: formulas (computed), identities GENERATED ALWAYS, and
        auto-number and auto-date, which the database sets (a written auto-number leaves its
        sequence behind, so a later insert repeats the value)."""
        return self.read_only_reason is not None

    @property
    def read_only_reason(self) -> str | None:
        """Why the API refuses a value for this column, in words; None when it takes one."""
        if self.generated != "":
            return "a formula, computed by the database"
        if self.is_identity_always:
            return "generated always by the database"
        if self.field_type in ("auto-number", "auto-date"):
            return f"{self.field_type}, set by the database"
        return None


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    table: str
    columns: tuple[str, ...]
    unique: bool
    primary: bool
    method: str
    constraint: str | None


@dataclass(frozen=True)
class Table:
    """A table's shape. ``columns`` keeps catalog order; ``column()`` finds one by name."""

    ref: TableName
    oid: int
    comment: str | None
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    indexes: tuple[Index, ...] = ()
    ui_name: str | None = None
    has_metadata: bool = False
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)
    _fragments: dict[Hashable, sql.SQL] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {column.name: column for column in self.columns})
        object.__setattr__(self, "_fragments", {})

    def fragment(self, key: Hashable, build: Callable[[], sql.Composable]) -> sql.SQL:
        """SQL that depends only on this shape and ``key``, rendered once and reused.

        Composing and rendering SQL costs more than running a small statement, so the parts of
        a statement that only depend on the table (its projection, say) are kept as text here;
        a new shape (after any change) starts with none.
        """
        found = self._fragments.get(key)
        if found is None:
            if len(self._fragments) > 256:
                self._fragments.clear()
            found = self._fragments[key] = sql.SQL(build().as_string(None))
        return found

    @property
    def name(self) -> str:
        return self.ref.name

    def column(self, name: str) -> Column | None:
        return self._by_name.get(name)

    def has_column(self, name: str) -> bool:
        return name in self._by_name

    def column_with_rule(self, constraint: str | None) -> Column | None:
        """The column a CHECK rule of this table is on, by the rule's name."""
        for column in self.columns:
            if any(check["name"] == constraint for check in column.checks):
                return column
        return None

    @property
    def id_type(self) -> str | None:
        """The ``idType`` a table created by PolarBase was made with, read from its key column
        ``id``; None for a key PolarBase would not have made."""
        key = self.key_column
        if key is None or key.name != "id" or key.is_array:
            return None
        if key.base_type in ("int4", "int8") and key.field_type == "auto-number":
            return "integer" if key.base_type == "int4" else "biginteger"
        if key.base_type == "uuid":
            return "uuid"
        if key.pg_type == "character varying(16)":
            return "shortid"
        return None

    @property
    def has_timestamps(self) -> bool:
        """True when the table has the ``created_at`` and ``updated_at`` that ``timestamps``
        adds (both auto-date)."""
        return all(
            (column := self.column(name)) is not None and column.field_type == "auto-date"
            for name in ("created_at", "updated_at")
        )

    @property
    def key_column(self) -> Column | None:
        """The single-column primary key that addresses records, or None for composite/no key."""
        if len(self.primary_key) != 1:
            return None
        return self._by_name.get(self.primary_key[0])
