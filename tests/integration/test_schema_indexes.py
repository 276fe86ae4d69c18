"""Indexes through the schema API: list (per table), create (unique, btree/gin/hash), drop."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import assert_error, assert_ok


@pytest.fixture
def table(make_table):
    return make_table(
        columns=[
            {"name": "code", "dataType": "text"},
            {"name": "qty", "dataType": "integer"},
            {"name": "data", "dataType": "json"},
            {"name": "tags", "dataType": "multi-select", "options": ["a", "b"]},
        ]
    )


def indexes_of(api, table: str) -> dict[str, dict[str, Any]]:
    listed = assert_ok(api.get("/rest/db/indexes", params={"table": table}))
    return {index["name"]: index for index in listed}


def test_a_new_table_lists_its_primary_key_index(api, table):
    assert indexes_of(api, table) == {
        f"{table}_pkey": {
            "name": f"{table}_pkey",
            "tableName": table,
            "columnNames": ["id"],
            "unique": True,
            "primary": True,
            "type": "btree",
        }
    }


def test_list_without_table_covers_every_table(api, table, make_table):
    other = make_table()

    names = {index["tableName"] for index in assert_ok(api.get("/rest/db/indexes"))}

    assert {table, other} <= names


@pytest.mark.parametrize(
    ("columns", "method", "unique"),
    [
        (["code"], "btree", True),
        (["code", "qty"], "btree", False),
        (["data"], "gin", False),
        (["tags"], "gin", False),
        (["qty"], "hash", False),
    ],
)
def test_create_index_echoes_it_and_lists_it(api, table, columns, method, unique):
    name = f"{table}_{'_'.join(columns)}_idx"
    body = {"name": name, "tableName": table, "columnNames": columns, "type": method}
    if unique:
        body["unique"] = True

    created = assert_ok(api.post("/rest/db/indexes", json=body))

    assert created == {**body, "unique": unique}
    listed = indexes_of(api, table)[name]
    assert (listed["columnNames"], listed["type"], listed["unique"]) == (columns, method, unique)


def test_a_unique_index_rejects_duplicates_and_marks_the_column_unique(api, table):
    body = {
        "name": f"{table}_code_key",
        "tableName": table,
        "columnNames": ["code"],
        "unique": True,
    }
    assert_ok(api.post("/rest/db/indexes", json=body))

    assert_ok(api.post(f"/rest/db/{table}", json={"code": "A"}))
    assert_error(api.post(f"/rest/db/{table}", json={"code": "A"}), 409, "code")
    columns = {c["name"]: c for c in assert_ok(api.get(f"/rest/db/tables/{table}/schema"))}
    assert columns["code"]["unique"] is True


def test_drop_index_removes_it_and_a_second_drop_is_404(api, table):
    name = f"{table}_qty_idx"
    assert_ok(
        api.post(
            "/rest/db/indexes", json={"name": name, "tableName": table, "columnNames": ["qty"]}
        )
    )

    assert_ok(api.delete(f"/rest/db/indexes/{name}"))

    assert name not in indexes_of(api, table)
    assert_error(api.delete(f"/rest/db/indexes/{name}"), 404, name)


def test_drop_of_an_unknown_index_is_404(api):
    assert_error(api.delete("/rest/db/indexes/no_such_index"), 404, "no_such_index")


def test_an_index_on_an_unknown_column_is_400_naming_it(api, table):
    body = {"name": f"{table}_ghost_idx", "tableName": table, "columnNames": ["ghost"]}

    assert_error(api.post("/rest/db/indexes", json=body), 400, "ghost")


def test_an_index_on_an_unknown_table_is_400_naming_it(api):
    body = {"name": "ghost_idx", "tableName": "no_such_table", "columnNames": ["id"]}

    assert_error(api.post("/rest/db/indexes", json=body), 400, "no_such_table")


def test_an_index_with_an_existing_name_is_409(api, table):
    body = {"name": f"{table}_qty_idx", "tableName": table, "columnNames": ["qty"]}
    assert_ok(api.post("/rest/db/indexes", json=body))

    assert_error(api.post("/rest/db/indexes", json=body), 409)


def test_a_unique_index_over_duplicates_is_409(api, table):
    api.post(f"/rest/db/{table}/bulk-create", json=[{"qty": 1}, {"qty": 1}])
    body = {"name": f"{table}_qty_key", "tableName": table, "columnNames": ["qty"], "unique": True}

    assert_error(api.post("/rest/db/indexes", json=body), 409)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "tableName": "t", "columnNames": []},
        {"name": "x", "tableName": "t", "columnNames": ["a"], "type": "rtree"},
        {"name": "x", "tableName": "t"},
        {"tableName": "t", "columnNames": ["a"]},
    ],
)
def test_a_malformed_index_body_is_400(api, body):
    assert_error(api.post("/rest/db/indexes", json=body), 400)


def test_a_hash_index_on_two_columns_is_refused_without_a_500(api, table):
    body = {
        "name": f"{table}_h_idx",
        "tableName": table,
        "columnNames": ["qty", "code"],
        "type": "hash",
    }

    response = api.post("/rest/db/indexes", json=body)

    assert response.status_code in (400, 422), response.text


@pytest.mark.parametrize(
    "name", ['x"; DROP TABLE {table}; --', '{table}_pkey"', "idx; DROP TABLE {table}"]
)
def test_injection_through_an_index_name_is_400_and_the_table_survives(api, table, name):
    body = {"name": name.format(table=table), "tableName": table, "columnNames": ["qty"]}

    assert_error(api.post("/rest/db/indexes", json=body), 400, "name")
    assert_ok(api.get(f"/rest/db/tables/{table}/schema"))


def test_injection_through_index_column_names_is_400(api, table):
    body = {
        "name": "x_idx",
        "tableName": table,
        "columnNames": [f'qty"); DROP TABLE "{table}"; --'],
    }

    assert_error(api.post("/rest/db/indexes", json=body), 400, "columnNames")
    assert_ok(api.get(f"/rest/db/tables/{table}/schema"))
