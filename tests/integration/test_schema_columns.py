"""Changing and dropping columns (PUT/DELETE .../columns/{c}), unique flags, renames."""

from __future__ import annotations

import pytest

from tests.helpers import alter, assert_error, assert_ok, column_of, definition_of

# --- the reference bug: altering a column kept its default and NOT NULL only when re-sent ----


def test_changing_only_the_comment_keeps_default_and_not_null(api, make_table):
    table = make_table(
        columns=[{"name": "qty", "dataType": "integer", "nullable": False, "defaultValue": 7}]
    )

    changed = assert_ok(alter(api, table, "qty", comment="how many"))

    assert changed["comment"] == "how many"
    assert changed["defaultValue"] == 7
    assert changed["nullable"] is False
    created = assert_ok(api.post(f"/rest/db/{table}", json={}))["returning"][0]
    assert created["qty"] == 7
    assert_error(api.post(f"/rest/db/{table}", json={"qty": None}), 422, "qty")


def test_changing_the_type_keeps_default_and_not_null(api, make_table):
    table = make_table(
        columns=[{"name": "note", "dataType": "text", "nullable": False, "defaultValue": "none"}]
    )

    changed = assert_ok(alter(api, table, "note", dataType="long-text"))

    assert changed["dataType"] == "long-text"
    assert changed["defaultValue"] == "none"
    assert changed["nullable"] is False


def test_rename_keeps_default_not_null_and_rules_under_the_new_name(api, make_table):
    table = make_table(
        columns=[
            {
                "name": "qty",
                "dataType": "integer",
                "nullable": False,
                "defaultValue": 3,
                "validation": {"maxValue": 10},
            }
        ]
    )

    changed = assert_ok(alter(api, table, "qty", name="amount"))

    assert changed["name"] == "amount"
    assert (changed["defaultValue"], changed["nullable"]) == (3, False)
    assert changed["validation"] == {"maxValue": 10}
    names = [check["name"] for check in changed["metadata"]["constraints"]]
    assert names == [f"{table}_amount_value_range_check"]
    assert_error(api.post(f"/rest/db/{table}", json={"amount": 11}), 409, "amount")
    assert_error(api.get(f"/rest/db/{table}", params={"fields": "qty"}), 400, "qty")


def test_column_presentation_follows_a_rename_and_goes_with_a_drop(api, make_table):
    table = make_table(
        columns=[{"name": "total", "dataType": "number", "presentation": {"uiName": "Total"}}]
    )

    renamed = assert_ok(alter(api, table, "total", name="sum"))
    assert renamed["presentation"] == {"uiName": "Total", "format": None}
    assert_ok(api.delete(f"/rest/db/tables/{table}/columns/sum"))
    readded = assert_ok(
        api.post(f"/rest/db/tables/{table}/columns", json={"name": "sum", "dataType": "number"})
    )

    assert readded["presentation"] is None


def test_rename_to_an_existing_column_is_409(api, make_table):
    table = make_table(
        columns=[{"name": "a", "dataType": "text"}, {"name": "b", "dataType": "text"}]
    )

    assert_error(alter(api, table, "a", name="b"), 409, "b")


# --- type changes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "value", "converted"),
    [
        ({"dataType": "text"}, {"dataType": "long-text"}, "words", "words"),
        ({"dataType": "integer"}, {"dataType": "number"}, 4, 4),
        (
            {"dataType": "select", "options": ["a", "b"]},
            {"dataType": "multi-select", "options": ["a", "b"]},
            "b",
            ["b"],
        ),
        (
            {"dataType": "multi-select", "options": ["a", "b"]},
            {"dataType": "text", "options": None},
            ["a", "b"],
            "a,b",
        ),
        ({"dataType": "integer"}, {"dataType": "text"}, 12, "12"),
    ],
)
def test_type_change_converts_stored_values(api, make_table, before, after, value, converted):
    table = make_table(columns=[{"name": "value", **before}])
    record = assert_ok(api.post(f"/rest/db/{table}", json={"value": value}))["returning"][0]

    changed = assert_ok(alter(api, table, "value", **after))

    assert changed["dataType"] == after["dataType"]
    assert changed["options"] == after.get("options")
    assert assert_ok(api.get(f"/rest/db/{table}/{record['id']}"))["value"] == converted


