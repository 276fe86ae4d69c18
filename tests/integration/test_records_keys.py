"""Records are addressed by the table's primary key, whatever its name and type."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest
from psycopg import sql

from tests.helpers import assert_error, assert_ok


@pytest.fixture
def sql_table(pg: psycopg.Connection) -> Iterator[Callable[[str], str]]:
    """Create a table with plain SQL (``{}`` stands for its name); dropped after the test."""
    created: list[str] = []

    def factory(definition: str) -> str:
        name = f"plain_{uuid.uuid4().hex[:8]}"
        pg.execute(sql.SQL(definition).format(sql.Identifier(name)))  # type: ignore[arg-type]
        created.append(name)
        return name

    yield factory
    for name in created:
        pg.execute(sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.Identifier(name)))


@pytest.fixture
def codes(sql_table, pg) -> str:
    """A table keyed by ``code text``, with a column called ``id`` that is not the key."""
    table = sql_table("CREATE TABLE {} (code text PRIMARY KEY, label text NOT NULL, id integer)")
    pg.execute(
        sql.SQL(
            "INSERT INTO {} VALUES ('b-2', 'bee', 20), ('a 1', 'ay', 10), ('é3', 'ee', 30)"
        ).format(sql.Identifier(table))
    )
    return table


def test_table_keyed_by_code_lists_in_key_order(api, codes):
    rows = assert_ok(api.get(f"/rest/db/{codes}"))["rows"]
    assert [row["code"] for row in rows] == sorted(["b-2", "a 1", "é3"])
    assert rows[0] == {"code": "a 1", "label": "ay", "id": 10}


@pytest.mark.parametrize(("code", "label"), [("b-2", "bee"), ("a 1", "ay"), ("é3", "ee")])
def test_get_by_a_key_not_called_id(api, codes, code, label):
    assert assert_ok(api.get(f"/rest/db/{codes}/{code}"))["label"] == label


def test_get_by_the_id_column_that_is_not_the_key_is_404(api, codes):
    assert_error(api.get(f"/rest/db/{codes}/10"), 404)


def test_update_by_key_ignores_the_key_in_the_body(api, codes):
    response = api.patch(f"/rest/db/{codes}/b-2", json={"code": "zz", "label": "bumble"})
    data = assert_ok(response)
    assert data["updatedCount"] == 1
    assert data["returning"] == [{"code": "b-2", "label": "bumble", "id": 20}]
    assert assert_ok(api.get(f"/rest/db/{codes}/b-2"))["label"] == "bumble"


def test_delete_by_key(api, codes):
    assert assert_ok(api.delete(f"/rest/db/{codes}/a 1")) == {
        "deletedCount": 1,
        "deletedIds": ["a 1"],
    }
    assert_error(api.get(f"/rest/db/{codes}/a 1"), 404)
    assert_error(api.delete(f"/rest/db/{codes}/a 1"), 404)


def test_bulk_update_and_bulk_delete_by_key(api, codes):
    items = [{"id": "b-2", "data": {"label": "B"}}, {"id": "é3", "data": {"label": "E"}}]
    assert assert_ok(api.patch(f"/rest/db/{codes}/bulk-update", json=items))["updatedCount"] == 2
    deleted = assert_ok(api.post(f"/rest/db/{codes}/bulk-delete", json={"ids": ["a 1", "b-2"]}))
    assert deleted == {"deletedCount": 2, "deletedIds": ["a 1", "b-2"]}
    assert assert_ok(api.get(f"/rest/db/{codes}"))["rows"] == [
        {"code": "é3", "label": "E", "id": 30}
    ]


def test_keyset_pages_over_a_text_key(api, codes):
    first = assert_ok(api.get(f"/rest/db/{codes}", params={"limit": 2}))
    rest = assert_ok(
        api.get(
            f"/rest/db/{codes}", params={"limit": 2, "after": first["pagination"]["nextCursor"]}
        )
    )
    codes_seen = [row["code"] for row in first["rows"] + rest["rows"]]
    assert codes_seen == sorted(["b-2", "a 1", "é3"])


def test_create_in_a_plain_sql_table_returns_the_row(api, codes):
    created = assert_ok(api.post(f"/rest/db/{codes}", json={"code": "new", "label": "n"}))
    assert created == {"insertedCount": 1, "returning": [{"code": "new", "label": "n", "id": None}]}


# --- tables without a single-column key -------------------------------------------------------


@pytest.fixture
def keyless(sql_table, pg) -> str:
    table = sql_table("CREATE TABLE {} (a integer, b text)")
    pg.execute(
        sql.SQL("INSERT INTO {} VALUES (2, 'y'), (1, 'x'), (2, 'y')").format(sql.Identifier(table))
    )
    return table


def test_table_without_a_primary_key_can_be_listed(api, keyless):
    data = assert_ok(api.get(f"/rest/db/{keyless}", params={"sort": "a"}))
    assert data["rows"] == [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}, {"a": 2, "b": "y"}]
    assert data["pagination"]["total"] == 3


def test_table_without_a_primary_key_pages_by_offset_without_a_cursor(api, keyless):
    pages = [
        assert_ok(api.get(f"/rest/db/{keyless}", params={"limit": 1, "page": page}))
        for page in (1, 2, 3)
    ]
    assert sorted(page["rows"][0]["a"] for page in pages) == [1, 2, 2]
    assert all(page["pagination"]["nextCursor"] is None for page in pages)
    message = assert_error(api.get(f"/rest/db/{keyless}", params={"after": "WzFd"}), 400)
    assert message.startswith("after:")


def test_table_without_a_primary_key_accepts_filter_and_create(api, keyless):
    assert assert_ok(api.post(f"/rest/db/{keyless}", json={"a": 3, "b": "z"}))["insertedCount"] == 1
    rows = assert_ok(api.get(f"/rest/db/{keyless}", params={"filter": json.dumps({"a": 3})}))
    assert rows["rows"] == [{"a": 3, "b": "z"}]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/1", None),
        ("PATCH", "/1", {"b": "q"}),
        ("DELETE", "/1", None),
        ("PATCH", "/bulk-update", [{"id": 1, "data": {"b": "q"}}]),
        ("POST", "/bulk-delete", {"ids": [1]}),
    ],
)
def test_addressing_a_record_of_a_table_without_a_primary_key_is_400(
    api, keyless, method, path, body
):
    response = api.request(method, f"/rest/db/{keyless}{path}", json=body)
    assert "primary key" in assert_error(response, 400)


def test_addressing_a_record_of_a_table_with_a_composite_key_is_400(api, sql_table):
    table = sql_table("CREATE TABLE {} (a integer, b integer, PRIMARY KEY (a, b))")
    assert assert_ok(api.post(f"/rest/db/{table}", json={"a": 1, "b": 2}))["insertedCount"] == 1
    assert assert_ok(api.get(f"/rest/db/{table}"))["rows"] == [{"a": 1, "b": 2}]
    assert "primary key" in assert_error(api.get(f"/rest/db/{table}/1"), 400)


# --- key types --------------------------------------------------------------------------------


def test_uuid_keys_address_records(api, make_table):
    table = make_table(columns=[{"name": "name", "dataType": "text"}], idType="uuid")
    (record,) = assert_ok(api.post(f"/rest/db/{table}", json={"name": "Ada"}))["returning"]
    assert str(uuid.UUID(record["id"])) == record["id"]
    assert assert_ok(api.get(f"/rest/db/{table}/{record['id']}"))["name"] == "Ada"
    assert (
        assert_ok(api.patch(f"/rest/db/{table}/{record['id']}", json={"name": "A"}))["updatedCount"]
        == 1
    )
    assert assert_ok(api.delete(f"/rest/db/{table}/{record['id']}")) == {
        "deletedCount": 1,
        "deletedIds": [record["id"]],
    }
    assert_error(api.get(f"/rest/db/{table}/{uuid.uuid4()}"), 404)
    assert assert_error(api.get(f"/rest/db/{table}/not-a-uuid"), 400).startswith("record id:")


def test_shortid_keys_are_strings(api, make_table):
    table = make_table(columns=[{"name": "name", "dataType": "text"}], idType="shortid")
    (record,) = assert_ok(api.post(f"/rest/db/{table}", json={"name": "Ada"}))["returning"]
    assert isinstance(record["id"], str)
    assert len(record["id"]) == 16
    assert assert_ok(api.get(f"/rest/db/{table}/{record['id']}"))["name"] == "Ada"


@pytest.mark.parametrize("record_id", ["abc", "1.5", "99999999999999999999999", "bulk-update"])
def test_id_that_is_not_an_integer_is_400(api, make_table, record_id):
    table = make_table(columns=[{"name": "name", "dataType": "text"}], idType="integer")
    assert assert_error(api.get(f"/rest/db/{table}/{record_id}"), 400).startswith("record id:")


def test_unknown_integer_id_is_404_naming_it(api, make_table):
    table = make_table(columns=[{"name": "name", "dataType": "text"}])
    message = assert_error(api.get(f"/rest/db/{table}/424242"), 404)
    assert "424242" in message
