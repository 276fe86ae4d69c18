"""The studio at ``/``: the built web UI's files, and its page for every path of the app.

The UI is a single-page app: a path like ``/tables/people`` is one of its screens, not a file, so
a path without an extension that names no file answers its ``index.html``. Until the build
exists (``make serve`` builds it in the background on a first start), ``/`` answers a page that
says so and reloads itself, while the API already serves.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.staticfiles import StaticFiles

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

__all__ = ["StudioApp", "default_studio_dir"]

_BUILDING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
<title>PolarBase studio</title></head>
<body style="font-family: system-ui, sans-serif; margin: 4rem auto; max-width: 36rem">
<h1>PolarBase</h1>
<p>The studio is being built; this page reloads by itself when it is ready.</p>
<p>The API is up meanwhile: <a href="/rest/openapi">API docs</a>, <a href="/health">health</a>.</p>
</body></html>
"""
# Hashed file names (Vite's assets/) never change content: cache them for a year. index.html
# must be fetched again, or a new build would never reach a browser.
_IMMUTABLE = "public, max-age=31536000, immutable"


def default_studio_dir() -> Path:
    """``static_site/dist`` of the source checkout this package runs from."""
    return Path(__file__).resolve().parents[5] / "static_site" / "dist"


class _SinglePageFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except HTTPException as error:
            # A missing file (``/config.json`` where no deployment wrote one) is a 404; a path
            # without an extension is one of the app's screens.
            if error.status_code != 404 or PurePosixPath(path).suffix:
                return PlainTextResponse(str(error.detail), status_code=error.status_code)
            response = await super().get_response("index.html", scope)
            response.headers["cache-control"] = "no-cache"
            return response
        if path.startswith("assets/"):
            response.headers["cache-control"] = _IMMUTABLE
        else:
            response.headers["cache-control"] = "no-cache"
        return response


class StudioApp:
    """Serves ``directory`` (a Vite build) once it holds an ``index.html``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._files: _SinglePageFiles | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._files is None:
            if not (self.directory / "index.html").is_file():
                await HTMLResponse(_BUILDING, headers={"cache-control": "no-store"})(
                    scope, receive, send
                )
                return
            self._files = _SinglePageFiles(directory=self.directory)
        await self._files(scope, receive, send)
