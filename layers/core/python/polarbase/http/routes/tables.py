"""Schema routes under /rest/db: tables, columns and indexes.

Each route authenticates first, asks the table service whether the key may make the change
(before a body is read: a key without the rights is refused without its body being read), then
reads and validates its body and query, then calls the service, which checks again. No rule lives
here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from starlette.responses import Response

from ...auth import Principal, Scope
from ...schema import (
    ColumnDefinition,
    IndexDefinition,
    TableDefinition,
    TableUpdate,
    column_document,
    index_document,
    table_document,
)
from ..body import read_model
from ..openapi import query_parameter, request_body
from ..params import bool_param
from ..responses import envelope

if TYPE_CHECKING:
    from ...runtime import Runtime

__all__ = ["tables_router"]


_BOOLEAN = {"type": "boolean", "default": False}


def _query(*parameters: tuple[str, str, dict[str, object]]) -> dict[str, object]:
    """``openapi_extra`` documenting query parameters the route reads itself (after the key)."""
    return {
        "parameters": [
            query_parameter(name, description, schema) for name, description, schema in parameters
        ]
    }


def tables_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["schema"])
    service = runtime.tables
    limit = runtime.settings.max_body_bytes

    def principal(request: Request) -> Principal:
        return runtime.auth.authenticate(request.headers.get("x-api-key"), Scope.REST)

    @router.get(
        "/db/tables",
        summary="List tables",
        openapi_extra=_query(("includeSchema", "Include each table's columns.", _BOOLEAN)),
    )
    async def list_tables(request: Request) -> Response:
        acting = principal(request)
        include_schema = bool_param(request.query_params, "includeSchema")
        tables = await service.list_tables(acting)
        return envelope([table_document(table, include_schema=include_schema) for table in tables])

    @router.post(
        "/db/tables", summary="Create a table", openapi_extra=request_body(TableDefinition)
    )
    async def create_table(request: Request) -> Response:
        acting = principal(request)
        service.check_schema_change(acting)
        definition = await read_model(request, TableDefinition, limit)
        table = await service.create_table(acting, definition)
        return envelope(table_document(table, include_schema=True))

    @router.get("/db/tables/{table}/schema", summary="Columns of a table")
    async def table_schema(request: Request, table: str) -> Response:
        shape = await service.get_table(principal(request), table)
        return envelope([column_document(column) for column in shape.columns])

    @router.get("/db/tables/{table}", summary="One table with its columns")
    async def get_table(request: Request, table: str) -> Response:
        shape = await service.get_table(principal(request), table)
        return envelope(table_document(shape, include_schema=True))

    @router.patch(
        "/db/tables/{table}",
        summary="Rename a table or change its comment or UI name",
        openapi_extra=request_body(TableUpdate),
    )
    async def update_table(request: Request, table: str) -> Response:
        acting = principal(request)
        service.check_schema_change(acting, table)
        update = await read_model(request, TableUpdate, limit)
        return envelope(table_document(await service.update_table(acting, table, update)))

    @router.delete(
        "/db/tables/{table}",
        summary="Drop a table",
        openapi_extra=_query(("cascade", "Drop what depends on the table too.", _BOOLEAN)),
    )
    async def delete_table(request: Request, table: str) -> Response:
        acting = principal(request)
        cascade = bool_param(request.query_params, "cascade")
        await service.delete_table(acting, table, cascade=cascade)
        return envelope(None)

    @router.post(
        "/db/tables/{table}/columns",
        summary="Add a column",
        openapi_extra=request_body(ColumnDefinition),
    )
    async def add_column(request: Request, table: str) -> Response:
        acting = principal(request)
        service.check_schema_change(acting, table)
        definition = await read_model(request, ColumnDefinition, limit)
        return envelope(column_document(await service.add_column(acting, table, definition)))

    @router.put(
        "/db/tables/{table}/columns/{column}",
        summary="Change a column (full definition)",
        openapi_extra={
            **request_body(ColumnDefinition),
            **_query(
                (
                    "allowPresentationSaveOnFailure",
                    "Keep the UI name and format even when the change itself fails.",
                    _BOOLEAN,
                )
            ),
        },
    )
    async def alter_column(request: Request, table: str, column: str) -> Response:
        acting = principal(request)
        service.check_schema_change(acting, table)
        keep_presentation = bool_param(request.query_params, "allowPresentationSaveOnFailure")
        definition = await read_model(request, ColumnDefinition, limit)
        changed = await service.alter_column(
            acting, table, column, definition, save_presentation_on_failure=keep_presentation
        )
        return envelope(column_document(changed))

    @router.delete("/db/tables/{table}/columns/{column}", summary="Drop a column")
    async def drop_column(request: Request, table: str, column: str) -> Response:
        await service.drop_column(principal(request), table, column)
        return envelope(None)

    @router.get(
        "/db/indexes",
        summary="List indexes",
        openapi_extra=_query(("table", "Only the indexes of this table.", {"type": "string"})),
    )
    async def list_indexes(request: Request) -> Response:
        acting = principal(request)
        found = await service.list_indexes(acting, request.query_params.get("table"))
        return envelope([index_document(index) for _, index in found])

    @router.post(
        "/db/indexes", summary="Create an index", openapi_extra=request_body(IndexDefinition)
    )
    async def create_index(request: Request) -> Response:
        acting = principal(request)
        service.check_schema_change(acting)
        definition = await read_model(request, IndexDefinition, limit)
        created = await service.create_index(acting, definition)
        return envelope(created.model_dump())

    @router.delete("/db/indexes/{name}", summary="Drop an index")
    async def drop_index(request: Request, name: str) -> Response:
        await service.drop_index(principal(request), name)
        return envelope(None)

    return router
