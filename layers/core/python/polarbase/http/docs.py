"""The interactive API docs: Swagger UI served from a package (no CDN), and the OpenAPI document.

- ``GET /rest/openapi``: the page. Everything it loads (Swagger UI's files, its script, the
  document) is named by a URL relative to the page, so it works offline and behind a path
  prefix (an API Gateway stage: ``https://host/prod/rest/openapi`` loads
  ``/prod/rest/openapi/json``).
- ``GET /rest/openapi/``: a redirect to the page, since relative URLs need the page's own path.
- ``GET /rest/openapi/json``: the document. Without a key it is public and names no table; with
  a key it adds the tables that key may use, with a schema of their records (as PostgREST's
  document shows the tables of the caller's role). Swagger UI fetches it again with the key the
  user enters under "Authorize".
- ``GET /rest/openapi/assets/<version>/<file>``: Swagger UI's files (from the
  ``swagger-ui-bundle-v2`` package) and the page's script. The version is in the path, so they
  are cached for a year and a new release is fetched at once.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from ..auth import Scope
from ..errors import NotFoundError
from .app import REST_PREFIX
from .openapi import add_tables
from .responses import error_envelope

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from ..runtime import Runtime

__all__ = ["DOCS_PATH", "SwaggerUiAssets", "docs_router"]

DOCS_PATH = f"{REST_PREFIX}/openapi"

_PAGE_SCRIPT = """\
"use strict";
// PolarBase's API docs: Swagger UI on the document at a URL relative to this page.
(function () {
  var root = document.getElementById("swagger-ui");
  var documentUrl = new URL(root.getAttribute("data-openapi-url"), document.baseURI).href;
  var apiKey = null;

  // After "Authorize" (or "Logout"), load the document again with the key (or without it):
  // with a key it also describes the tables that key may use.
  function reload(system) {
    system.specActions.download(documentUrl);
  }
  function reloadWithKey() {
    return {
      statePlugins: {
        auth: {
          wrapActions: {
            authorize: function (original, system) {
              return function (payload) {
                var result = original(payload);
                var entry = payload && payload.ApiKey;
                apiKey = entry && entry.value ? entry.value : null;
                reload(system);
                return result;
              };
            },
            logout: function (original, system) {
              return function (payload) {
                var result = original(payload);
                apiKey = null;
                reload(system);
                return result;
              };
            }
          }
        }
      }
    };
  }

  window.ui = SwaggerUIBundle({
    url: documentUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    plugins: [reloadWithKey],
    requestInterceptor: function (request) {
      if (request.loadSpec && apiKey) {
        request.headers["x-api-key"] = apiKey;
      }
      return request;
    }
  });
})();
"""
_SCRIPT_NAME = "polarbase-docs.js"
_JAVASCRIPT = "text/javascript; charset=utf-8"
# Swagger UI's files the page uses (of the package's dist folder), and their types.
_SWAGGER_UI_FILES = {
    "swagger-ui-bundle.js": _JAVASCRIPT,
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
}
# The page loads nothing but its own server's files, so a browser offline shows it whole; the
# policy makes the browser refuse anything else (and any script a description might smuggle in).
_PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_CACHE_FOREVER = "public, max-age=31536000, immutable"


def _swagger_ui_directory() -> Traversable | None:
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:  # not installed: the docs say so, the API works on
        return None
    return swagger_ui_path


class SwaggerUiAssets:
    """Swagger UI's files and the page's script, read once and kept, under a versioned name.

    ``version`` is Swagger UI's version and a digest of the page's script, so a URL names one
    content forever (and can be cached that long). ``directory`` is None when the
    ``swagger-ui-bundle-v2`` package is missing: the page then answers 503 saying so.

    Example:
        >>> assets = SwaggerUiAssets()
        >>> assets.url("swagger-ui.css")
        'openapi/assets/5.31.0-…/swagger-ui.css'
        >>> assets.read(assets.version, "swagger-ui.css")[1]
        'text/css; charset=utf-8'
    """

    def __init__(self, directory: Traversable | None = None) -> None:
        self.directory = directory if directory is not None else _swagger_ui_directory()
        script_digest = hashlib.sha256(_PAGE_SCRIPT.encode()).hexdigest()[:12]
        release = self.directory.name.removeprefix("swagger-ui-") if self.directory else "none"
        self.version = f"{release}-{script_digest}"
        self._files: dict[str, bytes] = {_SCRIPT_NAME: _PAGE_SCRIPT.encode()}

    @property
    def available(self) -> bool:
        return self.directory is not None

    def url(self, name: str) -> str:
        """``name``'s URL relative to the page (``/rest/openapi``)."""
        return f"openapi/assets/{self.version}/{name}"

    def read(self, version: str, name: str) -> tuple[bytes, str]:
        """The content and type of ``name``; raises NotFoundError for any other file or version."""
        media_type = _JAVASCRIPT if name == _SCRIPT_NAME else _SWAGGER_UI_FILES.get(name)
        if version != self.version or media_type is None or self.directory is None:
            raise NotFoundError(f"no docs asset '{version}/{name}'")
        content = self._files.get(name)
        if content is None:
            content = self._files[name] = (self.directory / name).read_bytes()
        return content, media_type

    def page(self, title: str) -> str:
        """The docs page: Swagger UI on ``openapi/json``, every URL relative to the page."""
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} API</title>
<link rel="stylesheet" href="{self.url("swagger-ui.css")}">
<link rel="icon" type="image/png" sizes="32x32" href="{self.url("favicon-32x32.png")}">
<link rel="icon" type="image/png" sizes="16x16" href="{self.url("favicon-16x16.png")}">
</head>
<body>
<div id="swagger-ui" data-openapi-url="openapi/json"></div>
<noscript>The API docs need JavaScript; the OpenAPI document is at
<a href="openapi/json">openapi/json</a>.</noscript>
<script src="{self.url("swagger-ui-bundle.js")}"></script>
<script src="{self.url(_SCRIPT_NAME)}"></script>
</body>
</html>
"""


def docs_router(
    runtime: Runtime, document: Callable[[], dict[str, Any]], *, title: str
) -> APIRouter:
    """The docs routes; ``document`` gives the document of every route, without tables."""
    router = APIRouter(include_in_schema=False)
    assets = SwaggerUiAssets()
    max_records = runtime.settings.max_page_size

    @router.get(DOCS_PATH)
    async def docs_page() -> Response:
        if not assets.available:
            return error_envelope(
                "the API docs need the swagger-ui-bundle-v2 package, which is not installed",
                503,
                "docs_unavailable",
            )
        return Response(
            assets.page(title),
            media_type="text/html; charset=utf-8",
            headers={
                "Cache-Control": "no-cache",
                "Content-Security-Policy": _PAGE_POLICY,
                "X-Content-Type-Options": "nosniff",
            },
        )

    @router.get(f"{DOCS_PATH}/")
    async def docs_page_with_slash() -> Response:
        # Relative, so that it keeps a path prefix the server does not see.
        return Response(status_code=307, headers={"Location": "../openapi"})

    @router.get(f"{DOCS_PATH}/json")
    async def openapi_document(request: Request) -> Response:
        found = document()
        secret = request.headers.get("x-api-key")
        if secret:
            principal = runtime.auth.authenticate(secret, Scope.REST)
            tables = await runtime.tables.list_tables(principal)
            found = add_tables(found, tables, max_records=max_records)
        return Response(
            orjson.dumps(found),
            media_type="application/json",
            headers={"Cache-Control": "no-cache", "Vary": "x-api-key"},
        )

    @router.get(f"{DOCS_PATH}/assets/{{version}}/{{name}}")
    async def docs_asset(request: Request, version: str, name: str) -> Response:
        content, media_type = assets.read(version, name)
        tag = f'"{assets.version}-{name}"'
        headers = {
            "Cache-Control": _CACHE_FOREVER,
            "ETag": tag,
            "X-Content-Type-Options": "nosniff",
        }
        if request.headers.get("if-none-match") == tag:
            return Response(status_code=304, headers=headers)
        return Response(content, media_type=media_type, headers=headers)

    return router
