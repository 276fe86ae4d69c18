"""pgoutput from the real PostgreSQL: the messages a logical slot gives decode to the right kinds,
relations and tuples, and each value decodes to what the REST API returns for the same row."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from psycopg import sql

from polarbase.query.projection import select_list
from polarbase.realtime.capture import ChangeDecoder, RelationBook, RelationShape
from polarbase.realtime.events import ChangeEvent, Position
from polarbase.realtime.hub import Retention
from polarbase.realtime.pgoutput import (
    UNCHANGED,
    Begin,
    Commit,
    Delete,
    Insert,
    LogicalMessage,
    Message,
    Relation,
    Truncate,
    TypeMessage,
    Update,
    decode_message,
    format_lsn,
    parse_lsn,
)
from polarbase.realtime.values import decode_value, encode_json
from polarbase.schema import Table, TableName, build_table, catalog_statement
from tests.helpers import assert_ok

# The session a change reader runs in: what decode_value expects of pgoutput's text.
READER_OPTIONS = (
    "-c TimeZone=UTC -c DateStyle=ISO -c IntervalStyle=postgres -c extra_float_digits=1"
)


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


@dataclass
class Capture:
    """A logical slot on some publications, read without consuming it."""

    reader: psycopg.Connection
    slot: str
    publications: list[str]

    def messages(self) -> list[Message]:
        rows = self.reader.execute(
            "SELECT lsn, data FROM pg_logical_slot_peek_binary_changes(%s, NULL, NULL, "
            "'proto_version', '1', 'publication_names', %s, 'messages', 'true')",
            (self.slot, ",".join(self.publications)),
        ).fetchall()
        for lsn, _ in rows:
            assert format_lsn(parse_lsn(lsn)) == lsn
        return [decode_message(data) for _, data in rows]

    def raw(self) -> list[tuple[int, bytes]]:
        """Each message's LSN and bytes, undecoded."""
        rows = self.reader.execute(
            "SELECT lsn, data FROM pg_logical_slot_peek_binary_changes(%s, NULL, NULL, "
            "'proto_version', '1', 'publication_names', %s)",
            (self.slot, ",".join(self.publications)),
        ).fetchall()
        return [(parse_lsn(lsn), bytes(data)) for lsn, data in rows]

    def changes(self) -> list[Message]:
        """The messages without transaction bounds and relation/type descriptions."""
        skipped = (Begin, Commit, Relation, TypeMessage)
        return [message for message in self.messages() if not isinstance(message, skipped)]

    def relation(self, name: str) -> Relation:
        found = [m for m in self.messages() if isinstance(m, Relation) and m.name == name]
        assert found, f"no relation message for {name}"
        return found[-1]


@pytest.fixture
def reader(database_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(database_url, autocommit=True, options=READER_OPTIONS) as connection:
        yield connection


@pytest.fixture
def make_plain_table(pg: psycopg.Connection) -> Iterator[Callable[[str], str]]:
    """Create ``public.<unique name> (<columns>)`` with plain SQL; dropped after the test."""
    created: list[str] = []

    def factory(columns: str) -> str:
        name = unique("rt")
        pg.execute(sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(name), sql.SQL(columns)))
        created.append(name)
        return name

    yield factory
    for name in created:
        pg.execute(sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.Identifier(name)))


@pytest.fixture
def make_type(pg: psycopg.Connection) -> Iterator[Callable[[str], str]]:
    """Create a type or domain (``"TYPE {} AS ENUM (...)"``, ``"DOMAIN {} AS numeric"``) with a
    unique name; dropped after the test (and after the tables made with make_plain_table
    when requested before it)."""
    created: list[tuple[str, str]] = []

    def factory(definition: str) -> str:
        name = unique("type")
        pg.execute(sql.SQL("CREATE " + definition).format(sql.Identifier(name)))
        created.append((definition.split()[0], name))
        return name

    yield factory
    for kind, name in reversed(created):
        pg.execute(sql.SQL("DROP {} {}").format(sql.SQL(kind), sql.Identifier(name)))


