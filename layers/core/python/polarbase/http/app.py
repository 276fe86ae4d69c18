"""The ASGI application: the data app for records, FastAPI for the rest, one runtime behind both."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Literal

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import PolarBaseError
from .data_app import DataApp
from .edge import EdgeMiddleware
from .errors import install_error_handlers, polarbase_error_response
from .openapi import RECORD_PATHS
from .routes import health_router, keys_router, tables_router

if TYPE_CHECKING:
    from ..runtime import Runtime

__all__ = ["REST_PREFIX", "PolarBaseApp", "StartMode", "create_app"]

REST_PREFIX = "/rest"


StartMode = Literal["lifespan", "first-request", "caller"]


class PolarBaseApp:
    """Sends record requests to the data app and everything else (lifespan too) to FastAPI.

    With ``start_runtime`` the runtime is started by the first request (serverless, where
    Mangum runs no lifespan); starting is idempotent, so afterwards this is one attribute read.
    """

    def __init__(self, api: FastAPI, data: DataApp, start_runtime: Runtime | None) -> None:
        self.api = api
        self.data = data
        self.start_runtime = start_runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        runtime = self.start_runtime
        if runtime is not None and not runtime.started and scope["type"] == "http":
            try:
                await runtime.start()
            except PolarBaseError as error:
                response = polarbase_error_response(error, scope["method"], scope["path"])
                await response(scope, receive, send)
                return
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


def create_app(runtime: Runtime, *, start: StartMode = "lifespan") -> ASGIApp:
    """The app for ``runtime``, which is started by the ASGI lifespan (a server like uvicorn),
    by the first request (Lambda through Mangum, ``lifespan="off"``), or by the caller.

    Example:
        >>> app = create_app(build_runtime(settings, database_url=url))
        >>> uvicorn.run(app, host="127.0.0.1", port=3000)
    """
    origins = [
        origin.strip() for origin in runtime.settings.cors_origins.split(",") if origin.strip()
    ]
    api = create_api(runtime, manage_runtime=start == "lifespan")
    app = PolarBaseApp(api, DataApp(runtime), runtime if start == "first-request" else None)
    return EdgeMiddleware(app, origins=origins)
