"""The realtime predicate (``compile_predicate``) picks exactly the rows REST's SQL filter picks.

Two tables hold varied rows, NULLs included: one made through the API with PolarBase's field
types, one made with SQL for the Postgres types the API does not create (numeric, real,
timestamp, date, time, timetz, uuid, char, bigint, arrays) and values it would not take
(NaN, infinity, BC dates). For each filter, the ids ``GET /rest/db/{table}?filter=`` returns
must be the ids of the rows, read through the same API, that the predicate accepts. Rows are
read twice: numbers as floats (as httpx decodes them) and as Decimals (as realtime keeps them).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import orjson
import psycopg
import pytest
from psycopg import sql

from polarbase.query import Operator, parse_filter
from polarbase.query.match_filter import compile_predicate
from polarbase.schema import Table, build_table, catalog_statement
from tests.fixtures.server import Server
from tests.helpers import super_admin_client

API_COLUMNS = [
    {"name": "title", "dataType": "text"},
    {"name": "body", "dataType": "long-text"},
    {"name": "qty", "dataType": "integer"},
    {"name": "price", "dataType": "number"},
    {"name": "due", "dataType": "date"},
    {"name": "done", "dataType": "checkbox"},
    {"name": "stage", "dataType": "select", "options": ["lead", "won", "lost"]},
    {"name": "tags", "dataType": "multi-select", "options": ["a", "b", "c"]},
    {"name": "meta", "dataType": "json"},
    {"name": "email", "dataType": "email"},
    {"name": "site", "dataType": "url"},
    {"name": "spot", "dataType": "geo-point"},
]
EMPTY = {column["name"]: None for column in API_COLUMNS}
API_ROWS: list[dict[str, Any]] = [
    {
        "title": "alpha",
        "body": "first, 100% sure",
        "qty": 1,
        "price": 1.5,
        "due": "2024-01-01T00:00:00Z",
        "done": True,
        "stage": "lead",
        "tags": ["a"],
        "meta": {"k": 1, "list": ["x", "y"], "deep": {"n": [1, 2]}},
        "email": "ann@example.com",
        "site": "https://alpha.example",
        "spot": {"x": 1, "y": 2},
    },
    {
        "title": "beta_2",
        "body": "second\nline",
        "qty": 2,
        "price": 0.1,
        "due": "2024-02-01T10:30:00.25+02:00",
        "done": False,
        "stage": "won",
        "tags": ["a", "b"],
        "meta": {"k": 2.0},
        "email": "bob@other.org",
        "site": "https://beta.example/path?q=1",
        "spot": {"x": 2.3522, "y": 48.8566},
    },
    {
        "title": "gamma%",
        "qty": 3,
        "price": 1e20,
        "due": "2024-03-01T00:00:00.123456Z",
        "done": True,
        "stage": "lost",
        "tags": ["c"],
        "meta": [1, 2, [3, 4], {"z": None}],
        "email": "cy@example.com",
        "spot": {"x": -0.1276, "y": 51.5072},
    },
    {**EMPTY, "title": "betamax", "body": "fourth", "meta": "just text"},
    {**EMPTY, "title": "gammaray", "qty": 30, "tags": [], "meta": 1},
    {
        "title": "Émile",
        "body": "ÉCOLE",
        "qty": -7,
        "price": -0.5,
        "due": "1999-12-31T23:59:59Z",
        "done": False,
        "stage": "lead",
        "tags": ["b", "c"],
        "meta": {"k": 1.0, "flag": True},
        "email": "emile@example.fr",
    },
    {
        "title": "ΣΟΦΙΑ",
        "qty": 0,
        "price": 0,
        "meta": True,
        "tags": ["a", "b", "c"],
        "spot": {"x": 179.99, "y": -16.5},
    },
    {"title": "", "body": "", "qty": 2147483647, "price": 123456789.125, "meta": [1]},
    {"title": "back\\slash", "body": "under_score", "qty": 12, "price": 2.5, "meta": {}},
    {"title": "zeta", "body": "%", "qty": 100, "price": 1e-5, "meta": [], "stage": "won"},
    {"title": "Alpha", "qty": 1, "price": 1.5, "due": "2024-01-01T00:00:00Z", "meta": None},
    {"title": "omega", "qty": 5, "done": True, "due": "2030-06-15T12:00:00Z", "meta": [[1, 2]]},
    {"title": "pi", "qty": 314, "price": 3.14159, "meta": {"list": ["y"]}, "tags": ["b"]},
    {"title": "nothing", "spot": {"x": -179.99, "y": -16.5}},
    {"title": "north", "spot": {"x": 10, "y": 89.999}},
    {"title": "yes", "meta": {"k": "1"}, "stage": "lost", "email": "ann@example.com"},
]

SQL_TABLE = """
CREATE TABLE {table} (
  id serial PRIMARY KEY,
  label text,
  n numeric,
  single real,
  ts timestamp,
  d date,
  t time,
  tz timetz,
  u uuid,
  c char(4),
  big bigint,
  words text[],
  at timestamptz
)
"""
# Column by column: row i takes the i-th value of each list.
# fmt: off
SQL_VALUES: dict[str, list[Any]] = {
    "label": [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen",
    ],
    "n": [
        "1.50", "0.30000000000000000001", "NaN", "Infinity", "-Infinity", "100", "0.1", "-2.25",
        None, "1e-7", "123456789012345678901234567890.5", "0", "2",
    ],
    "single": [
        0.1, 0.5, "NaN", 1000000.0, -0.0, 123456.7, 3.5, 1e-05, None, 2.5, 1.5e+30, 0.25, 2,
    ],
    "ts": [
        "2024-01-01 10:00", "2024-01-01 10:00:00.5", "infinity", "-infinity",
        "0044-03-15 10:00 BC", "10000-01-01 00:00", "2024-01-01 00:00", "2023-12-31 23:59:59",
        None, "2024-06-01 12:00", "2024-01-01 10:00", "1999-01-08 04:05:06",
        "2024-01-01 10:00:01",
    ],
    "d": [
        "2024-01-01", "2024-02-29", "infinity", "-infinity", "0044-03-15 BC", "10000-01-01",
        "2024-01-01", "2023-12-31", None, "2024-06-01", "2024-01-01", "1999-01-08", "2024-01-02",
    ],
    "t": [
        "10:00", "24:00", "00:00", "12:30:15.5", None, "23:59:59.999999", "10:00", "09:59:59",
        None, "12:00", "10:00:00", "04:05:06", "10:00:01",
    ],
    "tz": [
        "10:00+02", "08:00+00", "23:00-02", "12:00+00", None, "10:00+02", "10:00+00", "09:00-01",
        None, "12:00+05:30", "06:00-04", "04:05:06+00", "10:00:01+02",
    ],
    "u": [
        "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12", None,
        "c0eebc99-9c0b-4ef8-bb6d-6bb9bd380a13", "d0eebc99-9c0b-4ef8-bb6d-6bb9bd380a14",
        "e0eebc99-9c0b-4ef8-bb6d-6bb9bd380a15", "f0eebc99-9c0b-4ef8-bb6d-6bb9bd380a16",
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", None, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a10",
        "f0eebc99-9c0b-4ef8-bb6d-6bb9bd380a16", "00000000-0000-0000-0000-000000000000",
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a17",
    ],
    "c": [
        "ab", "abcd", "x", None, "ab  ", "abc", "ab", "zz", None, "AB", "ab", "a_b", "b",
    ],
    "big": [
        10, 9007199254740993, -1, 0, None, 5, 7, 123, None, -9223372036854775808, 10, 42, 2,
    ],
    "words": [
        ["a", "b"], ["a", None], [], None, ["c", "a"], ["b"], ["a", "b"], ["b", "c"], None, ["A"],
        ["a", "b", "c"], ["%", "_"], ["a", "a"],
    ],
    "at": [
        "2024-01-01 10:00+00", "2024-01-01 12:00+02", "infinity", "-infinity",
        "0044-03-15 10:00 BC", "10000-01-01 00:00+00", "2024-01-01 00:00:00.000001+00",
        "2023-12-31 23:00-05", None, "2024-06-01 12:00+05:30", "2024-01-01 10:00+00",
        "1999-01-08 04:05:06+00", "2024-01-01 10:00:01+00",
    ],
}
# fmt: on

API_CASES: list[Any] = [
    {"title": "alpha"},
    {"title": {"ne": "alpha"}},
    {"title": {"gt": "beta"}},
    {"title": {"lte": "Alpha"}},
    {"title": {"between": ["b", "gamma"]}},
    {"title": {"in": ["alpha", "zeta", "missing"]}},
    {"title": {"notIn": ["alpha", "zeta"]}},
    {"title": {"like": "%a%"}},
    {"title": {"ilike": "%A"}},
    {"title": {"ilike": "émile"}},
    {"title": {"ilike": "σοφια"}},
    {"title": {"notLike": "_____"}},
    {"title": {"notIlike": "%a%"}},
    {"title": {"like": "gamma\\%"}},
    {"title": {"like": "back\\\\slash"}},
    {"title": {"startsWith": "beta_"}},
    {"title": {"startsWith": ""}},
    {"title": {"contains": "AM"}},
    {"body": {"like": "%\n%"}},
    {"body": {"like": "second_line"}},
    {"body": {"ilike": "%cole"}},
    {"body": {"eq": ""}},
    {"body": {"notLike": "%o%"}},
    {"body": {"isNull": True}},
    {"body": {"notNull": True}},
    {"body": {"isNull": False}},
    {"body": {"notNull": False}},
    {"qty": 2},
    {"qty": {"ne": 2}},
    {"qty": {"gt": 2}},
    {"qty": {"gte": -7, "lt": 30}},
    {"qty": {"between": [0, 12]}},
    {"qty": [1, 3, 30]},
    {"qty": {"notIn": [1, 3]}},
    {"qty": {"in": []}},
    {"qty": {"notIn": []}},
    {"qty": {"like": "1%"}},
    {"qty": {"like": "-%"}},
    {"qty": {"contains": "14"}},
    {"price": 0.1},
    {"price": {"gt": 0.1}},
    {"price": {"lt": 1}},
    {"price": {"gte": 2}},
    {"price": {"in": [1.5, 1e20]}},
    {"price": {"between": [0, 3.14159]}},
    {"price": {"like": "1e%"}},
    {"price": {"like": "%.%"}},
    {"price": {"startsWith": "123456789.1"}},
    {"price": {"like": "0"}},
    {"due": {"gte": "2024-02-01T00:00:00Z"}},
    {"due": {"lt": "2024-02-01"}},
    {"due": {"eq": "2024-02-01T08:30:00.25Z"}},
    {"due": {"eq": "2024-02-01T10:30:00.25+02:00"}},
    {"due": {"between": ["2024-01-01", "2024-03-01T00:00:00.123456"]}},
    {"due": {"in": ["2024-01-01T00:00:00+00:00", "2030-06-15T14:00:00+02:00"]}},
    {"due": {"like": "% 00:00:00+00"}},
    {"due": {"like": "%.25+00"}},
    {"due": {"startsWith": "2024-02-01 08:30"}},
    {"due": {"contains": "t"}},
    {"done": True},
    {"done": {"ne": True}},
    {"done": {"gt": False}},
    {"done": {"like": "t%"}},
    {"stage": {"in": ["lead", "won"]}},
    {"stage": {"notIn": ["lead", None]}},
    {"stage": {"in": ["lost", None]}},
    {"tags": ["a", "b"]},
    {"tags": {"ne": ["a", "b"]}},
    {"tags": {"eq": []}},
    {"tags": {"contains": ["a"]}},
    {"tags": {"contains": ["c", "b"]}},
    {"tags": {"contains": []}},
    {"tags": {"contains": "b"}},
    {"tags": {"overlaps": ["b", "c"]}},
    {"tags": {"overlaps": []}},
    {"meta": {"eq": {"k": 1}}},
    {"meta": {"eq": {"k": 2}}},
    {"meta": {"ne": {"k": 1}}},
    {"meta": {"eq": 1}},
    {"meta": {"eq": True}},
    {"meta": {"eq": []}},
    {"meta": {"eq": "just text"}},
    {"meta": {"contains": {"k": 1}}},
    {"meta": {"contains": {"list": ["y"]}}},
    {"meta": {"contains": {"deep": {"n": [2]}}}},
    {"meta": {"contains": [2]}},
    {"meta": {"contains": [[3]]}},
    {"meta": {"contains": 1}},
    {"meta": {"contains": [1]}},
    {"meta": {"contains": {}}},
    {"meta": {"contains": []}},
    {"meta": {"contains": [{}]}},
    {"meta": {"contains": "just text"}},
    {"meta": {"contains": [{"z": None}]}},
    {"email": {"ilike": "%@EXAMPLE.com"}},
    {"email": "ann@example.com"},
    {"site": {"startsWith": "https://beta"}},
    {"spot": {"isNull": True}},
    {"spot": {"notNull": True}},
    {"spot": {"withinBox": {"minX": -1, "minY": 40, "maxX": 3, "maxY": 52}}},
    {"spot": {"withinBox": {"minX": 1, "minY": 2, "maxX": 1, "maxY": 2}}},
    {"spot": {"withinBox": {"minX": -180, "minY": -90, "maxX": 180, "maxY": 90}}},
    # Paris to London is 343.5 km: the first reaches London, the second does not
    {"spot": {"near": {"x": 2.3522, "y": 48.8566, "meters": 345_000}}},
    {"spot": {"near": {"x": 2.3522, "y": 48.8566, "meters": 342_000}}},
    # Across the antimeridian (the two points are 2.1 km apart), and around the pole
    {"spot": {"near": {"x": 179.995, "y": -16.5, "meters": 5_000}}},
    {"spot": {"near": {"x": 100, "y": 89.99, "meters": 5_000}}},
    {"or": [{"spot": {"near": {"x": 0, "y": 0, "meters": 0}}}, {"title": "north"}]},
    {"done": True, "qty": {"gt": 1}},
    {"or": [{"qty": {"lt": 2}}, {"body": {"isNull": True}}]},
    {"or": [{"title": {"ne": "alpha"}}, {"qty": {"notIn": [1]}}]},
    {"done": True, "or": [{"qty": 1}, {"qty": 30}, {"price": {"gt": 1}}]},
    {
        "or": [
            {"and": [{"qty": {"lt": 3}}, {"or": [{"stage": "lead"}, {"stage": "won"}]}]},
            {
                "and": [
                    {"title": {"startsWith": "gamma"}},
                    {"or": [{"qty": 30}, {"and": [{"done": True}, {"stage": "lost"}]}]},
                ]
            },
            {"meta": {"contains": {"flag": True}}},
        ]
    },
    {"and": [{"or": [{"body": {"notLike": "%"}}, {"price": {"ne": 0}}]}, {"tags": {"ne": []}}]},
]

SQL_CASES: list[Any] = [
    {"n": 0.1},
    {"n": 0.3},
    {"n": {"gt": 0.3}},
    {"n": {"gt": 0}},
    {"n": {"lt": 2}},
    {"n": {"gte": 100}},
    {"n": {"ne": 2}},
    {"n": {"in": [2, 100]}},
    {"n": {"in": [0.1, 1.5]}},
    {"n": {"notIn": [0, 2]}},
    {"n": {"between": [-3, 1.5]}},
    {"n": {"between": [0.1, 2]}},
    {"n": {"like": "%.5%"}},
    {"n": {"like": "NaN"}},
    {"n": {"ilike": "%inf%"}},
    {"n": {"like": "0.%"}},
    {"single": 0.1},
    {"single": 0.5},
    {"single": {"gt": 2}},
    {"single": {"lte": 0.25}},
    {"single": {"in": [0.5, 2.5, 3.5]}},
    {"single": {"ne": 0}},
    {"single": {"like": "%e%"}},
    {"single": {"like": "0.%"}},
    {"single": {"like": "123456.7"}},
    {"ts": "2024-01-01T10:00:00"},
    {"ts": "2024-01-01T10:00:00+05:00"},
    {"ts": {"gt": "2024-01-01T10:00:00Z"}},
    {"ts": {"lt": "2000-01-01"}},
    {"ts": {"gte": "2024-01-01"}},
    {"ts": {"between": ["1999-01-01", "2024-01-01T10:00:00.5"]}},
    {"ts": {"like": "% 10:00:00%"}},
    {"ts": {"like": "%BC"}},
    {"ts": {"like": "%inity"}},
    {"d": "2024-01-01"},
    {"d": "2024-01-01T23:00:00-05:00"},
    {"d": {"gt": "2024-01-01"}},
    {"d": {"lte": "2024-01-01"}},
    {"d": {"in": ["2024-02-29", "1999-01-08"]}},
    {"d": {"like": "2024-%"}},
    {"d": {"like": "%BC"}},
    {"t": "10:00"},
    {"t": {"gt": "12:00"}},
    {"t": {"lt": "04:05:06.000001"}},
    {"t": {"gte": "23:59:59.999999"}},
    {"t": {"like": "%.5"}},
    {"t": {"in": ["10:00:00", "00:00"]}},
    {"tz": "10:00+02"},
    {"tz": "08:00"},
    {"tz": {"gt": "08:00:00+00"}},
    {"tz": {"lte": "10:00+02:00"}},
    {"tz": {"ne": "10:00+02"}},
    {"tz": {"like": "%+02"}},
    {"u": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
    {"u": "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"},
    {"u": {"gt": "c0eebc99-9c0b-4ef8-bb6d-6bb9bd380a13"}},
    {"u": {"in": ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a10", "f0eebc99-9c0b-4ef8-bb6d-6bb9bd380a16"]}},
    {"u": {"like": "a0%"}},
    {"u": {"contains": "BB6D"}},
    {"c": "ab"},
    {"c": "ab  "},
    {"c": {"gt": "ab"}},
    {"c": {"lt": "abc"}},
    {"c": {"in": ["ab", "x"]}},
    {"c": {"in": ["ab  ", "zz "]}},
    {"c": {"notIn": ["ab  "]}},
    {"c": {"like": "ab"}},
    {"c": {"like": "ab%"}},
    {"c": {"like": "ab  "}},
    {"c": {"ilike": "ab__"}},
    {"c": {"startsWith": "a_"}},
    {"c": {"contains": "b "}},
    {"big": 9007199254740993},
    {"big": {"gt": 9007199254740992}},
    {"big": {"lt": 0}},
    {"big": {"like": "%3"}},
    {"words": ["a", "b"]},
    {"words": ["a", None]},
    {"words": {"ne": ["a", "b"]}},
    {"words": {"contains": ["a"]}},
    {"words": {"contains": ["a", None]}},
    {"words": {"overlaps": ["c", "%"]}},
    {"words": {"overlaps": [None]}},
    {"at": "2024-01-01T10:00:00Z"},
    {"at": {"gt": "2024-01-01T10:00:00"}},
    {"at": {"lt": "1000-01-01"}},
    {"at": {"gte": "9999-12-31T23:59:59Z"}},
    {"at": {"like": "%+00"}},
    {"at": {"like": "%BC"}},
    {"at": {"like": "10000-%"}},
    {"at": {"like": "%.000001+00"}},
    {"label": {"like": "t%"}, "or": [{"n": {"gt": 1}}, {"d": {"lt": "2024-01-02"}}]},
]
# The text of a numeric that arrives as a float has lost its scale (1.50 reads 1.5) and its
# digits past double precision: these cases hold for rows read exactly.
EXACT_ONLY = {
    json.dumps({"n": {"like": "%.5%"}}),
    json.dumps({"n": {"like": "0.%"}}),
}


@pytest.fixture(scope="module")
def client(live_server: Server) -> Iterator[httpx.Client]:
    with super_admin_client(live_server) as client:
        yield client


@pytest.fixture(scope="module")
def connection(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(database_url, autocommit=True) as connection:
        yield connection


def _shape(connection: psycopg.Connection[Any], name: str) -> Table:
    """The table's shape as the server reads it from the catalog."""
    query, params = catalog_statement("public", name)
    row = connection.execute(query, params).fetchone()
    assert row is not None
    return build_table("public", json.loads(row[0])[0])


