"""From pgoutput messages to change events: one decoder, fed by the streaming and SQL readers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from ..schema import TableName
from .events import ChangeEvent, Position
from .pgoutput import (
    UNCHANGED,
    Begin,
    Commit,
    Delete,
    Insert,
    Message,
    Relation,
    TupleData,
    Update,
    decode_message,
    row_change_relation,
)
from .values import Decoder, decoder_for

__all__ = ["ChangeDecoder", "KeptChange", "RelationBook", "RelationShape", "ShapeLookup"]

_ACTIONS: dict[type[Insert | Update | Delete], str] = {
    Insert: "insert",
    Update: "update",
    Delete: "delete",
}


@dataclass(frozen=True, slots=True)
class RelationShape:
    """What typing a relation's values needs beyond the relation message: the type each column
    stores (domains and arrays resolved) and the table's primary key."""

    column_types: dict[str, tuple[str, bool]]
    primary_key: tuple[str, ...]


ShapeLookup = Callable[[Relation], Awaitable[RelationShape]]
"""Reads a relation's shape from the database (the readers pass one)."""

KeptChange = tuple[int, int, datetime, bytes]
"""A row change kept as its pgoutput bytes, to be decoded only if a client ever asks for it: the
number of its relation's shape in the stream's ``RelationBook``, its LSN, its commit time and its
bytes. A plain tuple of atoms, which the garbage collector stops tracking."""


@dataclass(frozen=True, slots=True)
class _Relation:
    table: TableName
    oid: int
    replica_identity: str
    names: tuple[str, ...]
    decoders: tuple[Decoder, ...]
    key_columns: tuple[str, ...]


class RelationBook:
    """The relation shapes that kept changes were written in, numbered, so that a change kept
    undecoded names the shape its bytes were written in (a later change to the table's shape
    does not alter how an older change reads). Outlives the stream's reconnections, like the
    events kept with it.

    A shape is held once for each kept change that names it (``hold``) and forgotten when the
    last of them leaves the retention (``release``): a server whose tables come and go (a test
    suite, a tenant per schema) keeps only the shapes its retained changes need.
    """

    def __init__(self) -> None:
        self._shapes: dict[int, _Relation] = {}
        self._numbers: dict[_Relation, int] = {}
        self._holds: dict[int, int] = {}
        self._next = 0

    def __len__(self) -> int:
        return len(self._shapes)

    def number(self, relation: _Relation) -> int:
        number = self._numbers.get(relation)
        if number is None:
            number = self._numbers[relation] = self._next
            self._shapes[number] = relation
            self._next += 1
        return number

    def hold(self, number: int, relation: _Relation) -> None:
        """A kept change names shape ``number`` (``relation``, filed again if it was forgotten
        while a decoder still had its number)."""
        held = self._holds.get(number, 0)
        if held == 0:
            self._shapes[number] = relation
            self._numbers.setdefault(relation, number)
        self._holds[number] = held + 1

    def release(self, kept: KeptChange) -> None:
        """A kept change left the retention (or was never stored): its shape is forgotten once
        no kept change names it."""
        number = kept[0]
        held = self._holds.get(number, 0) - 1
        if held > 0:
            self._holds[number] = held
            return
        self._holds.pop(number, None)
        relation = self._shapes.pop(number, None)
        if relation is not None and self._numbers.get(relation) == number:
            del self._numbers[relation]

    def event(self, position: Position, kept: KeptChange) -> ChangeEvent:
        """The event a kept change makes, as ``ChangeDecoder.feed`` would have made it."""
        number, lsn, commit_time, data = kept
        message = decode_message(data)
        assert isinstance(message, Insert | Update | Delete), "only row changes are kept"
        return _event(self._shapes[number], message, lsn, position, commit_time)

    def payload_json(self, position: Position, kept: KeptChange) -> bytes:
        return self.event(position, kept).payload_json


