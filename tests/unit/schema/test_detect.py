"""Unit tests for polarbase.schema.detect: defaults, rules and field types from catalog facts."""

from __future__ import annotations

from typing import Any

import pytest

from polarbase.schema import build_table, parse_default
from polarbase.schema.detect import parse_array_literal

# --- parse_default ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        (None, None),
        ("7", 7),
        ("-5", -5),
        ("(-5)", -5),
        ("1.50", 1.5),
        ("'-3'::integer", -3),
        ("'-2.5'::double precision", -2.5),
        ("'1.50'::numeric(10,2)", 1.5),
        ("'-1e3'::numeric", -1000.0),
        ("true", True),
        ("false", False),
        ("NULL", None),
        ("NULL::character varying", None),
        ("'untitled'::character varying", "untitled"),
        ("'it''s'::text", "it's"),
        ("'42'::text", "42"),
        ("''::text", ""),
        ("'{a,b}'::text[]", ["a", "b"]),
        ("'{}'::text[]", []),
        ('\'{a,"b c","d,e"}\'::text[]', ["a", "b c", "d,e"]),
        ("'{\"a\": [1, 2]}'::jsonb", {"a": [1, 2]}),
        ("'[1, \"two\"]'::json", [1, "two"]),
        ("'not json'::jsonb", "not json"),
        ("'(1.5,-2)'::point", {"x": 1.5, "y": -2.0}),
        ("'2024-01-02 03:04:00+00'::timestamp with time zone", "2024-01-02 03:04:00+00"),
    ],
)
def test_parse_default_returns_the_literal_value(expression: str | None, value: Any) -> None:
    assert parse_default(expression) == value


@pytest.mark.parametrize(
    "expression",
    [
        "nextval('t_id_seq'::regclass)",
        "now()",
        "CURRENT_TIMESTAMP",
        "CURRENT_DATE",
        "gen_random_uuid()",
        "uuid_generate_v4()",
        "transaction_timestamp()",
        "clock_timestamp()",
        "timezone('utc'::text, now())",
        "date_bin('1 day'::interval, now(), '2000-01-01'::timestamp)",
        "(1 + 2)",
        "lower('X'::text)",
        "substr(translate(encode(uuid_send(gen_random_uuid()), 'base64'::text), '+/'::text, "
        "'xZ'::text), 1, 16)",
    ],
)
def test_parse_default_of_an_expression_is_none(expression: str) -> None:
    assert parse_default(expression) is None


@pytest.mark.parametrize(
    ("literal", "items"),
    [
        ("{}", []),
        ("{a}", ["a"]),
        ("{a,b}", ["a", "b"]),
        ('{"a b","c,d"}', ["a b", "c,d"]),
        ('{"q\\"x","back\\\\slash"}', ['q"x', "back\\slash"]),
        ('{NULL,"NULL",null}', [None, "NULL", None]),
        ('{""}', [""]),
        ("{ a , b }", ["a", "b"]),
    ],
)
def test_parse_array_literal(literal: str, items: list[str | None]) -> None:
    assert parse_array_literal(literal) == items


# --- build_table: helpers to make catalog facts -------------------------------------------


def raw_column(name: str, base: str, attnum: int = 1, **facts: Any) -> dict[str, Any]:
    column = {
        "name": name,
        "attnum": attnum,
        "pgType": base,
        "udtName": base,
        "isArray": False,
        "domain": None,
        "baseType": base,
        "notNull": False,
        "identity": False,
        "generated": "",
        "default": None,
        "comment": None,
    }
    column.update(facts)
    return column


def check(table: str, column: str, suffix: str, definition: str) -> dict[str, Any]:
    return {
        "name": f"{table}_{column}_{suffix}",
        "type": "c",
        "columns": [column],
        "definition": definition,
    }