@pytest.fixture(scope="module")
def api_table(client: httpx.Client, connection: psycopg.Connection[Any]) -> Iterator[Table]:
    name = f"equiv_{uuid.uuid4().hex[:8]}"
    created = client.post("/rest/db/tables", json={"name": name, "columns": API_COLUMNS})
    assert created.status_code == 200, created.text
    rows = [{**EMPTY, **row} for row in API_ROWS]
    inserted = client.post(f"/rest/db/{name}/bulk-create", json=rows)
    assert inserted.status_code == 200, inserted.text
    yield _shape(connection, name)
    client.delete(f"/rest/db/tables/{name}")


@pytest.fixture(scope="module")
def sql_table(connection: psycopg.Connection[Any]) -> Iterator[Table]:
    name = f"equiv_sql_{uuid.uuid4().hex[:8]}"
    table = sql.Identifier(name)
    connection.execute(sql.SQL(SQL_TABLE).format(table=table))
    columns = sql.SQL(", ").join(map(sql.Identifier, SQL_VALUES))
    values = sql.SQL(", ").join(sql.Placeholder() * len(SQL_VALUES))
    rows = list(zip(*SQL_VALUES.values(), strict=True))
    with connection.cursor() as cursor:
        cursor.executemany(
            sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(table, columns, values), rows
        )
    yield _shape(connection, name)
    connection.execute(sql.SQL("DROP TABLE {}").format(table))


