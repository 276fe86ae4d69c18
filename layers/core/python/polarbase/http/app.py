"""The ASGI application: the data app for records, FastAPI for the rest, one runtime behind both."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import PolarBaseError
from .data_app import DataApp
from .edge import EdgeMiddleware
from .errors import polarbase_error_response

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ..mcp.endpoint import McpEndpoint
    from ..runtime import Runtime
    from .realtime import RealtimeDoor
    from .studio import StudioApp

__all__ = ["REST_PREFIX", "PolarBaseApp", "StartMode", "create_app"]

REST_PREFIX = "/rest"
HEALTH_PATH = "/health"
REALTIME_PATH = "/realtime"
MCP_PATHS = ("/mcp/database", "/mcp/database/")
# Paths that belong to the API; any other GET is the studio's (its files and its screens).
API_PREFIXES = ("/rest", "/api-keys", "/auth/", "/health", "/realtime", "/mcp/", "/static/")


StartMode = Literal["lifespan", "first-request", "caller"]


class PolarBaseApp:
    """Sends record requests to the data app and everything else (lifespan too) to FastAPI.

    FastAPI is imported and built by the first request that needs it: a Lambda execution
    environment whose first request reads or writes records answers it without paying for
    FastAPI (about 140 ms of import and app building, a fifth of a cold start), and one that
    never serves a schema route never pays at all. A server with a lifespan builds it at startup.

    With ``start_runtime`` the runtime is started by the first request (serverless, where
    Mangum runs no lifespan); starting is idempotent, so afterwards this is one attribute read.
    """

    def __init__(self, runtime: Runtime, *, manage_runtime: bool, start_on_request: bool) -> None:
        self.runtime = runtime
        self.manage_runtime = manage_runtime
        self.data = DataApp(runtime)
        self.start_runtime = runtime if start_on_request else None
        # On AWS the studio is on CloudFront: the functions answer the API only.
        self.serves_studio = runtime.settings.mode == "local"
        self._api: FastAPI | None = None
        self._realtime: RealtimeDoor | None = None
        self._mcp: McpEndpoint | None = None
        self._studio: StudioApp | None = None

    @property
    def realtime(self) -> RealtimeDoor:
        if self._realtime is None:
            from .realtime import RealtimeDoor

            settings = self.runtime.settings
            self._realtime = RealtimeDoor(
                self.runtime.realtime,
                settings.realtime_heartbeat_seconds,
                settings.realtime_max_connections,
            )
        return self._realtime

    @property
    def mcp(self) -> McpEndpoint:
        """The MCP endpoint, built (and the SDK imported) by its first request."""
        if self._mcp is None:
            from ..mcp.endpoint import McpEndpoint

            self._mcp = McpEndpoint(self.runtime)
        return self._mcp

    @property
    def studio(self) -> StudioApp:
        if self._studio is None:
            from .studio import StudioApp, default_studio_dir

            self._studio = StudioApp(self.runtime.settings.studio_dir or default_studio_dir())
        return self._studio

    @property
    def api(self) -> FastAPI:
        if self._api is None:
            from .api import create_api

            self._api = create_api(self.runtime, manage_runtime=self.manage_runtime)
        return self._api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        runtime = self.start_runtime
        if runtime is not None and not runtime.started and scope["type"] == "http":
            try:
                await runtime.start()
            except PolarBaseError as error:
                # /health reports what is down itself, with each dependency checked.
                if scope["path"] != HEALTH_PATH:
                    response = polarbase_error_response(error, scope["method"], scope["path"])
                    await response(scope, receive, send)
                    return
        if scope["type"] == "websocket":
            if scope["path"] == REALTIME_PATH:
                await self.realtime.websocket(scope, receive, send)
            else:
                await send({"type": "websocket.close", "code": 1008})
        elif scope["type"] == "http" and self.data.claims(scope["path"]):
            await self.data(scope, receive, send)
        elif (
            scope["type"] == "http" and scope["path"] == REALTIME_PATH and scope["method"] == "GET"
        ):
            await self.realtime.events(scope, receive, send)
        elif scope["type"] == "http" and scope["path"] in MCP_PATHS:
            await self.mcp(scope, receive, send)
        elif (
            scope["type"] == "http"
            and scope["method"] in ("GET", "HEAD")
            and self.serves_studio
            and not scope["path"].startswith(API_PREFIXES)
        ):
            await self.studio(scope, receive, send)
        else:
            await self.api(scope, receive, send)


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
    app = PolarBaseApp(
        runtime, manage_runtime=start == "lifespan", start_on_request=start == "first-request"
    )
    return EdgeMiddleware(app, origins=origins)
