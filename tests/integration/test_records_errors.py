"""Records API errors: each has its status and a message in words; injection attempts fail."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import psycopg
import pytest
from psycopg import sql


def error_of(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text[:500]
    body = response.json()
    assert body["success"] is False
    assert isinstance(body["timestamp"], str)
    assert "Traceback" not in body["error"]
    return body["error"]


def data_of(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text[:500]
    return response.json()["data"]


@pytest.fixture
def people(api, make_table) -> str:
    return make_table(
        columns=[
            {"name": "name", "dataType": "text", "nullable": False},
            {"name": "email", "dataType": "email", "unique": True},
            {"name": "age", "dataType": "integer", "validation": {"minValue": 0, "maxValue": 150}},
            {"name": "stage", "dataType": "select", "options": ["lead", "won"]},
        ]
    )


# --- unknown things ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "", None),
        ("GET", "/1", None),
        ("POST", "", {"name": "x"}),
        ("POST", "/bulk-create", [{"name": "x"}]),
        ("PATCH", "/1", {"name": "x"}),
        ("PATCH", "/bulk-update", [{"id": 1, "data": {"name": "x"}}]),
        ("DELETE", "/1", None),
        ("POST", "/bulk-delete", {"ids": [1]}),
    ],
)
def test_unknown_table_is_404_naming_it(api, method, path, body):
    response = api.request(method, f"/rest/db/no_such_table{path}", json=body)
    assert "'no_such_table'" in error_of(response, 404)


# --- bodies -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", ""), ("POST", "/bulk-create"), ("PATCH", "/1"), ("PATCH", "/bulk-update")],
)
@pytest.mark.parametrize("content", [b"{not json", b"", b"[1,", b"\xff\xfe"])
def test_malformed_json_body_is_400(api, people, method, path, content):
    response = api.request(
        method,
        f"/rest/db/{people}{path}",
        content=content,
        headers={"content-type": "application/json"},
    )
    assert error_of(response, 400).startswith("body")


def assert_body_too_large(response: httpx.Response, transport: str) -> None:
    if transport == "lambda":
        # API Gateway refuses it before the function runs: Lambda takes events up to 6 MB.
        assert response.status_code == 413, response.text[:500]
    else:
        assert "limit" in error_of(response, 413)


def test_body_over_16_mb_is_413(api, people, transport):
    big = json.dumps([{"name": "x" * 1000}] * 17_000).encode()
    assert len(big) > 16 * 1024 * 1024
    response = api.post(
        f"/rest/db/{people}/bulk-create", content=big, headers={"content-type": "application/json"}
    )
    assert_body_too_large(response, transport)


def test_streamed_body_over_16_mb_is_413(api, people, transport):
    def chunks() -> Iterator[bytes]:
        yield b"["
        for _ in range(17 * 1024):
            yield b'{"name": "' + b"x" * 1000 + b'"},'
        yield b"{}]"

    response = api.post(
        f"/rest/db/{people}/bulk-create",
        content=chunks(),
        headers={"content-type": "application/json"},
    )
    assert_body_too_large(response, transport)
    assert data_of(api.get(f"/rest/db/{people}"))["pagination"]["total"] == 0


# --- database rules ---------------------------------------------------------------------------


def test_not_null_violation_is_422_naming_the_column(api, people):
    message = error_of(api.post(f"/rest/db/{people}", json={"email": "a@b.co"}), 422)
    assert "'name'" in message
    assert "null" in message


def test_unique_violation_is_409_naming_column_and_value(api, people):
    data_of(api.post(f"/rest/db/{people}", json={"name": "a", "email": "ann@example.com"}))
    response = api.post(f"/rest/db/{people}", json={"name": "b", "email": "ann@example.com"})
    message = error_of(response, 409)
    assert "email" in message
    assert "ann@example.com" in message
    assert "duplicate" in message


def test_unique_violation_on_update_is_409(api, people):
    _, second = data_of(
        api.post(
            f"/rest/db/{people}/bulk-create",
            json=[{"name": "a", "email": "a@x.com"}, {"name": "b", "email": "b@x.com"}],
        )
    )["returning"]
    response = api.patch(f"/rest/db/{people}/{second['id']}", json={"email": "a@x.com"})
    assert "a@x.com" in error_of(response, 409)


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"age": 200}, "age"),
        ({"age": -1}, "allowed range"),
        ({"stage": "lost"}, "allowed options"),
    ],
)
def test_check_violation_is_409_naming_the_rule(api, people, values, words):
    message = error_of(api.post(f"/rest/db/{people}", json={"name": "x", **values}), 409)
    assert "rule" in message
    assert words in message
    assert data_of(api.get(f"/rest/db/{people}"))["rows"] == []


def test_check_rule_written_in_sql_is_named(api, pg):
    table = f"checked_{uuid.uuid4().hex[:8]}"
    pg.execute(
        sql.SQL(
            "CREATE TABLE {} (id serial PRIMARY KEY, qty integer "
            "CONSTRAINT qty_must_be_positive CHECK (qty > 0))"
        ).format(sql.Identifier(table))
    )
    try:
        message = error_of(api.post(f"/rest/db/{table}", json={"qty": 0}), 409)
        assert "qty_must_be_positive" in message
    finally:
        pg.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(table)))


def test_foreign_key_violations_are_409(api, make_table):
    # GIVEN contacts referring to companies
    companies = make_table(columns=[{"name": "name", "dataType": "text"}])
    contacts = make_table(
        columns=[
            {"name": "company_id", "dataType": "reference", "foreignKey": {"table": companies}}
        ]
    )
    (acme,) = data_of(api.post(f"/rest/db/{companies}", json={"name": "Acme"}))["returning"]
    data_of(api.post(f"/rest/db/{contacts}", json={"company_id": acme["id"]}))
    # WHEN referring to a company that does not exist
    message = error_of(api.post(f"/rest/db/{contacts}", json={"company_id": 424242}), 409)
    # THEN the message names the column and the value
    assert "company_id" in message
    assert "424242" in message
    # AND deleting a company still referred to is refused too
    assert "referenced" in error_of(api.delete(f"/rest/db/{companies}/{acme['id']}"), 409)
    assert data_of(api.get(f"/rest/db/{companies}/{acme['id']}"))["name"] == "Acme"


# --- nothing is a 500 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"filter": json.dumps({"name": {"like": "a\u0000"}})},
        {"filter": json.dumps({"name": {"startsWith": "\u0000"}})},
        {"filter": json.dumps({"name": {"contains": "\u0000"}})},
        {"filter": json.dumps({"name": "\u0000"})},
        {"search": "\u0000"},
        {"sort": "\u0000"},
        {"fields": "\u0000"},
        {"expand": "\u0000"},
        {"after": "\u0000"},
        {"page": "99999999999"},
        {"limit": "99999999999999999999"},
        {"filter": "[" * 20_000},
        {"filter": json.dumps({"age": 1e400})},
        {"filter": json.dumps({"age": {"in": list(range(5000))}})},
    ],
)
def test_odd_list_parameters_never_give_500(api, people, params):
    response = api.get(f"/rest/db/{people}", params=params)
    assert response.status_code < 500, response.text[:300]


@pytest.mark.parametrize("name", ["a\u0000b", "x" * 300, "pg_catalog.pg_class", "..", "%"])
def test_odd_table_names_are_404(api, name):
    error_of(api.get(f"/rest/db/{quote(name, safe='')}"), 404)


# --- SQL injection ----------------------------------------------------------------------------


@pytest.fixture
def canary(api, people, pg) -> Iterator[str]:
    """A table with two rows that must be intact after each attempt."""
    data_of(
        api.post(
            f"/rest/db/{people}/bulk-create",
            json=[{"name": "Ann", "email": "ann@x.com"}, {"name": "Bob", "email": "bob@x.com"}],
        )
    )
    yield people
    rows = pg.execute(
        sql.SQL("SELECT name FROM {} ORDER BY id").format(sql.Identifier(people))
    ).fetchall()
    assert rows == [("Ann",), ("Bob",)]


def drop(table: str) -> str:
    return f'{table}"; DROP TABLE "{table}"; --'


@pytest.mark.parametrize(
    "make_filter",
    [
        lambda t: {drop(t): 1},
        lambda t: {"name": {f"eq) OR 1=1; DROP TABLE {t}; --": 1}},
        lambda t: {"and": [{"name": "x"}], f"or; DROP TABLE {t}": []},
        lambda t: {'name" = name OR "name': 1},
        lambda t: {"name": {"in": ["x')) OR 1=1 --"]}, "age": "1 OR 1=1"},
    ],
)
def test_injection_through_filter_keys_is_400(api, canary, make_filter):
    response = api.get(f"/rest/db/{canary}", params={"filter": json.dumps(make_filter(canary))})
    error_of(response, 400)


@pytest.mark.parametrize(
    "value",
    ["x' OR '1'='1", "'; DROP TABLE people; --", "\\'; SELECT pg_sleep(5); --", "$$ OR TRUE $$"],
)
def test_injection_through_filter_values_matches_nothing(api, canary, value):
    for where in ({"name": value}, {"name": {"like": value}}, {"name": {"startsWith": value}}):
        response = api.get(f"/rest/db/{canary}", params={"filter": json.dumps(where)})
        assert data_of(response)["rows"] == []


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("sort", "name; DROP TABLE {t}; --"),
        ("sort", "name DESC NULLS FIRST"),
        ("sort", "(SELECT 1)"),
        ("sort", "name:asc; DROP TABLE {t}"),
        ("fields", "id,(SELECT current_user)"),
        ("fields", 'name", current_user, "name'),
        ("expand", "name) FROM pg_user; --"),
        ("expand", '{t}"; DROP TABLE "{t}'),
        ("after", base64.urlsafe_b64encode(b'["\'); DROP TABLE x; --"]').decode()),
    ],
)
def test_injection_through_sort_fields_expand_and_cursor_is_400(api, canary, param, value):
    error_of(api.get(f"/rest/db/{canary}", params={param: value.format(t=canary)}), 400)


def test_injection_through_search_finds_nothing(api, canary):
    for term in ("' OR 1=1 --", "%' OR '1'='1", f'"; DROP TABLE "{canary}"; --'):
        assert data_of(api.get(f"/rest/db/{canary}", params={"search": term}))["rows"] == []


def test_injection_through_expand_alias_is_stripped(api, canary, make_table):
    table = make_table(
        columns=[{"name": "person", "dataType": "reference", "foreignKey": {"table": canary}}]
    )
    data_of(api.post(f"/rest/db/{table}", json={"person": 1}))
    alias = 'p" FROM x; DROP TABLE y; --'
    rows = data_of(api.get(f"/rest/db/{table}", params={"expand": f"person:{alias}"}))["rows"]
    assert rows[0]["pFROMxDROPTABLEy"]["name"] == "Ann"


@pytest.mark.parametrize(
    "name", ['people"; DROP TABLE x; --', "people; DROP TABLE x", "people' OR '1'='1"]
)
def test_injection_through_the_table_name_is_404(api, canary, name):
    error_of(api.get(f"/rest/db/{quote(name, safe='')}"), 404)
    error_of(api.get(f"/rest/db/{quote(drop(canary), safe='')}"), 404)
    error_of(api.post(f"/rest/db/{quote(drop(canary), safe='')}", json={"name": "x"}), 404)


@pytest.mark.parametrize("record_id", ["1 OR 1=1", "1; DROP TABLE x", "1'--"])
def test_injection_through_the_record_id_is_400(api, canary, record_id):
    error_of(api.get(f"/rest/db/{canary}/{quote(record_id, safe='')}"), 400)
    error_of(api.delete(f"/rest/db/{canary}/{quote(record_id, safe='')}"), 400)
    error_of(api.post(f"/rest/db/{canary}/bulk-delete", json={"ids": [record_id]}), 400)


def test_injection_through_body_keys_is_400(api, canary):
    body = {'name" ) VALUES (1); DROP TABLE x; --': "x"}
    error_of(api.post(f"/rest/db/{canary}", json=body), 400)
    error_of(api.patch(f"/rest/db/{canary}/1", json=body), 400)


# --- names that need quoting ------------------------------------------------------------------


def test_table_and_column_names_with_quotes_and_percent_work(api, pg: psycopg.Connection):
    # GIVEN a table made in SQL whose names hold quotes, semicolons and percent signs
    table = f'odd "{uuid.uuid4().hex[:6]}"; --'
    pg.execute(
        sql.SQL(
            'CREATE TABLE {} (id serial PRIMARY KEY, "we""ird; col" text, "100%" integer)'
        ).format(sql.Identifier(table))
    )
    path = f"/rest/db/{quote(table, safe='')}"
    try:
        # WHEN writing, filtering, sorting and searching through those names
        created = data_of(api.post(path, json={'we"ird; col': "a'b", "100%": 5}))
        data_of(api.post(f"{path}/bulk-create", json=[{'we"ird; col': "zz", "100%": 1}]))
        found = data_of(
            api.get(
                path,
                params={
                    "filter": json.dumps({"100%": {"gte": 1}, 'we"ird; col': {"like": "%"}}),
                    "sort": "100%:desc",
                    "search": "'",
                    "fields": 'we"ird; col,100%',
                },
            )
        )
        record_id = created["returning"][0]["id"]
        data_of(api.patch(f"{path}/{record_id}", json={"100%": 6}))
        data_of(api.patch(f"{path}/bulk-update", json=[{"id": record_id, "data": {"100%": 7}}]))
        # THEN each works on the right column
        assert created["returning"][0]['we"ird; col'] == "a'b"
        assert found["rows"] == [{'we"ird; col': "a'b", "100%": 5}]
        assert data_of(api.get(f"{path}/{record_id}"))["100%"] == 7
    finally:
        pg.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(table)))


def test_writing_an_identity_always_column_is_400(api, pg):
    table = f"identity_{uuid.uuid4().hex[:8]}"
    pg.execute(
        sql.SQL("CREATE TABLE {} (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY)").format(
            sql.Identifier(table)
        )
    )
    try:
        assert "'id'" in error_of(api.post(f"/rest/db/{table}", json={"id": 5}), 400)
    finally:
        pg.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(table)))
