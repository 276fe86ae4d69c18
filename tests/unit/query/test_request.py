"""Unit tests for polarbase.query.request: fields, sort, expand, filter text and cursors."""

from __future__ import annotations

import base64
import json
from decimal import Decimal

import pytest

from polarbase.errors import InvalidFilterError, InvalidInputError
from polarbase.query import (
    SortKey,
    decode_cursor,
    parse_expand,
    parse_fields,
    parse_sort,
)
from polarbase.query.request import encode_cursor
from polarbase.schema.model import ForeignKey, TableName
from tests.unit.factories import column, table


def refers_to(target: str) -> ForeignKey:
    return ForeignKey("fk", TableName("public", target), "id", "NO ACTION", "NO ACTION")


COMPANIES = table("companies", column("name", "text", "varchar"))
PEOPLE = table("people", column("name", "text", "varchar"))
DEALS = table(
    "deals",
    column("title", "text", "varchar"),
    column("amount", "number", "numeric"),
    column("score", "number", "float8"),
    column("stage", "select", "text"),
    column("closed", "date", "timestamptz"),
    column("won", "checkbox", "bool"),
    column("doc", "json", "jsonb"),
    column("place", "geo-point", "point"),
    column("company_id", "reference", "int8", foreign_key=refers_to("companies")),
    column("owner_id", "reference", "int8", foreign_key=refers_to("people")),
)
KEY = DEALS.column("id")
TARGETS = {"company_id": COMPANIES, "owner_id": PEOPLE}


def names(sort: tuple[SortKey, ...]) -> list[tuple[str, bool]]:
    return [(key.column.name, key.descending) for key in sort]


# --- sort -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, [("id", False)]),
        ("", [("id", False)]),
        ("title", [("title", False), ("id", False)]),
        ("title:asc,amount:desc", [("title", False), ("amount", True), ("id", False)]),
        ("-amount, title:DESC", [("amount", True), ("title", True), ("id", False)]),
        ("title,title:desc", [("title", False), ("id", False)]),
        ("id:desc,title", [("id", True), ("title", False)]),
        (" , title , ", [("title", False), ("id", False)]),
    ],
)
def test_sort_keys_end_with_the_primary_key(text, expected):
    assert names(parse_sort(text, DEALS, KEY)) == expected


def test_sort_of_a_table_without_a_key_has_no_tie_breaker():
    assert names(parse_sort("title", DEALS, None)) == [("title", False)]
    assert parse_sort(None, DEALS, None) == ()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("ghost", "unknown column 'ghost'"),
        ("title:sideways", "direction 'sideways'"),
        ("title;drop table deals", "unknown column 'title;drop table deals'"),
        ("place", "geo-point column 'place'"),
    ],
)
def test_bad_sort_is_refused(text, words):
    with pytest.raises(InvalidInputError) as caught:
        parse_sort(text, DEALS, KEY)
    assert caught.value.message.startswith("sort:")
    assert words in caught.value.message


# --- fields -----------------------------------------------------------------------------------


def test_fields_keep_the_order_asked_and_drop_repeats():
    fields = parse_fields("stage, title,stage", DEALS)
    assert [field.name for field in fields] == ["stage", "title"]


@pytest.mark.parametrize("text", [None, "", " , "])
def test_no_fields_means_every_column(text):
    assert parse_fields(text, DEALS) == DEALS.columns


def test_unknown_field_is_refused():
    with pytest.raises(InvalidInputError, match="fields: unknown column 'ghost'"):
        parse_fields("title,ghost", DEALS)


# --- expand -----------------------------------------------------------------------------------


def expansions(*specs: str) -> list[tuple[str, str, str]]:
    found = parse_expand(specs, DEALS, TARGETS)
    return [(item.column.name, item.alias, item.target.name) for item in found]


def test_expand_field_is_named_for_its_table():
    assert expansions("company_id") == [("company_id", "companies", "companies")]


def test_expand_alias_keeps_only_letters_digits_and_underscores():
    assert expansions('company_id:my-org"; x') == [("company_id", "myorgx", "companies")]


