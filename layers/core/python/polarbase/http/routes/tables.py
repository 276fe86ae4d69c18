"""Schema routes under /rest/db: tables, columns and indexes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from starlette.responses import Response

from ...auth import ApiKey, Scope
from ...errors import ScopeDeniedError
from ...schema import (
    ColumnDefinition,
    IndexDefinition,
    TableDefinition,
    TableUpdate,
    column_document,
    index_document,
    table_document,
)
from ..responses import envelope

if TYPE_CHECKING:
    from ...runtime import Runtime

__all__ = ["tables_router"]


def tables_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["schema"])
    service = runtime.tables

    def authorize(request: Request, table: str | None = None, *, write: bool = False) -> ApiKey:
        return runtime.auth.authorize(
            request.headers.get("x-api-key"), Scope.REST, table=table, write=write
        )

    def require_schema_rights(key: ApiKey) -> None:
        # Changing the schema is not for keys limited to some tables: it affects every table.
        if key.tables is not None:
            raise ScopeDeniedError(
                "access denied: a key limited to some tables cannot change the schema"
            )

    @router.get("/db/tables", summary="List tables")
    async def list_tables(request: Request, includeSchema: bool = False) -> Response:
        key = authorize(request)
        tables = [table for table in await service.list_tables() if key.may_use_table(table.name)]
        return envelope([table_document(table, include_schema=includeSchema) for table in tables])

    @router.post("/db/tables", summary="Create a table")
    async def create_table(request: Request, definition: TableDefinition) -> Response:
        require_schema_rights(authorize(request, write=True))
        table = await service.create_table(definition)
        return envelope(table_document(table, include_schema=True))

    @router.get("/db/tables/{table}/schema", summary="Columns of a table")
    async def table_schema(request: Request, table: str) -> Response:
        authorize(request, table)
        shape = await service.get_table(table)
        return envelope([column_document(column) for column in shape.columns])

    @router.get("/db/tables/{table}", summary="One table with its columns")
    async def get_table(request: Request, table: str) -> Response:
        authorize(request, table)
        return envelope(table_document(await service.get_table(table), include_schema=True))

    @router.patch("/db/tables/{table}", summary="Rename a table or change its comment or UI name")
    async def update_table(request: Request, table: str, update: TableUpdate) -> Response:
        require_schema_rights(authorize(request, table, write=True))
        return envelope(table_document(await service.update_table(table, update)))

    @router.delete("/db/tables/{table}", summary="Drop a table")
    async def delete_table(request: Request, table: str, cascade: bool = False) -> Response:
        require_schema_rights(authorize(request, table, write=True))
        await service.delete_table(table, cascade=cascade)
        return envelope(None)

    @router.post("/db/tables/{table}/columns", summary="Add a column")
    async def add_column(request: Request, table: str, definition: ColumnDefinition) -> Response:
        require_schema_rights(authorize(request, table, write=True))
        return envelope(column_document(await service.add_column(table, definition)))

    @router.put("/db/tables/{table}/columns/{column}", summary="Change a column (full definition)")
    async def alter_column(
        request: Request,
        table: str,
        column: str,
        definition: ColumnDefinition,
        allowPresentationSaveOnFailure: bool = False,
    ) -> Response:
        require_schema_rights(authorize(request, table, write=True))
        changed = await service.alter_column(
            table, column, definition, save_presentation_on_failure=allowPresentationSaveOnFailure
        )
        return envelope(column_document(changed))

    @router.delete("/db/tables/{table}/columns/{column}", summary="Drop a column")
    async def drop_column(request: Request, table: str, column: str) -> Response:
        require_schema_rights(authorize(request, table, write=True))
        await service.drop_column(table, column)
        return envelope(None)

    @router.get("/db/indexes", summary="List indexes")
    async def list_indexes(request: Request, table: str | None = None) -> Response:
        key = authorize(request, table)
        found = await service.list_indexes(table)
        return envelope(
            [index_document(index) for owner, index in found if key.may_use_table(owner.name)]
        )

    @router.post("/db/indexes", summary="Create an index")
    async def create_index(request: Request, definition: IndexDefinition) -> Response:
        require_schema_rights(authorize(request, definition.tableName, write=True))
        created = await service.create_index(definition)
        return envelope(created.model_dump())

    @router.delete("/db/indexes/{name}", summary="Drop an index")
    async def drop_index(request: Request, name: str) -> Response:
        require_schema_rights(authorize(request, write=True))
        await service.drop_index(name)
        return envelope(None)

    return router
