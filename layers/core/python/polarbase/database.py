"""PostgreSQL access: a pool, statements that return one JSON value, error translation."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, cast

import orjson
import psycopg
from psycopg import AsyncConnection, sql
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from .errors import DatabaseUnavailableError, InvalidInputError, translate_database_error
from .query import Statement

if TYPE_CHECKING:
    from .schema import Table

__all__ = ["Database"]

_log = logging.getLogger("polarbase.database")


class Database:
    """A pool of connections to the user's PostgreSQL.

    Every statement runs in autocommit mode unless a ``transaction()`` is open, so a single
    statement is its own transaction: all or nothing. Errors the caller caused come out as
    ``PolarBaseError`` subclasses (by SQLSTATE, see ``errors.translate_database_error``); a lost
    server becomes ``DatabaseUnavailableError`` and the pool replaces the connection.

    No session state is set on connections (no ``SET``, no ``LISTEN``), so a pooler such as
    RDS Proxy never has to pin one.

    Example:
        >>> database = Database("postgresql:///postgres", min_size=1, max_size=4)
        >>> await database.open()
        >>> await database.fetch_text(Statement(sql.SQL("SELECT '1'")))
        '1'
    """

    def __init__(
        self,
        conninfo: str | Callable[[], str],
        *,
        min_size: int = 1,
        max_size: int = 8,
        prepare_threshold: int | None = 5,
        utc: bool = True,
        check_connections: bool = False,
    ) -> None:
        """``conninfo`` may be a function, called when the pool opens (a secret read on AWS).

        ``prepare_threshold=None`` turns server-side prepared statements off, for poolers that
        would pin a connection for them; ``check_connections`` tests a connection before each
        use (a round trip), for long idle periods after which a server or proxy drops them.
        """
        self._conninfo = conninfo
        self._min_size = min_size
        self._max_size = max_size
        self._prepare_threshold = prepare_threshold
        self._utc = utc
        self._check_connections = check_connections
        self._pool: AsyncConnectionPool | None = None
        self._idle_check: asyncio.Task[None] | None = None
        self._opening = asyncio.Lock()

    @property
    def pool(self) -> AsyncConnectionPool:
        if self._pool is None:
            raise DatabaseUnavailableError("the database connection is not open")
        return self._pool

    async def open(self) -> None:
        """Open the pool (idempotent); the first connection is made here, never at import."""
        if self._pool is not None:
            return
        async with self._opening:  # a health check and a request may both find it closed
            if self._pool is None:
                self._pool = await self._open_pool()

    async def _open_pool(self) -> AsyncConnectionPool:
        conninfo = self._conninfo() if callable(self._conninfo) else self._conninfo
        pool = AsyncConnectionPool(
            conninfo,
            min_size=self._min_size,
            max_size=self._max_size,
            open=False,
            timeout=10.0,
            # Give a failing reconnection up after 5 s (the default is 5 min, its backoff
            # doubling to a minute): the next request then connects at once, so the server
            # answers again within seconds of the database coming back from a long outage.
            reconnect_timeout=5.0,
            kwargs={
                "autocommit": True,
                "prepare_threshold": self._prepare_threshold,
                # A startup parameter, not a SET: timestamps in UTC on every connection.
                **({"options": "-c TimeZone=UTC"} if self._utc else {}),
            },
            check=AsyncConnectionPool.check_connection if self._check_connections else None,
            name="polarbase",
        )
        try:
            await pool.open(wait=True, timeout=10.0)
        except (PoolTimeout, psycopg.Error):
            await pool.close()
            _log.warning("cannot connect to the database")
            raise DatabaseUnavailableError("cannot connect to the database; try again") from None
        except BaseException:  # cancelled (a timed-out health check): leave no pool running
            await pool.close()
            raise
        return pool

    async def close(self) -> None:
        if self._idle_check is not None:
            self._idle_check.cancel()
            self._idle_check = None
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection[Any]]:
        try:
            async with self.pool.connection() as connection:
                yield connection
        except PoolTimeout:
            raise DatabaseUnavailableError("the database did not answer in time") from None
        except DatabaseUnavailableError:
            # The broken connection is back in the pool (which drops it); now the idle ones.
            self._check_idle_connections_soon()
            raise

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection[Any]]:
        """A connection inside one transaction: committed on exit, rolled back on any error."""
        async with self.connection() as connection:
            try:
                async with connection.transaction():
                    yield connection
            except psycopg.Error as error:
                raise self._translate(error) from error

    async def fetch_text(self, statement: Statement) -> str | None:
        """Run ``statement``; return the first column of its first row (the JSON body), or None."""
        async with self.connection() as connection:
            return await self.fetch_text_on(connection, statement)

    async def fetch_text_on(
        self, connection: AsyncConnection[Any], statement: Statement
    ) -> str | None:
        try:
            # psycopg runs any Composable (it calls as_bytes); its stubs name SQL and Composed.
            cursor = await connection.execute(
                cast("sql.Composed", statement.query), statement.params or None
            )
            row = await cursor.fetchone()
        except psycopg.Error as error:
            raise self._translate(error, statement.table) from error
        return None if row is None else row[0]

    async def fetch_json_on(self, connection: AsyncConnection[Any], statement: Statement) -> Any:
        text = await self.fetch_text_on(connection, statement)
        return None if text is None else orjson.loads(text)

    async def ping(self) -> None:
        """One round trip (``SELECT 1``), opening the pool first if it is not open; raises
        ``DatabaseUnavailableError``. A pooled connection the server dropped fails once and is
        discarded, so a second try is made on another."""
        await self.open()
        for attempt in (1, 2):
            try:
                async with self.connection() as connection:
                    await connection.execute("SELECT 1")
                return
            except psycopg.Error as error:
                if attempt == 2:
                    raise self._translate(error) from error

    async def server_version(self) -> int:
        """PostgreSQL's version number (180000 for 18.0), for features that need a release."""
        async with self.connection() as connection:
            return connection.info.server_version

    async def fetch_json(self, statement: Statement) -> Any:
        """Like ``fetch_text``, decoded: for catalog reads, never for response bodies."""
        text = await self.fetch_text(statement)
        return None if text is None else orjson.loads(text)

    async def execute_on(
        self, connection: AsyncConnection[Any], statements: Sequence[sql.Composable]
    ) -> None:
        for query in statements:
            try:
                await connection.execute(cast("sql.Composed", query), prepare=False)
            except psycopg.Error as error:
                raise self._translate(error) from error

    @staticmethod
    def _translate(error: psycopg.Error, shape: Table | None = None) -> Exception:
        translated = translate_database_error(error, shape)
        if translated is not None:
            return translated
        if isinstance(error, psycopg.DataError) and not error.sqlstate:
            # Refused by the driver before reaching the server (a NUL in a text value, say).
            return InvalidInputError(f"a value cannot be sent to the database: {error}")
        if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
            _log.warning("database unavailable: %s", error.__class__.__name__)
            return DatabaseUnavailableError("the database is unavailable; try again")
        return error

    def _check_idle_connections_soon(self) -> None:
        """Test the idle connections in the background, one check at a time.

        A connection lost to a stopped or restarted server means the idle ones are most likely
        dead too; with no check before use (the local pool's default, for speed) each would
        fail one more request before the pool replaced it. ``AsyncConnectionPool.check()``
        drops the dead ones at once and reconnects, so the server answers again as soon as the
        database is back; the hot path pays nothing.
        """
        if self._pool is None or (self._idle_check is not None and not self._idle_check.done()):
            return
        self._idle_check = asyncio.get_running_loop().create_task(self._pool.check())
        self._idle_check.add_done_callback(_log_failed_check)


def _log_failed_check(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        _log.warning("checking the idle connections failed: %r", task.exception())