@pytest.mark.parametrize("spec", ["all", "*"])
def test_expand_all_names_each_column_underscore_table(spec):
    assert expansions(spec) == [
        ("company_id", "company_id_companies", "companies"),
        ("owner_id", "owner_id_people", "people"),
    ]


def test_expand_specs_may_be_repeated_or_comma_separated():
    assert expansions("company_id:a", "owner_id:b") == expansions("company_id:a,owner_id:b")


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("title", "'title' is not a reference"),
        ("ghost", "unknown column 'ghost'"),
        ("company_id:title", "alias 'title' is also a column"),
    ],
)
def test_bad_expand_is_refused(spec, words):
    with pytest.raises(InvalidInputError) as caught:
        expansions(spec)
    assert caught.value.message.startswith("expand:")
    assert words in caught.value.message


# --- lists ----------------------------------------------------------------------------------


def test_fields_and_sort_take_a_list_as_well_as_comma_separated_text():
    # Doors other than REST (MCP, the agent) hold lists, not query text.
    assert parse_fields(["stage", "title"], DEALS) == parse_fields("stage,title", DEALS)
    assert parse_sort(["title:desc", "-stage"], DEALS, KEY) == parse_sort(
        "title:desc,-stage", DEALS, KEY
    )
    assert parse_fields([], DEALS) == DEALS.columns


# --- cursors ----------------------------------------------------------------------------------


def sort_of(*columns: str) -> tuple[SortKey, ...]:
    return parse_sort(",".join(columns), DEALS, KEY)


def test_cursor_round_trips_the_sort_values():
    sort = sort_of("title", "won", "closed")
    values = ["a", True, "2024-01-01T00:00:00+00:00", 7]
    assert decode_cursor(encode_cursor(values), sort) == tuple(values)


def test_cursor_as_postgres_writes_it_is_read():
    # base64 with its padding removed and the url-safe alphabet, as the list statement makes it
    text = base64.urlsafe_b64encode(b'["\xc3\xa9?>", null, 12]').decode().rstrip("=")
    assert decode_cursor(text, sort_of("title", "stage")) == ("é?>", None, 12)


def test_cursor_numbers_stay_exact():
    text = base64.urlsafe_b64encode(b"[1.00000000000000000001, 5]").decode()
    (amount, key) = decode_cursor(text, sort_of("amount"))
    assert amount == Decimal("1.00000000000000000001")
    assert key == 5


@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity"])
def test_cursor_numbers_postgres_writes_as_words_pass(word):
    assert decode_cursor(encode_cursor([word, 1]), sort_of("score")) == (word, 1)
    assert decode_cursor(encode_cursor([word, 1]), sort_of("amount")) == (word, 1)


def test_cursor_json_values_stay_json():
    text = base64.urlsafe_b64encode(json.dumps([{"a": 1.5}, 2]).encode()).decode()
    assert decode_cursor(text, sort_of("doc")) == ({"a": 1.5}, 2)


@pytest.mark.parametrize(
    "text",
    [
        "not base64 !",
        base64.urlsafe_b64encode(b"{not json").decode(),
        base64.urlsafe_b64encode(b"\xff\xfe\xfd").decode(),
        base64.urlsafe_b64encode(b"[" * 5000).decode(),
    ],
)
def test_garbage_cursor_is_refused(text):
    with pytest.raises(InvalidFilterError, match="after: not a cursor"):
        decode_cursor(text, sort_of("title"))


@pytest.mark.parametrize(
    "values",
    [
        {"title": "a"},
        ["a"],
        ["a", 1, 2],
        [5, 1],  # a number for a text column
        ["a", "one"],  # text for the integer key
        ["a", 1.5],
        ["a\x00", 1],
    ],
)
def test_cursor_that_does_not_fit_the_sort_is_refused(values):
    with pytest.raises(InvalidFilterError, match="after:"):
        decode_cursor(encode_cursor(values), sort_of("title"))
