"""What realtime needs from the place it runs on AWS: where connections live, where recent
events are kept for resumes, and how a frame reaches a connection. Adapters: ``dynamo.py``
(DynamoDB) and ``push.py`` (the API Gateway management API)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..schema import TableName
from .events import ChangeEvent, Position

__all__ = [
    "ConnectionPoster",
    "ConnectionRegistry",
    "EventLog",
    "LoggedEvent",
    "StoredConnection",
    "StoredSubscription",
]


@dataclass(frozen=True, slots=True)
class StoredSubscription:
    """A subscription as a connection asked for it; its filter is checked again when used."""

    id: str
    table: str
    filter: Any = None
    events: tuple[str, ...] = ("delete", "insert", "update")


@dataclass(frozen=True, slots=True)
class StoredConnection:
    """An API Gateway WebSocket connection: who it is (the key's hash, never the key), when it
    connected, and what it subscribed to (``everything`` until its first subscribe)."""

    id: str
    key_hash: str
    connected_at: float
    everything: bool = True
    subscriptions: tuple[StoredSubscription, ...] = ()


class ConnectionRegistry(Protocol):
    """The open connections and their subscriptions; entries expire on their own after the
    longest life API Gateway gives a connection, so a lost ``$disconnect`` leaves no trace."""

    def add(self, connection: StoredConnection) -> None: ...

    def get(self, connection_id: str) -> StoredConnection | None: ...

    def subscribe(self, connection_id: str, subscription: StoredSubscription) -> None:
        """Add ``subscription``; the connection no longer takes everything."""
        ...

    def unsubscribe(self, connection_id: str, subscription_ids: Sequence[str]) -> None: ...

    def remove(self, connection_id: str) -> None:
        """Forget the connection and its subscriptions (idempotent)."""
        ...

    def connections(self) -> list[StoredConnection]:
        """Every open connection with its subscriptions."""
        ...


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    position: Position
    payload_json: bytes


class EventLog(Protocol):
    """Recent events per table, for connections that resume from a position."""

    def append(self, events: Sequence[ChangeEvent]) -> None:
        """Keep ``events`` (idempotent per position: a retried drain writes them again)."""
        ...

    def after(
        self, table: TableName, since: Position, limit: int
    ) -> tuple[list[LoggedEvent], bool]:
        """The kept events of ``table`` after ``since``, oldest first, at most ``limit``; and
        whether the event at ``since`` itself is still kept (False: some may be gone)."""
        ...


class ConnectionPoster(Protocol):
    """Sends frames to connections, many at once."""

    max_frame_bytes: int
    """The largest frame a connection accepts (128 KB on API Gateway)."""

    def post(self, frames: Sequence[tuple[str, bytes]]) -> list[str]:
        """Send each ``(connection id, frame)``; the ids of connections that are gone (they
        must be forgotten). Other failures are logged, not raised: one bad connection must not
        stop the others. One connection's frames arrive in the order given."""
        ...

    def disconnect(self, connection_ids: Sequence[str]) -> None:
        """Close connections (a revoked key's)."""
        ...