def _ids(response: httpx.Response) -> set[Any]:
    assert response.status_code == 200, response.text
    return {row["id"] for row in response.json()["data"]["rows"]}


def _assert_same_rows(client: httpx.Client, table: Table, where: Any) -> None:
    text = json.dumps(where)
    # GIVEN the rows as the API shows them, decoded with floats and with exact decimals
    everything = client.get(f"/rest/db/{table.name}")
    assert everything.status_code == 200, everything.text
    readings = {"decimal": json.loads(everything.text, parse_float=Decimal)["data"]["rows"]}
    if text not in EXACT_ONLY:
        readings["float"] = everything.json()["data"]["rows"]
    # WHEN SQL filters them and the predicate compiled from the same filter tree does
    from_sql = _ids(client.get(f"/rest/db/{table.name}", params={"filter": text}))
    matches = compile_predicate(parse_filter(orjson.loads(text), table))
    # THEN both pick the same rows
    for reading, rows in readings.items():
        from_predicate = {row["id"] for row in rows if matches(row)}
        assert from_predicate == from_sql, f"{reading} rows: {text}"


@pytest.mark.parametrize("where", API_CASES, ids=[json.dumps(case)[:70] for case in API_CASES])
def test_predicate_agrees_with_sql_on_field_types(client, api_table, where):
    _assert_same_rows(client, api_table, where)


@pytest.mark.parametrize("where", SQL_CASES, ids=[json.dumps(case)[:70] for case in SQL_CASES])
def test_predicate_agrees_with_sql_on_postgres_types(client, sql_table, where):
    _assert_same_rows(client, sql_table, where)


def test_every_operator_is_exercised():
    used: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("and", "or"):
                    walk(value)
                elif isinstance(value, dict):
                    used.update(value)

    walk(API_CASES + SQL_CASES)
    assert used >= {operator.value for operator in Operator}