@pytest.fixture
def make_capture(
    pg: psycopg.Connection, reader: psycopg.Connection
) -> Iterator[Callable[..., Capture]]:
    """Publish tables (all changes, or only inserts) and open a pgoutput slot on them; the slot
    and publications are dropped after the test."""
    slots: list[str] = []
    publications: list[str] = []

    def factory(*tables: str, insert_only: tuple[str, ...] = ()) -> Capture:
        names = []
        for group, publish in (
            (tables, "insert, update, delete, truncate"),
            (insert_only, "insert"),
        ):
            if not group:
                continue
            name = unique("pub")
            pg.execute(
                sql.SQL("CREATE PUBLICATION {} FOR TABLE {} WITH (publish = {})").format(
                    sql.Identifier(name),
                    sql.SQL(", ").join(sql.Identifier(table) for table in group),
                    sql.Literal(publish),
                )
            )
            publications.append(name)
            names.append(name)
        slot = unique("slot")
        pg.execute("SELECT pg_create_logical_replication_slot(%s, 'pgoutput')", (slot,))
        slots.append(slot)
        return Capture(reader, slot, names)

    yield factory
    for slot in slots:
        pg.execute("SELECT pg_drop_replication_slot(%s)", (slot,))
    for name in publications:
        pg.execute(sql.SQL("DROP PUBLICATION {}").format(sql.Identifier(name)))


def run(pg: psycopg.Connection, statement: str, table: str) -> None:
    """``statement`` with ``{t}`` standing for the table."""
    pg.execute(sql.SQL(statement).format(t=sql.Identifier(table)))


def oid_of(pg: psycopg.Connection, table: str) -> int:
    row = pg.execute("SELECT %s::regclass::oid::int8", (table,)).fetchone()
    assert row is not None
    return int(row[0])


def test_transactions_decode_to_begin_relation_changes_and_commit(
    pg, make_plain_table, make_capture
):
    # GIVEN a table with a primary key, published with a slot on it
    table = make_plain_table("id int8 PRIMARY KEY, name text, n int4")
    capture = make_capture(table)
    started = datetime.now(UTC)

    # WHEN two rows go in in one transaction, then one is updated, re-keyed and deleted
    with pg.transaction():
        run(pg, "INSERT INTO {t} VALUES (1, 'one', 10), (2, NULL, 20)", table)
    run(pg, "UPDATE {t} SET name = 'uno' WHERE id = 1", table)
    run(pg, "UPDATE {t} SET id = 3 WHERE id = 1", table)
    run(pg, "DELETE FROM {t} WHERE id = 3", table)

    # THEN each transaction is Begin ... Commit, the relation comes before its first change
    messages = capture.messages()
    kinds = [type(message).__name__ for message in messages]
    assert kinds == [
        *("Begin", "Relation", "Insert", "Insert", "Commit"),
        *("Begin", "Update", "Commit"),
        *("Begin", "Update", "Commit"),
        *("Begin", "Delete", "Commit"),
    ]
    oid = oid_of(pg, table)
    relation = messages[1]
    assert isinstance(relation, Relation)
    assert (relation.oid, relation.schema, relation.name) == (oid, "public", table)
    assert relation.replica_identity == "default"
    assert [(c.name, c.is_key, c.type_oid) for c in relation.columns] == [
        ("id", True, 20),
        ("name", False, 25),
        ("n", False, 23),
    ]
    assert relation.key_columns == ("id",)
    assert messages[2] == Insert(oid, ("1", "one", "10"))
    assert messages[3] == Insert(oid, ("2", None, "20"))
    assert messages[6] == Update(oid, None, None, ("1", "uno", "10"))
    # A changed key carries the old key; the other columns of that tuple are NULL.
    assert messages[9] == Update(oid, None, ("1", None, None), ("3", "uno", "10"))
    assert messages[12] == Delete(oid, None, ("3", None, None))
    begins = [m for m in messages if isinstance(m, Begin)]
    commits = [m for m in messages if isinstance(m, Commit)]
    for begin, commit in zip(begins, commits, strict=True):
        assert begin.final_lsn == commit.commit_lsn < commit.end_lsn
        assert begin.commit_time == commit.commit_time
        assert commit.commit_time.tzinfo is UTC
        assert started - timedelta(minutes=1) < commit.commit_time < started + timedelta(minutes=1)
    assert len({begin.xid for begin in begins}) == 4


