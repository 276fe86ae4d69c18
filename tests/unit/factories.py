"""Column and Table models built in memory for unit tests: plain defaults, facts overridden."""

from __future__ import annotations

from typing import Any

from polarbase.schema.model import Column, Table, TableName


def column(name: str, field_type: str, base: str, **facts: Any) -> Column:
    """A nullable, non-key column of ``base`` type; ``facts`` override any field."""
    values: dict[str, Any] = {
        "name": name,
        "attnum": 0,
        "field_type": field_type,
        "pg_type": base,
        "udt_name": base,
        "base_type": base,
        "is_array": False,
        "nullable": True,
        "primary": False,
        "unique": False,
        "default_sql": None,
        "default_value": None,
        "is_identity": False,
        "generated": "",
        "comment": None,
        "domain": None,
    }
    values.update(facts)
    return Column(**values)


def table(name: str, *columns: Column) -> Table:
    """``public.<name>`` keyed by an ``id`` auto-number column, followed by ``columns``."""
    return Table(
        ref=TableName("public", name),
        oid=1,
        comment=None,
        columns=(column("id", "auto-number", "int8", primary=True), *columns),
        primary_key=("id",),
    )