class ChangeDecoder:
    """Turns a slot's messages into ``ChangeEvent``s, in commit order.

    Stateful like the protocol: a relation message describes the rows that follow it, and a
    begin message gives the commit LSN and time of its transaction's changes. Events are made
    as each change arrives (a slot sends a transaction only once it has committed), so a reader
    can pass them on before the transaction's last message.

    A row change nobody waits for can be kept as its bytes instead (``keep``): decoding is
    most of what capture costs the server, and most kept events are never replayed.

    Example:
        >>> decoder = ChangeDecoder()
        >>> await decoder.feed(decode_message(data), lsn, shapes)
        ChangeEvent(...)
        >>> decoder.table_of(data)
        TableName(schema='public', name='people')
        >>> decoder.keep(data, lsn)
        (Position(...), TableName(...), (0, lsn, commit_time, data))
    """

    def __init__(self, book: RelationBook | None = None) -> None:
        self.book = book if book is not None else RelationBook()
        self._relations: dict[int, _Relation] = {}
        self._numbers: dict[int, int] = {}
        """Each relation's number in ``book``, looked up once per relation message."""
        self._commit_lsn = 0
        self._commit_time: datetime | None = None
        self._sequence = 0
        self.last_commit_end = 0
        """The end LSN of the last whole transaction seen: what a reader may confirm."""

    async def feed(self, message: Message, lsn: int, shapes: ShapeLookup) -> ChangeEvent | None:
        """The event ``message`` makes (None for begin, commit, relation and the rest).
        ``lsn`` is the message's own WAL position."""
        if isinstance(message, Relation):
            self._relations[message.oid] = _relation(message, await shapes(message))
            self._numbers.pop(message.oid, None)  # numbered anew when a change to it is kept
            return None
        if isinstance(message, Begin):
            self._commit_lsn = message.final_lsn
            self._commit_time = message.commit_time
            self._sequence = 0
            return None
        if isinstance(message, Commit):
            self.last_commit_end = message.end_lsn
            return None
        if isinstance(message, Insert | Update | Delete):
            relation = self._current(message.relation_oid)
            self._sequence += 1
            position = Position(self._commit_lsn, self._sequence)
            return _event(relation, message, lsn, position, cast("datetime", self._commit_time))
        return None  # truncate, type, origin and logical messages are not row changes

    def table_of(self, data: bytes) -> TableName | None:
        """The table a row change message is about, read without decoding the row; None for
        other messages, and for a change whose relation has not been described yet."""
        oid = row_change_relation(data)
        relation = self._relations.get(oid) if oid is not None else None
        return relation.table if relation is not None else None

    def keep(self, data: bytes, lsn: int) -> tuple[Position, TableName, KeptChange]:
        """A row change's position and table, and what decoding it later needs
        (``RelationBook.event``), without decoding it now."""
        oid = row_change_relation(data)
        assert oid is not None, "only row changes are kept"
        relation = self._current(oid)
        self._sequence += 1
        number = self._numbers.get(oid)
        if number is None:
            number = self._numbers[oid] = self.book.number(relation)
        self.book.hold(number, relation)
        kept = (number, lsn, cast("datetime", self._commit_time), data)
        return Position(self._commit_lsn, self._sequence), relation.table, kept

    def _current(self, oid: int) -> _Relation:
        relation = self._relations.get(oid)
        if relation is None or self._commit_time is None:
            raise ValueError("pgoutput: a row change before its relation or begin message")
        return relation


def _event(
    relation: _Relation,
    message: Insert | Update | Delete,
    lsn: int,
    position: Position,
    commit_time: datetime,
) -> ChangeEvent:
    new: dict[str, Any] | None = None
    old: dict[str, Any] | None = None
    unchanged: tuple[str, ...] = ()
    if not isinstance(message, Delete):
        new, unchanged = _row(relation, message.new)
    if not isinstance(message, Insert) and message.old is not None:
        old, _ = _row(relation, message.old)
    # The old key when the change gave one (a delete, an update of the key), else the row's.
    before = None if isinstance(message, Insert) else (message.key or message.old)
    key = _key_of(relation, _row(relation, before)[0] if before is not None else new)
    action = _ACTIONS[type(message)]
    return ChangeEvent(
        table=relation.table,
        action=action,
        new=new,
        old=old,
        key=key,
        key_columns=relation.key_columns,
        replica_identity=relation.replica_identity,
        relation_oid=relation.oid,
        lsn=lsn,
        position=position,
        commit_time=commit_time,
        unchanged=unchanged,
    )


def _relation(message: Relation, shape: RelationShape) -> _Relation:
    names = tuple(column.name for column in message.columns)
    key_columns = shape.primary_key or message.key_columns
    if message.replica_identity == "full" and not shape.primary_key:
        key_columns = ()  # FULL marks every column as identity: that is no key
    return _Relation(
        table=TableName(message.schema, message.name),
        oid=message.oid,
        replica_identity=message.replica_identity,
        names=names,
        decoders=tuple(
            decoder_for(*shape.column_types.get(name, ("text", False))) for name in names
        ),
        key_columns=tuple(key_columns),
    )


def _row(relation: _Relation, values: TupleData) -> tuple[dict[str, Any], tuple[str, ...]]:
    row: dict[str, Any] = {}
    unchanged: list[str] = []
    for name, decode, value in zip(relation.names, relation.decoders, values, strict=False):
        if value is UNCHANGED:
            unchanged.append(name)
        elif value is None:
            row[name] = None
        else:
            row[name] = decode(value)
    return row, tuple(unchanged)


def _key_of(relation: _Relation, row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None or not relation.key_columns:
        return None
    return {name: row.get(name) for name in relation.key_columns}
