"""Unit tests for polarbase.query.compile_filter: filter trees and search terms as SQL."""

from __future__ import annotations

from typing import Any

import pytest
from psycopg import sql
from psycopg.types.json import Jsonb

from polarbase.query import (
    Params,
    compile_filter,
    compile_search,
    escape_like,
    parse_filter,
    searchable_columns,
)
from polarbase.schema.model import Table
from tests.unit.factories import column, table

SOURCE = sql.Identifier("t")


THINGS = table(
    "things",
    column("name", "text", "varchar"),
    column("body", "long-text", "text"),
    column("age", "integer", "int4"),
    column("tags", "multi-select", "text", is_array=True),
    column("numbers", "json", "int4", is_array=True),
    column("doc", "json", "jsonb"),
    column("mail", "email", "text", domain="email_address"),
    column("site", "url", "text", domain="url_address"),
    column("stage", "select", "text", options=("a", "b")),
    column("uid", "text", "uuid"),
    column('we"ird', "text", "varchar"),
)


def render(raw: Any, where: Table = THINGS) -> tuple[str, dict[str, Any]]:
    node = parse_filter(raw, where)
    assert node is not None
    params = Params()
    return compile_filter(node, SOURCE, params).as_string(None), params.values


@pytest.mark.parametrize(
    ("raw", "text", "values"),
    [
        ({"age": 1}, '"t"."age" = %(p0)s', {"p0": 1}),
        ({"age": {"ne": 1}}, '"t"."age" <> %(p0)s', {"p0": 1}),
        ({"age": {"gt": 1}}, '"t"."age" > %(p0)s', {"p0": 1}),
        ({"age": {"gte": 1}}, '"t"."age" >= %(p0)s', {"p0": 1}),
        ({"age": {"lt": 1}}, '"t"."age" < %(p0)s', {"p0": 1}),
        ({"age": {"lte": 1}}, '"t"."age" <= %(p0)s', {"p0": 1}),
        ({"age": {"in": [1, 2]}}, '"t"."age" = ANY(%(p0)s)', {"p0": [1, 2]}),
        ({"age": {"notIn": [1]}}, 'NOT ("t"."age" = ANY(%(p0)s))', {"p0": [1]}),
        ({"age": {"in": []}}, "FALSE", {}),
        ({"age": {"notIn": []}}, "TRUE", {}),
        (
            {"age": {"between": [1, 5]}},
            '"t"."age" BETWEEN %(p0)s AND %(p1)s',
            {"p0": 1, "p1": 5},
        ),
        ({"age": None}, '"t"."age" IS NULL', {}),
        ({"age": {"isNull": False}}, '"t"."age" IS NOT NULL', {}),
        ({"age": {"notNull": True}}, '"t"."age" IS NOT NULL', {}),
        ({"age": {"notNull": False}}, '"t"."age" IS NULL', {}),
        ({"name": {"like": "a%"}}, '"t"."name" LIKE %(p0)s', {"p0": "a%"}),
        ({"name": {"ilike": "a%"}}, '"t"."name" ILIKE %(p0)s', {"p0": "a%"}),
        ({"name": {"notLike": "a%"}}, '"t"."name" NOT LIKE %(p0)s', {"p0": "a%"}),
        ({"name": {"notIlike": "a%"}}, '"t"."name" NOT ILIKE %(p0)s', {"p0": "a%"}),
        ({"age": {"like": "1%"}}, '"t"."age"::text LIKE %(p0)s', {"p0": "1%"}),
        (
            {"name": {"startsWith": "a%_\\"}},
            '"t"."name" LIKE %(p0)s',
            {"p0": "a\\%\\_\\\\%"},
        ),
        ({"name": {"contains": "5%"}}, '"t"."name" ILIKE %(p0)s', {"p0": "%5\\%%"}),
        ({"tags": {"contains": ["a"]}}, '"t"."tags" @> %(p0)s::text[]', {"p0": ["a"]}),
        ({"tags": {"overlaps": ["a"]}}, '"t"."tags" && %(p0)s::text[]', {"p0": ["a"]}),
        ({"tags": ["a"]}, '"t"."tags" = %(p0)s::text[]', {"p0": ["a"]}),
        ({"numbers": {"contains": [1]}}, '"t"."numbers" @> %(p0)s::integer[]', {"p0": [1]}),
        ({'we"ird': "x"}, '"t"."we""ird" = %(p0)s', {"p0": "x"}),
    ],
)
def test_condition_renders_with_its_value_as_a_parameter(raw, text, values):
    assert render(raw) == (text, values)


def test_json_values_travel_as_jsonb():
    text, values = render({"doc": {"contains": {"k": [1]}}})
    assert text == '"t"."doc" @> %(p0)s::jsonb'
    assert isinstance(values["p0"], Jsonb)
    assert values["p0"].obj == {"k": [1]}
    text, values = render({"doc": {"eq": [1, 2]}})
    assert text == '"t"."doc" = %(p0)s::jsonb'
    assert values["p0"].obj == [1, 2]


def test_groups_are_parenthesised_and_joined():
    text, values = render(
        {"or": [{"age": 1}, {"and": [{"age": {"gt": 5}}, {"name": {"ilike": "%x%"}}]}]}
    )
    assert text == '("t"."age" = %(p0)s OR ("t"."age" > %(p1)s AND "t"."name" ILIKE %(p2)s))'
    assert values == {"p0": 1, "p1": 5, "p2": "%x%"}


def test_quotes_and_sql_in_values_never_reach_the_text():
    text, values = render({"name": "x'); DROP TABLE things; --"})
    assert "DROP" not in text
    assert values == {"p0": "x'); DROP TABLE things; --"}


@pytest.mark.parametrize(
    ("text", "escaped"), [("a%b", "a\\%b"), ("a_b", "a\\_b"), ("a\\b", "a\\\\b"), ("ab", "ab")]
)
def test_escape_like(text, escaped):
    assert escape_like(text) == escaped


def test_searchable_columns_are_text_like_and_never_uuid():
    assert searchable_columns(THINGS) == ["name", "body", "mail", "site", "stage", 'we"ird']


def test_search_is_one_escaped_pattern_over_each_searchable_column():
    params = Params()
    text = compile_search(THINGS, "50%_off", SOURCE, params)
    assert text is not None
    rendered = text.as_string(None)
    assert rendered.startswith('("t"."name" ILIKE %(p0)s OR "t"."body" ILIKE %(p0)s')
    assert rendered.count("ILIKE %(p0)s") == 6
    assert params.values == {"p0": "%50\\%\\_off%"}


def test_search_without_searchable_columns_matches_nothing():
    params = Params()
    only_numbers = table("things", column("age", "integer", "int4"), column("uid", "text", "uuid"))
    text = compile_search(only_numbers, "x", SOURCE, params)
    assert text is not None
    assert text.as_string(None) == "FALSE"
