"""Realtime inside ``polarbase serve``: the slot streamed into an in-memory hub."""

from __future__ import annotations

import asyncio
import logging
import time

from ..auth import Authenticator
from ..catalog import Catalog
from ..changes import Change, ChangeAction, ChangeNotifier
from ..config import Settings
from ..database import Database
from ..errors import AuthenticationError, PolarBaseError, RealtimeUnavailableError
from .capture import RelationBook
from .events import Position
from .hub import ChangeHub, Retention
from .pgoutput import parse_lsn
from .readers import RelationShapes, SlotStream
from .slot import ChangeSlot
from .subscriptions import RealtimeService

__all__ = ["LocalRealtime"]

_log = logging.getLogger("polarbase.realtime")
_SHAPE_CHANGES = frozenset(
    {
        ChangeAction.CREATE_TABLE,
        ChangeAction.ALTER_TABLE,
        ChangeAction.DROP_TABLE,
        ChangeAction.ADD_COLUMN,
        ChangeAction.ALTER_COLUMN,
        ChangeAction.DROP_COLUMN,
    }
)
_KEY_CHECK_SECONDS = 2.0
_STOP_SECONDS = 3.0


class LocalRealtime:
    """Captures changes for one process and fans them out to its sockets and streams.

    Started with the runtime; a database that cannot do logical decoding (wal_level, a role
    without REPLICATION) leaves realtime off with the reason in ``/health`` and the log, and
    the REST API serves as usual.
    """

    def __init__(
        self,
        settings: Settings,
        database: Database,
        conninfo: str,
        auth: Authenticator,
        catalog: Catalog,
        changes: ChangeNotifier,
    ) -> None:
        self.settings = settings
        self.auth = auth
        self.slot = ChangeSlot(database, settings.db_schema, settings.realtime_slot)
        book = RelationBook()
        self.hub = ChangeHub(
            Retention(
                settings.realtime_retention_events,
                settings.realtime_retention_seconds,
                settings.realtime_max_retained_events,
                expand=book.payload_json,
                release=book.release,
            )
        )
        self.service = RealtimeService(catalog, settings.db_schema)
        self.stream = SlotStream(
            conninfo, self.slot, RelationShapes(database.fetch_json), self.hub, book
        )
        self.error: str | None = "not started"
        self._tasks: list[asyncio.Task[None]] = []
        changes.listen(self._schema_changed, _SHAPE_CHANGES)

    async def start(self) -> None:
        try:
            await self.slot.ensure()
            status = await self.slot.status()
        except PolarBaseError as problem:
            self.error = problem.message
            _log.warning("realtime is off: %s", problem.message)
            return
        if status is not None and status.confirmed_flush:
            # Events before the slot's confirmed position went by while no one kept them.
            self.hub.retention.horizon = Position(parse_lsn(status.confirmed_flush), 0)
        self.error = None
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self.stream.run()), loop.create_task(self._watch())]

    async def stop(self) -> None:
        self.stream.stop()
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            # Bounded: a task stuck in a library's wait must not hold the server's shutdown.
            _, stuck = await asyncio.wait(self._tasks, timeout=_STOP_SECONDS)
            for task in stuck:
                _log.warning("realtime: %r did not stop within %s s", task, _STOP_SECONDS)
        self._tasks = []
        for connection in self.hub:
            connection.close("server shutting down")

    async def caught_up(self) -> None:
        """Before a connection attaches: while none is attached the slot is read in batches,
        and what it holds must be retained, not sent to the newcomer as live."""
        if not self.hub.listening:
            await self.stream.caught_up()

    async def wait_streaming(self, timeout: float = 10.0) -> None:
        await asyncio.wait_for(self.stream.connected.wait(), timeout)

    async def check(self) -> None:
        """Raises RealtimeUnavailableError when changes are not being captured, or when the
        slot holds back more WAL than ``realtime_max_wal_bytes``."""
        if self.error is not None:
            raise RealtimeUnavailableError(self.error)
        if not self.stream.connected.is_set():
            raise RealtimeUnavailableError(
                f"not streaming the slot: {self.stream.error or 'connecting'}"
            )
        await self.slot.check(self.settings.realtime_max_wal_bytes)

    async def _schema_changed(self, change: Change) -> None:
        if self.error is None:
            await self.slot.sync_tables()

    async def _watch(self) -> None:
        """Closes the sockets of revoked or expired keys, publishes tables created outside the
        API, and warns about a slot that holds back too much WAL."""
        last_sync = last_lag = time.monotonic()
        while True:
            await asyncio.sleep(_KEY_CHECK_SECONDS)
            for connection in self.hub:
                try:
                    self.auth.identify(connection.secret)
                except AuthenticationError as problem:
                    connection.close(problem.message)
            now = time.monotonic()
            try:
                if now - last_sync >= self.settings.schema_ttl_seconds:
                    last_sync = now
                    await self.slot.sync_tables()
                if now - last_lag >= 60:
                    last_lag = now
                    await self.check()
            except PolarBaseError as problem:
                _log.warning("realtime: %s", problem.message)
            except Exception:
                _log.exception("realtime: the periodic check failed")
