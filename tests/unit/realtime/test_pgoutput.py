"""Unit tests for polarbase.realtime.pgoutput: pgoutput protocol 1 messages, byte by byte."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta

import pytest

from polarbase.realtime.pgoutput import (
    UNCHANGED,
    Begin,
    Commit,
    Delete,
    Insert,
    LogicalMessage,
    Origin,
    PgOutputError,
    Relation,
    RelationColumn,
    Truncate,
    TypeMessage,
    Update,
    decode_message,
    format_lsn,
    parse_lsn,
)

# 2026-11-25 10:00:00.123456 UTC, in microseconds since 2000-01-01 UTC.
MOMENT = datetime(2026, 11, 25, 10, 0, 0, 123456, tzinfo=UTC)
MICROSECONDS = (MOMENT - datetime(2000, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def cstring(text: str) -> bytes:
    return text.encode() + b"\0"


def tuple_data(*values: str | bytes | None) -> bytes:
    """TupleData: None is 'n', b"u" is an unchanged TOAST value, a str is 't' text."""
    out = struct.pack("!H", len(values))
    for value in values:
        if value is None:
            out += b"n"
        elif isinstance(value, bytes):
            out += value
        else:
            encoded = value.encode()
            out += b"t" + struct.pack("!I", len(encoded)) + encoded
    return out


def test_begin_carries_final_lsn_commit_time_in_utc_and_xid():
    data = b"B" + struct.pack("!QqI", 0x16B374D848, MICROSECONDS, 771)
    assert decode_message(data) == Begin(0x16B374D848, MOMENT, 771)
    assert decode_message(data).commit_time.tzinfo is UTC


def test_commit_time_before_2000_is_negative_microseconds():
    data = b"C" + struct.pack("!BQQq", 0, 10, 20, -1)
    message = decode_message(data)
    assert message == Commit(0, 10, 20, datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))


def test_commit_carries_flags_and_both_lsns():
    data = b"C" + struct.pack("!BQQq", 0, 0x100, 0x1A0, MICROSECONDS)
    assert decode_message(data) == Commit(0, 0x100, 0x1A0, MOMENT)


def test_origin_carries_lsn_and_name():
    data = b"O" + struct.pack("!Q", 42) + cstring("upstream")
    assert decode_message(data) == Origin(42, "upstream")


def relation_message(identity: bytes = b"d") -> bytes:
    columns = [(1, "id", 20, -1), (0, "naïve", 1043, 259), (0, "tags", 1009, -1)]
    out = b"R" + struct.pack("!I", 16385) + cstring("public") + cstring("orders") + identity
    out += struct.pack("!H", len(columns))
    for flags, name, oid, modifier in columns:
        out += bytes([flags]) + cstring(name) + struct.pack("!Ii", oid, modifier)
    return out


def test_relation_has_schema_name_columns_and_key_columns():
    message = decode_message(relation_message())
    assert message == Relation(
        16385,
        "public",
        "orders",
        "default",
        (
            RelationColumn(True, "id", 20, -1),
            RelationColumn(False, "naïve", 1043, 259),
            RelationColumn(False, "tags", 1009, -1),
        ),
    )
    assert message.key_columns == ("id",)


@pytest.mark.parametrize(
    ("letter", "name"), [(b"d", "default"), (b"n", "nothing"), (b"f", "full"), (b"i", "index")]
)
def test_relation_replica_identity_is_named(letter, name):
    assert decode_message(relation_message(letter)).replica_identity == name


def test_relation_with_unknown_replica_identity_is_an_error_naming_it():
    with pytest.raises(PgOutputError, match="'x'"):
        decode_message(relation_message(b"x"))


def test_type_message_names_the_type():
    data = b"Y" + struct.pack("!I", 16400) + cstring("public") + cstring("mood")
    assert decode_message(data) == TypeMessage(16400, "public", "mood")


def test_insert_values_are_text_none_or_unchanged():
    data = b"I" + struct.pack("!I", 16385) + b"N" + tuple_data("1", None, "{a,b}", "", "é")
    assert decode_message(data) == Insert(16385, ("1", None, "{a,b}", "", "é"))


def test_update_without_old_values_has_only_new():
    data = b"U" + struct.pack("!I", 7) + b"N" + tuple_data("1", b"u")
    assert decode_message(data) == Update(7, None, None, ("1", UNCHANGED))


def test_update_of_the_key_carries_the_old_key():
    data = b"U" + struct.pack("!I", 7) + b"K" + tuple_data("1", None) + b"N" + tuple_data("2", "x")
    assert decode_message(data) == Update(7, None, ("1", None), ("2", "x"))


def test_update_with_replica_identity_full_carries_the_old_row():
    data = b"U" + struct.pack("!I", 7) + b"O" + tuple_data("1", "a") + b"N" + tuple_data("1", "b")
    assert decode_message(data) == Update(7, ("1", "a"), None, ("1", "b"))


def test_update_without_new_tuple_is_an_error():
    data = b"U" + struct.pack("!I", 7) + b"X" + tuple_data("1")
    with pytest.raises(PgOutputError, match="'N'"):
        decode_message(data)


def test_delete_carries_the_key_or_the_old_row():
    key = b"D" + struct.pack("!I", 7) + b"K" + tuple_data("1", None)
    old = b"D" + struct.pack("!I", 7) + b"O" + tuple_data("1", "a")
    assert decode_message(key) == Delete(7, None, ("1", None))
    assert decode_message(old) == Delete(7, ("1", "a"), None)


def test_truncate_lists_relations_and_options():
    data = b"T" + struct.pack("!IB", 2, 3) + struct.pack("!II", 10, 11)
    assert decode_message(data) == Truncate((10, 11), cascade=True, restart_identity=True)
    plain = b"T" + struct.pack("!IB", 1, 0) + struct.pack("!I", 10)
    assert decode_message(plain) == Truncate((10,), cascade=False, restart_identity=False)


def test_logical_message_carries_prefix_and_raw_content():
    data = b"M" + struct.pack("!BQ", 1, 99) + cstring("app") + struct.pack("!I", 3) + b"\x00\xffa"
    assert decode_message(data) == LogicalMessage(True, 99, "app", b"\x00\xffa")


def test_a_memoryview_decodes_like_bytes():
    data = b"I" + struct.pack("!I", 1) + b"N" + tuple_data("x")
    assert decode_message(memoryview(data)) == Insert(1, ("x",))


def test_unknown_message_kind_is_an_error_naming_the_byte():
    with pytest.raises(PgOutputError, match=r"'S' \(0x53\)"):
        decode_message(b"S\x00\x00\x00\x01\x01")


def test_empty_message_is_an_error():
    with pytest.raises(PgOutputError, match="empty"):
        decode_message(b"")


def test_binary_values_are_refused_with_the_option_to_drop():
    data = b"I" + struct.pack("!I", 1) + b"N" + struct.pack("!H", 1) + b"b" + struct.pack("!I", 0)
    with pytest.raises(PgOutputError, match="binary"):
        decode_message(data)


@pytest.mark.parametrize(
    "data",
    [
        b"B\x00\x01",
        b"I" + struct.pack("!I", 1) + b"N" + struct.pack("!HcI", 1, b"t", 9) + b"ab",
        b"R" + struct.pack("!I", 1) + b"public",
        b"I" + struct.pack("!I", 1) + b"N" + struct.pack("!H", 2) + b"n",
    ],
)
def test_a_message_cut_short_is_a_pgoutput_error(data):
    with pytest.raises(PgOutputError, match=r"malformed|past the message"):
        decode_message(data)


def test_pgoutput_error_is_a_value_error():
    assert issubclass(PgOutputError, ValueError)


@pytest.mark.parametrize(
    ("lsn", "text"),
    [(0, "0/0"), (0x16B374D848, "16/B374D848"), (0xFFFFFFFFFFFFFFFF, "FFFFFFFF/FFFFFFFF")],
)
def test_lsn_text_round_trips(lsn, text):
    assert format_lsn(lsn) == text
    assert parse_lsn(text) == lsn
    assert parse_lsn(text.lower()) == lsn


@pytest.mark.parametrize("text", ["", "16", "16/", "/1", "x/1", "123456789/0", "1/2/3"])
def test_parse_lsn_refuses_what_is_not_an_lsn(text):
    with pytest.raises(ValueError, match="not an LSN"):
        parse_lsn(text)