def shapes_keyed_by_id(types: dict[str, str]) -> Callable[[Relation], Any]:
    """A shape lookup for a table keyed by ``id``, each column of its named base type."""

    async def shapes(relation: Relation) -> RelationShape:
        return RelationShape({c.name: (types[c.name], False) for c in relation.columns}, ("id",))

    return shapes


def test_a_change_kept_undecoded_decodes_later_to_the_same_event_after_its_table_changed(
    pg, make_plain_table, make_capture
):
    # GIVEN changes before and after a column is added, one update re-keying a row
    table = make_plain_table("id int8 PRIMARY KEY, name text, n int4")
    capture = make_capture(table)
    run(pg, "INSERT INTO {t} VALUES (1, 'one', 10), (2, NULL, 20)", table)
    run(pg, "UPDATE {t} SET id = 3, n = 30 WHERE id = 1", table)
    run(pg, "ALTER TABLE {t} ADD COLUMN at timestamptz", table)
    run(pg, "INSERT INTO {t} VALUES (4, 'four', 40, '2026-12-06 10:00:00.5+00')", table)
    run(pg, "DELETE FROM {t} WHERE id = 2", table)
    messages = capture.raw()
    shapes = shapes_keyed_by_id({"id": "int8", "name": "text", "n": "int4", "at": "timestamptz"})

    async def both() -> tuple[list[ChangeEvent], list[ChangeEvent]]:
        # WHEN one decoder decodes every change and another keeps them as bytes
        decoded: list[ChangeEvent] = []
        eager = ChangeDecoder()
        for lsn, data in messages:
            event = await eager.feed(decode_message(data), lsn, shapes)
            if event is not None:
                decoded.append(event)
        kept = []
        lazy = ChangeDecoder(RelationBook())
        for lsn, data in messages:
            if lazy.table_of(data) is not None:
                kept.append(lazy.keep(data, lsn))
            else:
                assert await lazy.feed(decode_message(data), lsn, shapes) is None
        # THEN each kept change decodes, later, to the event the first decoder made
        later = [lazy.book.event(position, change) for position, _, change in kept]
        assert [table.name for _, table, _ in kept] == [table] * 5
        return decoded, later

    decoded, later = asyncio.run(both())
    assert [event.payload() for event in later] == [event.payload() for event in decoded]
    assert [event.payload_json for event in later] == [event.payload_json for event in decoded]
    assert [event.action for event in later] == ["insert", "insert", "update", "insert", "delete"]
    assert later[2].key == {"id": 1}
    assert later[2].new == {"id": 3, "name": "one", "n": 30}
    assert later[3].new == {"id": 4, "name": "four", "n": 40, "at": "2026-12-06T10:00:00.5+00:00"}


def test_a_shape_is_forgotten_once_no_kept_change_names_it(pg, make_plain_table, make_capture):
    # GIVEN changes written in two shapes of one table, and a retention of one change
    table = make_plain_table("id int8 PRIMARY KEY, name text")
    capture = make_capture(table)
    run(pg, "INSERT INTO {t} VALUES (1, 'one')", table)
    run(pg, "ALTER TABLE {t} ADD COLUMN n int4", table)
    run(pg, "INSERT INTO {t} VALUES (2, 'two', 20)", table)
    run(pg, "INSERT INTO {t} VALUES (3, 'three', 30)", table)
    shapes = shapes_keyed_by_id({"id": "int8", "name": "text", "n": "int4"})

    book = RelationBook()
    retention = Retention(1, 0.0, 1, expand=book.payload_json, release=book.release)

    async def keep_all() -> list[int]:
        decoder = ChangeDecoder(book)  # a stream's decoder; a reconnection makes a new one
        sizes = []
        for lsn, data in capture.raw():
            if decoder.table_of(data) is None:
                await decoder.feed(decode_message(data), lsn, shapes)
                continue
            retention.keep(*decoder.keep(data, lsn))
            sizes.append(len(book))
        return sizes

    # WHEN each change is kept, pushing the one before out, and then the stream reconnects
    # and the slot sends them all again (the retention refuses what it has seen)
    sizes = asyncio.run(keep_all())
    again = asyncio.run(keep_all())

    # THEN the first shape goes with the last change written in it, and what is kept decodes
    assert sizes == [1, 1, 1]
    assert again == [1, 1, 1]
    (retained,), _, _ = retention.since(Position(0, 0))
    assert json.loads(retained.payload_json)["new"] == {"id": 3, "name": "three", "n": 30}
    # AND once a decoded event pushes the last kept change out, no shape is left
    retention.keep(Position(2**62, 1), TableName("public", table), b"{}")
    assert len(book) == 0


