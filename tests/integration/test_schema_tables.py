"""Tables through the schema API: list, read, create (id types, timestamps), rename, drop."""

from __future__ import annotations

import re
import time
import uuid

import pytest

ISO_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def unique_name(prefix: str = "t") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def assert_ok(response, status: int = 200):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is True
    assert ISO_TIMESTAMP.match(body["timestamp"])
    return body["data"]


def assert_error(response, status: int, *words: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert ISO_TIMESTAMP.match(body["timestamp"])
    for word in words:
        assert word in body["error"], body["error"]
    return body["error"]


def schema_of(api, table: str) -> dict[str, dict]:
    columns = assert_ok(api.get(f"/rest/db/tables/{table}/schema"))
    return {column["name"]: column for column in columns}


# --- list and read -------------------------------------------------------------------------


def test_list_tables_shows_name_comment_key_and_ui_name(api, make_table):
    table = make_table(comment="people we know", presentation={"uiName": "People"})

    listed = {entry["name"]: entry for entry in assert_ok(api.get("/rest/db/tables"))}

    assert listed[table] == {
        "name": table,
        "comment": "people we know",
        "primaryKey": {"name": "id", "type": "int8"},
        "presentation": {"uiName": "People"},
        "idType": "biginteger",
        "timestamps": True,
    }


def test_list_tables_with_include_schema_adds_the_columns(api, make_table):
    table = make_table(columns=[{"name": "title", "dataType": "text"}])

    listed = assert_ok(api.get("/rest/db/tables", params={"includeSchema": "true"}))

    entry = next(entry for entry in listed if entry["name"] == table)
    assert [column["name"] for column in entry["schema"]] == [
        "id",
        "title",
        "created_at",
        "updated_at",
    ]


def test_table_schema_lists_columns_in_order_with_every_property(api, make_table):
    table = make_table(columns=[{"name": "title", "dataType": "text", "comment": "the title"}])

    columns = assert_ok(api.get(f"/rest/db/tables/{table}/schema"))

    title = columns[1]
    assert set(title) == {
        "name",
        "dataType",
        "primary",
        "nullable",
        "unique",
        "defaultValue",
        "comment",
        "presentation",
        "validation",
        "options",
        "foreignKey",
        "formula",
        "metadata",
    }
    assert title["name"] == "title"
    assert title["dataType"] == "text"
    assert title["comment"] == "the title"
    assert columns[0]["primary"] is True


def test_schema_of_unknown_table_is_404_naming_it(api):
    assert_error(api.get("/rest/db/tables/no_such_table/schema"), 404, "no_such_table")


@pytest.mark.parametrize("method", ["get", "delete"])
def test_unknown_table_in_path_is_404(api, method):
    assert_error(getattr(api, method)("/rest/db/tables/no_such_table"), 404, "no_such_table")


# --- create --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_type", "key_type", "id_shape"),
    [
        ("integer", "int4", re.compile(r"^\d+$")),
        ("biginteger", "int8", re.compile(r"^\d+$")),
        (
            "uuid",
            "uuid",
            re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
        ),
        ("shortid", "varchar", re.compile(r"^[A-Za-z0-9_-]{16}$")),
    ],
)
def test_id_type_sets_the_key_type_and_generates_ids_of_that_shape(
    api, make_table, id_type, key_type, id_shape
):
    table = make_table(idType=id_type, columns=[{"name": "title", "dataType": "text"}])

    shown = assert_ok(api.get(f"/rest/db/tables/{table}"))
    created = assert_ok(api.post(f"/rest/db/{table}", json={"title": "a"}))

    assert shown["primaryKey"] == {"name": "id", "type": key_type}
    record_id = created["returning"][0]["id"]
    assert id_shape.match(str(record_id))
    fetched = assert_ok(api.get(f"/rest/db/{table}/{record_id}"))
    assert fetched["title"] == "a"


def test_shortids_differ_between_records(api, make_table):
    table = make_table(idType="shortid", columns=[{"name": "n", "dataType": "integer"}])

    created = assert_ok(
        api.post(f"/rest/db/{table}/bulk-create", json=[{"n": number} for number in range(50)])
    )

    ids = {record["id"] for record in created["returning"]}
    assert len(ids) == 50


def test_timestamps_add_created_at_and_updated_at_as_auto_dates(api, make_table):
    table = make_table()

    columns = schema_of(api, table)

    for name in ("created_at", "updated_at"):
        assert columns[name]["dataType"] == "auto-date"
        assert columns[name]["nullable"] is False


def test_timestamps_false_adds_no_timestamp_columns(api, make_table):
    table = make_table(timestamps=False)

    assert list(schema_of(api, table)) == ["id"]


def test_create_returns_the_table_with_its_schema(api):
    name = unique_name()
    try:
        response = api.post(
            "/rest/db/tables",
            json={
                "name": name,
                "comment": "orders",
                "presentation": {"uiName": "Orders"},
                "columns": [{"name": "total", "dataType": "number"}],
            },
        )
        data = assert_ok(response)
        assert data["name"] == name
        assert data["comment"] == "orders"
        assert data["presentation"] == {"uiName": "Orders"}
        assert [column["name"] for column in data["schema"]][:2] == ["id", "total"]
    finally:
        api.delete(f"/rest/db/tables/{name}")


