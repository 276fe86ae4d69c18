"""Create, update and delete records, one at a time and in bulk; each write is all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.helpers import assert_error, assert_ok


def rows_of(api: httpx.Client, table: str, **params) -> list[dict]:
    return assert_ok(api.get(f"/rest/db/{table}", params=params))["rows"]


@pytest.fixture
def notes(make_table) -> str:
    return make_table(
        columns=[
            {"name": "title", "dataType": "text"},
            {"name": "qty", "dataType": "integer"},
            {"name": "code", "dataType": "text", "unique": True},
        ]
    )


# --- create -----------------------------------------------------------------------------------


def test_create_one_returns_the_whole_row(api, notes):
    data = assert_ok(api.post(f"/rest/db/{notes}", json={"title": "héllo", "qty": 3}))
    assert data["insertedCount"] == 1
    (row,) = data["returning"]
    assert {key: row[key] for key in ("title", "qty", "code")} == {
        "title": "héllo",
        "qty": 3,
        "code": None,
    }
    assert isinstance(row["id"], int)
    assert datetime.fromisoformat(row["created_at"]).utcoffset() == timedelta(0)
    assert assert_ok(api.get(f"/rest/db/{notes}/{row['id']}")) == row


def test_create_with_an_empty_object_uses_every_default(api, notes):
    (row,) = assert_ok(api.post(f"/rest/db/{notes}", json={}))["returning"]
    assert row["title"] is None
    assert row["created_at"] is not None


def test_bulk_create_accepts_records_with_different_keys(api, notes):
    records = [{"title": "a"}, {"qty": 2}, {"title": "c", "qty": 3}, {}, {"title": "e"}]
    data = assert_ok(api.post(f"/rest/db/{notes}/bulk-create", json=records))
    assert data["insertedCount"] == 5
    assert len(data["returning"]) == 5
    stored = {(row["title"], row["qty"]) for row in rows_of(api, notes)}
    assert stored == {("a", None), (None, 2), ("c", 3), (None, None), ("e", None)}


def test_bulk_create_returns_rows_in_the_order_sent(api, notes):
    records = [{"title": str(n), "qty": n} for n in range(50)]
    returning = assert_ok(api.post(f"/rest/db/{notes}/bulk-create", json=records))["returning"]
    assert [row["qty"] for row in returning] == list(range(50))


def test_bulk_create_of_10000_records_works_and_10001_is_413(api, notes):
    assert (
        assert_ok(
            api.post(f"/rest/db/{notes}/bulk-create", json=[{"qty": n} for n in range(10_000)])
        )["insertedCount"]
        == 10_000
    )
    response = api.post(f"/rest/db/{notes}/bulk-create", json=[{"qty": 1}] * 10_001)
    assert "10001" in assert_error(response, 413)


@pytest.mark.parametrize("body", [[], {"title": "x"}, "text", 5])
def test_bulk_create_needs_a_non_empty_array(api, notes, body):
    assert assert_error(api.post(f"/rest/db/{notes}/bulk-create", json=body), 400).startswith(
        "body"
    )


def test_bulk_create_with_one_bad_record_inserts_nothing_and_names_it(api, notes):
    # GIVEN a batch whose record 2 has a string for an integer column
    records = [{"qty": 1}, {"qty": 2}, {"qty": "three"}, {"qty": 4}]
    # WHEN creating it
    message = assert_error(api.post(f"/rest/db/{notes}/bulk-create", json=records), 400)
    # THEN the message names the record and the column, and nothing was inserted
    assert "record 2" in message
    assert "'qty'" in message
    assert rows_of(api, notes) == []


def test_bulk_create_breaking_a_database_rule_inserts_nothing(api, notes):
    records = [{"code": "a"}, {"code": "b"}, {"code": "a"}]
    assert_error(api.post(f"/rest/db/{notes}/bulk-create", json=records), 409)
    assert rows_of(api, notes) == []


def test_bulk_create_record_that_is_not_an_object_is_400_naming_it(api, notes):
    message = assert_error(api.post(f"/rest/db/{notes}/bulk-create", json=[{}, [1]]), 400)
    assert "record 1" in message


@pytest.mark.parametrize("body", [[{"qty": 1}], "text", 5, None])
def test_create_one_needs_an_object(api, notes, body):
    assert_error(api.post(f"/rest/db/{notes}", json=body), 400)


def test_unknown_column_in_body_is_400_naming_it(api, notes):
    message = assert_error(api.post(f"/rest/db/{notes}", json={"title": "x", "ghost": 1}), 400)
    assert "'ghost'" in message
    assert rows_of(api, notes) == []


def test_value_of_the_wrong_type_is_400_naming_the_column(api, notes):
    message = assert_error(api.post(f"/rest/db/{notes}", json={"qty": "many"}), 400)
    assert "'qty'" in message
    assert "'many'" in message


# --- update -----------------------------------------------------------------------------------


def create(api: httpx.Client, table: str, **values) -> dict:
    return assert_ok(api.post(f"/rest/db/{table}", json=values))["returning"][0]


def test_update_one_changes_the_fields_sent_and_ignores_the_id(api, notes):
    row = create(api, notes, title="old", qty=1)
    other = create(api, notes, title="other")
    data = assert_ok(api.patch(f"/rest/db/{notes}/{row['id']}", json={"id": other["id"], "qty": 5}))
    assert data["updatedCount"] == 1
    (updated,) = data["returning"]
    assert (updated["id"], updated["title"], updated["qty"]) == (row["id"], "old", 5)
    assert assert_ok(api.get(f"/rest/db/{notes}/{other['id']}"))["qty"] is None


def test_update_moves_updated_at(api, notes):
    row = create(api, notes, title="old")
    (updated,) = assert_ok(api.patch(f"/rest/db/{notes}/{row['id']}", json={"title": "new"}))[
        "returning"
    ]
    assert updated["updated_at"] > row["updated_at"]
    assert updated["created_at"] == row["created_at"]


def test_update_of_an_unknown_id_is_404(api, notes):
    message = assert_error(api.patch(f"/rest/db/{notes}/999999", json={"qty": 1}), 404)
    assert "999999" in message


@pytest.mark.parametrize("body", [{}, {"id": 1}, [], "x"])
def test_update_needs_a_change(api, notes, body):
    row = create(api, notes, title="old")
    assert_error(api.patch(f"/rest/db/{notes}/{row['id']}", json=body), 400)


def test_update_can_set_null(api, notes):
    row = create(api, notes, title="old", qty=1)
    assert_ok(api.patch(f"/rest/db/{notes}/{row['id']}", json={"qty": None}))
    assert assert_ok(api.get(f"/rest/db/{notes}/{row['id']}"))["qty"] is None


def test_bulk_update_changes_each_record(api, notes):
    first, second = (create(api, notes, title=name, qty=0) for name in ("a", "b"))
    items = [
        {"id": first["id"], "data": {"qty": 1}},
        {"id": second["id"], "data": {"title": "B", "qty": 2}},
    ]
    data = assert_ok(api.patch(f"/rest/db/{notes}/bulk-update", json=items))
    assert data["updatedCount"] == 2
    stored = {(row["title"], row["qty"]) for row in rows_of(api, notes)}
    assert stored == {("a", 1), ("B", 2)}


def test_bulk_update_with_one_bad_item_changes_nothing(api, notes):
    first, second = (create(api, notes, title=name, code=name) for name in ("a", "b"))
    # item 1 breaks the unique rule on code: the whole batch is refused
    items = [
        {"id": first["id"], "data": {"title": "changed"}},
        {"id": second["id"], "data": {"code": "a"}},
    ]
    assert_error(api.patch(f"/rest/db/{notes}/bulk-update", json=items), 409)
    assert {row["title"] for row in rows_of(api, notes)} == {"a", "b"}
    # item 1 has a value of the wrong type: refused before it reaches the database
    items[1] = {"id": second["id"], "data": {"qty": "x"}}
    message = assert_error(api.patch(f"/rest/db/{notes}/bulk-update", json=items), 400)
    assert "record 1" in message
    assert {row["title"] for row in rows_of(api, notes)} == {"a", "b"}


def test_bulk_update_with_a_repeated_id_is_400(api, notes):
    row = create(api, notes, title="a")
    items = [{"id": row["id"], "data": {"qty": 1}}, {"id": str(row["id"]), "data": {"qty": 2}}]
    message = assert_error(api.patch(f"/rest/db/{notes}/bulk-update", json=items), 400)
    assert "more than once" in message
    assert rows_of(api, notes)[0]["qty"] is None


@pytest.mark.parametrize(
    "items",
    [[], [{"id": 1}], [{"data": {"qty": 1}}], [{"id": 1, "data": {}}], [5], {"id": 1}],
)
def test_bulk_update_needs_id_and_data_for_each_item(api, notes, items):
    create(api, notes, title="a")
    assert_error(api.patch(f"/rest/db/{notes}/bulk-update", json=items), 400)


def test_bulk_update_counts_only_records_that_exist(api, notes):
    row = create(api, notes, title="a")
    items = [{"id": row["id"], "data": {"qty": 1}}, {"id": 999999, "data": {"qty": 2}}]
    assert assert_ok(api.patch(f"/rest/db/{notes}/bulk-update", json=items))["updatedCount"] == 1


# --- delete -----------------------------------------------------------------------------------


def test_delete_one(api, notes):
    row = create(api, notes, title="a")
    assert assert_ok(api.delete(f"/rest/db/{notes}/{row['id']}")) == {
        "deletedCount": 1,
        "deletedIds": [row["id"]],
    }
    assert_error(api.get(f"/rest/db/{notes}/{row['id']}"), 404)


def test_delete_of_an_unknown_id_is_404(api, notes):
    assert "999999" in assert_error(api.delete(f"/rest/db/{notes}/999999"), 404)


def test_bulk_delete_removes_the_ids_that_exist(api, notes):
    ids = [create(api, notes, qty=n)["id"] for n in range(4)]
    body = {"ids": [ids[0], str(ids[2]), 999999]}
    deleted = assert_ok(api.post(f"/rest/db/{notes}/bulk-delete", json=body))
    # The keys removed are reported; the one that was not there is not.
    assert deleted == {"deletedCount": 2, "deletedIds": [ids[0], ids[2]]}
    assert sorted(row["qty"] for row in rows_of(api, notes)) == [1, 3]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"ids": []}, 400),
        ({"ids": "1"}, 400),
        ({"ids": ["x"]}, 400),
        ({"ids": [None]}, 400),
        ({}, 400),
        ({"ids": list(range(1, 10_002))}, 413),
    ],
)
def test_bad_bulk_delete_deletes_nothing(api, notes, body, status):
    create(api, notes, qty=1)
    assert_error(api.post(f"/rest/db/{notes}/bulk-delete", json=body), status)
    assert len(rows_of(api, notes)) == 1


# --- column types on the way in ---------------------------------------------------------------


@pytest.fixture
def shapes(make_table) -> str:
    return make_table(
        columns=[
            {"name": "qty", "dataType": "integer"},
            {
                "name": "double",
                "dataType": "formula",
                "formula": {"resultType": "integer", "expression": "qty * 2"},
            },
            {"name": "place", "dataType": "geo-point"},
            {"name": "doc", "dataType": "json"},
            {"name": "tags", "dataType": "multi-select", "options": ["a", "b"]},
            {"name": "mail", "dataType": "email"},
            {"name": "when", "dataType": "date"},
        ]
    )


def test_formula_column_is_computed_and_cannot_be_written(api, shapes):
    row = create(api, shapes, qty=4)
    assert row["double"] == 8
    message = assert_error(api.post(f"/rest/db/{shapes}", json={"qty": 1, "double": 3}), 400)
    assert "'double'" in message
    assert "formula" in message
    assert_error(api.patch(f"/rest/db/{shapes}/{row['id']}", json={"double": 3}), 400)


@pytest.mark.parametrize(
    "place", [{"x": 1.5, "y": -2}, [1.5, -2], "(1.5,-2)", "(1.5, -2)", "1.5,-2"]
)
def test_geo_point_is_accepted_in_every_shape_and_read_back_as_x_y(api, shapes, place):
    row = create(api, shapes, place=place)
    assert row["place"] == {"x": 1.5, "y": -2}
    assert assert_ok(api.get(f"/rest/db/{shapes}/{row['id']}"))["place"] == {"x": 1.5, "y": -2}


@pytest.mark.parametrize("place", [{"x": 1}, [1, 2, 3], "nowhere", 5, {"x": "a", "y": 1}])
def test_bad_geo_point_is_400_naming_the_column(api, shapes, place):
    assert "'place'" in assert_error(api.post(f"/rest/db/{shapes}", json={"place": place}), 400)


@pytest.mark.parametrize(
    "doc", [{"a": [1, {"b": None}]}, [1, "two", 3.5], "just text", 42, True, {"q": "it's \" ok"}]
)
def test_json_column_takes_any_json_value(api, shapes, doc):
    row = create(api, shapes, doc=doc)
    assert row["doc"] == doc
    assert assert_ok(api.get(f"/rest/db/{shapes}/{row['id']}"))["doc"] == doc


def test_json_null_is_stored_as_null(api, shapes):
    assert create(api, shapes, doc=None)["doc"] is None


def test_multi_select_round_trip(api, shapes):
    assert create(api, shapes, tags=["b", "a"])["tags"] == ["b", "a"]
    assert "'tags'" in assert_error(api.post(f"/rest/db/{shapes}", json={"tags": "a"}), 400)


def test_email_is_checked(api, shapes):
    assert create(api, shapes, mail="ann@example.com")["mail"] == "ann@example.com"
    message = assert_error(api.post(f"/rest/db/{shapes}", json={"mail": "bob@"}), 400)
    assert "'mail'" in message
    assert "'bob@'" in message


def test_date_round_trips_in_utc(api, shapes):
    row = create(api, shapes, when="2024-05-06T07:08:09+02:00")
    assert datetime.fromisoformat(row["when"]) == datetime(2024, 5, 6, 5, 8, 9, tzinfo=UTC)
    assert datetime.fromisoformat(row["when"]).utcoffset() == timedelta(0)


def test_text_longer_than_the_column_allows_is_400_naming_record_and_column(api, notes):
    records = [{"title": "x" * 255}, {"title": "y" * 256}]
    message = assert_error(api.post(f"/rest/db/{notes}/bulk-create", json=records), 400)
    assert "record 1" in message
    assert "'title'" in message
    assert "255 characters" in message
    assert rows_of(api, notes) == []


def test_bulk_update_moves_updated_at(api, notes):
    row = create(api, notes, title="old")
    api.patch(f"/rest/db/{notes}/bulk-update", json=[{"id": row["id"], "data": {"title": "new"}}])
    updated = assert_ok(api.get(f"/rest/db/{notes}/{row['id']}"))
    assert updated["updated_at"] > row["updated_at"]
