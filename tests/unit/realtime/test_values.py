"""Unit tests for polarbase.realtime.values: pgoutput text typed as the REST API returns it."""

from __future__ import annotations

from decimal import Decimal

import orjson
import pytest

from polarbase.realtime.values import decode_value, decoder_for, encode_json


def rest(text: str, base_type: str, is_array: bool = False) -> bytes:
    """The JSON a realtime client gets for the value."""
    return encode_json(decode_value(text, base_type, is_array))


@pytest.mark.parametrize(
    ("base_type", "text", "expected"),
    [
        ("int2", "-32768", -32768),
        ("int4", "42", 42),
        ("int8", "9223372036854775807", 9223372036854775807),
        ("bool", "t", True),
        ("bool", "f", False),
        ("text", "hello, world", "hello, world"),
        ("varchar", "", ""),
        ("bpchar", "ab  ", "ab  "),
        ("uuid", "0b9e5f2a-9f0c-4a8c-9a43-6d0b1a9b9d11", "0b9e5f2a-9f0c-4a8c-9a43-6d0b1a9b9d11"),
        ("date", "2026-11-25", "2026-11-25"),
        ("date", "0044-03-15 BC", "0044-03-15 BC"),
        ("date", "infinity", "infinity"),
        ("time", "10:00:00.5", "10:00:00.5"),
        ("timetz", "10:00:00+05", "10:00:00+05"),
        ("interval", "1 day 02:00:00", "1 day 02:00:00"),
        ("bytea", "\\xdead", "\\xdead"),
        ("money", "$1.50", "$1.50"),
        ("inet", "10.0.0.1", "10.0.0.1"),
        ("some_enum", "happy", "happy"),
    ],
)
def test_scalars(base_type, text, expected):
    value = decode_value(text, base_type, False)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-25 10:00:00+00", "2026-11-25T10:00:00+00:00"),
        ("2026-11-25 10:00:00.123+00", "2026-11-25T10:00:00.123+00:00"),
        ("2026-11-25 10:00:00.123456+00", "2026-11-25T10:00:00.123456+00:00"),
        ("2026-11-25 10:00:00-05", "2026-11-25T10:00:00-05:00"),
        ("2026-11-25 10:00:00+05:30", "2026-11-25T10:00:00+05:30"),
        ("1850-01-01 00:00:00+00:53:28", "1850-01-01T00:00:00+00:53:28"),
        ("0044-03-15 10:00:00.5+00 BC", "0044-03-15T10:00:00.5+00:00 BC"),
        ("0044-03-15 10:00:00-05 BC", "0044-03-15T10:00:00-05:00 BC"),
        ("10000-01-01 00:00:00+00", "10000-01-01T00:00:00+00:00"),
        ("infinity", "infinity"),
        ("-infinity", "-infinity"),
    ],
)
def test_timestamptz_is_iso_8601_as_to_json_writes_it(text, expected):
    assert decode_value(text, "timestamptz", False) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-25 10:00:00", "2026-11-25T10:00:00"),
        ("2026-11-25 10:00:00.000001", "2026-11-25T10:00:00.000001"),
        ("0044-03-15 00:00:00 BC", "0044-03-15T00:00:00 BC"),
        ("infinity", "infinity"),
        ("-infinity", "-infinity"),
    ],
)
def test_timestamp_is_iso_8601_as_to_json_writes_it(text, expected):
    assert decode_value(text, "timestamp", False) == expected


@pytest.mark.parametrize(
    ("text", "json"),
    [
        ("1.50", b"1.50"),
        ("0.00000001", b"0.00000001"),
        ("-12345678901234567890.123456789", b"-12345678901234567890.123456789"),
        ("100000000000000000000", b"100000000000000000000"),
        ("0", b"0"),
        ("NaN", b'"NaN"'),
        ("Infinity", b'"Infinity"'),
        ("-Infinity", b'"-Infinity"'),
    ],
)
def test_numeric_keeps_every_digit(text, json):
    assert rest(text, "numeric") == json


def test_numeric_is_a_decimal():
    assert decode_value("1.50", "numeric", False) == Decimal("1.50")


@pytest.mark.parametrize("base_type", ["float4", "float8"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5", 1.5),
        ("0.1", 0.1),
        ("5", 5),
        ("-3", -3),
        ("1e+20", 1e20),
        ("-0", -0.0),
        ("1.7976931348623157e+308", 1.7976931348623157e308),
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("-Infinity", "-Infinity"),
    ],
)
def test_floats_print_as_to_json_writes_them(base_type, text, expected):
    # Whole ones without a point, as REST returns them; non-finite ones as strings.
    decoded = decode_value(text, base_type, False)
    assert decoded == expected
    assert type(decoded) is type(expected)
    assert encode_json(decoded) == encode_json(expected)


def test_point_is_x_and_y():
    assert decode_value("(1.5,2)", "point", False) == {"x": 1.5, "y": 2.0}
    assert decode_value("(-1e-05,NaN)", "point", False) == {"x": -1e-05, "y": "NaN"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1, "b": [true, null, "x"]}', {"a": 1, "b": [True, None, "x"]}),
        ("42", 42),
        ('"text"', "text"),
        ("null", None),
    ],
)
def test_json_is_parsed(text, expected):
    assert decode_value(text, "jsonb", False) == expected
    assert decode_value(text, "json", False) == expected


