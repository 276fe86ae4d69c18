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
    """

    def __init__(self, min_events: int, min_seconds: float, max_events: int) -> None:
        self.min_events = min_events
        self.min_seconds = min_seconds
        self.max_events = max(max_events, min_events)
        # Plain tuples of numbers, strings and bytes (kept time, commit LSN, sequence, schema,
        # table, payload): the garbage collector stops tracking them (it never untracks a
        # named tuple), so a full retention adds nothing to its collections.
        self._events: deque[tuple[float, int, int, str, str, bytes]] = deque()
        self.horizon = Position(0, 0)
        self.last: Position | None = None

    def __len__(self) -> int:
        return len(self._events)

    def add(self, event: ChangeEvent) -> bool:
        """Keep ``event``; False when it was seen already (a reader that reconnected resends
        what it had not confirmed)."""
        if self.last is not None and event.position <= self.last:
            return False
        now = time.monotonic()
        position, table = event.position, event.table
        self._events.append(
            (now, position[0], position[1], table.schema, table.name, event.payload_json)
        )
        self.last = event.position
        events = self._events
        while len(events) > self.max_events or (
            len(events) > self.min_events and now - events[0][0] > self.min_seconds
        ):
            dropped = events.popleft()
            self.horizon = Position(dropped[1], dropped[2])
        return True

    def since(self, position: Position) -> tuple[list[Retained], bool, Position | None]:
        """Every retained event after ``position``, oldest first; whether events between are
        no longer known; the oldest position kept."""
        gap = position < self.horizon
        found = [
            Retained(Position(lsn, sequence), schema, name, payload)
            for _, lsn, sequence, schema, name, payload in self._events
            if (lsn, sequence) > position
        ]
        oldest = Position(self._events[0][1], self._events[0][2]) if self._events else None
        return found, gap, oldest


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

    def next_subscription_id(self) -> str:
        return f"s{next(self._sequence)}"

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

    def publish(self, event: ChangeEvent) -> None:
        if not self.retention.add(event):
            return
        for connection in self.connections:
            connection.offer(event)

    def attach(self, connection: Connection) -> None:
        self.connections.add(connection)

    def detach(self, connection: Connection) -> None:
        self.connections.discard(connection)

    def replay(self, subscription: Subscription, since: Position) -> Replay:
        """The retained events after ``since`` that ``subscription`` matches."""
        kept, gap, oldest = self.retention.since(since)
        found = [
            (retained, [subscription.id])
            for retained in kept
            if retained.table == subscription.table
            and subscription.matches_payload(orjson.loads(retained.payload_json))
        ]
        return Replay(found, gap, oldest)

    def replay_to(self, connection: Connection, since: Position) -> Replay:
        """The retained events after ``since`` that ``connection`` takes (its key may see them,
        and its subscriptions match, or it takes everything)."""
        kept, gap, oldest = self.retention.since(since)
        found = [
            (retained, ids)
            for retained in kept
            if (ids := connection.matching_retained(retained)) is not None
        ]
        return Replay(found, gap, oldest)

    def __iter__(self) -> Iterator[Connection]:
        return iter(list(self.connections))