def test_replica_identity_full_carries_whole_old_rows(pg, make_plain_table, make_capture):
    table = make_plain_table("id int8 PRIMARY KEY, name text")
    run(pg, "ALTER TABLE {t} REPLICA IDENTITY FULL", table)
    capture = make_capture(table)

    run(pg, "INSERT INTO {t} VALUES (1, 'a')", table)
    run(pg, "UPDATE {t} SET name = 'b'", table)
    run(pg, "DELETE FROM {t}", table)

    oid = oid_of(pg, table)
    relation = capture.relation(table)
    assert relation.replica_identity == "full"
    # With FULL every column is part of the replica identity, so pgoutput flags them all.
    assert relation.key_columns == ("id", "name")
    assert capture.changes() == [
        Insert(oid, ("1", "a")),
        Update(oid, ("1", "a"), None, ("1", "b")),
        Delete(oid, ("1", "b"), None),
    ]


def test_a_table_without_key_published_for_inserts_sends_only_inserts(
    pg, make_plain_table, make_capture
):
    keyed = make_plain_table("id int8 PRIMARY KEY, name text")
    plain = make_plain_table("name text, n int4")
    capture = make_capture(keyed, insert_only=(plain,))

    run(pg, "INSERT INTO {t} VALUES ('a', 1)", plain)
    # Not published for updates and deletes, so Postgres lets them run without a key.
    run(pg, "UPDATE {t} SET n = 2", plain)
    run(pg, "DELETE FROM {t}", plain)
    run(pg, "INSERT INTO {t} VALUES (1, 'k')", keyed)

    relation = capture.relation(plain)
    assert relation.replica_identity == "default"
    assert relation.key_columns == ()
    assert capture.changes() == [
        Insert(oid_of(pg, plain), ("a", "1")),
        Insert(oid_of(pg, keyed), ("1", "k")),
    ]


def test_an_update_leaving_a_toasted_value_alone_marks_it_unchanged(
    pg, make_plain_table, make_capture
):
    table = make_plain_table("id int8 PRIMARY KEY, big text, n int4")
    run(pg, "ALTER TABLE {t} ALTER COLUMN big SET STORAGE EXTERNAL", table)  # no compression
    capture = make_capture(table)

    run(pg, "INSERT INTO {t} VALUES (1, repeat('x', 100000), 1)", table)
    run(pg, "UPDATE {t} SET n = 2", table)
    run(pg, "UPDATE {t} SET big = 'small', n = 3", table)

    oid = oid_of(pg, table)
    inserted, untouched, rewritten = capture.changes()
    assert inserted == Insert(oid, ("1", "x" * 100000, "1"))
    assert untouched == Update(oid, None, None, ("1", UNCHANGED, "2"))
    assert rewritten == Update(oid, None, None, ("1", "small", "3"))


def test_truncate_and_logical_messages(pg, make_plain_table, make_capture):
    table = make_plain_table("id int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY")
    capture = make_capture(table)

    run(pg, "TRUNCATE {t}", table)
    run(pg, "TRUNCATE {t} RESTART IDENTITY CASCADE", table)
    pg.execute("SELECT pg_logical_emit_message(true, 'polarbase', 'in a transaction')")
    # flush: a message outside a transaction is decoded once its WAL is flushed, and no commit
    # flushes it here.
    pg.execute("SELECT pg_logical_emit_message(false, 'polarbase', '\\x00ff'::bytea, true)")

    oid = oid_of(pg, table)
    first, second, transactional, immediate = capture.changes()
    assert first == Truncate((oid,), cascade=False, restart_identity=False)
    assert second == Truncate((oid,), cascade=True, restart_identity=True)
    assert isinstance(transactional, LogicalMessage)
    assert (transactional.transactional, transactional.prefix, transactional.content) == (
        True,
        "polarbase",
        b"in a transaction",
    )
    assert transactional.lsn > 0
    assert isinstance(immediate, LogicalMessage)
    assert (immediate.transactional, immediate.content) == (False, b"\x00\xff")