def raw_table(
    columns: list[dict[str, Any]],
    constraints: list[dict[str, Any]] | None = None,
    indexes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    for number, column in enumerate(columns, start=1):
        column["attnum"] = number
    return {
        "name": "t",
        "oid": 1,
        "comment": None,
        "columns": columns,
        "constraints": constraints or [],
        "indexes": indexes or [],
    }


def one_column(column: dict[str, Any], *constraints: dict[str, Any]):
    table = build_table("public", raw_table([column], list(constraints)))
    return table.columns[0]


# --- range rules: each bound by its operator -----------------------------------------------


@pytest.mark.parametrize(
    ("definition", "validation"),
    [
        ("CHECK ((c <= 5))", {"maxValue": 5}),
        ("CHECK ((c >= 1))", {"minValue": 1}),
        ("CHECK (((c >= 1) AND (c <= 100)))", {"minValue": 1, "maxValue": 100}),
        ("CHECK (((c <= 100) AND (c >= 1)))", {"minValue": 1, "maxValue": 100}),
        ("CHECK ((c >= ('-1.5'::numeric)::double precision))", {"minValue": -1.5}),
        ("CHECK ((c < 10))", {"maxValue": 10}),
        ("CHECK ((c > (0)::double precision))", {"minValue": 0}),
        ("CHECK ((c <= 2.5e3))", {"maxValue": 2500.0}),
    ],
)
def test_value_range_reads_each_bound_by_its_operator(
    definition: str, validation: dict[str, Any]
) -> None:
    column = one_column(raw_column("c", "int4"), check("t", "c", "value_range_check", definition))

    assert column.validation == validation


@pytest.mark.parametrize(
    ("definition", "validation"),
    [
        (
            "CHECK ((c <= '2030-01-01 10:00:00+00'::timestamp with time zone))",
            {"maxDate": "2030-01-01 10:00"},
        ),
        (
            "CHECK ((c >= '2020-01-01 00:00:00+00'::timestamp with time zone))",
            {"minDate": "2020-01-01 00:00"},
        ),
        (
            "CHECK (((c >= '2020-01-01 00:00:00+00'::timestamp with time zone) AND "
            "(c <= '2030-12-31 23:59:00+00'::timestamp with time zone)))",
            {"minDate": "2020-01-01 00:00", "maxDate": "2030-12-31 23:59"},
        ),
        (
            "CHECK ((c <= '2030-01-01 12:00:00+02'::timestamp with time zone))",
            {"maxDate": "2030-01-01 10:00"},
        ),
        (
            "CHECK ((c <= to_timestamp('2030-01-01 10:00'::text, 'YYYY-MM-DD HH24:MI'::text)))",
            {"maxDate": "2030-01-01 10:00"},
        ),
    ],
)
def test_date_range_reads_each_bound_by_its_operator(
    definition: str, validation: dict[str, Any]
) -> None:
    column = one_column(
        raw_column("c", "timestamptz"), check("t", "c", "date_range_check", definition)
    )

    assert column.validation == validation


def test_a_plain_range_check_on_a_date_column_reads_as_dates() -> None:
    definition = "CHECK ((c <= '2030-01-01 10:00:00+00'::timestamp with time zone))"

    column = one_column(raw_column("c", "timestamptz"), check("t", "c", "range_check", definition))

    assert column.validation == {"maxDate": "2030-01-01 10:00"}


@pytest.mark.parametrize(
    ("suffix", "definition", "validation"),
    [
        ("length_check", "CHECK ((char_length((c)::text) <= 5))", {"maxLength": 5}),
        (
            "length_check",
            "CHECK (((char_length((c)::text) >= 2) AND (char_length((c)::text) <= 9)))",
            {"minLength": 2, "maxLength": 9},
        ),
        ("size_check", "CHECK ((octet_length(c) <= 100))", {"maxSize": 100}),
        ("size_check", "CHECK ((pg_column_size(c) <= 100))", {"maxSize": 100}),
        ("file_count_check", "CHECK ((cardinality(c) <= 3))", {"maxFiles": 3}),
        (
            "email_domain_check",
            "CHECK ((lower(split_part((c)::text, '@'::text, 2)) = ANY "
            "('{example.com,test.org}'::text[])))",
            {"allowedDomains": "example.com,test.org"},
        ),
        (
            "email_domain_check",
            "CHECK ((split_part((c)::text, '@'::text, 2) = ANY "
            "(ARRAY['example.com'::text, 'test.org'::text])))",
            {"allowedDomains": "example.com,test.org"},
        ),
    ],
)
def test_other_rules_read_back(suffix: str, definition: str, validation: dict[str, Any]) -> None:
    column = one_column(raw_column("c", "text"), check("t", "c", suffix, definition))

    assert column.validation == validation


@pytest.mark.parametrize(
    "definition",
    [
        "CHECK ((c = ANY ('{a,\"b c\",\"d,e\",it''s}'::text[])))",
        "CHECK ((c = ANY (ARRAY['a'::text, 'b c'::text, 'd,e'::text, 'it''s'::text])))",
        "CHECK ((c <@ '{a,\"b c\",\"d,e\",it''s}'::text[]))",
        "CHECK ((c IN ('a', 'b c', 'd,e', 'it''s')))",
    ],
)
def test_options_read_back_from_either_form(definition: str) -> None:
    column = one_column(raw_column("c", "text"), check("t", "c", "options_check", definition))

    assert column.options == ("a", "b c", "d,e", "it's")
    assert column.field_type == "select"


# --- detection order -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "field_type"),
    [
        ({"base": "int4", "default": "nextval('s'::regclass)"}, "auto-number"),
        ({"base": "int8", "identity": True}, "auto-number"),
        ({"base": "timestamptz", "default": "CURRENT_TIMESTAMP"}, "auto-date"),
        ({"base": "timestamptz", "default": "now()"}, "auto-date"),
        ({"base": "timestamptz"}, "date"),
        ({"base": "timestamp", "default": "now()"}, "date"),
        ({"base": "text", "domain": "email_address", "udtName": "email_address"}, "email"),
        ({"base": "text", "domain": "url_address", "udtName": "url_address"}, "url"),
        ({"base": "jsonb", "domain": "attachment", "isArray": True}, "attachment"),
        ({"base": "text", "generated": "s", "default": "upper(x)"}, "formula"),
        ({"base": "varchar"}, "text"),
        ({"base": "bpchar"}, "text"),
        ({"base": "uuid"}, "text"),
        ({"base": "text"}, "long-text"),
        ({"base": "int2"}, "integer"),
        ({"base": "int8"}, "integer"),
        ({"base": "numeric"}, "number"),
        ({"base": "float8"}, "number"),
        ({"base": "date"}, "date"),
        ({"base": "time"}, "date"),
        ({"base": "bool"}, "checkbox"),
        ({"base": "json"}, "json"),
        ({"base": "point"}, "geo-point"),
        ({"base": "tsvector"}, "text"),
        ({"base": "text", "isArray": True}, "text"),
    ],
)
def test_field_type_detection(facts: dict[str, Any], field_type: str) -> None:
    base = facts.pop("base")

    assert one_column(raw_column("c", base, **facts)).field_type == field_type


