"""The two readers of the slot: streamed over the replication protocol, or drained over SQL."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, Protocol, cast

from psycopg import sql

from ..database import Database
from ..query import Statement
from ..schema import TableName
from . import statements
from .capture import ChangeDecoder, KeptChange, RelationBook, RelationShape
from .events import ChangeEvent, Position
from .pgoutput import Relation, decode_message, format_lsn, parse_lsn
from .slot import ChangeSlot

__all__ = ["SESSION_OPTIONS", "ChangeSink", "RelationShapes", "SlotDrain", "SlotStream"]

_log = logging.getLogger("polarbase.realtime")

SESSION_OPTIONS = (
    "-c TimeZone=UTC -c DateStyle=ISO -c IntervalStyle=postgres -c extra_float_digits=1"
)
"""How values are written into the slot's messages: as the REST API's connections see them."""
_IDLE_READ_SECONDS = 0.1
"""While no client is connected, the stream is read this often, in batches, rather than as each
message arrives: a wake-up of the event loop per write was most of what an unwatched stream cost
the REST API (bench/RESULTS.md)."""
_STATUS_INTERVAL = 1.0
"""Seconds between the stream's status messages. PostgreSQL's sender now and then holds a
decoded change until the client's next status (bench/RESULTS.md: 10 s stalls at 10 s, under 1 s
at 1 s), so it is short; a status is a few bytes."""


class RelationShapes:
    """Reads a relation's column types and primary key when its relation message arrives (at
    the start of a stream, and after each change to the table's shape)."""

    def __init__(self, fetch_json: Callable[[Statement], Awaitable[Any]]) -> None:
        self.fetch_json = fetch_json

    async def __call__(self, relation: Relation) -> RelationShape:
        raw = await self.fetch_json(statements.relation_shape(relation.oid))
        return RelationShape(
            column_types={name: (kind[0], bool(kind[1])) for name, kind in raw["columns"].items()},
            primary_key=tuple(raw["primaryKey"]),
        )


class ChangeSink(Protocol):
    """Where a stream hands its events: decoded for the tables someone wants now, kept
    undecoded for the others (``ChangeHub``). ``listening`` says whether any client is
    connected at all; ``on_listening`` is called when the first one connects."""

    @property
    def listening(self) -> bool: ...

    on_listening: Callable[[], None] | None

    def wants(self, table: TableName) -> bool: ...

    def publish(self, event: ChangeEvent) -> None: ...

    def keep(self, position: Position, table: TableName, kept: KeptChange) -> None: ...


