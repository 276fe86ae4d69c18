"""``/mcp/database``: the MCP server over Streamable HTTP, stateless, behind the API key.

The key is checked here, at the HTTP level, before the SDK reads the body: a request without a
valid key is 401 and a key without the ``mcp`` scope 403, in the REST API's error envelope. The
SDK then serves the JSON-RPC message with JSON responses and no session, so any process (a Lambda
invocation, one of several servers) answers any request, for clients of every protocol version
the SDK speaks (the 2025-06-18 and 2025-11-25 handshakes and the stateless 2026-07-28 one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings

from ..auth import Scope
from ..errors import MethodNotAllowedError, PolarBaseError
from ..http.errors import polarbase_error_response
from .server import PRINCIPAL_STATE, build_server

if TYPE_CHECKING:
    from starlette.types import Receive, Send
    from starlette.types import Scope as AsgiScope

    from ..runtime import Runtime

__all__ = ["MCP_PATH", "McpEndpoint"]

MCP_PATH = "/mcp/database"
# The SDK's DNS-rebinding guard checks Host and Origin against a list. It protects servers that
# trust whoever can reach them; this one trusts no request without a key, which a page that
# rebinds a name cannot know. Behind API Gateway or CloudFront, Host is their domain, which the
# guard would refuse.
_SECURITY = TransportSecuritySettings(enable_dns_rebinding_protection=False)


class McpEndpoint:
    """The ASGI app of ``/mcp/database``.

    A fresh stateless session manager serves each request: the SDK's manager runs inside a task
    group that must be entered and left by one task, which a Lambda invocation (Mangum, no
    lifespan) cannot keep open across requests, and a stateless manager holds nothing worth
    keeping. One kept by a server's lifespan would save 0.6 ms a request (bench/RESULTS.md), but
    the lifespan would then import the SDK, a second of a server's start on this machine.
    """

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.server = build_server(runtime)
        self.body_limit = runtime.settings.max_body_bytes

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        headers = dict(scope["headers"])
        try:
            key = headers.get(b"x-api-key")
            principal = self.runtime.auth.authenticate(
                key.decode("latin-1") if key is not None else None, Scope.MCP
            )
            principal.check_door()
            if scope["method"] == "GET":
                # No stream to open: a stateless server sends nothing of its own (the
                # transport's answer for a server without one is 405).
                raise MethodNotAllowedError("GET", ("POST",))
        except PolarBaseError as error:
            response = polarbase_error_response(error, scope["method"], scope["path"])
            await response(scope, receive, send)
            return
        scope = {**scope, "state": {**scope.get("state", {}), PRINCIPAL_STATE: principal}}
        manager = self._new_manager()
        async with manager.run():
            await manager.handle_request(scope, receive, send)

    def _new_manager(self) -> StreamableHTTPSessionManager:
        return StreamableHTTPSessionManager(
            app=self.server,
            json_response=True,
            stateless=True,
            security_settings=_SECURITY,
            max_request_body_size=self.body_limit,
        )