def test_type_change_that_cannot_convert_values_is_an_error_and_keeps_the_column(api, make_table):
    table = make_table(columns=[{"name": "value", "dataType": "text"}])
    assert_ok(api.post(f"/rest/db/{table}", json={"value": "not a number"}))

    response = alter(api, table, "value", dataType="integer")

    assert_error(response, 422, "'value'", "integer", "not a number")
    assert column_of(api, table, "value")["dataType"] == "text"


# --- unique, nullable, options, validation -------------------------------------------------


def test_add_and_remove_unique(api, make_table):
    table = make_table(columns=[{"name": "code", "dataType": "text"}])

    assert assert_ok(alter(api, table, "code", unique=True))["unique"] is True
    assert_ok(api.post(f"/rest/db/{table}", json={"code": "A"}))
    assert_error(api.post(f"/rest/db/{table}", json={"code": "A"}), 409, "code")

    assert assert_ok(alter(api, table, "code", unique=False))["unique"] is False
    assert_ok(api.post(f"/rest/db/{table}", json={"code": "A"}))


def test_adding_unique_over_duplicates_is_409(api, make_table):
    table = make_table(columns=[{"name": "code", "dataType": "text"}])
    api.post(f"/rest/db/{table}/bulk-create", json=[{"code": "A"}, {"code": "A"}])

    assert_error(alter(api, table, "code", unique=True), 409)
    assert column_of(api, table, "code")["unique"] is False


def test_unique_is_true_for_a_single_column_and_false_in_a_multi_column_constraint(
    api, make_table, pg
):
    table = make_table(
        columns=[
            {"name": "solo", "dataType": "text", "unique": True},
            {"name": "first", "dataType": "text"},
            {"name": "second", "dataType": "text"},
        ]
    )
    pg.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{table}_pair" UNIQUE (first, second)')

    assert column_of(api, table, "solo")["unique"] is True
    assert column_of(api, table, "first")["unique"] is False
    assert column_of(api, table, "second")["unique"] is False


def test_nullable_toggle(api, make_table):
    table = make_table(columns=[{"name": "title", "dataType": "text"}])
    assert_ok(api.post(f"/rest/db/{table}", json={"title": "x"}))

    assert assert_ok(alter(api, table, "title", nullable=False))["nullable"] is False
    assert_error(api.post(f"/rest/db/{table}", json={"title": None}), 422, "title")
    assert assert_ok(alter(api, table, "title", nullable=True))["nullable"] is True
    assert_ok(api.post(f"/rest/db/{table}", json={"title": None}))


def test_making_a_column_with_nulls_not_null_is_refused(api, make_table):
    table = make_table(columns=[{"name": "title", "dataType": "text"}])
    assert_ok(api.post(f"/rest/db/{table}", json={}))

    response = alter(api, table, "title", nullable=False)

    assert response.status_code in (409, 422), response.text
    assert column_of(api, table, "title")["nullable"] is True


def test_options_change_allows_the_new_option(api, make_table):
    table = make_table(columns=[{"name": "size", "dataType": "select", "options": ["s", "m"]}])
    assert_error(api.post(f"/rest/db/{table}", json={"size": "l"}), 409, "size")

    changed = assert_ok(alter(api, table, "size", options=["s", "m", "l"]))

    assert changed["options"] == ["s", "m", "l"]
    assert_ok(api.post(f"/rest/db/{table}", json={"size": "l"}))


def test_validation_change_replaces_the_rule(api, make_table):
    table = make_table(
        columns=[{"name": "qty", "dataType": "integer", "validation": {"maxValue": 5}}]
    )

    changed = assert_ok(alter(api, table, "qty", validation={"minValue": 10}))

    assert changed["validation"] == {"minValue": 10}
    assert_ok(api.post(f"/rest/db/{table}", json={"qty": 50}))
    assert_error(api.post(f"/rest/db/{table}", json={"qty": 9}), 409, "qty")


def test_validation_removed_with_null(api, make_table):
    table = make_table(
        columns=[{"name": "title", "dataType": "text", "validation": {"maxLength": 3}}]
    )

    changed = assert_ok(alter(api, table, "title", validation=None))

    assert changed["validation"] is None
    assert_ok(api.post(f"/rest/db/{table}", json={"title": "longer than three"}))


