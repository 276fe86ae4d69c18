"""The benchmark's table: its definition, random records for it, and seeding it through the API."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import httpx
import psycopg
from psycopg import sql

__all__ = [
    "SEED_CHUNK",
    "SEED_ROWS",
    "STATUSES",
    "TABLE",
    "TABLE_DEFINITION",
    "create_table",
    "random_record",
    "random_records",
    "seed",
    "vacuum_analyze",
]

TABLE = "bench_records"
SEED_ROWS = 100_000
SEED_CHUNK = 10_000
STATUSES = ("new", "active", "paused", "churned")

TABLE_DEFINITION: dict[str, Any] = {
    "name": TABLE,
    "idType": "biginteger",
    "timestamps": True,
    "columns": [
        {"name": "name", "dataType": "text"},
        {"name": "email", "dataType": "email"},
        {"name": "amount", "dataType": "number"},
        {"name": "status", "dataType": "select", "options": list(STATUSES)},
        {"name": "created", "dataType": "date"},
        {"name": "active", "dataType": "checkbox"},
        {"name": "payload", "dataType": "json"},
    ],
}

_FIRST_DAY = date(2020, 1, 1)


def random_record(rng: random.Random) -> dict[str, Any]:
    """One record with every column set, as a client would send it."""
    number = rng.randrange(1_000_000_000)
    return {
        "name": f"Customer {number}",
        "email": f"user{number}@example.com",
        "amount": round(rng.uniform(0, 10_000), 2),
        "status": rng.choice(STATUSES),
        "created": (_FIRST_DAY + timedelta(days=rng.randrange(2_000))).isoformat(),
        "active": rng.random() < 0.5,
        "payload": {"score": rng.randrange(100), "tags": ["alpha", "beta"][: rng.randrange(3)]},
    }


def random_records(rng: random.Random, count: int) -> list[dict[str, Any]]:
    return [random_record(rng) for _ in range(count)]


def create_table(client: httpx.Client) -> None:
    response = client.post("/rest/db/tables", json=TABLE_DEFINITION)
    response.raise_for_status()


def seed(client: httpx.Client, rng: random.Random, rows: int = SEED_ROWS) -> None:
    """Fill the table through bulk-create, ``SEED_CHUNK`` records per request."""
    for start in range(0, rows, SEED_CHUNK):
        batch = random_records(rng, min(SEED_CHUNK, rows - start))
        response = client.post(f"/rest/db/{TABLE}/bulk-create", json=batch)
        response.raise_for_status()


def vacuum_analyze(database_url: str) -> None:
    """Fresh statistics, so ``count=estimated`` reads a real ``reltuples``, and a settled table.

    VACUUM sets the visibility map as autovacuum would about a minute after the seed anyway;
    doing it now keeps autovacuum from changing the plans (index-only scans) in mid-run.
    """
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier("public", TABLE)))
