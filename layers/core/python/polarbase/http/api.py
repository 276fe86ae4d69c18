"""The FastAPI app: health, API keys, the schema routes, and the OpenAPI document of all routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from .app import REST_PREFIX
from .errors import install_error_handlers
from .openapi import RECORD_PATHS
from .routes import health_router, keys_router, tables_router

if TYPE_CHECKING:
    from ..runtime import Runtime

__all__ = ["create_api"]


def create_api(runtime: Runtime, *, manage_runtime: bool) -> FastAPI:
    """The FastAPI app for ``runtime``; with ``manage_runtime`` its lifespan starts and stops it."""

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
