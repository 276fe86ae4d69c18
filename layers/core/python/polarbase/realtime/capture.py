"""From pgoutput messages to change events: one decoder, fed by the streaming and SQL readers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
)
from .values import Decoder, decoder_for

__all__ = ["ChangeDecoder", "RelationShape", "ShapeLookup"]

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


@dataclass(frozen=True, slots=True)
class _Relation:
    table: TableName
    oid: int
    replica_identity: str
    names: tuple[str, ...]
    decoders: tuple[Decoder, ...]
    key_columns: tuple[str, ...]


class ChangeDecoder:
    """Turns a slot's messages into ``ChangeEvent``s, in commit order.

    Stateful like the protocol: a relation message describes the rows that follow it, and a
    begin message gives the commit LSN and time of its transaction's changes. Events are made
    as each change arrives (a slot sends a transaction only once it has committed), so a reader
    can pass them on before the transaction's last message.

    Example:
        >>> decoder = ChangeDecoder()
        >>> await decoder.feed(decode_message(data), lsn, shapes)
        [ChangeEvent(...)]
    """

    def __init__(self) -> None:
        self._relations: dict[int, _Relation] = {}
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
            return self._event(message, lsn)
        return None  # truncate, type, origin and logical messages are not row changes

    def _event(self, message: Insert | Update | Delete, lsn: int) -> ChangeEvent:
        relation = self._relations.get(message.relation_oid)
        if relation is None or self._commit_time is None:
            raise ValueError("pgoutput: a row change before its relation or begin message")
        self._sequence += 1
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
            position=Position(self._commit_lsn, self._sequence),
            commit_time=self._commit_time,
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
