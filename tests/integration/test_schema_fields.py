"""All 17 field types: add the column, read its definition back, and a record round trip."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from tests.helpers import ATTACHMENT, assert_error, assert_ok


@dataclass
class Case:
    """One field type: the column to add, what the schema shows, and two values to store."""

    definition: dict[str, Any]
    shown: dict[str, Any]
    values: tuple[Any, Any] | None  # None: the column is not writable
    filter: dict[str, Any] | None = None  # matches only the first value
    sortable: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


CASES: dict[str, Case] = {
    "text": Case(
        {"dataType": "text", "validation": {"minLength": 2, "maxLength": 10}},
        {"validation": {"minLength": 2, "maxLength": 10}},
        ("apple", "pear"),
        {"eq": "apple"},
    ),
    "long-text": Case(
        {"dataType": "long-text", "validation": {"maxSize": 100}},
        {"validation": {"maxSize": 100}},
        ("<p>alpha</p>", "<p>beta</p>"),
        {"startsWith": "<p>al"},
    ),
    "integer": Case(
        {"dataType": "integer", "validation": {"minValue": 1, "maxValue": 100}},
        {"validation": {"minValue": 1, "maxValue": 100}},
        (5, 50),
        {"lt": 10},
    ),
    "number": Case(
        {"dataType": "number", "validation": {"minValue": 0.5, "maxValue": 9.5}},
        {"validation": {"minValue": 0.5, "maxValue": 9.5}},
        (1.25, 9.5),
        {"lte": 2},
    ),
    "date": Case(
        {
            "dataType": "date",
            "validation": {"minDate": "2020-01-01 00:00", "maxDate": "2030-12-31 23:59"},
        },
        {"validation": {"minDate": "2020-01-01 00:00", "maxDate": "2030-12-31 23:59"}},
        ("2024-05-01T10:00:00Z", "2025-01-01T00:00:00Z"),
        {"lt": "2024-12-31T00:00:00Z"},
    ),
    "checkbox": Case(
        {"dataType": "checkbox", "defaultValue": False},
        {"defaultValue": False},
        (True, False),
        {"eq": True},
    ),
    "select": Case(
        {"dataType": "select", "options": ["low", "mid", "high"]},
        {"options": ["low", "mid", "high"]},
        ("high", "low"),
        {"eq": "high"},
    ),
    "multi-select": Case(
        {"dataType": "multi-select", "options": ["red", "green", "blue"]},
        {"options": ["red", "green", "blue"]},
        (["red", "blue"], ["green"]),
        {"contains": ["blue"]},
        sortable=False,
    ),
    "email": Case(
        {"dataType": "email", "validation": {"allowedDomains": "example.com, test.org"}},
        {"validation": {"allowedDomains": "example.com,test.org"}},
        ("ann@example.com", "bob@test.org"),
        {"eq": "ann@example.com"},
    ),
    "url": Case(
        {"dataType": "url"},
        {},
        ("https://a.example.com/x?y=1", "https://b.example.com"),
        {"like": "%a.example%"},
    ),
    "json": Case(
        {"dataType": "json", "validation": {"maxSize": 200}},
        {"validation": {"maxSize": 200}},
        ({"a": [1, 2]}, [1, "two"]),
        {"eq": {"a": [1, 2]}},
        sortable=False,
    ),
    "geo-point": Case(
        {"dataType": "geo-point"},
        {},
        ({"x": 1.5, "y": 2.5}, {"x": -3.0, "y": 4.0}),
        None,
        sortable=False,
    ),
    "attachment": Case(
        {"dataType": "attachment", "validation": {"maxFiles": 2}},
        {"validation": {"maxFiles": 2}},
        ([ATTACHMENT], []),
        None,
        sortable=False,
    ),
    "auto-number": Case({"dataType": "auto-number"}, {"nullable": False}, None),
    "auto-date": Case({"dataType": "auto-date"}, {}, None),
    "formula": Case(
        {
            "dataType": "formula",
            "formula": {"resultType": "integer", "expression": "base * 2"},
        },
        {"formula": {"resultType": "integer", "expression": "base * 2", "strategy": "stored"}},
        None,
        extra={"base": 21},
    ),
}


def same_value(data_type: str, stored: Any, sent: Any) -> bool:
    if data_type == "date":
        return datetime.fromisoformat(stored) == datetime.fromisoformat(sent)
    return stored == sent


@pytest.fixture
def parent(make_table):
    return make_table(columns=[{"name": "label", "dataType": "text"}])


def make_typed_table(api, make_table, parent: str, data_type: str) -> tuple[str, Case]:
    case = CASES[data_type] if data_type != "reference" else reference_case(api, parent)
    table = make_table(columns=[{"name": "base", "dataType": "integer"}])
    definition = {"name": "value", "nullable": True, **case.definition}
    assert_ok(api.post(f"/rest/db/tables/{table}/columns", json=definition))
    return table, case


def reference_case(api, parent: str) -> Case:
    created = assert_ok(api.post(f"/rest/db/{parent}/bulk-create", json=[{"label": "a"}] * 2))
    first, second = (record["id"] for record in created["returning"])
    foreign_key = {"table": parent, "column": {"name": "id"}, "onDelete": "SET NULL"}
    return Case(
        {"dataType": "reference", "foreignKey": foreign_key},
        {
            "foreignKey": {
                "table": parent,
                "column": {"name": "id", "type": "int8"},
                "onUpdate": "NO ACTION",
                "onDelete": "SET NULL",
            }
        },
        (first, second),
        {"eq": first},
    )


ALL_TYPES = [*CASES, "reference"]


def test_every_field_type_is_covered():
    assert len(ALL_TYPES) == 17


@pytest.mark.parametrize("data_type", ALL_TYPES)
def test_added_column_reads_back_its_definition(api, make_table, parent, data_type):
    table, case = make_typed_table(api, make_table, parent, data_type)

    columns = {c["name"]: c for c in assert_ok(api.get(f"/rest/db/tables/{table}/schema"))}

    column = columns["value"]
    expected = {
        "dataType": data_type,
        "nullable": True,
        "unique": False,
        "defaultValue": None,
        "comment": None,
        "validation": None,
        "options": None,
        "foreignKey": None,
        "formula": None,
        **case.shown,
    }
    assert {key: column[key] for key in expected} == expected


@pytest.mark.parametrize("data_type", ALL_TYPES)
def test_record_round_trip_reads_back_what_was_written(api, make_table, parent, data_type):
    # GIVEN a table with one column of the type and two records
    table, case = make_typed_table(api, make_table, parent, data_type)
    values = case.values or (None, None)
    ids = []
    for base, value in zip((1, 2), values, strict=True):
        record = {"base": base, **case.extra}
        if case.values is not None:
            record["value"] = value
        ids.append(assert_ok(api.post(f"/rest/db/{table}", json=record))["returning"][0]["id"])

    # WHEN each is read back by id THEN the stored value is the one written (or computed)
    for record_id, value in zip(ids, values, strict=True):
        stored = assert_ok(api.get(f"/rest/db/{table}/{record_id}"))["value"]
        if case.values is not None:
            assert same_value(data_type, stored, value), (stored, value)
        elif data_type == "formula":
            assert stored == 42
        elif data_type == "auto-number":
            assert isinstance(stored, int)
        else:
            assert re.match(r"^\d{4}-\d\d-\d\dT", stored)

    # AND a filter on the column finds the first record only
    if case.filter is not None:
        found = assert_ok(
            api.get(f"/rest/db/{table}", params={"filter": json.dumps({"value": case.filter})})
        )
        assert [row["id"] for row in found["rows"]] == [ids[0]]

    # AND sorting by the column descending orders the records by value
    if case.sortable:
        rows = assert_ok(api.get(f"/rest/db/{table}", params={"sort": "value:desc,id:asc"}))
        ordered = [row["value"] for row in rows["rows"]]
        assert ordered == sorted(ordered, reverse=True)


@pytest.mark.parametrize(
    ("data_type", "value", "rule"),
    [
        ("text", "a", "length"),
        ("text", "far too long here", "length"),
        ("long-text", "x" * 101, "size"),
        ("integer", 0, "range"),
        ("integer", 101, "range"),
        ("number", 9.75, "range"),
        ("date", "2019-12-31T23:00:00Z", "range of dates"),
        ("date", "2031-01-01T00:00:00Z", "range of dates"),
        ("select", "huge", "options"),
        ("multi-select", ["red", "pink"], "options"),
        ("email", "eve@evil.com", "domain"),
        ("json", {"blob": "x" * 300}, "size"),
        ("attachment", [ATTACHMENT, ATTACHMENT, ATTACHMENT], "files"),
    ],
)
def test_a_value_breaking_the_column_rule_is_409_naming_column_and_rule(
    api, make_table, parent, data_type, value, rule
):
    table, _ = make_typed_table(api, make_table, parent, data_type)

    response = api.post(f"/rest/db/{table}", json={"value": value})

    message = assert_error(response, 409, "'value'")
    assert rule in message or rule.replace(" ", "_") in message


def test_reference_to_a_missing_parent_is_409_in_words(api, make_table, parent):
    table, _ = make_typed_table(api, make_table, parent, "reference")

    assert_error(api.post(f"/rest/db/{table}", json={"value": 987654}), 409, "does not exist")


@pytest.mark.parametrize(
    ("data_type", "value"),
    [
        ("integer", "abc"),
        ("integer", 1.5),
        ("number", "many"),
        ("checkbox", "yes"),
        ("date", "not a date"),
        ("email", "not-an-email"),
        ("url", "ftp:/nowhere"),
        ("geo-point", "north"),
        ("multi-select", "red"),
        ("text", {"an": "object"}),
    ],
)
def test_a_value_of_the_wrong_json_type_is_400_naming_the_column(
    api, make_table, parent, data_type, value
):
    table, _ = make_typed_table(api, make_table, parent, data_type)

    assert_error(api.post(f"/rest/db/{table}", json={"value": value}), 400, "'value'")


@pytest.mark.parametrize("data_type", ["auto-number", "formula"])
def test_read_only_types_refuse_a_written_value(api, make_table, parent, data_type):
    table, _ = make_typed_table(api, make_table, parent, data_type)

    response = api.post(f"/rest/db/{table}", json={"base": 1, "value": 7})

    # A formula is computed; an auto-number's sequence would repeat a written value later.
    assert_error(response, 400, "'value'")


@pytest.mark.parametrize(
    ("definition", "default"),
    [
        ({"dataType": "text"}, "n/a"),
        ({"dataType": "long-text"}, "it's"),
        ({"dataType": "integer"}, -3),
        ({"dataType": "number"}, 2.5),
        ({"dataType": "checkbox"}, True),
        ({"dataType": "select", "options": ["a", "b c"]}, "b c"),
        ({"dataType": "multi-select", "options": ["a", "b c", "d,e"]}, ["b c", "d,e"]),
        ({"dataType": "email"}, "x@example.com"),
        ({"dataType": "url"}, "https://example.com"),
        ({"dataType": "json"}, {"a": [1, 2]}),
        ({"dataType": "geo-point"}, {"x": 1.5, "y": -2.0}),
        ({"dataType": "date"}, "2024-01-02T03:04:00Z"),
    ],
)
def test_default_value_reads_back_and_fills_new_records(api, make_table, definition, default):
    table = make_table(
        columns=[{"name": "value", "nullable": False, "defaultValue": default, **definition}]
    )

    columns = {c["name"]: c for c in assert_ok(api.get(f"/rest/db/tables/{table}/schema"))}
    created = assert_ok(api.post(f"/rest/db/{table}", json={}))["returning"][0]

    data_type = definition["dataType"]
    assert same_value(data_type, columns["value"]["defaultValue"], default)
    assert columns["value"]["nullable"] is False
    assert same_value(data_type, created["value"], default)


def test_a_default_of_the_wrong_type_is_400_naming_the_column(api, make_table):
    table = make_table()

    response = api.post(
        f"/rest/db/tables/{table}/columns",
        json={"name": "count", "dataType": "integer", "defaultValue": "many"},
    )

    assert_error(response, 400, "count")


@pytest.mark.parametrize(
    ("definition", "words"),
    [
        ({"dataType": "select"}, ("options",)),
        ({"dataType": "multi-select", "options": []}, ("options",)),
        ({"dataType": "select", "options": ["a", "a"]}, ("options",)),
        ({"dataType": "reference"}, ("foreignKey",)),
        ({"dataType": "formula"}, ("formula",)),
        (
            {"dataType": "text", "formula": {"resultType": "text", "expression": "1"}},
            ("formula",),
        ),
        ({"dataType": "integer", "validation": {"maxLength": 3}}, ("maxLength",)),
        ({"dataType": "text", "validation": {"minLength": 5, "maxLength": 2}}, ("minLength",)),
        ({"dataType": "date", "validation": {"maxDate": "someday"}}, ("someday",)),
        ({"dataType": "no-such-type"}, ("dataType",)),
    ],
)
def test_a_column_definition_breaking_a_cross_field_rule_is_400(api, make_table, definition, words):
    table = make_table()

    response = api.post(f"/rest/db/tables/{table}/columns", json={"name": "c", **definition})

    assert_error(response, 400, *words)


def test_adding_an_existing_column_is_409(api, make_table):
    table = make_table(columns=[{"name": "title", "dataType": "text"}])

    response = api.post(
        f"/rest/db/tables/{table}/columns", json={"name": "title", "dataType": "text"}
    )

    assert_error(response, 409, "title")


def test_adding_a_column_to_an_unknown_table_is_404(api):
    response = api.post(
        "/rest/db/tables/no_such_table/columns", json={"name": "c", "dataType": "text"}
    )

    assert_error(response, 404, "no_such_table")


def test_column_comment_unique_and_presentation_read_back(api, make_table):
    table = make_table()
    definition = {
        "name": "code",
        "dataType": "text",
        "unique": True,
        "comment": "the code",
        "presentation": {"uiName": "Code", "format": {"width": 120}},
    }

    added = assert_ok(api.post(f"/rest/db/tables/{table}/columns", json=definition))

    assert added["unique"] is True
    assert added["comment"] == "the code"
    assert added["presentation"] == {"uiName": "Code", "format": {"width": 120}}
    assert_ok(api.post(f"/rest/db/{table}", json={"code": "A"}))
    assert_error(api.post(f"/rest/db/{table}", json={"code": "A"}), 409, "code", "duplicate")


@pytest.mark.parametrize(
    ("data_type", "validation", "shown"),
    [
        ("integer", {"maxValue": 5}, {"maxValue": 5}),
        ("integer", {"minValue": -5}, {"minValue": -5}),
        ("number", {"maxValue": 2.5}, {"maxValue": 2.5}),
        ("date", {"maxDate": "2030-01-01 10:00"}, {"maxDate": "2030-01-01 10:00"}),
        ("date", {"minDate": "2001-02-03 04:05"}, {"minDate": "2001-02-03 04:05"}),
        ("text", {"maxLength": 8}, {"maxLength": 8}),
    ],
)
def test_a_range_with_one_bound_reads_back_as_that_bound(
    api, make_table, data_type, validation, shown
):
    table = make_table()

    added = assert_ok(
        api.post(
            f"/rest/db/tables/{table}/columns",
            json={"name": "value", "dataType": data_type, "validation": validation},
        )
    )

    assert added["validation"] == shown


def test_options_with_quotes_commas_and_spaces_read_back_exactly(api, make_table):
    options = ["plain", "two words", "a,b", 'say "hi"', "it's", "back\\slash", "NULL"]
    table = make_table()

    added = assert_ok(
        api.post(
            f"/rest/db/tables/{table}/columns",
            json={"name": "value", "dataType": "select", "options": options},
        )
    )

    assert added["options"] == options
    for option in options:
        assert_ok(api.post(f"/rest/db/{table}", json={"value": option}))
