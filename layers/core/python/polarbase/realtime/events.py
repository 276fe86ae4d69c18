"""A committed row change as realtime clients see it: typed like REST, with a position to resume."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from ..schema import TableName
from .pgoutput import format_lsn
from .values import encode_json

__all__ = ["ChangeEvent", "InvalidPositionError", "Position", "Retained", "matched_row"]

_POSITION_LENGTH = 25


class InvalidPositionError(ValueError):
    """A ``since`` position that is not one PolarBase gave out."""


class Position(NamedTuple):
    """Where an event sits in the stream of committed changes: its transaction's commit LSN,
    then its place in that transaction.

    Transactions reach the slot in commit order, so (commit LSN, sequence) only ever grows; a
    change's own LSN does not (two transactions interleave their changes in the WAL). Shown as
    a fixed-width string, so positions also sort as text (a DynamoDB sort key, a client's max).

    Example:
        >>> Position(0x16B3748, 2).text
        '00000000016B3748-00000002'
        >>> Position.parse('00000000016B3748-00000002') > Position(0x16B3748, 1)
        True
    """

    commit_lsn: int
    sequence: int

    @property
    def text(self) -> str:
        return f"{self.commit_lsn:016X}-{self.sequence:08X}"

    @classmethod
    def parse(cls, text: object) -> Position:
        if not isinstance(text, str) or len(text) != _POSITION_LENGTH or text[16] != "-":
            raise InvalidPositionError(
                "since: not a position PolarBase sent (expected 16 hex digits, '-', 8 hex digits)"
            )
        try:
            return cls(int(text[:16], 16), int(text[17:], 16))
        except ValueError:
            raise InvalidPositionError(
                "since: not a position PolarBase sent (expected 16 hex digits, '-', 8 hex digits)"
            ) from None


def matched_row(
    new: dict[str, Any] | None, old: dict[str, Any] | None, key: dict[str, Any] | None
) -> dict[str, Any]:
    """What a subscription's filter is matched against: the new row, or for a delete what is
    known of the old one (the whole row with replica identity FULL, else its key)."""
    if new is not None:
        return new
    return old if old is not None else (key or {})


class Retained(NamedTuple):
    """What is kept of an event for resumes: its serialised payload, not its decoded rows (a
    sixth of the memory; a replay decodes the few it sends).

    Only strings, integers and bytes, in tuples: Python's garbage collector stops tracking
    such tuples, so a hundred thousand kept events add nothing to its full collections (with
    the table as a ``TableName`` object, each cost the server 57 ms, every few seconds of
    writes).
    """

    position: Position
    schema: str
    name: str
    payload_json: bytes

    @property
    def table(self) -> TableName:
        return TableName(self.schema, self.name)


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """One inserted, updated or deleted row of an exposed table.

    ``new`` is the row after the change (insert, update), ``old`` the row before it when the
    table's replica identity gives it (FULL), ``key`` the changed row's primary key. Values are
    typed as the REST API returns them. An update that left a large (TOASTed) value alone does not
    carry it: the column is missing from ``new`` and named in ``unchanged``.
    """

    table: TableName
    action: str
    new: dict[str, Any] | None
    old: dict[str, Any] | None
    key: dict[str, Any] | None
    key_columns: tuple[str, ...]
    replica_identity: str
    relation_oid: int
    lsn: int
    position: Position
    commit_time: datetime
    unchanged: tuple[str, ...] = ()
    payload_json: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Serialised once, however many clients receive it; copied to its exact size, since
        # orjson's bytes keep a 4 KB buffer and the retention keeps a hundred thousand of them.
        encoded = encode_json(self.payload())
        object.__setattr__(self, "payload_json", memoryview(encoded).tobytes())

    @property
    def row(self) -> dict[str, Any]:
        return matched_row(self.new, self.old, self.key)

    @property
    def retained(self) -> Retained:
        return Retained(self.position, self.table.schema, self.table.name, self.payload_json)

    @property
    def size(self) -> int:
        return len(self.payload_json)

    def payload(self) -> dict[str, Any]:
        """The change as the original's feeds send it (``tag``, ``relation``, ``new``, ``old``,
        ``key``), with PolarBase's own fields beside them."""
        payload: dict[str, Any] = {
            "tag": self.action,
            "action": self.action,
            "schema": self.table.schema,
            "table": self.table.name,
            "relation": {
                "tag": "relation",
                "relationOid": self.relation_oid,
                "schema": self.table.schema,
                "name": self.table.name,
                "replicaIdentity": self.replica_identity,
                "keyColumns": list(self.key_columns),
            },
            "new": self.new,
            "old": self.old,
            "key": self.key,
            "position": self.position.text,
            "lsn": format_lsn(self.lsn),
            "commitTime": _iso(self.commit_time),
        }
        if self.unchanged:
            payload["unchangedColumns"] = list(self.unchanged)
        return payload


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
