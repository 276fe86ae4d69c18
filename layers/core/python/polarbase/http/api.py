"""The FastAPI app: health, API keys, the schema routes, and the API docs of all routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from .app import REST_PREFIX
from .docs import docs_router
from .errors import install_error_handlers
from .openapi import finish_document
from .routes import (
    audit_router,
    files_router,
    health_router,
    keys_router,
    static_router,
    tables_router,
    views_router,
)

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
        # The docs routes are ours (http/docs.py): Swagger UI from a package, not a CDN.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=lifespan,
    )
    install_error_handlers(api)
    api.include_router(health_router(runtime))
    api.include_router(keys_router(runtime))
    api.include_router(tables_router(runtime), prefix=REST_PREFIX)
    api.include_router(files_router(runtime), prefix=REST_PREFIX)
    api.include_router(audit_router(runtime), prefix=REST_PREFIX)
    api.include_router(views_router(runtime), prefix=REST_PREFIX)
    if runtime.settings.files_public:
        api.include_router(static_router(runtime))

    def openapi() -> dict[str, Any]:
        """The document of every route, without tables; built once (tables are added per
        request, for the caller's key, by the docs route)."""
        if api.openapi_schema is None:
            schema = get_openapi(
                title=api.title, version=api.version, description=api.description, routes=api.routes
            )
            api.openapi_schema = finish_document(
                schema,
                max_records=runtime.settings.max_page_size,
                max_body_bytes=runtime.settings.max_body_bytes,
            )
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]
    api.include_router(docs_router(runtime, api.openapi, title=api.title))
    return api
