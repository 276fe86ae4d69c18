"""Tables made with plain SQL are detected with the right field types and work through the API."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from psycopg import sql

from tests.helpers import assert_error, assert_ok

# {parent} and {child} are replaced by fresh names; the CHECK names follow <table>_<column>_<rule>.
CHILD_DDL = """
CREATE TABLE {child} (
  id serial PRIMARY KEY,
  title varchar(80) NOT NULL DEFAULT 'untitled',
  body text,
  n int DEFAULT 3,
  big bigint,
  price numeric(10,2) DEFAULT 1.50,
  ratio real,
  seen_at timestamptz DEFAULT now(),
  born date,
  active boolean DEFAULT true,
  data jsonb DEFAULT '{{"a": 1}}',
  loc point,
  tags text[] DEFAULT '{{a,b}}'
    CONSTRAINT {child}_tags_options_check CHECK (tags <@ ARRAY['a', 'b', 'c']),
  status text CONSTRAINT {child}_status_options_check CHECK (status IN ('new', 'done')),
  parent_code varchar(10) REFERENCES {parent} (code) ON DELETE SET NULL,
  doubled int GENERATED ALWAYS AS (n * 2) STORED,
  mail email_address,
  uid uuid DEFAULT gen_random_uuid(),
  qty int CONSTRAINT {child}_qty_value_range_check CHECK (qty <= 10),
  code char(3) UNIQUE,
  words text[]
)
"""

EXPECTED_TYPES = {
    "id": "auto-number",
    "title": "text",
    "body": "long-text",
    "n": "integer",
    "big": "integer",
    "price": "number",
    "ratio": "number",
    "seen_at": "auto-date",
    "born": "date",
    "active": "checkbox",
    "data": "json",
    "loc": "geo-point",
    "tags": "multi-select",
    "status": "select",
    "parent_code": "reference",
    "doubled": "formula",
    "mail": "email",
    "uid": "text",
    "qty": "integer",
    "code": "text",
    "words": "text",
}


@pytest.fixture
def plain_tables(api, make_table, pg):
    """A parent and a child table made with plain SQL (the email domain made by the API)."""
    make_table(columns=[{"name": "mail", "dataType": "email"}])  # creates the email domain
    suffix = uuid.uuid4().hex[:8]
    parent, child = f"plain_parent_{suffix}", f"plain_child_{suffix}"
    pg.execute(
        sql.SQL("CREATE TABLE {} (code varchar(10) PRIMARY KEY, name text)").format(
            sql.Identifier(parent)
        )
    )
    pg.execute(CHILD_DDL.format(parent=parent, child=child))
    pg.execute(sql.SQL("INSERT INTO {} VALUES ('P1', 'one')").format(sql.Identifier(parent)))
    yield parent, child
    pg.execute(
        sql.SQL("DROP TABLE IF EXISTS {}, {}").format(sql.Identifier(child), sql.Identifier(parent))
    )


def columns_of(api, table: str) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in assert_ok(api.get(f"/rest/db/tables/{table}/schema"))}


def test_plain_table_is_listed_with_its_key(api, plain_tables):
    parent, child = plain_tables

    listed = {entry["name"]: entry for entry in assert_ok(api.get("/rest/db/tables"))}

    assert listed[child]["primaryKey"] == {"name": "id", "type": "int4"}
    assert listed[parent]["primaryKey"] == {"name": "code", "type": "varchar"}
    assert listed[child]["presentation"] is None


def test_plain_table_columns_get_the_right_field_types(api, plain_tables):
    _, child = plain_tables

    columns = columns_of(api, child)

    assert {name: column["dataType"] for name, column in columns.items()} == EXPECTED_TYPES


def test_plain_table_rules_defaults_and_keys_are_read(api, plain_tables):
    parent, child = plain_tables

    columns = columns_of(api, child)

    assert columns["title"]["defaultValue"] == "untitled"
    assert columns["title"]["nullable"] is False
    assert columns["n"]["defaultValue"] == 3
    assert columns["price"]["defaultValue"] == 1.5
    assert columns["active"]["defaultValue"] is True
    assert columns["data"]["defaultValue"] == {"a": 1}
    assert columns["tags"]["defaultValue"] == ["a", "b"]
    assert columns["seen_at"]["defaultValue"] is None
    assert columns["uid"]["defaultValue"] is None
    assert columns["tags"]["options"] == ["a", "b", "c"]
    assert columns["status"]["options"] == ["new", "done"]
    assert columns["qty"]["validation"] == {"maxValue": 10}
    assert columns["code"]["unique"] is True
    assert columns["parent_code"]["foreignKey"] == {
        "table": parent,
        "column": {"name": "code", "type": "varchar"},
        "onUpdate": "NO ACTION",
        "onDelete": "SET NULL",
    }
    assert columns["doubled"]["formula"] == {
        "resultType": "integer",
        "expression": "(n * 2)",
        "strategy": "stored",
    }


def test_plain_table_records_are_written_and_read_back(api, plain_tables):
    _, child = plain_tables
    record = {
        "title": "first",
        "body": "long",
        "n": 4,
        "big": 9007199254740993,
        "price": 9.99,
        "born": "2020-02-03",
        "active": False,
        "data": [1, 2],
        "loc": {"x": 1.0, "y": 2.0},
        "tags": ["a", "c"],
        "status": "new",
        "parent_code": "P1",
        "mail": "ann@example.com",
        "qty": 3,
        "code": "abc",
        "words": ["x", "y"],
    }

    created = assert_ok(api.post(f"/rest/db/{child}", json=record))["returning"][0]
    fetched = assert_ok(api.get(f"/rest/db/{child}/{created['id']}"))

    for name, value in record.items():
        if name == "big":
            assert str(fetched[name]) == str(value)
        else:
            assert fetched[name] == value, name
    assert fetched["doubled"] == 8
    assert fetched["uid"]


def test_plain_table_defaults_fill_an_empty_record(api, plain_tables):
    _, child = plain_tables

    created = assert_ok(api.post(f"/rest/db/{child}", json={}))["returning"][0]

    assert (created["title"], created["n"], created["active"]) == ("untitled", 3, True)
    assert created["tags"] == ["a", "b"]
    assert created["data"] == {"a": 1}


def test_plain_table_is_filtered_sorted_and_updated(api, plain_tables):
    _, child = plain_tables
    api.post(f"/rest/db/{child}/bulk-create", json=[{"status": "new", "n": n} for n in (1, 5, 3)])
    api.post(f"/rest/db/{child}", json={"status": "done", "n": 9})

    rows = assert_ok(
        api.get(
            f"/rest/db/{child}",
            params={"filter": json.dumps({"status": {"eq": "new"}}), "sort": "n:desc"},
        )
    )["rows"]
    updated = assert_ok(api.patch(f"/rest/db/{child}/{rows[0]['id']}", json={"n": 6}))

    assert [row["n"] for row in rows] == [5, 3, 1]
    assert updated["returning"][0]["doubled"] == 12


def test_plain_table_rules_are_enforced_as_409(api, plain_tables):
    _, child = plain_tables

    assert_error(api.post(f"/rest/db/{child}", json={"qty": 11}), 409, "qty")
    assert_error(api.post(f"/rest/db/{child}", json={"status": "lost"}), 409, "status")
    assert_error(api.post(f"/rest/db/{child}", json={"parent_code": "P9"}), 409, "parent_code")


def test_deleting_the_plain_parent_sets_the_reference_to_null(api, plain_tables):
    parent, child = plain_tables
    created = assert_ok(api.post(f"/rest/db/{child}", json={"parent_code": "P1"}))["returning"][0]

    assert_ok(api.delete(f"/rest/db/{parent}/P1"))

    assert assert_ok(api.get(f"/rest/db/{child}/{created['id']}"))["parent_code"] is None


def test_a_table_made_outside_gets_new_columns_through_the_api(api, plain_tables):
    _, child = plain_tables

    added = assert_ok(
        api.post(
            f"/rest/db/tables/{child}/columns",
            json={"name": "extra", "dataType": "select", "options": ["x"]},
        )
    )

    assert added["options"] == ["x"]
    assert_ok(api.post(f"/rest/db/{child}", json={"extra": "x"}))


def test_a_composite_key_table_is_listed_without_a_key(api, pg):
    name = f"plain_pair_{uuid.uuid4().hex[:8]}"
    pg.execute(
        sql.SQL("CREATE TABLE {} (a int, b int, PRIMARY KEY (a, b))").format(sql.Identifier(name))
    )
    try:
        listed = {entry["name"]: entry for entry in assert_ok(api.get("/rest/db/tables"))}
        columns = columns_of(api, name)
        assert listed[name]["primaryKey"] is None
        assert columns["a"]["primary"] is True
        assert columns["b"]["primary"] is True
    finally:
        pg.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(name)))


def test_a_table_dropped_outside_leaves_the_list(api, pg):
    name = f"plain_gone_{uuid.uuid4().hex[:8]}"
    pg.execute(sql.SQL("CREATE TABLE {} (id int PRIMARY KEY)").format(sql.Identifier(name)))
    assert_ok(api.get(f"/rest/db/tables/{name}/schema"))

    pg.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(name)))

    assert name not in {entry["name"] for entry in assert_ok(api.get("/rest/db/tables"))}
