"""Decoding PostgreSQL's logical replication messages (the ``pgoutput`` plugin, protocol 1)."""

from __future__ import annotations

import enum
import struct
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeAlias

__all__ = [
    "UNCHANGED",
    "Begin",
    "Commit",
    "Delete",
    "Insert",
    "LogicalMessage",
    "Message",
    "Origin",
    "PgOutputError",
    "Relation",
    "RelationColumn",
    "Truncate",
    "TupleData",
    "TypeMessage",
    "Unchanged",
    "Update",
    "decode_message",
    "format_lsn",
    "parse_lsn",
    "row_change_relation",
]


class PgOutputError(ValueError):
    """A message this decoder cannot read: an unknown kind, binary values, or cut-off bytes."""


class Unchanged(enum.Enum):
    """A column an update left alone whose value was stored out of line (TOAST): pgoutput does
    not resend it, so its value is not known from the change itself."""

    UNCHANGED = "unchanged"

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED = Unchanged.UNCHANGED

TupleData: TypeAlias = tuple[str | Unchanged | None, ...]
"""A row's values in column order: text as Postgres writes it, None for NULL, or UNCHANGED."""


@dataclass(frozen=True, slots=True)
class Begin:
    final_lsn: int
    commit_time: datetime
    xid: int


@dataclass(frozen=True, slots=True)
class Commit:
    flags: int
    commit_lsn: int
    end_lsn: int
    commit_time: datetime


@dataclass(frozen=True, slots=True)
class Origin:
    lsn: int
    name: str


@dataclass(frozen=True, slots=True)
class RelationColumn:
    is_key: bool
    name: str
    type_oid: int
    type_modifier: int


@dataclass(frozen=True, slots=True)
class Relation:
    """A table's shape as the publisher sends it before the first change to it (and again after
    it changes). ``replica_identity`` says what a delete or an update carries of the old row."""

    oid: int
    schema: str
    name: str
    replica_identity: str  # "default" | "nothing" | "full" | "index"
    columns: tuple[RelationColumn, ...]

    @property
    def key_columns(self) -> tuple[str, ...]:
        """The columns of the replica identity (the primary key by default; every column with
        FULL)."""
        return tuple(column.name for column in self.columns if column.is_key)


@dataclass(frozen=True, slots=True)
class TypeMessage:
    oid: int
    schema: str
    name: str


@dataclass(frozen=True, slots=True)
class Insert:
    relation_oid: int
    new: TupleData


@dataclass(frozen=True, slots=True)
class Update:
    """``key`` is the old key when the update changed it (replica identity DEFAULT or INDEX),
    ``old`` the whole old row with replica identity FULL; otherwise both are None."""

    relation_oid: int
    old: TupleData | None
    key: TupleData | None
    new: TupleData


@dataclass(frozen=True, slots=True)
class Delete:
    """Exactly one of ``key`` (the old key) and ``old`` (the whole old row, FULL) is set."""

    relation_oid: int
    old: TupleData | None
    key: TupleData | None


@dataclass(frozen=True, slots=True)
class Truncate:
    relation_oids: tuple[int, ...]
    cascade: bool
    restart_identity: bool


@dataclass(frozen=True, slots=True)
class LogicalMessage:
    """What ``pg_logical_emit_message`` wrote (sent only with the ``messages`` option)."""

    transactional: bool
    lsn: int
    prefix: str
    content: bytes


Message: TypeAlias = (
    Begin
    | Commit
    | Origin
    | Relation
    | TypeMessage
    | Insert
    | Update
    | Delete
    | Truncate
    | LogicalMessage
)

_BEGIN = struct.Struct("!QqI")
_COMMIT = struct.Struct("!BQQq")
_UINT64 = struct.Struct("!Q")
_UINT32 = struct.Struct("!I")
_UINT16 = struct.Struct("!H")
_INT32_PAIR = struct.Struct("!Ii")  # a column's type oid and modifier
_TRUNCATE = struct.Struct("!IB")
_MESSAGE = struct.Struct("!BQ")

_POSTGRES_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_REPLICA_IDENTITIES = {"d": "default", "n": "nothing", "f": "full", "i": "index"}

