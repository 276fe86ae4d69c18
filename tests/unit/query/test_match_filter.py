"""Unit tests for polarbase.query.match_filter: filter trees as row predicates, SQL's answers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from polarbase.query import parse_filter
from polarbase.query.match_filter import compile_predicate
from tests.unit.factories import column, table

THINGS = table(
    "things",
    column("name", "text", "varchar"),
    column("body", "long-text", "text"),
    column("qty", "integer", "int4"),
    column("big", "integer", "int8"),
    column("amount", "number", "numeric"),
    column("price", "number", "float8"),
    column("ratio", "number", "float4"),
    column("due", "date", "timestamptz"),
    column("at", "date", "timestamp"),
    column("day", "date", "date"),
    column("clock", "text", "time"),
    column("zoned", "text", "timetz"),
    column("uid", "text", "uuid"),
    column("done", "checkbox", "bool"),
    column("meta", "json", "jsonb"),
    column("tags", "multi-select", "text", is_array=True),
    column("code", "text", "bpchar"),
    column("nick", "text", "citext"),
    column("spot", "geo-point", "point"),
    column("mail", "email", "text", domain="email_address"),
)


def matches(where: Any, row: dict[str, Any]) -> bool:
    return compile_predicate(parse_filter(where, THINGS))(row)


def test_no_filter_matches_every_row():
    predicate = compile_predicate(None)
    assert predicate({}) is True
    assert predicate({"qty": None}) is True


# --- every operator, on the types it applies to ------------------------------------------------

CASES = [
    # eq / ne on text, numbers, booleans
    ({"name": "ann"}, {"name": "ann"}, True),
    ({"name": "ann"}, {"name": "Ann"}, False),
    ({"name": {"eq": "ann"}}, {"name": "ann"}, True),
    ({"name": {"ne": "ann"}}, {"name": "bob"}, True),
    ({"name": {"ne": "ann"}}, {"name": "ann"}, False),
    ({"qty": 2}, {"qty": 2}, True),
    ({"qty": 2.0}, {"qty": 2}, True),
    ({"qty": {"ne": 2}}, {"qty": 3}, True),
    ({"done": True}, {"done": True}, True),
    ({"done": False}, {"done": True}, False),
    ({"done": {"ne": True}}, {"done": False}, True),
    ({"done": {"gt": False}}, {"done": True}, True),
    # ordering
    ({"qty": {"gt": 2}}, {"qty": 3}, True),
    ({"qty": {"gt": 2}}, {"qty": 2}, False),
    ({"qty": {"gte": 2}}, {"qty": 2}, True),
    ({"qty": {"lt": 2}}, {"qty": -1}, True),
    ({"qty": {"lte": 2}}, {"qty": 3}, False),
    ({"qty": {"gt": 1, "lt": 3}}, {"qty": 2}, True),
    ({"qty": {"gt": 1, "lt": 3}}, {"qty": 3}, False),
    ({"name": {"gt": "B"}}, {"name": "a"}, True),  # code-point order: lowercase after capitals
    ({"name": {"lt": "b"}}, {"name": "ab"}, True),
    ({"name": {"gt": "z"}}, {"name": "é"}, True),
    # between
    ({"qty": {"between": [1, 3]}}, {"qty": 1}, True),
    ({"qty": {"between": [1, 3]}}, {"qty": 3}, True),
    ({"qty": {"between": [1, 3]}}, {"qty": 4}, False),
    ({"qty": {"between": [3, 1]}}, {"qty": 2}, False),
    ({"name": {"between": ["a", "c"]}}, {"name": "bob"}, True),
    # in / notIn
    ({"qty": {"in": [1, 3]}}, {"qty": 3}, True),
    ({"qty": [1, 3]}, {"qty": 2}, False),
    ({"qty": {"in": 2}}, {"qty": 2}, True),
    ({"qty": {"notIn": [1, 3]}}, {"qty": 2}, True),
    ({"qty": {"notIn": [1, 3]}}, {"qty": 1}, False),
    ({"name": {"in": ["a", None]}}, {"name": "a"}, True),
    ({"name": {"in": ["a", None]}}, {"name": "b"}, False),
    ({"name": {"notIn": ["a", None]}}, {"name": "b"}, False),  # NOT (unknown) is unknown
    (
        {"uid": {"in": ["A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"]}},
        {"uid": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
        True,
    ),
    # like / ilike / notLike / notIlike
    ({"name": {"like": "a%"}}, {"name": "abc"}, True),
    ({"name": {"like": "a%"}}, {"name": "Abc"}, False),
    ({"name": {"like": "a_c"}}, {"name": "abc"}, True),
    ({"name": {"like": "a_c"}}, {"name": "abbc"}, False),
    ({"name": {"like": "%b"}}, {"name": "abc"}, False),  # anchored
    ({"name": {"like": "a.c"}}, {"name": "abc"}, False),  # regex characters are literal
    ({"name": {"like": "100\\%"}}, {"name": "100%"}, True),
    ({"name": {"like": "100\\%"}}, {"name": "1000"}, False),
    ({"name": {"like": "a\\_c"}}, {"name": "abc"}, False),
    ({"name": {"like": "a\\\\c"}}, {"name": "a\\c"}, True),
    ({"name": {"like": "a\\bc"}}, {"name": "abc"}, True),  # an escaped ordinary character
    ({"name": {"like": "a%z"}}, {"name": "a\nz"}, True),
    ({"name": {"like": "a_z"}}, {"name": "a\nz"}, True),
    ({"name": {"like": "ab\\"}}, {"name": "ab"}, False),  # a pattern Postgres refuses
    ({"name": {"notLike": "ab\\"}}, {"name": "abc"}, False),
    ({"name": {"ilike": "A%"}}, {"name": "abc"}, True),
    ({"name": {"ilike": "é%"}}, {"name": "École"}, True),
    ({"name": {"ilike": "σοφοσ"}}, {"name": "ΣΟΦΟΣ"}, True),  # no final-sigma rule
    ({"name": {"ilike": "i"}}, {"name": "\u0130"}, True),  # capital I with dot lowers to i
    ({"name": {"ilike": "ss"}}, {"name": "ß"}, False),
    ({"name": {"notLike": "a%"}}, {"name": "bcd"}, True),
    ({"name": {"notLike": "a%"}}, {"name": "abc"}, False),
    ({"name": {"notIlike": "A%"}}, {"name": "abc"}, False),
    ({"name": {"notIlike": "A%"}}, {"name": "bcd"}, True),
    # startsWith: wildcards are literal
    ({"name": {"startsWith": "ab"}}, {"name": "abc"}, True),
    ({"name": {"startsWith": "a_"}}, {"name": "abc"}, False),
    ({"name": {"startsWith": "a_"}}, {"name": "a_c"}, True),
    ({"name": {"startsWith": "A"}}, {"name": "abc"}, False),
    ({"name": {"startsWith": ""}}, {"name": ""}, True),
    # contains on text: case-insensitive substring, wildcards literal
    ({"name": {"contains": "MAX"}}, {"name": "betamax"}, True),
    ({"name": {"contains": "%"}}, {"name": "betamax"}, False),
    ({"name": {"contains": "%"}}, {"name": "50%"}, True),
    ({"mail": {"ilike": "%@EXAMPLE.com"}}, {"mail": "ann@example.com"}, True),
    # isNull / notNull
    ({"name": {"isNull": True}}, {"name": None}, True),
    ({"name": {"isNull": True}}, {"name": "a"}, False),
    ({"name": {"isNull": False}}, {"name": "a"}, True),
    ({"name": {"notNull": True}}, {"name": "a"}, True),
    ({"name": {"notNull": False}}, {"name": None}, True),
    ({"name": None}, {"name": None}, True),
    ({"name": {"ne": None}}, {"name": "a"}, True),
    ({"spot": {"isNull": True}}, {"spot": {"x": 1, "y": 2}}, False),
    ({"spot": {"notNull": True}}, {"spot": {"x": 1, "y": 2}}, True),
]


@pytest.mark.parametrize(("where", "row", "expected"), CASES, ids=[repr(c[:2])[:70] for c in CASES])
def test_operator_gives_the_answer_sql_gives(where, row, expected):
    assert matches(where, row) is expected


# --- NULL and absent values ----------------------------------------------------------------

VALUE_CONDITIONS = [
    {"qty": 1},
    {"qty": {"ne": 1}},
    {"qty": {"gt": 1}},
    {"qty": {"gte": 1}},
    {"qty": {"lt": 1}},
    {"qty": {"lte": 1}},
    {"qty": {"between": [0, 2]}},
    {"qty": {"in": [1, 2]}},
    {"qty": {"notIn": [1, 2]}},
    {"qty": {"like": "1%"}},
    {"qty": {"ilike": "1%"}},
    {"qty": {"notLike": "1%"}},
    {"qty": {"notIlike": "1%"}},
    {"qty": {"startsWith": "1"}},
    {"qty": {"contains": "1"}},
    {"tags": {"contains": ["a"]}},
    {"tags": {"overlaps": ["a"]}},
    {"tags": ["a"]},
    {"tags": {"ne": ["a"]}},
    {"meta": {"contains": {"a": 1}}},
    {"meta": {"ne": {"a": 1}}},
]


@pytest.mark.parametrize("where", VALUE_CONDITIONS, ids=[repr(w)[:60] for w in VALUE_CONDITIONS])
@pytest.mark.parametrize(
    "row", [{"qty": None, "tags": None, "meta": None}, {}], ids=["null", "absent"]
)
def test_condition_on_a_null_or_absent_value_does_not_match(where, row):
    # WHEN the value is NULL, or absent (an unchanged TOASTed value), the comparison is unknown
    assert matches(where, row) is False


def test_null_checks_on_a_null_value():
    assert matches({"qty": {"isNull": True}}, {"qty": None}) is True
    assert matches({"qty": {"notNull": True}}, {"qty": None}) is False
    assert matches({"qty": {"notNull": False}}, {"qty": None}) is True


def test_null_checks_know_an_absent_value_is_not_null():
    # An absent value was left unchanged out of line (TOASTed): Postgres never stores NULL there.
    assert matches({"qty": {"isNull": True}}, {}) is False
    assert matches({"qty": {"notNull": True}}, {}) is True
    assert matches({"qty": {"isNull": False}}, {}) is True


def test_empty_lists_are_constants_whatever_the_value():
    # compile_filter writes FALSE and TRUE: even a NULL row follows them
    assert matches({"qty": {"in": []}}, {"qty": 1}) is False
    assert matches({"qty": {"notIn": []}}, {"qty": None}) is True
    assert matches({"qty": {"notIn": []}}, {}) is True


def test_value_of_a_shape_its_column_cannot_have_is_unknown():
    assert matches({"qty": {"gt": 1}}, {"qty": "many"}) is False
    assert matches({"due": {"gt": "2024-01-01"}}, {"due": "not a date"}) is False
    assert matches({"tags": {"contains": ["a"]}}, {"tags": "a"}) is False
    assert matches({"meta": {"eq": {"a": 1}}}, {"meta": {1, 2}}) is False


# --- groups --------------------------------------------------------------------------------


def test_and_or_groups_nest():
    where = {
        "or": [
            {"and": [{"qty": {"lt": 2}}, {"or": [{"name": "a"}, {"name": "b"}]}]},
            {"and": [{"name": {"startsWith": "g"}}, {"or": [{"qty": 30}, {"done": True}]}]},
        ]
    }
    assert matches(where, {"qty": 1, "name": "b"}) is True
    assert matches(where, {"qty": 5, "name": "b"}) is False
    assert matches(where, {"qty": 30, "name": "gamma"}) is True
    assert matches(where, {"qty": 3, "name": "gamma", "done": True}) is True
    assert matches(where, {"qty": 3, "name": "gamma", "done": False}) is False


def test_several_columns_and_a_group_at_one_level_all_must_hold():
    where = {"done": True, "or": [{"qty": 1}, {"qty": 30}]}
    assert matches(where, {"done": True, "qty": 30}) is True
    assert matches(where, {"done": False, "qty": 30}) is False
    assert matches(where, {"done": True, "qty": 2}) is False


def test_unknown_inside_or_lets_the_other_branch_decide():
    where = {"or": [{"qty": {"ne": 1}}, {"name": "a"}]}
    assert matches(where, {"qty": None, "name": "a"}) is True
    assert matches(where, {"qty": None, "name": "b"}) is False


def test_empty_groups_match_everything():
    assert matches({"and": []}, {"qty": 1}) is True
    assert matches({"or": [{"and": []}]}, {}) is True


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("stored", [Decimal("2.5"), 2.5], ids=["decimal", "float"])
def test_numeric_compares_by_value_whatever_the_python_type(stored):
    assert matches({"amount": 2.5}, {"amount": stored}) is True
    assert matches({"amount": {"gt": 2}}, {"amount": stored}) is True
    assert matches({"amount": {"lt": 2.6}}, {"amount": stored}) is True
    assert matches({"amount": {"in": [1, 3]}}, {"amount": stored}) is False
    assert matches({"amount": {"between": [2, 3]}}, {"amount": stored}) is True


def test_numeric_against_an_integer_is_exact_and_against_a_float_is_double_precision():
    # numeric = float8 casts the column to double precision; numeric = int stays exact
    tiny = {"amount": Decimal("1.00000000000000000001")}
    assert matches({"amount": 1}, tiny) is False
    assert matches({"amount": {"gt": 1}}, tiny) is True
    assert matches({"amount": 1.5}, {"amount": Decimal("1.50")}) is True
    assert matches({"amount": {"in": [0.3]}}, {"amount": Decimal("0.30000000000000000001")}) is True
    assert matches({"amount": {"gt": 0.3}}, {"amount": Decimal("0.30000000000000000001")}) is False


def test_numeric_filter_values_read_as_decimals_compare_exactly():
    node = parse_filter({"amount": {"eq": Decimal("0.1")}}, THINGS)
    assert compile_predicate(node)({"amount": Decimal("0.10")}) is True
    assert compile_predicate(node)({"amount": 0.1}) is True  # the float written 0.1 means 0.1


def test_nan_equals_nan_and_sorts_above_everything():
    assert matches({"amount": {"gt": 10**30}}, {"amount": "NaN"}) is True
    assert matches({"amount": {"gt": 10**30}}, {"amount": Decimal("NaN")}) is True
    assert matches({"amount": {"lt": 10**30}}, {"amount": "Infinity"}) is False
    assert matches({"price": {"gt": 1e300}}, {"price": float("nan")}) is True
    assert matches({"price": {"lt": 0}}, {"price": "-Infinity"}) is True


def test_real_columns_compare_single_precision_values_widened():
    # 0.1::real is 0.100000001490116..., not the double 0.1
    assert matches({"ratio": 0.1}, {"ratio": 0.1}) is False
    assert matches({"ratio": {"gt": 0.1}}, {"ratio": 0.1}) is True
    assert matches({"ratio": 0.5}, {"ratio": 0.5}) is True


def test_float_and_integer_columns_compare_across_python_number_types():
    assert matches({"price": 2}, {"price": 2.0}) is True
    assert matches({"price": 0.1}, {"price": Decimal("0.1")}) is True
    assert matches({"big": {"gt": 2**53}}, {"big": 2**53 + 1}) is True
    assert matches({"qty": {"in": [1, 2]}}, {"qty": True}) is False


# --- text forms (LIKE on a non-text column matches column::text) ---------------------------

TEXT_FORMS = [
    ("qty", -7, "-7"),
    ("amount", Decimal("1.50"), "1.50"),
    ("amount", Decimal("1E+2"), "100"),
    ("amount", Decimal("1E-7"), "0.0000001"),
    ("amount", 2, "2"),
    ("amount", "NaN", "NaN"),
    ("price", 1.5, "1.5"),
    ("price", 2, "2"),
    ("price", 1e15, "1e+15"),
    ("price", 1e14, "100000000000000"),
    ("price", 1e-5, "1e-05"),
    ("price", 0.0001, "0.0001"),
    ("price", -1.5e300, "-1.5e+300"),
    ("price", 123456789.125, "123456789.125"),
    ("price", "Infinity", "Infinity"),
    ("ratio", 0.1, "0.1"),
    ("ratio", 1e6, "1e+06"),
    ("ratio", 123456.7, "123456.7"),
    ("ratio", 1.5e30, "1.5e+30"),
    ("done", True, "true"),
    ("done", False, "false"),
    ("due", "2026-11-25T10:00:00.123456+00:00", "2026-11-25 10:00:00.123456+00"),
    ("due", "2026-11-25T10:00:00.1+00:00", "2026-11-25 10:00:00.1+00"),
    ("due", "2026-11-25T12:00:00+02:00", "2026-11-25 10:00:00+00"),
    ("due", "0044-03-15T10:00:00+00:00 BC", "0044-03-15 10:00:00+00 BC"),
    ("due", "10000-01-01T00:00:00+00:00", "10000-01-01 00:00:00+00"),
    ("due", "infinity", "infinity"),
    ("at", "2026-11-25T10:00:00", "2026-11-25 10:00:00"),
    ("at", "2026-11-25T10:00:00.5", "2026-11-25 10:00:00.5"),
    ("day", "2026-11-25", "2026-11-25"),
    ("clock", "10:00:00", "10:00:00"),
    ("zoned", "10:00:00+02", "10:00:00+02"),
    ("uid", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
]


@pytest.mark.parametrize(("name", "stored", "text"), TEXT_FORMS, ids=[repr(f) for f in TEXT_FORMS])
def test_like_on_a_non_text_column_matches_its_postgres_text(name, stored, text):
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    assert matches({name: {"like": escaped}}, {name: stored}) is True
    assert matches({name: {"like": escaped + "_"}}, {name: stored}) is False


# --- dates and times -----------------------------------------------------------------------


def test_timestamps_compare_as_instants():
    row = {"due": "2024-02-01T10:30:00.25+02:00"}
    assert matches({"due": "2024-02-01T08:30:00.25Z"}, row) is True
    assert matches({"due": "2024-02-01T08:30:00.25"}, row) is True  # no offset: UTC
    assert matches({"due": {"gt": "2024-02-01T08:30:00Z"}}, row) is True
    assert matches({"due": {"lt": "2024-02-01"}}, row) is False
    assert matches({"due": {"in": ["2024-02-01T07:30:00.25-01:00"]}}, row) is True


def test_infinite_bc_and_five_digit_timestamps_order_as_postgres_orders_them():
    past, future = "2000-01-01T00:00:00Z", "9999-12-31T23:59:59Z"
    assert matches({"due": {"gt": future}}, {"due": "infinity"}) is True
    assert matches({"due": {"lt": past}}, {"due": "-infinity"}) is True
    assert matches({"due": {"lt": "0001-01-01"}}, {"due": "0044-03-15T10:00:00+00:00 BC"}) is True
    assert matches({"due": {"gt": future}}, {"due": "10000-01-01T00:00:00+00:00"}) is True
    assert matches({"day": {"lt": "0001-01-01"}}, {"day": "0044-03-15 BC"}) is True
    assert matches({"day": {"gt": "2024-01-01"}}, {"day": "infinity"}) is True


def test_timestamp_without_zone_ignores_an_offset_in_the_filter():
    assert matches({"at": "2024-01-01T10:00:00+05:00"}, {"at": "2024-01-01T10:00:00"}) is True
    assert matches({"at": "2024-01-01T10:00:00Z"}, {"at": "2024-01-01T10:00:00"}) is True
    assert matches({"at": {"gt": "2024-01-01"}}, {"at": "2024-01-01T00:00:00.000001"}) is True


def test_date_takes_the_date_part_of_a_timestamp_filter_value():
    assert matches({"day": "2024-01-01T23:00:00-05:00"}, {"day": "2024-01-01"}) is True
    assert matches({"day": {"gt": "2024-01-01T23:00:00"}}, {"day": "2024-01-01"}) is False


def test_times_compare_by_clock_and_timetz_by_utc_then_zone():
    assert matches({"clock": "10:00"}, {"clock": "10:00:00"}) is True
    assert matches({"clock": {"gt": "23:59:59.999999"}}, {"clock": "24:00:00"}) is True
    assert (
        matches({"zoned": "08:00"}, {"zoned": "10:00:00+02"}) is False
    )  # same instant, other zone
    # the same UTC time: the zone east of the other sorts first
    assert matches({"zoned": {"gt": "08:00:00+00"}}, {"zoned": "10:00:00+02"}) is False
    assert matches({"zoned": {"gt": "07:59:59+00"}}, {"zoned": "10:00:00+02"}) is True
    assert matches({"zoned": {"lt": "09:00:00+00"}}, {"zoned": "10:00:00+02"}) is True


# --- text types ----------------------------------------------------------------------------


def test_char_ignores_trailing_spaces_when_compared_but_not_in_like():
    assert matches({"code": "ab"}, {"code": "ab  "}) is True
    assert matches({"code": {"in": ["ab"]}}, {"code": "ab  "}) is True
    assert matches({"code": {"like": "ab"}}, {"code": "ab  "}) is False
    assert matches({"code": {"like": "ab  "}}, {"code": "ab  "}) is True


def test_citext_ignores_case_in_comparisons_and_like():
    assert matches({"nick": "ANN"}, {"nick": "ann"}) is True
    assert matches({"nick": {"like": "A%"}}, {"nick": "ann"}) is True
    assert matches({"nick": {"gt": "B"}}, {"nick": "a"}) is False


def test_uuid_matches_whatever_the_case():
    row = {"uid": "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"}
    assert matches({"uid": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}, row) is True
    assert matches({"uid": {"gt": "00000000-0000-0000-0000-000000000000"}}, row) is True
    assert matches({"uid": {"contains": "bb6d"}}, row) is True


# --- arrays --------------------------------------------------------------------------------


ARRAY_CASES = [
    ({"tags": ["a", "b"]}, ["a", "b"], True),
    ({"tags": ["a", "b"]}, ["b", "a"], False),
    ({"tags": ["a", None]}, ["a", None], True),  # NULL elements are equal in array equality
    ({"tags": {"eq": []}}, [], True),
    ({"tags": {"ne": ["a"]}}, ["a", "b"], True),
    ({"tags": {"contains": ["a"]}}, ["a", "b"], True),
    ({"tags": {"contains": ["a", "c"]}}, ["a", "b"], False),
    ({"tags": {"contains": ["a", "a"]}}, ["a"], True),
    ({"tags": {"contains": []}}, [], True),
    ({"tags": {"contains": "b"}}, ["a", "b"], True),
    ({"tags": {"contains": ["a", None]}}, ["a", None], False),  # NULL is contained in nothing
    ({"tags": {"overlaps": ["b", "c"]}}, ["a", "b"], True),
    ({"tags": {"overlaps": ["c"]}}, ["a", "b"], False),
    ({"tags": {"overlaps": []}}, ["a"], False),
    ({"tags": {"overlaps": [None]}}, [None], False),
    ({"tags": {"contains": ["b"]}}, [["a", "b"], ["c", "d"]], True),  # multi-dimensional
]


@pytest.mark.parametrize(
    ("where", "stored", "expected"), ARRAY_CASES, ids=[repr(c)[:70] for c in ARRAY_CASES]
)
def test_array_operators(where, stored, expected):
    assert matches(where, {"tags": stored}) is expected


# --- jsonb ---------------------------------------------------------------------------------

JSON_EQUALITY = [
    ({"k": 1}, {"k": 1.0}, True),
    ({"k": 1}, {"k": Decimal("1.00")}, True),
    ({"k": 0.1}, {"k": Decimal("0.1")}, True),
    ({"k": 1}, {"k": True}, False),  # booleans are not numbers
    ({"k": 1}, {"k": "1"}, False),
    ({"a": 1, "b": [1, 2]}, {"b": [1, 2], "a": 1}, True),
    ([1, 2], [2, 1], False),
    ({"k": None}, {"k": None}, True),
    ({"k": None}, {}, False),
    (True, True, True),
    (1, 1.0, True),
    ("x", "x", True),
    ([], {}, False),
]


@pytest.mark.parametrize(
    ("value", "stored", "expected"), JSON_EQUALITY, ids=[repr(c) for c in JSON_EQUALITY]
)
def test_jsonb_equality_is_structural(value, stored, expected):
    assert matches({"meta": {"eq": value}}, {"meta": stored}) is expected
    assert matches({"meta": {"ne": value}}, {"meta": stored}) is (not expected)


JSON_CONTAINMENT = [
    ({"a": 1, "b": 2}, {"a": 1}, True),
    ({"a": 1}, {"a": 1, "b": 2}, False),
    ({"a": {"b": 1, "c": 2}}, {"a": {"b": 1}}, True),
    ({"a": [1, 2, 3]}, {"a": [3, 1]}, True),
    ({"a": [1, 2]}, {"a": 1}, False),  # a scalar in an object is not found inside an array
    ({"a": {"b": 1}}, {"b": 1}, False),  # no searching below the top
    ({"a": None}, {"a": None}, True),
    ([1, 2, 3], [3, 1], True),
    ([1, 2, 3], [1, 1], True),
    ([1, 2], [], True),
    ([1, [2, 3]], [[3]], True),
    ([1, [2, 3]], [2], False),  # a scalar is not found inside a nested array
    ([{"a": 1, "b": 2}], [{"a": 1}], True),
    ([{"a": 1}], [[1]], False),
    ([1, 2], 1, True),  # at the top, an array contains a scalar element
    ([[1]], 1, False),
    ([None], None, True),
    (1, [1], False),
    (1, 1, True),
    (1, 1.0, True),
    ("a", "a", True),
    (True, 1, False),
    ({}, {}, True),
    ({}, [], False),
    ([], {}, False),
    ({"a": 1}, 1, False),
    ({"a": [{"b": [1, 2]}]}, {"a": [{"b": [2]}]}, True),
]


@pytest.mark.parametrize(
    ("stored", "part", "expected"), JSON_CONTAINMENT, ids=[repr(c) for c in JSON_CONTAINMENT]
)
def test_jsonb_containment_follows_postgres_rules(stored, part, expected):
    assert matches({"meta": {"contains": part}}, {"meta": stored}) is expected


def test_compiled_predicate_is_reusable_across_rows():
    predicate = compile_predicate(
        parse_filter({"name": {"ilike": "%a%"}, "qty": {"gt": 0}}, THINGS)
    )
    rows = [{"name": "Ann", "qty": 1}, {"name": "Bob", "qty": 1}, {"name": "Abe", "qty": 0}]
    assert [predicate(row) for row in rows] == [True, False, False]
