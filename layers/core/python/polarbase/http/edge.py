"""CORS and gzip for the requests that ask for them; every other request goes straight through."""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["EdgeMiddleware"]

GZIP_MINIMUM_BYTES = 2048
_FILE_PATHS = ("/rest/files/", "/static/")


class EdgeMiddleware:
    """Starlette's CORS and gzip middleware, applied only to requests with ``Origin`` or
    ``Accept-Encoding: gzip``.

    Both wrap every response they see even when they change nothing; API clients that send
    neither header (servers, scripts, load tests) skip that cost entirely.
    """

    def __init__(self, app: ASGIApp, *, origins: list[str]) -> None:
        self.app = app
        cors = {
            "allow_origins": origins,
            "allow_methods": ["*"],
            "allow_headers": ["*"],
            "expose_headers": ["Retry-After"],
        }
        self.decorated = CORSMiddleware(
            GZipMiddleware(app, minimum_size=GZIP_MINIMUM_BYTES), **cors
        )
        # Stored files are not compressed again: most are already (images, PDF, archives), and
        # gzip of a 5 MB file costs more than its transfer to a client near by.
        self.cors_only = CORSMiddleware(app, **cors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"origin" or (name == b"accept-encoding" and b"gzip" in value):
                    path: str = scope["path"]
                    if path.startswith(_FILE_PATHS):
                        await self.cors_only(scope, receive, send)
                    else:
                        await self.decorated(scope, receive, send)
                    return
        await self.app(scope, receive, send)
