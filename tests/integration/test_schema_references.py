"""Reference columns: foreign keys, their targets, and ON DELETE behaviour."""

from __future__ import annotations

import uuid

import pytest

from tests.helpers import alter, assert_error, assert_ok, column_of

# --- references ----------------------------------------------------------------------------


@pytest.mark.parametrize(("on_delete", "left"), [("CASCADE", []), ("SET NULL", [None])])
def test_deleting_a_parent_applies_on_delete(api, make_table, on_delete, left):
    parent = make_table(columns=[{"name": "label", "dataType": "text"}])
    foreign_key = {"table": parent, "column": {"name": "id"}, "onDelete": on_delete}
    child = make_table(
        columns=[{"name": "parent", "dataType": "reference", "foreignKey": foreign_key}]
    )
    parent_id = assert_ok(api.post(f"/rest/db/{parent}", json={"label": "p"}))["returning"][0]["id"]
    assert_ok(api.post(f"/rest/db/{child}", json={"parent": parent_id}))

    assert_ok(api.delete(f"/rest/db/{parent}/{parent_id}"))

    rows = assert_ok(api.get(f"/rest/db/{child}"))["rows"]
    assert [row["parent"] for row in rows] == left
    assert column_of(api, child, "parent")["foreignKey"]["onDelete"] == on_delete


def test_deleting_a_referenced_parent_with_no_action_is_409(api, make_table):
    parent = make_table(columns=[{"name": "label", "dataType": "text"}])
    child = make_table(
        columns=[{"name": "parent", "dataType": "reference", "foreignKey": {"table": parent}}]
    )
    parent_id = assert_ok(api.post(f"/rest/db/{parent}", json={"label": "p"}))["returning"][0]["id"]
    assert_ok(api.post(f"/rest/db/{child}", json={"parent": parent_id}))

    assert_error(api.delete(f"/rest/db/{parent}/{parent_id}"), 409, "referenced")


def test_reference_takes_the_type_of_the_target_key(api, make_table):
    parent = make_table(idType="uuid")
    child = make_table(
        columns=[{"name": "parent", "dataType": "reference", "foreignKey": {"table": parent}}]
    )

    column = column_of(api, child, "parent")

    assert column["foreignKey"]["column"] == {"name": "id", "type": "uuid"}


def test_a_new_table_may_refer_to_its_own_key(api, make_table):
    name = f"t_{uuid.uuid4().hex[:10]}"
    foreign_key = {"table": name, "onDelete": "SET NULL"}
    table = make_table(
        name=name,
        idType="shortid",
        columns=[{"name": "boss", "dataType": "reference", "foreignKey": foreign_key}],
    )
    boss = assert_ok(api.post(f"/rest/db/{table}", json={}))["returning"][0]["id"]

    worker = assert_ok(api.post(f"/rest/db/{table}", json={"boss": boss}))["returning"][0]

    assert worker["boss"] == boss
    assert column_of(api, table, "boss")["foreignKey"]["column"] == {
        "name": "id",
        "type": "varchar",
    }


@pytest.mark.parametrize(
    ("foreign_key", "words"),
    [
        ({"table": "no_such_table"}, ("no_such_table",)),
        ({"table": "{parent}", "column": {"name": "nope"}}, ("nope",)),
        ({"table": "{parent}", "onDelete": "EXPLODE"}, ("onDelete",)),
    ],
)
def test_reference_to_a_missing_target_is_400(api, make_table, foreign_key, words):
    parent = make_table()
    table = make_table()
    foreign_key = {**foreign_key, "table": foreign_key["table"].format(parent=parent)}

    response = api.post(
        f"/rest/db/tables/{table}/columns",
        json={"name": "parent", "dataType": "reference", "foreignKey": foreign_key},
    )

    assert_error(response, 400, *words)


def test_an_integer_column_becomes_a_reference_and_back(api, make_table):
    parent = make_table()
    parent_id = assert_ok(api.post(f"/rest/db/{parent}", json={}))["returning"][0]["id"]
    child = make_table(columns=[{"name": "owner", "dataType": "integer"}])
    assert_ok(api.post(f"/rest/db/{child}", json={"owner": parent_id}))

    foreign_key = {"table": parent, "onDelete": "CASCADE"}
    referenced = assert_ok(alter(api, child, "owner", dataType="reference", foreignKey=foreign_key))
    assert_error(api.post(f"/rest/db/{child}", json={"owner": parent_id + 100}), 409, "owner")
    plain = assert_ok(alter(api, child, "owner", dataType="integer", foreignKey=None))

    assert referenced["foreignKey"]["onDelete"] == "CASCADE"
    assert (plain["dataType"], plain["foreignKey"]) == ("integer", None)
    assert_ok(api.post(f"/rest/db/{child}", json={"owner": parent_id + 100}))


def test_on_update_and_on_delete_are_changed_by_alter(api, make_table):
    parent = make_table()
    child = make_table(
        columns=[{"name": "parent", "dataType": "reference", "foreignKey": {"table": parent}}]
    )
    foreign_key = column_of(api, child, "parent")["foreignKey"]

    changed = assert_ok(
        alter(api, child, "parent", foreignKey={**foreign_key, "onDelete": "CASCADE"})
    )

    assert changed["foreignKey"]["onDelete"] == "CASCADE"
    assert changed["foreignKey"]["table"] == parent