@pytest.mark.parametrize(
    ("text", "json"),
    [
        ('{"n": 123456789012345678901234567890}', b'{"n":123456789012345678901234567890}'),
        ('{"n": -9223372036854775809}', b'{"n":-9223372036854775809}'),
        ('{"n": 18446744073709551615}', b'{"n":18446744073709551615}'),
        ('{"n": 0.1000000000000000000001}', b'{"n":0.1000000000000000000001}'),
        ("[1e-400]", b"[0." + b"0" * 399 + b"1]"),
        ("[1.5e400]", b"[15" + b"0" * 399 + b"]"),
        ("[1e+5000]", b"[1E+5000]"),
    ],
)
def test_json_numbers_beyond_a_double_keep_their_digits(text, json):
    assert rest(text, "json") == json


@pytest.mark.parametrize(
    ("text", "json"),
    [
        # jsonb prints numbers as numeric does: every digit, never an exponent.
        ('{"n": 123456789012345678901234567890}', b'{"n":123456789012345678901234567890}'),
        ("[0.1000000000000000000001, 1.10]", b"[0.1000000000000000000001,1.10]"),
        ("[0." + "0" * 399 + "1]", b"[0." + b"0" * 399 + b"1]"),
        ("[1.10, 1000]", b"[1.1,1000]"),
    ],
)
def test_jsonb_numbers_beyond_a_double_keep_their_digits(text, json):
    assert rest(text, "jsonb") == json


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "\\ud800x", "b": 1.5}',  # a lone surrogate: Postgres's json type takes it
        '{"a": "\\ud800x", "b": 1.0000000000000000001}',
        "[" * 2000 + "]" * 2000,  # deeper than orjson and the standard parser go
        "[" * 2000 + "1.0000000000000000001" + "]" * 2000,
    ],
)
def test_json_no_parser_takes_back_goes_out_as_written(text):
    assert rest(text, "json") == text.encode()


def test_json_with_surrogate_pairs_is_parsed():
    assert decode_value('["\\ud83d\\ude00"]', "json", False) == ["\U0001f600"]


@pytest.mark.parametrize(
    ("base_type", "text", "expected"),
    [
        ("int4", "{}", []),
        ("int4", "{1,2,NULL}", [1, 2, None]),
        ("int8", "{{1,2},{3,4}}", [[1, 2], [3, 4]]),
        ("int4", "[0:1]={7,8}", [7, 8]),
        ("int4", "[1:2][3:4]={{1,2},{3,NULL}}", [[1, 2], [3, None]]),
        ("int4", "{{{1},{2}},{{3},{4}}}", [[[1], [2]], [[3], [4]]]),
        ("bool", "{t,f,NULL}", [True, False, None]),
        ("float8", "{1.5,NaN,-Infinity}", [1.5, "NaN", "-Infinity"]),
        ("numeric", "{1.50,NaN}", [Decimal("1.50"), "NaN"]),
        ("point", '{"(1.5,2)",NULL}', ["(1.5,2)", None]),
        ("box", "{(3,4),(1,2);(1,1),(0,0)}", ["(3,4),(1,2)", "(1,1),(0,0)"]),
        (
            "timestamptz",
            '{"2026-01-01 00:00:00+00",NULL,infinity}',
            ["2026-01-01T00:00:00+00:00", None, "infinity"],
        ),
        ("timestamp", '{"2026-01-01 00:00:00"}', ["2026-01-01T00:00:00"]),
        ("jsonb", '{"{\\"a\\": 1}",NULL,"[1, 2]"}', [{"a": 1}, None, [1, 2]]),
        ("bytea", '{"\\\\xdead"}', ["\\xdead"]),
        ("date", "{2026-01-01,infinity}", ["2026-01-01", "infinity"]),
        ("some_range", '{"[1,3)",empty}', ["[1,3)", "empty"]),
        ("int2", "1 2", [1, 2]),  # an int2vector
        ("oid", "", []),  # an empty oidvector
    ],
)
def test_arrays_convert_each_element_by_its_type(base_type, text, expected):
    assert decode_value(text, base_type, True) == expected


def test_text_array_quoting_and_escapes():
    # What array_out writes for ['a"b', 'c\\d', 'NULL', '', ' x ', 'a,b', '{}', NULL, 'plain']
    text = '{"a\\"b","c\\\\d","NULL",""," x ","a,b","{}",NULL,plain}'
    assert decode_value(text, "text", True) == [
        'a"b',
        "c\\d",
        "NULL",
        "",
        " x ",
        "a,b",
        "{}",
        None,
        "plain",
    ]


def test_nested_text_array_with_quotes():
    assert decode_value('{{"a}",b},{"c,",NULL}}', "text", True) == [["a}", "b"], ["c,", None]]


def test_unterminated_quote_is_a_value_error():
    with pytest.raises(ValueError, match="unterminated"):
        decode_value('{"abc}', "text", True)


def test_decoder_for_is_the_function_decode_value_applies():
    assert decoder_for("int4", False)("5") == 5
    assert decoder_for("unknown_type", False)("x") == "x"
    assert decoder_for("unknown_type", True)('{x,"y z"}') == ["x", "y z"]


def test_encode_json_writes_decimals_as_numbers_and_refuses_other_objects():
    assert encode_json({"a": [Decimal("1.10"), Decimal("-0"), 1.5, None]}) == (
        b'{"a":[1.10,-0,1.5,null]}'
    )
    assert orjson.loads(encode_json(Decimal("1E+3"))) == 1000
    with pytest.raises(TypeError, match="set"):
        encode_json({1, 2})