def test_a_column_of_a_user_type_is_described_before_its_relation(
    pg, make_type, make_plain_table, make_capture
):
    mood = make_type("TYPE {} AS ENUM ('sad', 'happy')")
    table = make_plain_table(f'id int8 PRIMARY KEY, feeling "{mood}"')
    capture = make_capture(table)

    run(pg, "INSERT INTO {t} VALUES (1, 'happy')", table)

    type_oid = pg.execute("SELECT %s::regtype::oid::int8", (mood,)).fetchone()[0]
    messages = capture.messages()
    assert [type(m).__name__ for m in messages] == [
        "Begin",
        "TypeMessage",
        "Relation",
        "Insert",
        "Commit",
    ]
    assert messages[1] == TypeMessage(type_oid, "public", mood)
    assert messages[2].columns[1].type_oid == type_oid
    assert messages[3] == Insert(oid_of(pg, table), ("1", "happy"))


# Every kind of column, and rows that probe each type's edges (text as Postgres reads it).
TYPED_COLUMNS = {
    "c_int2": "int2",
    "c_int4": "int4",
    "c_int8": "int8",
    "c_numeric": "numeric",
    "c_float4": "float4",
    "c_float8": "float8",
    "c_bool": "bool",
    "c_text": "text",
    "c_varchar": "varchar(20)",
    "c_bpchar": "char(5)",
    "c_uuid": "uuid",
    "c_date": "date",
    "c_time": "time",
    "c_timetz": "timetz",
    "c_timestamp": "timestamp",
    "c_timestamptz": "timestamptz",
    "c_interval": "interval",
    "c_json": "json",
    "c_jsonb": "jsonb",
    "c_point": "point",
    "c_bytea": "bytea",
    "c_money": "money",
    "c_inet": "inet",
    "c_enum": "{mood}",
    "c_domain": "{amount}",
    "c_range": "int4range",
    "c_box": "box",
    "a_int4": "int4[]",
    "a_int8": "int8[][]",
    "a_numeric": "numeric[]",
    "a_float4": "float4[]",
    "a_float8": "float8[]",
    "a_bool": "bool[]",
    "a_text": "text[]",
    "a_varchar": "varchar(10)[]",
    "a_uuid": "uuid[]",
    "a_date": "date[]",
    "a_time": "timetz[]",
    "a_timestamp": "timestamp[]",
    "a_timestamptz": "timestamptz[]",
    "a_interval": "interval[]",
    "a_json": "json[]",
    "a_jsonb": "jsonb[]",
    "a_point": "point[]",
    "a_box": "box[]",
    "a_bytea": "bytea[]",
    "a_enum": "{mood}[]",
    "a_range": "int4range[]",
    "v_int2": "int2vector",
    "v_oid": "oidvector",
}

