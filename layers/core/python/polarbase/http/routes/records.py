"""Records routes under /rest/db/{table}: list, read, create, update, delete, and in bulk."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from ...auth import Scope
from ..body import read_json
from ..responses import envelope_text

if TYPE_CHECKING:
    from ...runtime import Runtime

__all__ = ["records_router"]

_ANY_BODY = {"requestBody": {"content": {"application/json": {"schema": {}}}, "required": True}}


def records_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["records"])
    records = runtime.records
    authorize = runtime.auth.authorize
    limit = runtime.settings.max_body_bytes

    @router.get("/db/{table}", summary="List records")
    async def list_records(
        request: Request,
        table: str,
        fields: str | None = None,
        search: str | None = None,
        filter: str | None = None,
        sort: str | None = None,
        expand: Annotated[list[str] | None, Query()] = None,
        page: int = 1,
        limit: int | None = None,
        after: str | None = None,
        count: Literal["exact", "estimated", "none"] = "exact",
    ) -> Response:
        key = authorize(request.headers.get("x-api-key"), Scope.REST, table=table)
        data = await records.list_records(
            table,
            fields=fields,
            filter_text=filter,
            search=search,
            sort=sort,
            expand=expand or (),
            page=page,
            limit=limit,
            after=after,
            count=count,
            may_use=key.may_use_table,
        )
        return envelope_text(data)

    @router.post(
        "/db/{table}/bulk-create", summary="Create up to 10,000 records", openapi_extra=_ANY_BODY
    )
    async def bulk_create(request: Request, table: str) -> Response:
        authorize(request.headers.get("x-api-key"), Scope.REST, table=table, write=True)
        body = await read_json(request, limit)
        return envelope_text(await records.create_records(table, body, bulk=True))

    @router.patch(
        "/db/{table}/bulk-update",
        summary="Update up to 10,000 records by id",
        openapi_extra=_ANY_BODY,
    )
    async def bulk_update(request: Request, table: str) -> Response:
        authorize(request.headers.get("x-api-key"), Scope.REST, table=table, write=True)
        body = await read_json(request, limit)
        return envelope_text(await records.update_records(table, body))

    @router.post(
        "/db/{table}/bulk-delete",
        summary="Delete up to 10,000 records by id",
        openapi_extra=_ANY_BODY,
    )
    async def bulk_delete(request: Request, table: str) -> Response:
        authorize(request.headers.get("x-api-key"), Scope.REST, table=table, write=True)
        body = await read_json(request, limit)
        ids = body.get("ids") if isinstance(body, dict) else body
        return envelope_text(await records.delete_records(table, ids))

    @router.get("/db/{table}/{record_id}", summary="Get one record")
    async def get_record(
        request: Request,
        table: str,
        record_id: str,
        fields: str | None = None,
        expand: Annotated[list[str] | None, Query()] = None,
    ) -> Response:
        key = authorize(request.headers.get("x-api-key"), Scope.REST, table=table)
        data = await records.get_record(
            table, record_id, fields=fields, expand=expand or (), may_use=key.may_use_table
        )
        return envelope_text(data)

    @router.post("/db/{table}", summary="Create one record", openapi_extra=_ANY_BODY)
    async def create_record(request: Request, table: str) -> Response:
        authorize(request.headers.get("x-api-key"), Scope.REST, table=table, write=True)
        body = await read_json(request, limit)
        return envelope_text(await records.create_records(table, body, bulk=False))

    @router.patch("/db/{table}/{record_id}", summary="Update one record", openapi_extra=_ANY_BODY)
    async def update_record(request: Request, table: str, record_id: str) -> Response:
        authorize(request.headers.get("x-api-key"), Scope.REST, table=table, write=True)
        body = await read_json(request, limit)
        return envelope_text(await records.update_record(table, record_id, body))

    @router.delete("/db/{table}/{record_id}", summary="Delete one record")
    async def delete_record(request: Request, table: str, record_id: str) -> Response:
        authorize(request.headers.get("x-api-key"), Scope.REST, table=table, write=True)
        return envelope_text(await records.delete_record(table, record_id))

    return router
