"""Fan-out in one process: every event to the connections that may see it and asked for it."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from ..auth import Principal
from ..schema import TableName
from .capture import KeptChange
from .events import ChangeEvent, Position, Retained
from .subscriptions import Subscription

__all__ = ["ChangeHub", "Connection", "Replay", "Retention"]

_log = logging.getLogger("polarbase.realtime")
_ids = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Replay:
    """What a client resuming from a position gets: the retained events after it (each with
    the ids of the subscriptions it matches), and whether some events between it and them are
    no longer known (a gap)."""

    events: list[tuple[Retained, list[str]]]
    gap: bool
    oldest: Position | None


class Retention:
    """The last events, kept for clients that reconnect and resume from a position.

    An event is kept while it is among the last ``min_events`` or younger than
    ``min_seconds`` (both, as the protocol promises), and never beyond ``max_events``, which
    bounds memory under a burst. ``horizon`` is the first position this process can vouch
    for: a resume from before it is a gap, because events before it may have gone by while
    nobody kept them.

    An event is kept serialised, or, when no client wanted it as it went by, undecoded (a
    ``KeptChange``): ``expand`` decodes those on the rare resume that reaches them, once each (a
    crowd of clients resuming after a network blip decodes each change once, not once a client).
    """

    def __init__(
        self,
        min_events: int,
        min_seconds: float,
        max_events: int,
        expand: Callable[[Position, KeptChange], bytes] | None = None,
        release: Callable[[KeptChange], None] | None = None,
    ) -> None:
        self.min_events = min_events
        self.min_seconds = min_seconds
        self.max_events = max(max_events, min_events)
        self.expand = expand
        self.release = release
        """Told of each undecoded change that leaves (or never enters): its shape may go."""
        # Plain tuples of numbers, strings, bytes and datetimes (kept time, commit LSN,
        # sequence, schema, table, payload): the garbage collector stops tracking them (it never
        # untracks a named tuple), so a full retention adds nothing to its collections.
        self._events: deque[tuple[float, int, int, str, str, bytes | KeptChange]] = deque()
        # Kept changes a resume decoded, by position as one int: a dict of ints and bytes, which
        # the garbage collector does not track either.
        self._expanded: dict[int, bytes] = {}
        self.horizon = Position(0, 0)
        self.last: Position | None = None

    def __len__(self) -> int:
        return len(self._events)

    def _serialised(self, position: Position, payload: bytes | KeptChange) -> bytes:
        if isinstance(payload, bytes):
            return payload
        number = _number(*position)
        found = self._expanded.get(number)
        if found is None:
            assert self.expand is not None, "undecoded events are kept only with an expand"
            found = self._expanded[number] = self.expand(position, payload)
        return found

    def add(self, event: ChangeEvent) -> bool:
        """Keep ``event``; False when it was seen already (a reader that reconnected resends
        what it had not confirmed)."""
        return self.keep(event.position, event.table, event.payload_json)

    def keep(self, position: Position, table: TableName, payload: bytes | KeptChange) -> bool:
        """Keep an event by its serialised payload or undecoded; False when seen already."""
        if self.last is not None and position <= self.last:
            if self.release is not None and not isinstance(payload, bytes):
                self.release(payload)
            return False
        now = time.monotonic()
        self._events.append((now, position[0], position[1], table.schema, table.name, payload))
        self.last = position
        events = self._events
        while len(events) > self.max_events or (
            len(events) > self.min_events and now - events[0][0] > self.min_seconds
        ):
            dropped = events.popleft()
            self.horizon = Position(dropped[1], dropped[2])
            if self.release is not None and not isinstance(dropped[5], bytes):
                self.release(dropped[5])
            if self._expanded:
                self._expanded.pop(_number(dropped[1], dropped[2]), None)
        return True

    def since(
        self, position: Position, table: Callable[[str, str], bool] | None = None
    ) -> tuple[list[Retained], bool, Position | None]:
        """Every retained event after ``position`` (of the tables ``table`` accepts, by schema
        and name), oldest first; whether events between are no longer known; the oldest
        position kept."""
        gap = position < self.horizon
        found: list[Retained] = []
        for _, lsn, sequence, schema, name, payload in self._events:
            if (lsn, sequence) > position and (table is None or table(schema, name)):
                after = Position(lsn, sequence)
                found.append(Retained(after, schema, name, self._serialised(after, payload)))
        oldest = Position(self._events[0][1], self._events[0][2]) if self._events else None
        return found, gap, oldest


def _number(commit_lsn: int, sequence: int) -> int:
    return (commit_lsn << 32) | sequence


class Connection:
    """One client's socket or stream: its key, its subscriptions, and a queue of frames.

    A connection that has not subscribed yet receives every change its key may see (the
    original's feed); its first ``subscribe`` narrows it to what it subscribes to.
    """

    def __init__(
        self,
        principal: Principal,
        secret: str,
        frame: Callable[[Connection, Position, bytes, list[str]], bytes],
        control: Callable[[str, dict[str, Any]], bytes],
        *,
        queue_limit: int = 10_000,
    ) -> None:
        self.id = f"c{next(_ids)}"
        self.principal = principal
        self.secret = secret
        self.subscriptions: dict[str, Subscription] = {}
        self.everything = True
        self.frame = frame
        self.control = control
        """Frames a control message (``gap``, ``heartbeat``) for this kind of connection."""
        self.queue: asyncio.Queue[bytes] = asyncio.Queue(queue_limit)
        self.last_sent = time.monotonic()
        """When the door last sent this connection something (heartbeats fill silences)."""
        self.closing: str | None = None
        """Why the connection must close (revoked key, too slow); set once, then the door
        closes it."""
        self._closed = asyncio.Event()
        self._sequence = itertools.count(1)
        # The hub that indexes this connection by table, told of each change of subscriptions.
        self.hub: ChangeHub | None = None

    def next_subscription_id(self) -> str:
        return f"s{next(self._sequence)}"

    @property
    def tables(self) -> frozenset[TableName] | None:
        """The tables this connection subscribed to; None while it takes everything."""
        if self.everything:
            return None
        return frozenset(sub.table for sub in self.subscriptions.values())

    def subscribe(self, subscription: Subscription) -> None:
        """Add ``subscription``; the first one narrows the connection to what it asks for."""
        self.subscriptions[subscription.id] = subscription
        self.everything = False
        if self.hub is not None:
            self.hub.reindex(self)

    def unsubscribe(self, ids: list[str]) -> None:
        for sid in ids:
            del self.subscriptions[sid]
        if self.hub is not None:
            self.hub.reindex(self)

    def matching(self, event: ChangeEvent) -> list[str] | None:
        """The ids of the subscriptions ``event`` matches; [] when the connection takes
        everything, None when it does not want the event or may not see it."""
        if not self.principal.may_read(event.table):
            return None
        if self.everything:
            return []
        ids = [sid for sid, sub in self.subscriptions.items() if sub.matches(event)]
        return ids or None

    def offer(self, event: ChangeEvent) -> None:
        ids = self.matching(event)
        if ids is not None:
            self.send(self.frame(self, event.position, event.payload_json, ids))

    def matching_retained(self, retained: Retained) -> list[str] | None:
        """``matching`` for a kept event (its payload decoded to match the filters)."""
        if not self.principal.may_read(retained.table):
            return None
        if self.everything:
            return []
        payload = orjson.loads(retained.payload_json)
        ids = [sid for sid, sub in self.subscriptions.items() if sub.matches_payload(payload)]
        return ids or None

    def send(self, frame: bytes) -> None:
        if self.closing is not None:
            return
        try:
            self.queue.put_nowait(frame)
        except asyncio.QueueFull:
            self.close(f"too slow: more than {self.queue.maxsize} messages waiting")

    def close(self, reason: str) -> None:
        if self.closing is None:
            self.closing = reason
            self._closed.set()

    async def closed(self) -> str:
        await self._closed.wait()
        return self.closing or ""


class ChangeHub:
    """Hands each event to every connection once, and keeps the recent ones for resumes."""

    def __init__(self, retention: Retention) -> None:
        self.retention = retention
        self.connections: set[Connection] = set()
        self.on_listening: Callable[[], None] | None = None
        """Called when the first connection attaches (the stream then reads at once)."""
        # Who may want a change to a table: the connections that take everything, and those
        # subscribed to it. A change is offered to these only, and a change none of them may
        # read is kept undecoded, however many connections watch other tables.
        self._everything: set[Connection] = set()
        self._by_table: dict[TableName, set[Connection]] = {}
        self._indexed: dict[Connection, frozenset[TableName] | None] = {}

    @property
    def listening(self) -> bool:
        """Whether any connection is attached."""
        return bool(self.connections)

    def wants(self, table: TableName) -> bool:
        """Whether any connection may take a change to ``table`` now: a reader decodes only
        such changes, and keeps the others undecoded (``keep``)."""
        return any(
            connection.principal.may_read(table)
            for audience in (self._everything, self._by_table.get(table, ()))
            for connection in audience
        )

    def publish(self, event: ChangeEvent) -> None:
        if not self.retention.add(event):
            return
        for connection in self._everything:
            connection.offer(event)
        for connection in self._by_table.get(event.table, ()):
            connection.offer(event)

    def keep(self, position: Position, table: TableName, kept: KeptChange) -> None:
        """Keep a change no connection wants, undecoded, for resumes."""
        self.retention.keep(position, table, kept)

    def attach(self, connection: Connection) -> None:
        first = not self.connections
        self.connections.add(connection)
        connection.hub = self
        self.reindex(connection)
        if first and self.on_listening is not None:
            self.on_listening()

    def detach(self, connection: Connection) -> None:
        self.connections.discard(connection)
        connection.hub = None
        self._unindex(connection)

    def reindex(self, connection: Connection) -> None:
        """File ``connection`` under the tables it subscribes to now (after a change)."""
        self._unindex(connection)
        tables = connection.tables
        self._indexed[connection] = tables
        if tables is None:
            self._everything.add(connection)
        for table in tables or ():
            self._by_table.setdefault(table, set()).add(connection)

    def _unindex(self, connection: Connection) -> None:
        if connection not in self._indexed:
            return
        tables = self._indexed.pop(connection)
        if tables is None:
            self._everything.discard(connection)
        for table in tables or ():
            audience = self._by_table[table]
            audience.discard(connection)
            if not audience:
                del self._by_table[table]

    def replay(self, subscription: Subscription, since: Position) -> Replay:
        """The retained events after ``since`` that ``subscription`` matches."""
        wanted = subscription.table
        kept, gap, oldest = self.retention.since(
            since, lambda schema, name: schema == wanted.schema and name == wanted.name
        )
        found = [
            (retained, [subscription.id])
            for retained in kept
            if subscription.matches_payload(orjson.loads(retained.payload_json))
        ]
        return Replay(found, gap, oldest)

    def replay_to(self, connection: Connection, since: Position) -> Replay:
        """The retained events after ``since`` that ``connection`` takes (its key may see them,
        and its subscriptions match, or it takes everything)."""
        may_read = connection.principal.may_read
        kept, gap, oldest = self.retention.since(
            since, lambda schema, name: may_read(TableName(schema, name))
        )
        found = [
            (retained, ids)
            for retained in kept
            if (ids := connection.matching_retained(retained)) is not None
        ]
        return Replay(found, gap, oldest)

    def __iter__(self) -> Iterator[Connection]:
        return iter(list(self.connections))
