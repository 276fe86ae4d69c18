"""The replication slot and publications PolarBase manages for change capture."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, cast

import orjson
import psycopg
from psycopg import sql

from ..database import Database
from ..errors import RealtimeUnavailableError
from ..query import Statement
from . import statements

__all__ = ["ChangeSlot", "SlotStatus"]

_log = logging.getLogger("polarbase.realtime")
_GENERATED_COLUMNS_VERSION = 180000  # publish_generated_columns arrived in PostgreSQL 18


@dataclass(frozen=True, slots=True)
class SlotStatus:
    """How much WAL the slot holds back, and whether a reader is attached to it."""

    active: bool
    retained_bytes: int
    wal_status: str | None
    confirmed_flush: str | None


class ChangeSlot:
    """A logical replication slot (``pgoutput``) and its two publications, kept in step with
    the tables of the exposed schema.

    Tables whose UPDATE and DELETE can be published (a primary key, or a replica identity) go to
    ``<slot>``; the others only publish inserts, through ``<slot>_inserts``: a publication of
    updates makes every UPDATE and DELETE on a table without a replica identity fail, and the
    user's tables must keep working. Nothing is done to the tables themselves.

    Everything here is idempotent and safe to run from several processes at once: each change
    runs under a transaction-scoped advisory lock and re-reads the state inside it.
    """

    def __init__(self, database: Database, schema: str, slot: str) -> None:
        self.database = database
        self.schema = schema
        self.slot = slot

    @property
    def publications(self) -> list[str]:
        return [self.slot, f"{self.slot}_inserts"]

    async def ensure(self) -> None:
        """Create what is missing (publications, their tables, the slot); raises
        RealtimeUnavailableError when the database cannot do logical decoding."""
        if await self._locked(self._ensure):
            await self._run(self._create_slot)

    async def sync_tables(self) -> None:
        """Put tables created or dropped since the last call into the right publication."""
        await self._locked(self._sync_tables)

    async def reset(self) -> bool:
        """Drop the slot and the publications; True when a slot was dropped. The next start
        creates them again, from the WAL position of that moment."""

        async def drop(connection: psycopg.AsyncConnection[Any]) -> bool:
            dropped = await self._text(connection, statements.drop_slot(self.slot))
            for name in self.publications:
                await connection.execute(statements.drop_publication(name))
            return dropped is not None

        return bool(await self._locked(drop))

    async def status(self) -> SlotStatus | None:
        """The slot's state, or None when it does not exist."""
        raw = await self.database.fetch_json(statements.slot_status(self.slot))
        if raw is None:
            return None
        return SlotStatus(
            active=bool(raw["active"]),
            retained_bytes=int(raw["retainedBytes"] or 0),
            wal_status=raw["walStatus"],
            confirmed_flush=raw["confirmedFlush"],
        )

    async def check(self, max_wal_bytes: int) -> None:
        """Raises RealtimeUnavailableError when the slot is missing, or holds back more than
        ``max_wal_bytes`` of WAL: nothing is draining it, and the disk is filling."""
        status = await self.status()
        if status is None:
            raise RealtimeUnavailableError(f"replication slot '{self.slot}' is missing")
        if status.retained_bytes > max_wal_bytes:
            raise RealtimeUnavailableError(
                f"slot '{self.slot}' holds back {status.retained_bytes} bytes of WAL "
                f"(limit {max_wal_bytes}): nothing is reading it"
            )

    async def _locked(self, work: Any) -> Any:
        async def locked(connection: psycopg.AsyncConnection[Any]) -> Any:
            async with connection.transaction():
                await connection.execute(
                    "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"polarbase:{self.slot}"]
                )
                return await work(connection)

        return await self._run(locked)

    async def _run(self, work: Any) -> Any:
        try:
            async with self.database.connection() as connection:
                return await work(connection)
        except psycopg.errors.InsufficientPrivilege as error:
            raise RealtimeUnavailableError(
                f"realtime needs a role that may create publications and replication slots "
                f"(REPLICATION, and ownership of the tables): {error.diag.message_primary}"
            ) from None
        except psycopg.errors.ObjectInUse:
            raise RealtimeUnavailableError(
                f"replication slot '{self.slot}' is in use by a running PolarBase server: "
                "stop it first"
            ) from None
        except (
            psycopg.errors.ObjectNotInPrerequisiteState,
            psycopg.errors.ConfigurationLimitExceeded,
        ) as error:
            raise RealtimeUnavailableError(
                f"realtime cannot capture changes here: {error.diag.message_primary}"
            ) from None

    async def _state(self, connection: psycopg.AsyncConnection[Any]) -> dict[str, Any]:
        text = await self._text(
            connection, statements.slot_state(self.schema, self.slot, self.publications)
        )
        assert text is not None
        state: dict[str, Any] = orjson.loads(text)
        return state

    async def _ensure(self, connection: psycopg.AsyncConnection[Any]) -> bool:
        state = await self._state(connection)
        if state["walLevel"] != "logical":
            raise RealtimeUnavailableError(
                f"realtime needs wal_level = logical (this server has '{state['walLevel']}'): "
                "set it in postgresql.conf or with ALTER SYSTEM, and restart PostgreSQL"
            )
        for name in self.publications:
            if name not in state["publications"]:
                await connection.execute(
                    statements.create_publication(
                        name,
                        inserts_only=name != self.slot,
                        generated_columns=state["version"] >= _GENERATED_COLUMNS_VERSION,
                    )
                )
                _log.info("created publication %s", name)
        await self._sync_tables(connection)
        slot = state["slot"]
        if slot is not None and slot["plugin"] != "pgoutput":
            raise RealtimeUnavailableError(
                f"replication slot '{self.slot}' exists with plugin {slot['plugin']}, not "
                "pgoutput: drop it, or choose another POLARBASE_REALTIME_SLOT"
            )
        return slot is None

    async def _create_slot(self, connection: psycopg.AsyncConnection[Any]) -> None:
        # Its own transaction: a slot cannot be created in one that has written anything.
        try:
            await self._text(connection, statements.create_slot(self.slot))
        except psycopg.errors.DuplicateObject:
            return  # another process made it meanwhile
        _log.info("created replication slot %s", self.slot)

    async def _sync_tables(self, connection: psycopg.AsyncConnection[Any]) -> None:
        state = await self._state(connection)
        text = await self._text(connection, statements.table_identities(self.schema))
        identities: dict[str, bool] = orjson.loads(text or "{}")
        wanted = {
            self.slot: sorted(name for name, full in identities.items() if full),
            f"{self.slot}_inserts": sorted(name for name, full in identities.items() if not full),
        }
        for publication, tables in wanted.items():
            present = set(state["publications"].get(publication, ()))
            # A table moves between the two when it gains or loses its primary key: drop it
            # from the one it left before adding it to the other.
            gone = sorted(present - set(tables))
            if gone:
                await connection.execute(statements.drop_tables(publication, self.schema, gone))
        for publication, tables in wanted.items():
            present = set(state["publications"].get(publication, ()))
            new = [name for name in tables if name not in present]
            if new:
                await connection.execute(statements.add_tables(publication, self.schema, new))
                _log.info("publishing %s through %s", ", ".join(new), publication)

    @staticmethod
    async def _text(connection: psycopg.AsyncConnection[Any], statement: Statement) -> str | None:
        cursor = await connection.execute(
            cast("sql.Composed", statement.query), statement.params or None
        )
        row = await cursor.fetchone()
        return None if row is None else row[0]
