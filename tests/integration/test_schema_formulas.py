"""Formula columns: computed values, the expression check, injection attempts, virtual columns."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import assert_error, assert_ok


@pytest.fixture
def priced(make_table):
    return make_table(
        columns=[
            {"name": "price", "dataType": "number"},
            {"name": "qty", "dataType": "integer"},
            {"name": "name", "dataType": "text"},
            {"name": "born", "dataType": "date"},
        ]
    )


def add_formula(api, table: str, expression: str, result_type: str = "numeric", **extra: Any):
    formula = {"resultType": result_type, "expression": expression, **extra}
    return api.post(
        f"/rest/db/tables/{table}/columns",
        json={"name": "computed", "dataType": "formula", "formula": formula},
    )


@pytest.mark.parametrize(
    ("expression", "result_type", "record", "expected"),
    [
        ("price * qty", "numeric", {"price": 2.5, "qty": 4}, 10),
        ("qty + 1", "integer", {"qty": 41}, 42),
        ("upper(name) || '!'", "text", {"name": "hey"}, "HEY!"),
        ("coalesce(name, 'nobody')", "text", {}, "nobody"),
        ("qty > 3 AND price < 10", "boolean", {"qty": 4, "price": 1}, True),
        ("round(price)", "numeric", {"price": 2.6}, 3),
        (
            "CASE WHEN qty > 10 THEN 'many' ELSE 'few' END",
            "text",
            {"qty": 11},
            "many",
        ),
    ],
)
def test_stored_formula_computes_its_value(api, priced, expression, result_type, record, expected):
    added = assert_ok(add_formula(api, priced, expression, result_type))
    created = assert_ok(api.post(f"/rest/db/{priced}", json=record))["returning"][0]

    fetched = assert_ok(api.get(f"/rest/db/{priced}/{created['id']}"))

    assert added["formula"]["resultType"] == result_type
    assert added["formula"]["strategy"] == "stored"
    assert fetched["computed"] == expected


def test_stored_formula_follows_updates_of_its_inputs(api, priced):
    assert_ok(add_formula(api, priced, "price * qty"))
    created = assert_ok(api.post(f"/rest/db/{priced}", json={"price": 2, "qty": 3}))["returning"][0]

    updated = assert_ok(api.patch(f"/rest/db/{priced}/{created['id']}", json={"qty": 5}))

    assert updated["returning"][0]["computed"] == 10


def test_virtual_formula_is_computed_on_read(api, priced):
    added = assert_ok(add_formula(api, priced, "qty * 2", "integer", strategy="virtual"))
    created = assert_ok(api.post(f"/rest/db/{priced}", json={"qty": 21}))["returning"][0]

    fetched = assert_ok(api.get(f"/rest/db/{priced}/{created['id']}"))

    assert added["formula"]["strategy"] == "virtual"
    assert fetched["computed"] == 42


def test_formula_can_be_filtered_and_sorted(api, priced):
    assert_ok(add_formula(api, priced, "qty * 2", "integer"))
    api.post(f"/rest/db/{priced}/bulk-create", json=[{"qty": 1}, {"qty": 3}, {"qty": 2}])

    rows = assert_ok(
        api.get(
            f"/rest/db/{priced}",
            params={"filter": '{"computed": {"gte": 4}}', "sort": "computed:desc"},
        )
    )["rows"]

    assert [row["computed"] for row in rows] == [6, 4]


def test_formula_reading_an_unknown_column_is_400_naming_it(api, priced):
    assert_error(add_formula(api, priced, "missing * 2"), 400, "missing")


def test_formula_reading_itself_is_400(api, priced):
    assert_error(add_formula(api, priced, "computed + 1"), 400, "computed")


@pytest.mark.parametrize(
    "expression",
    [
        "1); DROP TABLE {table}; --",
        "price; DROP TABLE {table}",
        "pg_sleep(1)",
        "(select 1)",
        "(SELECT count(*) FROM {table})",
        "current_user",
        "version()",
        "pg_read_file('/etc/passwd')",
        "lo_import('/etc/passwd')",
        "price /* comment */ + 1",
        "price -- comment",
        '"price"); DROP TABLE {table}; --',
        "nextval('x')",
        "'a' || (SELECT 'b')",
        "price::regclass",
        "$$x$$",
        "E'\\x41'",
    ],
)
def test_injection_through_a_formula_is_400_and_the_table_survives(api, priced, expression):
    response = add_formula(api, priced, expression.format(table=priced), "text")

    assert_error(response, 400, "formula")
    names = [c["name"] for c in assert_ok(api.get(f"/rest/db/tables/{priced}/schema"))]
    assert "computed" not in names
    assert_ok(api.post(f"/rest/db/{priced}", json={"name": "still works"}))


def test_a_function_postgres_finds_not_immutable_is_refused_without_a_500(api, priced):
    response = add_formula(api, priced, "to_char(born, 'YYYY')", "text")

    assert response.status_code in (400, 422), response.text
    assert response.json()["success"] is False


def test_a_formula_of_the_wrong_result_type_is_refused_without_a_500(api, priced):
    response = add_formula(api, priced, "name", "integer")

    assert response.status_code in (400, 422), response.text


def test_an_unknown_result_type_is_400(api, priced):
    assert_error(add_formula(api, priced, "qty", "money"), 400, "resultType")


def test_a_formula_column_cannot_be_written(api, priced):
    assert_ok(add_formula(api, priced, "qty * 2", "integer"))

    assert_error(api.post(f"/rest/db/{priced}", json={"computed": 5}), 400, "computed")


def test_a_formula_reads_back_as_it_was_written_until_it_changes_outside(
    api, priced, make_table, pg
):
    # PostgreSQL rewrites "price * qty" as "(price * (qty)::numeric)"; the API shows what was sent
    added = assert_ok(add_formula(api, priced, "price  *  qty"))
    assert added["formula"]["expression"] == "price  *  qty"
    schema = {c["name"]: c for c in assert_ok(api.get(f"/rest/db/tables/{priced}/schema"))}
    assert schema["computed"]["formula"]["expression"] == "price  *  qty"
    # Changed through the API: the new text
    changed = assert_ok(
        api.put(
            f"/rest/db/tables/{priced}/columns/computed",
            json={
                "name": "total",
                "dataType": "formula",
                "formula": {"resultType": "numeric", "expression": "price*qty + 1"},
            },
        )
    )
    assert changed["formula"]["expression"] == "price*qty + 1"
    # The same in a new table's body
    table = make_table(
        columns=[
            {"name": "a", "dataType": "integer"},
            {
                "name": "b",
                "dataType": "formula",
                "formula": {"resultType": "integer", "expression": "a+1"},
            },
        ]
    )
    columns = {c["name"]: c for c in assert_ok(api.get(f"/rest/db/tables/{table}/schema"))}
    assert columns["b"]["formula"]["expression"] == "a+1"
    # Changed outside PolarBase (the same column): what PostgreSQL holds now, not the stale text
    pg.execute(f'ALTER TABLE "{priced}" ALTER COLUMN total SET EXPRESSION AS (price * 2)')
    listed = assert_ok(api.get("/rest/db/tables", params={"includeSchema": "true"}))  # fresh
    (document,) = [t for t in listed if t["name"] == priced]
    (total,) = [c for c in document["schema"] if c["name"] == "total"]
    assert "2" in total["formula"]["expression"]
    assert "qty" not in total["formula"]["expression"]


def test_a_formula_the_stored_rows_refuse_is_422_naming_the_column(api, priced):
    assert_ok(api.post(f"/rest/db/{priced}", json={"qty": 3, "price": 1}))

    response = add_formula(api, priced, "qty / 0", "integer")

    assert_error(response, 422, "'computed'", "formula", "division by zero")
    columns = assert_ok(api.get(f"/rest/db/tables/{priced}/schema"))
    assert "computed" not in {column["name"] for column in columns}