def test_presentation_saved_on_failure_when_asked(api, make_table):
    table = make_table(columns=[{"name": "title", "dataType": "text"}])
    assert_ok(api.post(f"/rest/db/{table}", json={}))
    definition = definition_of(
        api, table, "title", nullable=False, presentation={"uiName": "Title"}
    )

    response = api.put(
        f"/rest/db/tables/{table}/columns/title",
        params={"allowPresentationSaveOnFailure": "true"},
        json=definition,
    )

    assert response.status_code in (409, 422), response.text
    column = column_of(api, table, "title")
    assert column["presentation"] == {"uiName": "Title", "format": None}
    assert column["nullable"] is True


# --- formulas ------------------------------------------------------------------------------


@pytest.fixture
def with_formula(make_table) -> str:
    """A table with an integer ``n`` and a formula ``f`` that reads it (``n + 1``)."""
    return make_table(
        columns=[
            {"name": "n", "dataType": "integer"},
            {
                "name": "f",
                "dataType": "formula",
                "formula": {"resultType": "integer", "expression": "n + 1"},
            },
        ]
    )


def test_changing_a_formula_result_type_is_422(api, with_formula):
    table = with_formula
    formula = column_of(api, table, "f")["formula"]

    response = alter(api, table, "f", formula={**formula, "resultType": "text"})

    assert_error(response, 422, "f", "result type")


def test_changing_a_formula_expression_recomputes_values(api, with_formula):
    table = with_formula
    record = assert_ok(api.post(f"/rest/db/{table}", json={"n": 4}))["returning"][0]
    formula = column_of(api, table, "f")["formula"]

    assert_ok(alter(api, table, "f", formula={**formula, "expression": "n * 10"}))

    assert assert_ok(api.get(f"/rest/db/{table}/{record['id']}"))["f"] == 40


def test_a_column_cannot_become_a_formula(api, make_table):
    table = make_table(columns=[{"name": "n", "dataType": "integer"}])

    response = alter(
        api, table, "n", dataType="formula", formula={"resultType": "integer", "expression": "1"}
    )

    assert_error(response, 422, "n")


def test_renaming_a_column_a_formula_reads_updates_the_formula(api, with_formula):
    table = with_formula

    assert_ok(alter(api, table, "n", name="m"))

    assert column_of(api, table, "f")["formula"]["expression"] == "(m + 1)"
    assert assert_ok(api.post(f"/rest/db/{table}", json={"m": 1}))["returning"][0]["f"] == 2


def test_dropping_a_column_a_formula_reads_is_409(api, with_formula):
    table = with_formula

    assert_error(api.delete(f"/rest/db/tables/{table}/columns/n"), 409, "n")


def test_changing_only_the_comment_of_an_auto_date_keeps_it_automatic(api, make_table):
    table = make_table()

    changed = assert_ok(alter(api, table, "created_at", comment="made"))

    assert (changed["dataType"], changed["comment"], changed["nullable"]) == (
        "auto-date",
        "made",
        False,
    )
    assert assert_ok(api.post(f"/rest/db/{table}", json={}))["returning"][0]["created_at"]


# --- unknown columns and drop --------------------------------------------------------------


def test_put_of_an_unknown_column_is_404(api, make_table):
    table = make_table()
    definition = {"name": "ghost", "dataType": "text"}

    assert_error(api.put(f"/rest/db/tables/{table}/columns/ghost", json=definition), 404, "ghost")


def test_put_on_an_unknown_table_is_404(api):
    definition = {"name": "c", "dataType": "text"}

    assert_error(api.put("/rest/db/tables/no_such_table/columns/c", json=definition), 404)


def test_drop_column_removes_it_and_a_second_drop_is_404(api, make_table):
    table = make_table(columns=[{"name": "gone", "dataType": "text"}])

    assert_ok(api.delete(f"/rest/db/tables/{table}/columns/gone"))

    names = [c["name"] for c in assert_ok(api.get(f"/rest/db/tables/{table}/schema"))]
    assert "gone" not in names
    assert_error(api.delete(f"/rest/db/tables/{table}/columns/gone"), 404, "gone")


def test_injection_through_a_column_name_is_400_and_the_table_survives(api, make_table):
    table = make_table(columns=[{"name": "title", "dataType": "text"}])
    name = f'x"; DROP TABLE "{table}"; --'

    added = api.post(f"/rest/db/tables/{table}/columns", json={"name": name, "dataType": "text"})
    renamed = alter(api, table, "title", name=name)

    assert_error(added, 400, "name")
    assert_error(renamed, 400, "name")
    assert [c["name"] for c in assert_ok(api.get(f"/rest/db/tables/{table}/schema"))][:2] == [
        "id",
        "title",
    ]
