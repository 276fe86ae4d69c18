"""Unit tests for polarbase.query.filter: a WhereFilter checked against a table's shape."""

from __future__ import annotations

from typing import Any

import pytest

from polarbase.errors import InvalidFilterError
from polarbase.query import Condition, Group, Operator, parse_filter
from polarbase.query.filter import MAX_CONDITIONS, MAX_DEPTH
from tests.unit.factories import column, table

PEOPLE = table(
    "people",
    column("name", "text", "varchar"),
    column("age", "integer", "int4"),
    column("score", "number", "float8"),
    column("born", "date", "timestamptz"),
    column("active", "checkbox", "bool"),
    column("tags", "multi-select", "text", is_array=True, options=("a", "b")),
    column("doc", "json", "jsonb"),
    column("place", "geo-point", "point"),
    column("mail", "email", "text", domain="email_address"),
)
AGE = PEOPLE.column("age")
NAME = PEOPLE.column("name")
TAGS = PEOPLE.column("tags")


def rejection(raw: Any) -> str:
    with pytest.raises(InvalidFilterError) as caught:
        parse_filter(raw, PEOPLE)
    return caught.value.message


# --- what parses ------------------------------------------------------------------------------


def test_bare_value_means_equal():
    assert parse_filter({"age": 30}, PEOPLE) == Condition(AGE, Operator.EQ, 30)


def test_operator_map_with_several_operators_is_and():
    assert parse_filter({"age": {"gt": 1, "lt": 9}}, PEOPLE) == Group(
        "and", (Condition(AGE, Operator.GT, 1), Condition(AGE, Operator.LT, 9))
    )


def test_several_columns_are_and():
    node = parse_filter({"age": 1, "name": "x"}, PEOPLE)
    assert node == Group("and", (Condition(AGE, Operator.EQ, 1), Condition(NAME, Operator.EQ, "x")))


def test_list_means_in_for_a_plain_column_and_equal_for_a_list_column():
    assert parse_filter({"age": [1, 2]}, PEOPLE) == Condition(AGE, Operator.IN, [1, 2])
    assert parse_filter({"tags": ["a"]}, PEOPLE) == Condition(TAGS, Operator.EQ, ["a"])


def test_scalar_in_is_wrapped():
    assert parse_filter({"age": {"in": 3}}, PEOPLE) == Condition(AGE, Operator.IN, [3])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"age": None}, Condition(AGE, Operator.IS_NULL, True)),
        ({"age": {"eq": None}}, Condition(AGE, Operator.IS_NULL, True)),
        ({"age": {"ne": None}}, Condition(AGE, Operator.NOT_NULL, True)),
        ({"age": {"isNull": False}}, Condition(AGE, Operator.IS_NULL, False)),
        ({"age": {"notNull": True}}, Condition(AGE, Operator.NOT_NULL, True)),
    ],
)
def test_null_comparisons_become_is_null(raw, expected):
    assert parse_filter(raw, PEOPLE) == expected


def test_values_are_coerced_for_the_column():
    assert parse_filter({"age": "42"}, PEOPLE) == Condition(AGE, Operator.EQ, 42)
    assert parse_filter({"age": {"between": ["1", 2.0]}}, PEOPLE) == Condition(
        AGE, Operator.BETWEEN, [1, 2]
    )


def test_empty_filters_and_groups_are_none():
    assert parse_filter(None, PEOPLE) is None
    assert parse_filter({}, PEOPLE) is None
    assert parse_filter({"and": []}, PEOPLE) is None
    assert parse_filter({"or": [{"and": []}, {}]}, PEOPLE) is None


def test_single_element_groups_are_unwrapped():
    assert parse_filter({"or": [{"and": [{"age": 1}]}]}, PEOPLE) == Condition(AGE, Operator.EQ, 1)


def test_nested_groups_keep_their_kind():
    node = parse_filter({"or": [{"age": 1}, {"and": [{"age": 2}, {"name": "x"}]}]}, PEOPLE)
    assert node == Group(
        "or",
        (
            Condition(AGE, Operator.EQ, 1),
            Group("and", (Condition(AGE, Operator.EQ, 2), Condition(NAME, Operator.EQ, "x"))),
        ),
    )


def test_group_next_to_a_column_is_and():
    node = parse_filter({"age": 1, "or": [{"name": "a"}, {"name": "b"}]}, PEOPLE)
    assert isinstance(node, Group)
    assert node.kind == "and"
    assert node.children[1].kind == "or"


