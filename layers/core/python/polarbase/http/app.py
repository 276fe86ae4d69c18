"""The ASGI application: routes, middleware and error handlers, built around one runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from .edge import EdgeMiddleware
from .errors import install_error_handlers
from .openapi import RECORD_PATHS
from .routes import health_router, keys_router, record_routes, tables_router

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
    app.add_middleware(EdgeMiddleware, origins=origins)
    app.include_router(health_router(runtime))
    app.include_router(keys_router(runtime))
    app.include_router(tables_router(runtime), prefix=REST_PREFIX)
    # After the schema routes, so /rest/db/tables is never read as a table called "tables".
    app.router.routes.extend(record_routes(runtime))

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schema["paths"].update(RECORD_PATHS)
            schema.setdefault("components", {})["securitySchemes"] = {
                "ApiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"}
            }
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