# Byte values of the one-letter tags, compared as ints (indexing bytes gives ints).
_TEXT, _NULL, _TOASTED, _BINARY = b"t"[0], b"n"[0], b"u"[0], b"b"[0]
_NEW, _KEY, _OLD = b"N"[0], b"K"[0], b"O"[0]
_ROW_CHANGES = frozenset(b"IUD")


def decode_message(data: bytes | memoryview) -> Message:
    """One pgoutput message (what ``pg_logical_slot_get_binary_changes`` returns as ``data``,
    or the payload of an XLogData frame of a replication connection).

    Values come back as text exactly as Postgres printed them; ``values.decode_value`` types
    them. Raises PgOutputError for an unknown message kind (the byte is named), for binary
    values (the ``binary`` option, which PolarBase never asks for), and for a message cut short.

    Example:
        >>> message = decode_message(bytes.fromhex("4f00000016b374d8486d61696e00"))
        >>> message.name, format_lsn(message.lsn)
        ('main', '16/B374D848')
    """
    buffer = bytes(data) if isinstance(data, memoryview) else data
    if not buffer:
        raise PgOutputError("empty pgoutput message")
    decode = _DECODERS.get(buffer[0])
    if decode is None:
        raise PgOutputError(f"unknown pgoutput message type {chr(buffer[0])!r} (0x{buffer[0]:02x})")
    try:
        return decode(buffer)
    except PgOutputError:
        raise
    except (struct.error, IndexError, ValueError) as error:
        # ValueError covers a missing string terminator and text that is not UTF-8.
        raise PgOutputError(
            f"malformed pgoutput message {chr(buffer[0])!r} ({len(buffer)} bytes): {error}"
        ) from error


def row_change_relation(data: bytes) -> int | None:
    """The relation oid of an insert, update or delete message, read without decoding its
    values; None for every other kind of message."""
    if data and data[0] in _ROW_CHANGES:
        return int(_UINT32.unpack_from(data, 1)[0])
    return None


def format_lsn(lsn: int) -> str:
    """An LSN as Postgres writes it (upper-case hex, high and low 32 bits).

    Example:
        >>> format_lsn(0x16B374D848)
        '16/B374D848'
    """
    return f"{lsn >> 32:X}/{lsn & 0xFFFFFFFF:X}"


def parse_lsn(text: str) -> int:
    """The LSN ``format_lsn`` (or Postgres) wrote; raises ValueError for anything else.

    Example:
        >>> hex(parse_lsn("16/B374D848"))
        '0x16b374d848'
    """
    high, slash, low = text.partition("/")
    if not slash or not 0 < len(high) <= 8 or not 0 < len(low) <= 8:
        raise ValueError(f"not an LSN: {text!r} (expected hex/hex, as 16/B374D848)")
    try:
        return int(high, 16) << 32 | int(low, 16)
    except ValueError:
        raise ValueError(f"not an LSN: {text!r} (expected hex/hex, as 16/B374D848)") from None


def _time(microseconds: int) -> datetime:
    return _POSTGRES_EPOCH + timedelta(microseconds=microseconds)


def _string(data: bytes, pos: int) -> tuple[str, int]:
    """A NUL-terminated string at ``pos``, and the position after its terminator."""
    end = data.index(b"\0", pos)
    return data[pos:end].decode(), end + 1


def _tuple(data: bytes, pos: int) -> tuple[TupleData, int]:
    (count,) = _UINT16.unpack_from(data, pos)
    pos += 2
    values: list[str | Unchanged | None] = []
    append = values.append
    for _ in range(count):
        kind = data[pos]
        pos += 1
        if kind == _TEXT:
            (length,) = _UINT32.unpack_from(data, pos)
            pos += 4
            end = pos + length
            if end > len(data):
                raise PgOutputError(f"a column value runs {end - len(data)} bytes past the message")
            append(data[pos:end].decode())
            pos = end
        elif kind == _NULL:
            append(None)
        elif kind == _TOASTED:
            append(UNCHANGED)
        elif kind == _BINARY:
            raise PgOutputError(
                "binary column values are not supported; start replication without 'binary'"
            )
        else:
            raise PgOutputError(f"unknown tuple column kind {chr(kind)!r} (0x{kind:02x})")
    return tuple(values), pos