def test_options_make_an_array_column_a_multi_select() -> None:
    definition = "CHECK ((c <@ '{a,b}'::text[]))"

    column = one_column(
        raw_column("c", "text", isArray=True), check("t", "c", "options_check", definition)
    )

    assert (column.field_type, column.options) == ("multi-select", ("a", "b"))


def test_a_foreign_key_makes_a_reference_with_its_actions() -> None:
    foreign_key = {
        "name": "t_c_fkey",
        "type": "f",
        "columns": ["c"],
        "definition": "FOREIGN KEY (c) REFERENCES p(id) ON DELETE CASCADE",
        "refSchema": "public",
        "refTable": "p",
        "refColumns": ["id"],
        "onUpdate": "a",
        "onDelete": "c",
    }

    column = one_column(raw_column("c", "int8"), foreign_key)

    assert column.field_type == "reference"
    assert column.foreign_key is not None
    assert (column.foreign_key.table.name, column.foreign_key.column) == ("p", "id")
    assert (column.foreign_key.on_update, column.foreign_key.on_delete) == ("NO ACTION", "CASCADE")


def test_a_virtual_generated_column_is_a_virtual_formula() -> None:
    column = one_column(raw_column("c", "int4", generated="v", default="(n * 2)"))

    assert column.formula is not None
    assert (column.formula.result_type, column.formula.strategy) == ("integer", "virtual")
    assert column.default_value is None


# --- unique flags ----------------------------------------------------------------------------


def test_unique_only_for_single_column_unique_constraints_and_indexes() -> None:
    columns = [raw_column(name, "int4") for name in ("id", "solo", "a", "b", "indexed", "part")]
    constraints = [
        {"name": "t_pkey", "type": "p", "columns": ["id"], "definition": "PRIMARY KEY (id)"},
        {"name": "t_solo_key", "type": "u", "columns": ["solo"], "definition": "UNIQUE (solo)"},
        {"name": "t_pair", "type": "u", "columns": ["a", "b"], "definition": "UNIQUE (a, b)"},
    ]
    index = {"primary": False, "method": "btree", "expression": False, "constraint": None}
    indexes = [
        {**index, "name": "t_indexed", "unique": True, "partial": False, "columns": ["indexed"]},
        {**index, "name": "t_part", "unique": True, "partial": True, "columns": ["part"]},
    ]

    table = build_table("public", raw_table(columns, constraints, indexes))

    unique = {column.name: column.unique for column in table.columns}
    assert unique == {
        "id": False,
        "solo": True,
        "a": False,
        "b": False,
        "indexed": True,
        "part": False,
    }
    assert table.primary_key == ("id",)