class SlotStream:
    """Streams the slot over a replication connection of its own, pushing each event out as
    its message arrives: no polling, so an event follows its commit by about a millisecond.

    psycopg 3 has no replication protocol; psycopg2's ``LogicalReplicationConnection`` does,
    in its asynchronous mode, so the stream runs on the event loop (a reader callback on the
    socket) rather than in a thread. It reconnects after a lost connection, and confirms each
    transaction once its events are handed on, so a restart resumes after the last one.

    A change to a table no client wants at the moment is not decoded, only kept as its bytes
    (decoding is most of what capture costs, and it would be paid on every write whether or not
    anyone listens); the few a resume reaches are decoded then.
    """

    def __init__(
        self,
        conninfo: str,
        slot: ChangeSlot,
        shapes: RelationShapes,
        sink: ChangeSink,
        book: RelationBook | None = None,
    ) -> None:
        self.conninfo = conninfo
        self.slot = slot
        self.shapes = shapes
        self.sink = sink
        self.book = book if book is not None else RelationBook()
        self._readable: asyncio.Event | None = None
        self._drained: list[asyncio.Future[None]] = []
        sink.on_listening = self.wake
        self.connected = asyncio.Event()
        self.error: str | None = None
        self._stopping = False

    async def run(self) -> None:
        """Stream until cancelled, reconnecting after failures (at most every 5 s)."""
        delay = 0.2
        while not self._stopping:
            try:
                await self._stream()
            except asyncio.CancelledError:
                raise
            except Exception as failure:  # the database went away, or the slot did
                self.connected.clear()
                self.error = f"{failure.__class__.__name__}: {failure}".strip()
                _log.warning("realtime stream lost (%s); reconnecting in %.1f s", self.error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                try:
                    await self.slot.ensure()
                except Exception as problem:
                    _log.warning("realtime: cannot prepare the slot yet: %s", problem)
            else:
                delay = 0.2

    async def _stream(self) -> None:
        import psycopg2
        import psycopg2.extras

        connection = psycopg2.connect(
            self.conninfo,
            connection_factory=psycopg2.extras.LogicalReplicationConnection,
            async_=True,
            options=SESSION_OPTIONS,
        )
        try:
            await _settle(connection)
            cursor = connection.cursor()
            cursor.start_replication(
                slot_name=self.slot.slot,
                decode=False,
                options={
                    "proto_version": "1",
                    "publication_names": ",".join(self.slot.publications),
                },
                status_interval=_STATUS_INTERVAL,
            )
            await _settle(connection)
            self.connected.set()
            self.error = None
            _log.info("realtime: streaming slot %s", self.slot.slot)
            await self._read(connection, cursor)
        finally:
            self.connected.clear()
            connection.close()

    def wake(self) -> None:
        """Read the stream now (a client connected: its events must not wait for the next
        batch)."""
        if self._readable is not None:
            self._readable.set()

    async def caught_up(self, timeout: float = 2.0) -> None:
        """Until what the stream holds now has been handed on. A client about to connect while
        the stream reads in batches waits for it, so that changes committed before it came are
        kept for resumes rather than sent to it as live ones. Returns at once when not
        streaming, and after ``timeout`` at most."""
        if self._readable is None:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._drained.append(waiter)
        self._readable.set()
        await asyncio.wait([waiter], timeout=timeout)

    async def _read(self, connection: Any, cursor: Any) -> None:
        """Hand on every message as it comes while a client is connected; without one, read
        what came every ``_IDLE_READ_SECONDS``. The socket stays registered with the loop while
        clients are connected (one epoll registration, not one per wait: the wait is on the
        hot path of every write), and a timer wakes the reader for batches and for psycopg2 to
        send its status."""
        loop = asyncio.get_running_loop()
        readable = self._readable = asyncio.Event()
        fd = connection.fileno()
        registered = False
        ticker = loop.create_task(_tick(readable, _IDLE_READ_SECONDS))
        decoder = ChangeDecoder(self.book)
        sink = self.sink
        confirmed = 0
        try:
            while True:
                message = cursor.read_message()
                if message is None:
                    if self._drained:
                        for waiter in self._drained:
                            if not waiter.done():
                                waiter.set_result(None)
                        self._drained.clear()
                    if sink.listening != registered:
                        registered = sink.listening
                        if registered:
                            loop.add_reader(fd, readable.set)
                            continue  # what arrived before the reader was added
                        loop.remove_reader(fd)
                    # Level-triggered: data that came meanwhile sets it again at once.
                    readable.clear()
                    await readable.wait()
                    continue
                data = message.payload
                table = decoder.table_of(data)
                if table is not None and not sink.wants(table):
                    sink.keep(*decoder.keep(data, message.data_start))
                    continue
                event = await decoder.feed(decode_message(data), message.data_start, self.shapes)
                if event is not None:
                    sink.publish(event)
                elif decoder.last_commit_end != confirmed:
                    confirmed = decoder.last_commit_end
                    cursor.send_feedback(flush_lsn=confirmed)
        finally:
            self._readable = None
            for waiter in self._drained:
                waiter.cancel()
            self._drained.clear()
            ticker.cancel()
            if registered:
                loop.remove_reader(fd)

    def stop(self) -> None:
        self._stopping = True


async def _settle(connection: Any) -> None:
    """Drive an asynchronous psycopg2 connection until its current operation is done."""
    import psycopg2.extensions as extensions

    while True:
        state = connection.poll()
        if state == extensions.POLL_OK:
            return
        ready = await _ready(connection.fileno(), 10.0, write=state == extensions.POLL_WRITE)
        if not ready:
            raise TimeoutError("the database did not answer the replication connection")


async def _ready(fd: int, timeout: float, *, write: bool = False) -> bool:
    """Until ``fd`` is readable (or writable); False after ``timeout`` seconds.

    A future woken by the loop's reader callback or by a timer, not ``asyncio.wait_for``: on
    Python 3.11, ``wait_for`` loses a cancellation that arrives as its future completes, and the
    stream would then never stop.
    """
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[bool] = loop.create_future()
    if write:
        loop.add_writer(fd, _wake, waiter, True)
    else:
        loop.add_reader(fd, _wake, waiter, True)
    timer = loop.call_later(timeout, _wake, waiter, False)
    try:
        return await waiter
    finally:
        timer.cancel()
        if write:
            loop.remove_writer(fd)
        else:
            loop.remove_reader(fd)


async def _tick(readable: asyncio.Event, seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        readable.set()


def _wake(waiter: asyncio.Future[bool], ready: bool) -> None:
    # The reader callback can run again before the waiting task removes it.
    if not waiter.done():
        waiter.set_result(ready)


class SlotDrain:
    """Reads what the slot holds over plain SQL, for a function that runs one invocation.

    The slot is peeked, the events handed to ``handle``, and only then advanced: an
    invocation that fails before its events are handed on leaves them in the slot for the
    next one. Drains are serialised by an advisory lock, so two invocations never hand the same
    events on; one that waited drains what arrived meanwhile.
    """

    def __init__(self, database: Database, slot: ChangeSlot, *, batch: int = 2000) -> None:
        self.database = database
        self.slot = slot
        self.batch = batch

    async def drain(self, handle: Callable[[list[ChangeEvent]], Awaitable[None]]) -> int:
        """Hand every waiting event to ``handle`` in batches; the number of events."""
        total = 0
        while True:
            count, more = await self._batch(handle)
            total += count
            if not more:
                return total

    async def _batch(
        self, handle: Callable[[list[ChangeEvent]], Awaitable[None]]
    ) -> tuple[int, bool]:
        async with self.database.connection() as connection, connection.transaction():
            for option in SESSION_OPTIONS.replace("-c ", "").split():
                await connection.execute("SELECT set_config(%s, %s, true)", option.split("="))
            await connection.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"polarbase:drain:{self.slot.slot}"]
            )
            statement = statements.drain_statement(
                self.slot.slot, self.slot.publications, self.batch
            )
            cursor = await connection.execute(
                cast("sql.Composed", statement.query), statement.params
            )
            rows = await cursor.fetchall()
            if not rows:
                return 0, False
            decoder = ChangeDecoder()
            # The shapes are read on this connection: a function's pool has only this one.
            shapes = RelationShapes(partial(self.database.fetch_json_on, connection))
            events: list[ChangeEvent] = []
            for lsn, data in rows:
                event = await decoder.feed(decode_message(data), parse_lsn(lsn), shapes)
                if event is not None:
                    events.append(event)
            if events:
                await handle(events)
            if decoder.last_commit_end:
                advance = statements.advance_slot(
                    self.slot.slot, format_lsn(decoder.last_commit_end)
                )
                await connection.execute(cast("sql.Composed", advance.query), advance.params)
            return len(events), len(rows) >= self.batch