def test_creating_an_existing_table_is_409(api, make_table):
    table = make_table()

    assert_error(api.post("/rest/db/tables", json={"name": table}), 409, table, "already exists")


@pytest.mark.parametrize("name", ["1abc", "a;drop", "has space", "", "x" * 64, "é"])
def test_invalid_table_name_is_400_naming_the_field(api, name):
    assert_error(api.post("/rest/db/tables", json={"name": name}), 400, "name")


def test_missing_table_name_is_400(api):
    assert_error(api.post("/rest/db/tables", json={}), 400, "name")


def test_table_names_of_api_routes_are_refused(api):
    assert_error(api.post("/rest/db/tables", json={"name": "tables"}), 400, "reserved")


def test_duplicate_column_names_in_create_are_400(api):
    columns = [{"name": "a", "dataType": "text"}, {"name": "a", "dataType": "integer"}]
    response = api.post("/rest/db/tables", json={"name": unique_name(), "columns": columns})
    assert_error(response, 400, "more than once", "'a'")


# --- update --------------------------------------------------------------------------------


def test_rename_table_moves_records_and_the_old_name_is_gone(api, make_table):
    table = make_table(columns=[{"name": "title", "dataType": "text"}])
    api.post(f"/rest/db/{table}", json={"title": "kept"})
    new_name = unique_name("renamed")

    data = assert_ok(api.patch(f"/rest/db/tables/{table}", json={"name": new_name}))

    try:
        assert data["name"] == new_name
        rows = assert_ok(api.get(f"/rest/db/{new_name}"))["rows"]
        assert [row["title"] for row in rows] == ["kept"]
        assert_error(api.get(f"/rest/db/tables/{table}/schema"), 404)
    finally:
        api.delete(f"/rest/db/tables/{new_name}")


def test_update_comment_and_ui_name(api, make_table):
    table = make_table(comment="old")

    data = assert_ok(
        api.patch(
            f"/rest/db/tables/{table}",
            json={"comment": "new", "presentation": {"uiName": "Shown"}},
        )
    )

    assert data["comment"] == "new"
    assert data["presentation"] == {"uiName": "Shown"}
    assert assert_ok(api.get(f"/rest/db/tables/{table}"))["comment"] == "new"


def test_comment_null_clears_it(api, make_table):
    table = make_table(comment="old")

    data = assert_ok(api.patch(f"/rest/db/tables/{table}", json={"comment": None}))

    assert data["comment"] is None


def test_rename_to_an_existing_table_is_409(api, make_table):
    first, second = make_table(), make_table()

    assert_error(api.patch(f"/rest/db/tables/{first}", json={"name": second}), 409, second)


def test_empty_update_is_400(api, make_table):
    table = make_table()

    assert_error(api.patch(f"/rest/db/tables/{table}", json={}), 400)


def test_rename_to_an_invalid_name_is_400(api, make_table):
    table = make_table()

    assert_error(api.patch(f"/rest/db/tables/{table}", json={"name": "a-b"}), 400, "name")


def test_update_of_unknown_table_is_404(api):
    assert_error(api.patch("/rest/db/tables/no_such_table", json={"comment": "x"}), 404)


# --- delete --------------------------------------------------------------------------------


def test_delete_table_then_it_is_404(api):
    name = unique_name()
    assert_ok(api.post("/rest/db/tables", json={"name": name}))

    assert_ok(api.delete(f"/rest/db/tables/{name}"))

    assert_error(api.get(f"/rest/db/tables/{name}/schema"), 404)


def test_delete_of_a_referenced_table_needs_cascade(api, make_table):
    parent = make_table()
    child = make_table(
        columns=[{"name": "parent", "dataType": "reference", "foreignKey": {"table": parent}}]
    )

    refused = api.delete(f"/rest/db/tables/{parent}")
    dropped = api.delete(f"/rest/db/tables/{parent}", params={"cascade": "true"})

    # The message names what depends on it, and the API's way (not SQL's "DROP ... CASCADE")
    message = assert_error(refused, 409, parent, child, "cascade=true")
    assert "DROP" not in message
    assert_ok(dropped)
    # The foreign key went with the parent; the child column stays as a plain column.
    assert schema_of(api, child)["parent"]["foreignKey"] is None


# --- reference bugs that are fixed: metadata follows renames, updated_at is maintained -----


def test_presentation_follows_a_table_rename(api, make_table):
    table = make_table(
        presentation={"uiName": "Invoices"},
        columns=[
            {
                "name": "total",
                "dataType": "number",
                "presentation": {"uiName": "Total", "format": {"numberFormat": "currency"}},
            }
        ],
    )
    new_name = unique_name("renamed")

    data = assert_ok(api.patch(f"/rest/db/tables/{table}", json={"name": new_name}))

    try:
        assert data["presentation"] == {"uiName": "Invoices"}
        assert schema_of(api, new_name)["total"]["presentation"] == {
            "uiName": "Total",
            "format": {"numberFormat": "currency"},
        }
    finally:
        api.delete(f"/rest/db/tables/{new_name}")


