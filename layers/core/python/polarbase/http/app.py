"""The ASGI application: routes, middleware and error handlers, built around one runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from .errors import install_error_handlers
from .routes import health_router, keys_router, records_router, tables_router

if TYPE_CHECKING:
    from ..runtime import Runtime

__all__ = ["create_app"]

REST_PREFIX = "/rest"


def create_app(runtime: Runtime, *, manage_runtime: bool = True) -> FastAPI:
    """The app for ``runtime``. With ``manage_runtime`` the app's lifespan starts and stops it.

    Example:
        >>> app = create_app(build_runtime(settings, database_url=url))
        >>> uvicorn.run(app, host="127.0.0.1", port=3000)
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if manage_runtime:
            await runtime.start()
        try:
            yield
        finally:
            if manage_runtime:
                await runtime.stop()

    app = FastAPI(
        title="PolarBase",
        version=runtime.settings.version,
        description="REST API of PolarBase: tables, records and API keys over PostgreSQL.",
        openapi_url=f"{REST_PREFIX}/openapi/json",
        docs_url=f"{REST_PREFIX}/openapi",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    install_error_handlers(app)
    origins = [
        origin.strip() for origin in runtime.settings.cors_origins.split(",") if origin.strip()
    ]
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["Retry-After"],
    )
    app.include_router(health_router(runtime))
    app.include_router(keys_router(runtime))
    app.include_router(tables_router(runtime), prefix=REST_PREFIX)
    app.include_router(records_router(runtime), prefix=REST_PREFIX)
    return app
