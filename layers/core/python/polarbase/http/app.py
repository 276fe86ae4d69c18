"""The ASGI application: the data app for records, FastAPI for the rest, one runtime behind both."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.types import ASGIApp, Receive, Scope, Send

from .data_app import DataApp
from .edge import EdgeMiddleware
from .errors import install_error_handlers
from .openapi import RECORD_PATHS
from .routes import health_router, keys_router, tables_router

if TYPE_CHECKING:
    from ..runtime import Runtime

__all__ = ["REST_PREFIX", "PolarBaseApp", "create_app"]

REST_PREFIX = "/rest"


class PolarBaseApp:
    """Sends record requests to the data app and everything else (lifespan too) to FastAPI."""

    def __init__(self, api: FastAPI, data: DataApp) -> None:
        self.api = api
        self.data = data

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.data.claims(scope["path"]):
            await self.data(scope, receive, send)
        else:
            await self.api(scope, receive, send)


def create_api(runtime: Runtime, *, manage_runtime: bool) -> FastAPI:
    """The FastAPI app: health, keys, schema routes, and the OpenAPI document of all routes."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if manage_runtime:
            await runtime.start()
        try:
            yield
        finally:
            if manage_runtime:
                await runtime.stop()

    api = FastAPI(
        title="PolarBase",
        version=runtime.settings.version,
        description="REST API of PolarBase: tables, records and API keys over PostgreSQL.",
        openapi_url=f"{REST_PREFIX}/openapi/json",
        docs_url=f"{REST_PREFIX}/openapi",
        redoc_url=None,
        lifespan=lifespan,
    )
    install_error_handlers(api)
    api.include_router(health_router(runtime))
    api.include_router(keys_router(runtime))
    api.include_router(tables_router(runtime), prefix=REST_PREFIX)

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            schema = get_openapi(
                title=api.title, version=api.version, description=api.description, routes=api.routes
            )
            schema["paths"].update(RECORD_PATHS)
            schema.setdefault("components", {})["securitySchemes"] = {
                "ApiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"}
            }
            api.openapi_schema = schema
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]
    return api


def create_app(runtime: Runtime, *, manage_runtime: bool = True) -> ASGIApp:
    """The app for ``runtime``. With ``manage_runtime`` its lifespan starts and stops the runtime.

    Example:
        >>> app = create_app(build_runtime(settings, database_url=url))
        >>> uvicorn.run(app, host="127.0.0.1", port=3000)
    """
    origins = [
        origin.strip() for origin in runtime.settings.cors_origins.split(",") if origin.strip()
    ]
    api = create_api(runtime, manage_runtime=manage_runtime)
    return EdgeMiddleware(PolarBaseApp(api, DataApp(runtime)), origins=origins)
