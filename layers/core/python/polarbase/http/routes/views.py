"""``/rest/views``: the saved views of tables (the studio's layouts), for any client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from ...auth import Principal, Scope
from ...errors import InvalidInputError, NotFoundError
from ...query import parse_integer_text
from ..body import read_json
from ..openapi import query_parameter
from ..params import content_length
from ..responses import envelope

if TYPE_CHECKING:
    from ...runtime import Runtime

__all__ = ["views_router"]

_VIEW_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "table": {"type": "string"},
                        "name": {"type": "string", "maxLength": 100},
                        "type": {"enum": ["grid", "calendar", "map", "timeline"]},
                        "config": {"type": "object", "description": "The client's own settings."},
                    },
                    "additionalProperties": False,
                }
            }
        },
    }
}


def views_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["views"])
    service = runtime.views
    limit = runtime.settings.max_body_bytes

    def principal(request: Request) -> Principal:
        return runtime.auth.authenticate(request.headers.get("x-api-key"), Scope.REST)

    async def body(request: Request) -> Any:
        return await read_json(
            request.receive, content_length(request.headers.get("content-length")), limit
        )

    def view_id(raw: str) -> int:
        value = parse_integer_text(raw)
        if value is None or not 0 < value < 2**63:
            raise NotFoundError(f"view {raw[:40]} not found")
        return value

    @router.get(
        "/views",
        summary="The saved views of a table",
        openapi_extra={
            "parameters": [query_parameter("table", "The table's name.", {"type": "string"})]
        },
    )
    async def list_views(request: Request) -> Response:
        acting = principal(request)
        table = request.query_params.get("table")
        if not table:
            raise InvalidInputError("table: is required (?table=<name>)")
        return envelope(await service.list_views(acting, table))

    @router.post("/views", summary="Save a view of a table", openapi_extra=_VIEW_BODY)
    async def create_view(request: Request) -> Response:
        acting = principal(request)
        return envelope(await service.create_view(acting, await body(request)))

    @router.get("/views/{view}", summary="One saved view")
    async def get_view(request: Request, view: str) -> Response:
        return envelope(await service.get_view(principal(request), view_id(view)))

    @router.patch(
        "/views/{view}", summary="Rename a view or change its settings", openapi_extra=_VIEW_BODY
    )
    async def update_view(request: Request, view: str) -> Response:
        acting = principal(request)
        number = view_id(view)
        return envelope(await service.update_view(acting, number, await body(request)))

    @router.post(
        "/views/{view}/open",
        summary="Note that a view was opened",
        description=(
            "Sets the view's `openedAt`: a client (the studio) comes back to the view opened "
            "last, on any machine. Any key that may read the table may."
        ),
    )
    async def open_view(request: Request, view: str) -> Response:
        return envelope(await service.open_view(principal(request), view_id(view)))

    @router.delete("/views/{view}", summary="Delete a view")
    async def delete_view(request: Request, view: str) -> Response:
        await service.delete_view(principal(request), view_id(view))
        return envelope(None)

    return router