def _begin(data: bytes) -> Begin:
    final_lsn, commit_time, xid = _BEGIN.unpack_from(data, 1)
    return Begin(final_lsn, _time(commit_time), xid)


def _commit(data: bytes) -> Commit:
    flags, commit_lsn, end_lsn, commit_time = _COMMIT.unpack_from(data, 1)
    return Commit(flags, commit_lsn, end_lsn, _time(commit_time))


def _origin(data: bytes) -> Origin:
    (lsn,) = _UINT64.unpack_from(data, 1)
    name, _ = _string(data, 9)
    return Origin(lsn, name)


def _relation(data: bytes) -> Relation:
    (oid,) = _UINT32.unpack_from(data, 1)
    schema, pos = _string(data, 5)
    name, pos = _string(data, pos)
    identity = chr(data[pos])
    replica_identity = _REPLICA_IDENTITIES.get(identity)
    if replica_identity is None:
        raise PgOutputError(f"unknown replica identity {identity!r} for relation {name!r}")
    (count,) = _UINT16.unpack_from(data, pos + 1)
    pos += 3
    columns = []
    for _ in range(count):
        flags = data[pos]
        column_name, pos = _string(data, pos + 1)
        type_oid, type_modifier = _INT32_PAIR.unpack_from(data, pos)
        pos += 8
        columns.append(RelationColumn(bool(flags & 1), column_name, type_oid, type_modifier))
    return Relation(oid, schema, name, replica_identity, tuple(columns))


def _type(data: bytes) -> TypeMessage:
    (oid,) = _UINT32.unpack_from(data, 1)
    schema, pos = _string(data, 5)
    name, _ = _string(data, pos)
    return TypeMessage(oid, schema, name)


def _expect(data: bytes, pos: int, tag: int, message: str) -> None:
    if data[pos] != tag:
        raise PgOutputError(f"{message}: expected {chr(tag)!r}, found {chr(data[pos])!r}")


def _insert(data: bytes) -> Insert:
    (oid,) = _UINT32.unpack_from(data, 1)
    _expect(data, 5, _NEW, "insert")
    new, _ = _tuple(data, 6)
    return Insert(oid, new)


def _update(data: bytes) -> Update:
    (oid,) = _UINT32.unpack_from(data, 1)
    old = key = None
    pos = 5
    tag = data[pos]
    if tag == _KEY:
        key, pos = _tuple(data, pos + 1)
    elif tag == _OLD:
        old, pos = _tuple(data, pos + 1)
    _expect(data, pos, _NEW, "update")
    new, _ = _tuple(data, pos + 1)
    return Update(oid, old, key, new)


def _delete(data: bytes) -> Delete:
    (oid,) = _UINT32.unpack_from(data, 1)
    tag = data[5]
    if tag not in (_KEY, _OLD):
        raise PgOutputError(f"delete: expected 'K' or 'O', found {chr(tag)!r}")
    values, _ = _tuple(data, 6)
    return Delete(oid, values if tag == _OLD else None, values if tag == _KEY else None)


def _truncate(data: bytes) -> Truncate:
    count, options = _TRUNCATE.unpack_from(data, 1)
    oids = struct.unpack_from(f"!{count}I", data, 6)
    return Truncate(oids, bool(options & 1), bool(options & 2))


def _logical_message(data: bytes) -> LogicalMessage:
    flags, lsn = _MESSAGE.unpack_from(data, 1)
    prefix, pos = _string(data, 10)
    (length,) = _UINT32.unpack_from(data, pos)
    content = data[pos + 4 : pos + 4 + length]
    if len(content) != length:
        raise PgOutputError(f"message content is {length} bytes, {len(content)} arrived")
    return LogicalMessage(bool(flags & 1), lsn, prefix, content)


_DECODERS: dict[int, Callable[[bytes], Message]] = {
    b"B"[0]: _begin,
    b"C"[0]: _commit,
    b"O"[0]: _origin,
    b"R"[0]: _relation,
    b"Y"[0]: _type,
    b"I"[0]: _insert,
    b"U"[0]: _update,
    b"D"[0]: _delete,
    b"T"[0]: _truncate,
    b"M"[0]: _logical_message,
}