TYPED_ROWS: list[dict[str, str]] = [
    {
        "c_int2": "-32768",
        "c_int4": "2147483647",
        "c_int8": "-9223372036854775808",
        "c_numeric": "12345678901234567890.123456789000",
        "c_float4": "0.1",
        "c_float8": "1.5",
        "c_bool": "t",
        "c_text": 'He said "hi"\n\\ ünï \U0001f600',
        "c_varchar": "abc",
        "c_bpchar": "ab",
        "c_uuid": "0b9e5f2a-9f0c-4a8c-9a43-6d0b1a9b9d11",
        "c_date": "2026-11-25",
        "c_time": "10:00:00.5",
        "c_timetz": "10:00:00+05:30",
        "c_timestamp": "2026-11-25 10:00:00.123",
        "c_timestamptz": "2026-11-25 10:00:00.123456+02",
        "c_interval": "1 year 2 mons 3 days 04:05:06.7",
        "c_json": '{"a": 1.10, "b": [true, null], "c": 1e3, "d": 123456789012345678901234567890}',
        "c_jsonb": '{"a": 1.10, "n": 123456789012345678901234567890, "s": "x\\u00e9"}',
        "c_point": "(1.5,2)",
        "c_bytea": "\\xdeadbeef",
        "c_money": "1234.5",
        "c_inet": "192.168.0.1/24",
        "c_enum": "happy",
        "c_domain": "0.00000001",
        "c_range": "[1,10)",
        "c_box": "(1,2),(3,4)",
        "a_int4": "{1,NULL,3}",
        "a_int8": "{{1,2},{3,4}}",
        "a_numeric": "{1.50,NaN,-0.001,Infinity}",
        "a_float4": "{0.1,3.4028235e+38,1e-45,NaN}",
        "a_float8": "{1e-310,-0,Infinity,0.30000000000000004}",
        "a_bool": "{t,f,NULL}",
        "a_text": '{"a\\"b","c\\\\d","NULL",""," x ","a,b","{}",NULL,plain,"ü"}',
        "a_varchar": "{x,y}",
        "a_uuid": "{0b9e5f2a-9f0c-4a8c-9a43-6d0b1a9b9d11}",
        "a_date": "{2026-01-01,infinity,0044-03-15 BC}",
        "a_time": '{"10:00:00+05","23:59:59.999999-11:30"}',
        "a_timestamp": '{"2026-01-01 00:00:00.5","0044-03-15 00:00 BC",-infinity}',
        "a_timestamptz": '{"2026-01-01 00:00:00+05","2026-06-01 12:00:00.000001+00",infinity}',
        "a_interval": '{"1 day","-00:00:01"}',
        "a_json": '{"{\\"a\\": 1e400}","[1, 2]",NULL}',
        "a_jsonb": '{"{\\"k\\": [1, \\"two\\", 0.1000000000000000000001]}"}',
        "a_point": '{"(1.5,2)","(-1,0)"}',
        "a_box": "{(3,4),(1,2);(1,1),(0,0)}",
        "a_bytea": '{"\\\\xdead",NULL}',
        "a_enum": "{happy,sad}",
        "a_range": '{"[1,3)",empty}',
        "v_int2": "1 2 3",
        "v_oid": "1 2",
    },
    {
        "c_numeric": "NaN",
        "c_float4": "NaN",
        "c_float8": "-Infinity",
        "c_bool": "f",
        "c_text": "",
        "c_date": "-infinity",
        "c_timetz": "23:59:59.999999-11:30",
        "c_timestamp": "infinity",
        "c_timestamptz": "0044-03-15 10:00:00.5+00 BC",
        "c_json": "123456789012345678901234567890",
        "c_jsonb": "[0.1000000000000000000001, 1e-400, -0, 1E+2]",
        "c_point": "(NaN,Infinity)",
        "c_domain": "-0.000000000000000000000000000001",
        "a_int4": "[0:2]={7,8,9}",
        "a_int8": "[1:2][3:4]={{1,2},{3,NULL}}",
        "a_numeric": "{}",
        "a_text": "{}",
        "a_timestamptz": "{}",
        "a_json": "{}",
        "v_int2": "",
    },
    {},
    {
        "c_numeric": "-Infinity",
        "c_float4": "-0",
        "c_float8": "1e+20",
        "c_timestamptz": "infinity",
        "c_timestamp": "0044-03-15 00:00:00 BC",
        "c_date": "0044-03-15 BC",
        "c_json": '[1e-400, "\\u00e9", {"a": {"a": 2}}]',
        "c_jsonb": "3.14",
        "c_point": "(-0.5,1e-300)",
        "a_float8": "{1.7976931348623157e+308,5e-324}",
    },
    {
        "c_numeric": "Infinity",
        "c_float8": "Infinity",
        "c_timestamptz": "10000-01-01 00:00:00+00",
        "c_timestamp": "-infinity",
        "c_date": "10000-12-31",
        "c_jsonb": "null",
        "c_json": '  {"spaced" :  true}  ',
        "c_point": "(1e+15,123456789.123)",
    },
    {
        "c_json": '{"lone": "\\ud800", "n": 1.0000000000000000001}',
        "a_json": '{"{\\"lone\\": \\"\\\\udc00\\"}"}',
        "c_float8": "5",
        "c_float4": "-3",
        "c_point": "(2,48)",
    },
]


@pytest.fixture
def typed_table(make_type, make_plain_table, pg) -> Table:
    """An empty table with a column of every kind in TYPED_COLUMNS, as the catalog describes
    it (the shape REST and realtime use)."""
    mood = make_type("TYPE {} AS ENUM ('sad', 'happy')")
    amount = make_type("DOMAIN {} AS numeric")
    types = {"mood": f'"{mood}"', "amount": f'"{amount}"'}
    columns = ", ".join(f"{name} {kind.format(**types)}" for name, kind in TYPED_COLUMNS.items())
    name = make_plain_table(f"id int8 PRIMARY KEY, {columns}")
    query, params = catalog_statement("public", name)
    document = pg.execute(query, params).fetchone()[0]
    raw = json.loads(document) if isinstance(document, str) else document
    return build_table("public", raw[0])


