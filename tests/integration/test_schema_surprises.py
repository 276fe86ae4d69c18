"""No silent surprises in the schema API: reserved columns, columns the database sets, limits,
and the original web client's table edits."""

from __future__ import annotations

import uuid

import pytest

from tests.helpers import assert_error, assert_ok


def _name() -> str:
    return f"t_{uuid.uuid4().hex[:10]}"


@pytest.mark.parametrize("idType", ["biginteger", "uuid"])
def test_a_column_named_id_is_409_naming_it_and_id_type(api, idType):
    name = _name()
    response = api.post(
        "/rest/db/tables",
        json={"name": name, "idType": idType, "columns": [{"name": "id", "dataType": "text"}]},
    )
    assert_error(response, 409, "'id'", "idType", idType)
    assert api.get(f"/rest/db/tables/{name}").status_code == 404


@pytest.mark.parametrize("column", ["created_at", "updated_at"])
def test_timestamp_columns_with_timestamps_are_409_naming_them(api, make_table, column):
    name = _name()
    response = api.post(
        "/rest/db/tables",
        json={"name": name, "columns": [{"name": column, "dataType": "date"}]},
    )
    assert_error(response, 409, f"'{column}'", "timestamps")
    assert api.get(f"/rest/db/tables/{name}").status_code == 404
    # Without timestamps the name is the caller's to use.
    table = make_table(timestamps=False, columns=[{"name": column, "dataType": "date"}])
    columns = assert_ok(api.get(f"/rest/db/tables/{table}/schema"))
    assert [c["dataType"] for c in columns if c["name"] == column] == ["date"]


def test_duplicate_column_names_are_400_naming_the_column(api):
    response = api.post(
        "/rest/db/tables",
        json={
            "name": _name(),
            "columns": [
                {"name": "a", "dataType": "text"},
                {"name": "b", "dataType": "text"},
                {"name": "a", "dataType": "integer"},
            ],
        },
    )
    assert_error(response, 400, "'a'", "more than once")


def test_too_many_columns_are_refused_at_once(api):
    # 300,000 columns once held the event loop for 32 s while duplicates were searched;
    # 100,000 (4 MB) still fit a Lambda request.
    columns = [{"name": f"c{number}", "dataType": "text"} for number in range(100_000)]
    response = api.post("/rest/db/tables", json={"name": _name(), "columns": columns})
    assert_error(response, 400, "100000 columns", "1600")


def test_writes_to_auto_number_and_auto_date_columns_are_400_naming_them(api, make_table):
    table = make_table(columns=[{"name": "ticket", "dataType": "auto-number"}])
    for body in ({"ticket": 7}, {"created_at": "2020-01-01T00:00:00Z"}, {"id": 1}):
        (column,) = body
        response = api.post(f"/rest/db/{table}", json=body)
        assert_error(response, 400, f"'{column}'", "do not send it")
    created = assert_ok(api.post(f"/rest/db/{table}", json={}))["returning"][0]
    response = api.patch(f"/rest/db/{table}/{created['id']}", json={"ticket": 99})
    assert_error(response, 400, "'ticket'", "auto-number")
    response = api.patch(
        f"/rest/db/{table}/bulk-update",
        json=[{"id": created["id"], "data": {"updated_at": "2020-01-01T00:00:00Z"}}],
    )
    assert_error(response, 400, "'updated_at'", "auto-date")
    # Two inserts never share a ticket number.
    second = assert_ok(api.post(f"/rest/db/{table}", json={}))["returning"][0]
    assert second["ticket"] != created["ticket"]


def test_the_original_clients_full_table_edit_is_accepted(api, make_table):
    table = make_table(comment="old")
    # The original's table editor sends every field of its form on each edit.
    response = api.patch(
        f"/rest/db/tables/{table}",
        json={
            "name": table,
            "comment": "new",
            "idType": "biginteger",
            "timestamps": True,
            "presentation": {"uiName": "Things"},
        },
    )
    data = assert_ok(response)
    assert data["comment"] == "new"
    assert data["presentation"]["uiName"] == "Things"


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [("idType", "uuid", ("idType", "biginteger", "uuid")), ("timestamps", False, ("timestamps",))],
)
def test_a_real_change_of_id_type_or_timestamps_is_refused(api, make_table, field, value, words):
    table = make_table(comment="kept")
    response = api.patch(f"/rest/db/tables/{table}", json={field: value, "comment": "changed"})
    assert_error(response, 422, *words)
    assert assert_ok(api.get(f"/rest/db/tables/{table}"))["comment"] == "kept"


def test_the_column_limit_counts_the_key_and_the_timestamps(api):
    # 1,598 columns + id + created_at + updated_at is one more than PostgreSQL allows:
    # a 400 before any DDL, never the 503 a database error would have become.
    columns = [{"name": f"c{number}", "dataType": "text"} for number in range(1598)]
    response = api.post("/rest/db/tables", json={"name": _name(), "columns": columns})
    assert_error(response, 400, "1598 columns", "1600")


def test_columns_named_like_the_statements_own_aliases_read_back(api, make_table):
    # The row aliases of the read and write statements (r, x0) are also valid column names.
    name = make_table(
        columns=[{"name": "r", "dataType": "text"}, {"name": "x0", "dataType": "text"}]
    )
    created = assert_ok(api.post(f"/rest/db/{name}", json={"r": "row", "x0": "first"}))
    (row,) = created["returning"]
    assert (row["r"], row["x0"]) == ("row", "first")
    listed = assert_ok(api.get(f"/rest/db/{name}"))
    assert [(item["r"], item["x0"]) for item in listed["rows"]] == [("row", "first")]
    one = assert_ok(api.get(f"/rest/db/{name}/{row['id']}"))
    assert one["r"] == "row"
