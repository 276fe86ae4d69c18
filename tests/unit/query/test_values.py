"""Unit tests for polarbase.query.values: a JSON value checked and shaped for its column."""

from __future__ import annotations

from decimal import Decimal

import pytest

from polarbase.query import UnfitValueError, coerce_value
from tests.unit.factories import column

TEXT = column("c", "text", "varchar")
INTEGER = column("c", "integer", "int4")
SMALL = column("c", "integer", "int2")
BIG = column("c", "auto-number", "int8")
NUMBER = column("c", "number", "float8")
NUMERIC = column("c", "number", "numeric")
CHECKBOX = column("c", "checkbox", "bool")
DATE = column("c", "date", "timestamptz")
DAY = column("c", "date", "date")
TIME = column("c", "date", "time")
UUID = column("c", "text", "uuid")
POINT = column("c", "geo-point", "point")
JSON = column("c", "json", "jsonb")
TAGS = column("c", "multi-select", "text", is_array=True)
EMAIL = column("c", "email", "text", domain="email_address")
URL = column("c", "url", "text", domain="url_address")
ATTACHMENTS = column("c", "attachment", "jsonb", is_array=True, domain="attachment")
FILE = {
    "id": "1",
    "key": "k",
    "size": 3,
    "name": "a.txt",
    "mimeType": "text/plain",
    "provider": "local",
    "uploadedAt": "2024-01-01T00:00:00Z",
}


@pytest.mark.parametrize(
    ("target", "value", "expected"),
    [
        (TEXT, "héllo", "héllo"),
        (TEXT, "", ""),
        (INTEGER, 5, 5),
        (INTEGER, "42", 42),
        (INTEGER, " -7 ", -7),
        (INTEGER, 3.0, 3),
        (INTEGER, 2**31 - 1, 2**31 - 1),
        (SMALL, -(2**15), -(2**15)),
        (BIG, 2**63 - 1, 2**63 - 1),
        (NUMBER, 1.5, 1.5),
        (NUMBER, 2, 2),
        (NUMBER, "2.5", 2.5),
        (NUMERIC, Decimal("1.00000000000000000001"), Decimal("1.00000000000000000001")),
        (CHECKBOX, False, False),
        (DATE, "2024-05-06T07:08:09Z", "2024-05-06T07:08:09Z"),
        (DATE, "2024-05-06", "2024-05-06"),
        (DATE, "2024-05-06T07:08:09.123+02:00", "2024-05-06T07:08:09.123+02:00"),
        (DAY, "2024-02-29", "2024-02-29"),
        (TIME, "07:08", "07:08"),
        (UUID, "12345678-1234-5678-1234-567812345678", "12345678-1234-5678-1234-567812345678"),
        (UUID, "12345678123456781234567812345678", "12345678-1234-5678-1234-567812345678"),
        (POINT, {"x": 1, "y": 2.5}, "(1.0,2.5)"),
        (POINT, [1, 2], "(1.0,2.0)"),
        (POINT, "(1, 2)", "(1.0,2.0)"),
        (POINT, "1,2", "(1.0,2.0)"),
        (JSON, {"a": [1, None]}, {"a": [1, None]}),
        (JSON, "text", "text"),
        (JSON, [1, 2], [1, 2]),
        (TAGS, ["a", None], ["a", None]),
        (EMAIL, "ann@example.com", "ann@example.com"),
        (URL, "https://example.com/a?b=c", "https://example.com/a?b=c"),
        (ATTACHMENTS, [FILE], [FILE]),
        (INTEGER, None, None),
        (JSON, None, None),
    ],
)
def test_value_that_fits_is_kept_in_its_column_shape(target, value, expected):
    assert coerce_value(target, value) == expected


@pytest.mark.parametrize(
    ("target", "value", "words"),
    [
        (TEXT, 5, "5 is not a string"),
        (TEXT, ["a"], "is not a string"),
        (TEXT, "a\x00b", "NUL"),
        (INTEGER, "abc", "'abc' is not an integer"),
        (INTEGER, 1.5, "1.5 is not an integer"),
        (INTEGER, True, "True is not an integer"),
        (INTEGER, "1e3", "not an integer"),
        (INTEGER, 2**31, "out of range"),
        (SMALL, 2**15, "out of range"),
        (BIG, 2**63, "out of range"),
        (INTEGER, 10**300, "out of range"),
        (NUMBER, "many", "not a number"),
        (NUMBER, True, "not a number"),
        (NUMBER, float("nan"), "not a number"),
        (NUMBER, float("inf"), "not a number"),
        (NUMBER, "Infinity", "not a number"),
        (NUMERIC, Decimal("NaN"), "not a number"),
        (CHECKBOX, "true", "not true or false"),
        (CHECKBOX, 1, "not true or false"),
        (DATE, "tomorrow", "not a date"),
        (DATE, 1700000000, "not a date"),
        (DATE, "2024-13-01", "not a date"),
        (DAY, "2023-02-29", "not a date"),
        (TIME, "25:00", "not a time"),
        (UUID, "not-a-uuid", "not a UUID"),
        (POINT, {"x": 1}, "not a point"),
        (POINT, [1, 2, 3], "not a point"),
        (POINT, {"x": "a", "y": 1}, "not a point"),
        (POINT, "(a, b)", "not a point"),
        (TAGS, "a", "is not a list"),
        (TAGS, [1], "is not a string"),
        (EMAIL, "bob@", "not an email address"),
        (EMAIL, 5, "not an email address"),
        (URL, "ftp://x", "not a URL"),
        (ATTACHMENTS, FILE, "is not a list"),
        (ATTACHMENTS, [{"id": "1"}], "missing"),
        (ATTACHMENTS, ["a.txt"], "not an attachment"),
    ],
)
def test_value_that_does_not_fit_is_refused_saying_why(target, value, words):
    with pytest.raises(UnfitValueError) as caught:
        coerce_value(target, value)
    assert words in str(caught.value)


SHORT = column("c", "text", "varchar", pg_type="character varying(3)")
CODES = column("c", "text", "bpchar", pg_type="character(2)[]", is_array=True)


def test_stored_text_must_fit_the_length_limit():
    assert coerce_value(SHORT, "abc", stored=True) == "abc"
    assert coerce_value(SHORT, "abc   ", stored=True) == "abc   "  # Postgres trims the spaces
    assert coerce_value(SHORT, "abé", stored=True) == "abé"  # characters, not bytes
    assert coerce_value(SHORT, "abcd") == "abcd"  # a filter value may be longer
    with pytest.raises(UnfitValueError, match="'abcd' is longer than 3 characters"):
        coerce_value(SHORT, "abcd", stored=True)
    with pytest.raises(UnfitValueError, match="longer than 2 characters"):
        coerce_value(CODES, ["ab", "abc"], stored=True)


def test_long_values_are_shortened_in_messages():
    with pytest.raises(UnfitValueError) as caught:
        coerce_value(INTEGER, "x" * 500)
    assert len(str(caught.value)) < 100