def test_presentation_is_gone_after_drop_and_recreate_with_the_same_name(api):
    name = unique_name()
    column = {"name": "total", "dataType": "number", "presentation": {"uiName": "Total"}}
    assert_ok(
        api.post(
            "/rest/db/tables",
            json={"name": name, "presentation": {"uiName": "Old"}, "columns": [column]},
        )
    )
    assert_ok(api.delete(f"/rest/db/tables/{name}"))

    recreated = api.post(
        "/rest/db/tables", json={"name": name, "columns": [{"name": "total", "dataType": "number"}]}
    )

    try:
        assert assert_ok(recreated)["presentation"] is None
        listed = {entry["name"]: entry for entry in assert_ok(api.get("/rest/db/tables"))}
        assert listed[name]["presentation"] is None
        assert schema_of(api, name)["total"]["presentation"] is None
    finally:
        api.delete(f"/rest/db/tables/{name}")


def test_updated_at_changes_on_patch_while_created_at_does_not(api, make_table):
    table = make_table(columns=[{"name": "title", "dataType": "text"}])
    created = assert_ok(api.post(f"/rest/db/{table}", json={"title": "a"}))["returning"][0]
    time.sleep(0.02)

    assert_ok(api.patch(f"/rest/db/{table}/{created['id']}", json={"title": "b"}))

    fetched = assert_ok(api.get(f"/rest/db/{table}/{created['id']}"))
    assert fetched["created_at"] == created["created_at"]
    assert fetched["updated_at"] > created["updated_at"]


# --- SQL injection through names ----------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ['x"; DROP TABLE {victim}; --', "x; DROP TABLE {victim}", '{victim}"--', "x'); DROP"],
)
def test_injection_through_a_table_name_is_400_and_the_victim_survives(api, make_table, name):
    victim = make_table(columns=[{"name": "title", "dataType": "text"}])
    api.post(f"/rest/db/{victim}", json={"title": "still here"})

    assert_error(api.post("/rest/db/tables", json={"name": name.format(victim=victim)}), 400)
    assert_error(
        api.patch(f"/rest/db/tables/{victim}", json={"name": name.format(victim=victim)}), 400
    )

    rows = assert_ok(api.get(f"/rest/db/{victim}"))["rows"]
    assert [row["title"] for row in rows] == ["still here"]


def test_injection_through_a_table_name_in_the_path_is_404(api, make_table):
    victim = make_table()

    response = api.get(f'/rest/db/tables/{victim}"; DROP TABLE {victim}; --/schema')

    assert_error(response, 404)
    assert_ok(api.get(f"/rest/db/tables/{victim}/schema"))


def test_rules_follow_a_table_rename_so_messages_name_the_column(api, make_table):
    table = make_table(
        columns=[
            {"name": "qty", "dataType": "integer", "validation": {"maxValue": 5}},
            {"name": "code", "dataType": "text", "unique": True},
        ]
    )
    new_name = unique_name("renamed")
    assert_ok(api.patch(f"/rest/db/tables/{table}", json={"name": new_name}))

    try:
        assert_error(api.post(f"/rest/db/{new_name}", json={"qty": 9}), 409, "column 'qty'")
        constraints = schema_of(api, new_name)["qty"]["metadata"]["constraints"]
        assert [check["name"] for check in constraints] == [f"{new_name}_qty_value_range_check"]
        assert_ok(api.post(f"/rest/db/{new_name}", json={"code": "a"}))
        assert_error(api.post(f"/rest/db/{new_name}", json={"code": "a"}), 409, "code")
    finally:
        api.delete(f"/rest/db/tables/{new_name}")


def test_a_rule_on_a_long_named_table_names_the_column(api, make_table):
    table = make_table(
        name="L" + "x" * 62,
        columns=[
            {"name": "quantity_in_stock", "dataType": "integer", "validation": {"maxValue": 5}}
        ],
    )

    response = api.post(f"/rest/db/{table}", json={"quantity_in_stock": 9})

    assert_error(response, 409, "column 'quantity_in_stock'")


def test_a_table_reports_the_id_type_and_timestamps_it_was_made_with(api, make_table, pg):
    for id_type, timestamps in (("uuid", False), ("shortid", True), ("integer", True)):
        table = make_table(idType=id_type, timestamps=timestamps)
        document = assert_ok(api.get(f"/rest/db/tables/{table}"))
        assert (document["idType"], document["timestamps"]) == (id_type, timestamps)
    # A table made outside PolarBase, with a key PolarBase does not make
    pg.execute("CREATE TABLE outside_made (code text PRIMARY KEY)")
    try:
        document = assert_ok(api.get("/rest/db/tables/outside_made"))
        assert (document["idType"], document["timestamps"]) == (None, False)
    finally:
        pg.execute("DROP TABLE outside_made")
