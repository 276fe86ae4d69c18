"""WebSocket clients of ``/realtime``: connect, subscribe to a table, time each event's arrival."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

__all__ = [
    "Arrivals",
    "Subscriber",
    "arrivals_handler",
    "close_all",
    "open_many",
    "open_subscriber",
    "realtime_url",
]

_OPEN_TIMEOUT = 30.0


@dataclass
class Arrivals:
    """When (``time.perf_counter()``) each value of a column reached a subscriber, and waiters
    for values still to come. Values are matched in the event's ``new`` row."""

    column: str
    times: dict[Any, float] = field(default_factory=dict)
    _waiters: dict[Any, asyncio.Future[float]] = field(default_factory=dict)

    def record(self, value: Any, moment: float) -> None:
        self.times.setdefault(value, moment)
        waiter = self._waiters.pop(value, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(self.times[value])

    async def wait(self, value: Any, timeout: float = 60.0) -> float:
        """The moment ``value`` arrived (at once when it already has)."""
        if value in self.times:
            return self.times[value]
        waiter = asyncio.get_running_loop().create_future()
        self._waiters[value] = waiter
        try:
            return await asyncio.wait_for(waiter, timeout)
        finally:
            self._waiters.pop(value, None)


@dataclass
class Subscriber:
    """One subscribed socket and the task that hands its change events on."""

    socket: ClientConnection
    reader: asyncio.Task[None]


def realtime_url(base_url: str, key: str) -> str:
    return base_url.replace("http://", "ws://", 1) + f"/realtime?x-api-key={key}"


async def _expect(socket: ClientConnection, kind: str) -> dict[str, Any]:
    frame: dict[str, Any] = orjson.loads(await socket.recv())
    if frame.get("type") != kind:
        raise RuntimeError(f"realtime: expected {kind!r}, got {frame}")
    return frame


async def _read(
    socket: ClientConnection, on_event: Callable[[dict[str, Any], float], None]
) -> None:
    """Hand every change event to ``on_event`` with the moment its frame was received (taken
    before decoding it); heartbeats and replies are skipped."""
    with contextlib.suppress(ConnectionClosed):
        async for message in socket:
            moment = time.perf_counter()
            frame = orjson.loads(message)
            data = frame.get("data")
            if isinstance(data, dict) and data.get("event") == "db_change":
                on_event(data["payload"], moment)


def arrivals_handler(arrivals: Arrivals) -> Callable[[dict[str, Any], float], None]:
    """An ``on_event`` that records the value of ``arrivals.column`` in each inserted row."""

    def on_event(payload: dict[str, Any], moment: float) -> None:
        new = payload.get("new") or {}
        if arrivals.column in new:
            arrivals.record(new[arrivals.column], moment)

    return on_event


async def open_subscriber(
    url: str, table: str, on_event: Callable[[dict[str, Any], float], None]
) -> Subscriber:
    """A socket past ``connected`` and ``subscribed`` to ``table``, its reader running."""
    socket = await connect(
        url, open_timeout=_OPEN_TIMEOUT, ping_interval=None, max_queue=None, compression=None
    )
    try:
        await _expect(socket, "connected")
        await socket.send(orjson.dumps({"type": "subscribe", "table": table}).decode())
        await _expect(socket, "subscribed")
    except BaseException:
        await socket.close()
        raise
    return Subscriber(socket, asyncio.create_task(_read(socket, on_event)))


async def open_many(
    url: str,
    table: str,
    count: int,
    on_event: Callable[[int], Callable[[dict[str, Any], float], None]],
    batch: int = 50,
) -> list[Subscriber]:
    """``count`` subscribers, ``batch`` handshakes at a time; ``on_event(i)`` makes the i-th's
    handler."""
    subscribers: list[Subscriber] = []
    try:
        for start in range(0, count, batch):
            indexes = range(start, min(start + batch, count))
            subscribers += await asyncio.gather(
                *(open_subscriber(url, table, on_event(index)) for index in indexes)
            )
    except BaseException:
        await close_all(subscribers)
        raise
    return subscribers


async def close_all(subscribers: list[Subscriber], batch: int = 200) -> None:
    for start in range(0, len(subscribers), batch):
        await asyncio.gather(
            *(_close(subscriber) for subscriber in subscribers[start : start + batch])
        )


async def _close(subscriber: Subscriber) -> None:
    subscriber.reader.cancel()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(subscriber.socket.close(), 5)