def test_contains_and_overlaps():
    assert parse_filter({"tags": {"contains": "a"}}, PEOPLE) == Condition(
        TAGS, Operator.CONTAINS, ["a"]
    )
    assert parse_filter({"tags": {"overlaps": ["a", "b"]}}, PEOPLE) == Condition(
        TAGS, Operator.OVERLAPS, ["a", "b"]
    )
    doc = PEOPLE.column("doc")
    assert parse_filter({"doc": {"contains": {"k": [1]}}}, PEOPLE) == Condition(
        doc, Operator.CONTAINS, {"k": [1]}
    )
    assert parse_filter({"name": {"contains": "bo"}}, PEOPLE) == Condition(
        NAME, Operator.CONTAINS, "bo"
    )


def test_patterns_keep_their_text():
    assert parse_filter({"name": {"startsWith": "a%_"}}, PEOPLE) == Condition(
        NAME, Operator.STARTS_WITH, "a%_"
    )
    assert parse_filter({"age": {"like": "1%"}}, PEOPLE) == Condition(AGE, Operator.LIKE, "1%")


# --- what is refused --------------------------------------------------------------------------


def test_mixing_and_or_at_one_level_is_refused():
    assert 'cannot mix "and" and "or"' in rejection({"and": [], "or": []})


def test_unknown_operator_is_named_with_the_valid_ones():
    message = rejection({"age": {"greaterThan": 1}})
    assert "'greaterThan'" in message
    assert "'age'" in message
    assert "startsWith" in message


def test_unknown_column_is_named():
    assert "unknown column 'ghost' in table 'people'" in rejection({"ghost": 1})


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"age": "old"}, "'old' is not an integer"),
        ({"age": True}, "True is not an integer"),
        ({"age": 2**40}, "out of range"),
        ({"score": "high"}, "not a number"),
        ({"active": 1}, "not true or false"),
        ({"born": "soon"}, "not a date"),
        ({"name": 5}, "not a string"),
        ({"name": "a\x00"}, "NUL"),
        ({"name": {"like": "a\x00"}}, "NUL"),
        ({"name": {"startsWith": 5}}, "text pattern"),
        ({"name": {"contains": "\x00"}}, "NUL"),
        ({"mail": "bob@"}, "not an email address"),
        ({"age": {"between": [1]}}, "two values"),
        ({"age": {"between": [1, None]}}, "two values"),
        ({"age": {"between": 1}}, "two values"),
        ({"age": {"isNull": "yes"}}, "true or false"),
        ({"tags": {"contains": [1]}}, "not a string"),
    ],
)
def test_value_that_does_not_fit_is_refused_naming_the_column(raw, words):
    message = rejection(raw)
    assert f"'{next(iter(raw))}'" in message
    assert words in message


@pytest.mark.parametrize(
    "raw",
    [
        {"tags": {"gt": ["a"]}},
        {"doc": {"lt": 1}},
        {"doc": {"in": [1]}},
        {"doc": {"like": "x"}},
        {"tags": {"like": "x"}},
        {"tags": {"in": ["a"]}},
        {"place": {"eq": "(1,2)"}},
        {"age": {"contains": 1}},
        {"name": {"overlaps": ["a"]}},
        {"doc": {"overlaps": [1]}},
    ],
)
def test_operator_that_does_not_fit_the_column_type_is_refused(raw):
    assert f"'{next(iter(raw))}'" in rejection(raw)


@pytest.mark.parametrize(
    "raw", [[1], "age", 5, {"and": {"age": 1}}, {"or": "x"}, {"and": [1]}, {"age": {}}]
)
def test_malformed_filter_is_refused(raw):
    assert rejection(raw).startswith("filter")


def test_nesting_deeper_than_the_limit_is_refused():
    raw: dict[str, Any] = {"age": 1}
    for _ in range(MAX_DEPTH):
        raw = {"and": [raw, {"age": 2}]}
    assert parse_filter(raw, PEOPLE) is not None
    assert "deeper" in rejection({"or": [raw]})


def test_more_conditions_than_the_limit_is_refused():
    many = {"or": [{"age": n} for n in range(MAX_CONDITIONS + 1)]}
    assert str(MAX_CONDITIONS) in rejection(many)