def insert_typed_rows(pg: psycopg.Connection, table: Table) -> None:
    for number, row in enumerate(TYPED_ROWS, start=1):
        names = ["id", *row]
        pg.execute(
            sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                sql.Identifier(table.name),
                sql.SQL(", ").join(sql.Identifier(name) for name in names),
                sql.SQL(", ").join(sql.Literal(value) for value in [str(number), *row.values()]),
            )
        )


def decoded_rows(capture: Capture, table: Table) -> dict[int, dict[str, Any]]:
    """Each inserted row as a realtime client gets it (JSON, numbers read as Decimal)."""
    relation = capture.relation(table.name)
    by_name = {column.name: column for column in table.columns}
    rows: dict[int, dict[str, Any]] = {}
    for message in capture.changes():
        assert isinstance(message, Insert)
        row: dict[str, Any] = {}
        for described, text in zip(relation.columns, message.new, strict=True):
            column = by_name[described.name]
            assert isinstance(text, str | None)
            value = None if text is None else decode_value(text, column.base_type, column.is_array)
            row[described.name] = value
        rows[int(row["id"])] = json.loads(encode_json(row), parse_float=Decimal)
    return rows


def assert_same_values(decoded: dict[str, Any], expected: dict[str, Any], table: Table) -> None:
    assert decoded.keys() == expected.keys()
    for column in table.columns:
        mine, theirs = decoded[column.name], expected[column.name]
        assert mine == theirs, f"{column.name} ({column.base_type}): {mine!r} != {theirs!r}"
        if column.base_type == "numeric":  # every digit, trailing zeros too
            assert repr(mine) == repr(theirs), column.name
        if column.base_type in ("float4", "float8", "point"):
            # a whole float is written without a point (5, not 5.0), read back as an integer
            assert _kinds(mine) == _kinds(theirs), column.name


def _kinds(value: Any) -> Any:
    """The JSON kind of each number in ``value`` (integer or not); -0 counts as 0, since
    to_json's "-0" reads back as the integer 0."""
    if isinstance(value, dict):
        return {key: _kinds(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_kinds(item) for item in value]
    if isinstance(value, Decimal) and value.is_zero():
        return int
    return type(value)


def test_values_decode_to_what_row_to_json_writes_for_the_row(
    pg, database_url, typed_table, make_capture
):
    # GIVEN a slot on a table with every kind of column
    capture = make_capture(typed_table.name)

    # WHEN rows with each type's edge values go in
    insert_typed_rows(pg, typed_table)

    # THEN each decoded value is what the REST projection (row_to_json) makes of the row
    projection = sql.SQL(
        "SELECT r.id, row_to_json(r)::text FROM (SELECT {} FROM {} AS s) r"
    ).format(
        select_list(typed_table.columns, sql.Identifier("s")), sql.Identifier(typed_table.name)
    )
    with psycopg.connect(database_url, autocommit=True, options="-c TimeZone=UTC") as rest:
        expected = {
            row_id: json.loads(text, parse_float=Decimal)
            for row_id, text in rest.execute(projection).fetchall()
        }
    decoded = decoded_rows(capture, typed_table)
    assert decoded.keys() == expected.keys() == set(range(1, len(TYPED_ROWS) + 1))
    for row_id, row in decoded.items():
        assert_same_values(row, expected[row_id], typed_table)


def test_values_decode_to_what_the_rest_api_returns(api, pg, typed_table, make_capture):
    capture = make_capture(typed_table.name)

    insert_typed_rows(pg, typed_table)

    response = api.get(f"/rest/db/{typed_table.name}", params={"limit": 100})
    assert_ok(response)
    rows = json.loads(response.text, parse_float=Decimal)["data"]["rows"]
    expected = {int(row["id"]): row for row in rows}
    decoded = decoded_rows(capture, typed_table)
    assert decoded.keys() == expected.keys()
    for row_id, row in decoded.items():
        assert_same_values(row, expected[row_id], typed_table)
