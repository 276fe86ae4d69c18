"""The SQL PolarBase runs for each workload, built by PolarBase's own statement builders."""

from __future__ import annotations

import random
from pathlib import Path

from polarbase.config import Settings
from polarbase.query import (
    CountMode,
    ListRequest,
    Statement,
    check_record,
    get_statement,
    insert_statement,
    list_statement,
    parse_sort,
)
from polarbase.runtime import build_runtime
from polarbase.schema import Column, Table, TableName

from .dataset import TABLE, random_record

__all__ = [
    "bulk_statement",
    "get_one_statement",
    "load_table",
    "page_statement",
    "post_one_statement",
]


async def load_table(database_url: str, data_dir: Path, super_admin_key: str) -> Table:
    """The table's shape as the server sees it: same catalog, same metadata file."""
    settings = Settings(
        data_dir=data_dir, super_admin_key=super_admin_key, pool_min_size=1, pool_max_size=1
    )
    runtime = build_runtime(settings, database_url=database_url)
    await runtime.start()
    try:
        return await runtime.catalog.table(TableName(settings.db_schema, TABLE))
    finally:
        await runtime.stop()


def _key(table: Table) -> Column:
    key = table.key_column
    if key is None:
        raise ValueError(f"table {table.name} has no single-column key")
    return key


def get_one_statement(table: Table, rng: random.Random, highest_id: int) -> Statement:
    """``GET /rest/db/<t>/<id>``: every column, no expand."""
    return get_statement(table, _key(table), rng.randint(1, highest_id), table.columns, ())


def page_statement(
    table: Table, rng: random.Random, limit: int, pages: int, count: CountMode
) -> Statement:
    """``GET /rest/db/<t>?limit=<limit>&page=<random>&count=<count>``."""
    key = _key(table)
    request = ListRequest(
        table=table,
        key=key,
        fields=table.columns,
        sort=parse_sort(None, table, key),
        page=rng.randint(1, pages),
        limit=limit,
        count=count,
    )
    return list_statement(request)


def post_one_statement(table: Table, rng: random.Random) -> Statement:
    """``POST /rest/db/<t>`` with one random record."""
    return insert_statement(table, [check_record(table, random_record(rng), "")])


def bulk_statement(table: Table, records: list[dict[str, object]]) -> Statement:
    """``POST /rest/db/<t>/bulk-create`` with ``records``."""
    return insert_statement(
        table, [check_record(table, record, f"record {n}: ") for n, record in enumerate(records)]
    )
