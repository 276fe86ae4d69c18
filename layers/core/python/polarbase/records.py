"""The record service: list, read, create, update and delete records, one statement per request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
from psycopg import sql

from .changes import ChangeAction
from .errors import (
    InvalidInputError,
    PayloadTooLargeError,
    RecordNotFoundError,
    SchemaChangedError,
    ScopeDeniedError,
    TableNotFoundError,
)
from .query import (
    CountMode,
    ListRequest,
    Params,
    Statement,
    UnfitValueError,
    check_record,
    coerce_value,
    decode_cursor,
    delete_statement,
    expand_requests,
    filter_condition,
    get_statement,
    insert_statement,
    key_condition,
    keys_condition,
    list_statement,
    parse_expand,
    parse_fields,
    parse_filter,
    parse_sort,
    update_by_id_statement,
    update_by_key_statement,
    update_where_statement,
)
from .query.attachments import referenced_keys_statement
from .schema import Column, Table, TableName

if TYPE_CHECKING:
    from .auth import Principal
    from .catalog import Catalog
    from .database import Database
    from .writes import WritePath

__all__ = ["RecordService"]

T = TypeVar("T")

_MAX_PAGE = 2**31 - 1  # the page number travels as a Postgres integer


class RecordService:
    """Records of the exposed schema. Every method returns the response's JSON text, built by
    Postgres in one statement; Python never decodes rows.

    Every method takes the ``Principal`` acting and checks its rights first (scope, schema,
    table allowlist, read-only), whichever door it came through. Writes go through the
    ``WritePath``, which announces them once committed.

    A statement that fails because the table changed underneath the cached shape (a column
    dropped outside PolarBase) reloads the shape and runs once more.
    """

    def __init__(
        self,
        database: Database,
        writes: WritePath,
        catalog: Catalog,
        schema: str,
        max_page_size: int,
    ) -> None:
        self.database = database
        self.writes = writes
        self.catalog = catalog
        self.schema = schema
        self.max_page_size = max_page_size

    async def attachment_keys(self) -> set[str]:
        """Every file key an attachment cell of the exposed schema names: what the files' gc
        must keep. PolarBase's own task, not a caller's: no principal."""
        statement = referenced_keys_statement(await self.catalog.tables(self.schema))
        if statement is None:
            return set()
        return {str(key) for key in await self.database.fetch_json(statement) or []}

    async def _run(
        self,
        ref: TableName,
        build: Callable[[Table], Statement],
        write: tuple[Principal, ChangeAction] | None = None,
    ) -> str | None:
        async def run(table: Table) -> str | None:
            statement = build(table)
            if write is None:
                return await self.database.fetch_text(statement)
            return await self.writes.write_records(statement, *write)

        return await self._on_current_shape(ref, run)

    async def _on_current_shape(self, ref: TableName, run: Callable[[Table], Awaitable[T]]) -> T:
        """``run`` with the table's cached shape; once more with a fresh one when the statement
        failed because the table changed underneath it (a column dropped outside PolarBase)."""
        for attempt in (1, 2):
            table = await self.catalog.table(ref)
            try:
                return await run(table)
            except SchemaChangedError:
                self.catalog.forget(ref)
                if attempt == 2:
                    raise TableNotFoundError(ref.name) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def readable(self, principal: Principal, name: str) -> TableName:
        """The table ``name``, after checking that ``principal`` may read it (403 otherwise).

        Every method checks this itself; a door may call it first, before it reads a body.
        """
        ref = self._ref(name)
        principal.check_read(ref)
        return ref

    def writable(self, principal: Principal, name: str) -> TableName:
        """The table ``name``, after checking that ``principal`` may write it (403 otherwise)."""
        ref = self._ref(name)
        principal.check_write(ref)
        return ref

    def _ref(self, name: str) -> TableName:
        return TableName.named(self.schema, name)

    @staticmethod
    def _key(table: Table) -> Column:
        key = table.key_column
        if key is None:
            raise InvalidInputError(
                f"table '{table.name}' has no single-column primary key to address records by"
            )
        return key

    def _record_id(self, key: Column, record_id: Any) -> Any:
        try:
            value = coerce_value(key, record_id)
        except UnfitValueError as problem:
            raise InvalidInputError(f"record id: {problem}") from None
        if value is None:
            raise InvalidInputError("record id: must not be null")
        return value

    def _check_size(self, count: int, what: str) -> None:
        if count == 0:
            raise InvalidInputError(f"{what}: send at least one record")
        if count > self.max_page_size:
            raise PayloadTooLargeError(
                f"{what}: {count} records is more than the limit of {self.max_page_size}"
            )

    async def list_records(
        self,
        principal: Principal,
        name: str,
        *,
        fields: Sequence[str] | None = None,
        where: Any = None,
        search: str | None = None,
        sort: Sequence[str] | None = None,
        expand: Sequence[str] = (),
        page: int = 1,
        limit: int | None = None,
        after: str | None = None,
        count: CountMode = "exact",
    ) -> str:
        """A page of records: ``fields`` and ``sort`` as lists (``"col:desc"`` or ``"-col"``),
        ``where`` a WhereFilter as a decoded JSON value, ``after`` a cursor of an earlier page.
        """
        ref = self.readable(principal, name)
        if not 1 <= page <= _MAX_PAGE:
            raise InvalidInputError(f"page: must be between 1 and {_MAX_PAGE}")
        if search is not None and "\x00" in search:
            raise InvalidInputError("search: may not contain the NUL character")
        limit = self.max_page_size if limit is None else limit
        if not 1 <= limit <= self.max_page_size:
            raise InvalidInputError(f"limit: must be between 1 and {self.max_page_size}")

        table = await self.catalog.table(ref)
        targets = await self._expansion_targets(table, expand, principal)

        def build(table: Table) -> Statement:
            key = table.key_column  # a table without one is listed, but has no cursors
            if key is None and after:
                raise InvalidInputError(
                    f"after: table '{table.name}' has no single-column primary key, so no "
                    "cursors; use page and limit"
                )
            sort_keys = parse_sort(sort, table, key)
            request = ListRequest(
                table=table,
                key=key,
                fields=parse_fields(fields, table),
                filter=parse_filter(where, table),
                search=search.strip() if search and search.strip() else None,
                sort=sort_keys,
                expand=parse_expand(expand, table, targets),
                page=page,
                limit=limit,
                after=decode_cursor(after, sort_keys) if after else None,
                count=count,
            )
            return list_statement(request)

        result = await self._run(ref, build)
        assert result is not None
        return result

    async def _expansion_targets(
        self, table: Table, expand: Sequence[str], principal: Principal
    ) -> dict[str, Table]:
        """Shapes of the tables ``expand`` reaches, by reference column, that the key may read.

        A reference named explicitly whose table the key may not read is refused (403);
        ``expand=all`` leaves such references unexpanded.
        """
        targets: dict[str, Table] = {}
        for request in expand_requests(expand, table):
            target = request.column.foreign_key.table  # type: ignore[union-attr]
            if not principal.may_read(target):
                if request.explicit:
                    raise ScopeDeniedError(
                        f"access denied: expanding '{request.column.name}' needs table "
                        f"'{target.name}'"
                    )
                continue
            if request.column.name not in targets:
                targets[request.column.name] = await self.catalog.table(target)
        return targets

    async def get_record(
        self,
        principal: Principal,
        name: str,
        record_id: Any,
        *,
        fields: Sequence[str] | None = None,
        expand: Sequence[str] = (),
    ) -> str:
        ref = self.readable(principal, name)
        table = await self.catalog.table(ref)
        targets = await self._expansion_targets(table, expand, principal)

        def build(table: Table) -> Statement:
            key = self._key(table)
            return get_statement(
                table,
                key,
                self._record_id(key, record_id),
                parse_fields(fields, table),
                parse_expand(expand, table, targets),
            )

        result = await self._run(ref, build)
        if result is None:
            raise RecordNotFoundError(name, record_id)
        return result

    async def create_records(
        self, principal: Principal, name: str, records: Any, *, bulk: bool
    ) -> str:
        ref = self.writable(principal, name)
        if bulk:
            if not isinstance(records, list):
                raise InvalidInputError("body: must be a JSON array of records")
            self._check_size(len(records), "body")
        else:
            records = [records]

        def build(table: Table) -> Statement:
            checked = [
                check_record(table, record, f"record {number}: " if bulk else "")
                for number, record in enumerate(records)
            ]
            return insert_statement(table, checked)

        result = await self._run(ref, build, (principal, ChangeAction.INSERT))
        assert result is not None
        return result

    async def update_record(
        self, principal: Principal, name: str, record_id: Any, data: Any
    ) -> str:
        ref = self.writable(principal, name)

        def build(table: Table) -> Statement:
            key = self._key(table)
            changes = self._changes(table, key, data, "")
            return update_by_id_statement(table, key, self._record_id(key, record_id), changes)

        result = await self._run(ref, build, (principal, ChangeAction.UPDATE))
        assert result is not None
        if orjson.loads(result)["updatedCount"] == 0:
            raise RecordNotFoundError(name, record_id)
        return result

    def _changes(self, table: Table, key: Column | None, data: Any, where: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise InvalidInputError(f"{where}data must be a JSON object of column values")
        # As in the original, the key in the body is ignored: records are addressed by the path
        # (or by the filter).
        skipped = key.name if key is not None else None
        changes = check_record(table, {k: v for k, v in data.items() if k != skipped}, where)
        if not changes:
            raise InvalidInputError(f"{where}data: send at least one column to change")
        return changes

    async def update_records(self, principal: Principal, name: str, items: Any) -> str:
        ref = self.writable(principal, name)
        if not isinstance(items, list):
            raise InvalidInputError("body: must be a JSON array of {id, data} objects")
        self._check_size(len(items), "body")

        def build(table: Table) -> Statement:
            key = self._key(table)
            pairs: list[tuple[Any, dict[str, Any]]] = []
            seen: set[Any] = set()
            for number, item in enumerate(items):
                where = f"record {number}: "
                if not isinstance(item, dict) or "id" not in item or "data" not in item:
                    raise InvalidInputError(
                        f'{where}each item must be {{"id": ..., "data": {{...}}}}'
                    )
                record_id = self._record_id(key, item["id"])
                if record_id in seen:
                    raise InvalidInputError(f"{where}id {item['id']!r} appears more than once")
                seen.add(record_id)
                pairs.append((record_id, self._changes(table, key, item["data"], where)))
            return update_by_key_statement(table, key, pairs)

        result = await self._run(ref, build, (principal, ChangeAction.UPDATE))
        assert result is not None
        return result

    async def update_where(
        self, principal: Principal, name: str, updates: Any, *, every_record: bool = False
    ) -> str:
        """Apply each ``{where, data}`` of ``updates`` to the records its WhereFilter matches,
        all in one transaction (the MCP and agent path); ``{updatedCount, returning}``.

        An update without a filter (or with an empty one) changes every record: refused unless
        ``every_record`` (the door asked its caller to confirm).
        """
        ref = self.writable(principal, name)
        if not isinstance(updates, list) or not updates:
            raise InvalidInputError("updates: must be a non-empty list of {where, data} objects")
        self._check_size(len(updates), "updates")

        def build(table: Table) -> list[Statement]:
            statements: list[Statement] = []
            for number, item in enumerate(updates):
                where = f"updates[{number}]: " if len(updates) > 1 else ""
                if not isinstance(item, dict) or "data" not in item:
                    raise InvalidInputError(
                        f'{where}each update must be {{"where": ..., "data": ...}}'
                    )
                node = parse_filter(item.get("where"), table)
                params = Params()
                if node is None and not every_record:
                    raise InvalidInputError(
                        f"{where}where: an update without a filter changes every record"
                    )
                condition = filter_condition(node, params) if node is not None else sql.SQL("TRUE")
                changes = self._changes(table, table.key_column, item["data"], where)
                statements.append(update_where_statement(table, changes, condition, params))
            return statements

        async def run(table: Table) -> list[str]:
            return await self.writes.write_records_together(
                build(table), principal, ChangeAction.UPDATE
            )

        bodies = [orjson.loads(result) for result in await self._on_current_shape(ref, run)]
        return orjson.dumps(
            {
                "updatedCount": sum(body["updatedCount"] for body in bodies),
                "returning": [row for body in bodies for row in body["returning"]],
            }
        ).decode()

    async def aggregate_records(self, principal: Principal, name: str, query: Any) -> str:
        """Groups and aggregates (``{select, where, group, having, order, page, limit}``) as
        ``{rows, pagination}``."""
        from .query.aggregate import aggregate_statement, parse_aggregate

        ref = self.readable(principal, name)

        def build(table: Table) -> Statement:
            return aggregate_statement(parse_aggregate(query, table, max_limit=self.max_page_size))

        result = await self._run(ref, build)
        assert result is not None
        return result

    async def count_records(self, principal: Principal, name: str, where: Any = None) -> int:
        """How many records match ``where`` (every record without one)."""
        body = orjson.loads(
            await self.aggregate_records(
                principal, name, {"select": ["count(*) as count"], "where": where}
            )
        )
        return int(body["rows"][0]["count"])

    async def delete_record(self, principal: Principal, name: str, record_id: Any) -> str:
        ref = self.writable(principal, name)

        def build(table: Table) -> Statement:
            key = self._key(table)
            params = Params()
            return delete_statement(
                table, key_condition(key, self._record_id(key, record_id), params), params
            )

        result = await self._run(ref, build, (principal, ChangeAction.DELETE))
        assert result is not None
        if orjson.loads(result)["deletedCount"] == 0:
            raise RecordNotFoundError(name, record_id)
        return result

    async def delete_records(self, principal: Principal, name: str, ids: Any) -> str:
        """Delete by key; the result lists the keys removed (``deletedIds``)."""
        ref = self.writable(principal, name)
        if not isinstance(ids, list):
            raise InvalidInputError('ids: must be a JSON array, as in {"ids": [1, 2]}')
        self._check_size(len(ids), "ids")

        def build(table: Table) -> Statement:
            key = self._key(table)
            params = Params()
            values = [self._record_id(key, record_id) for record_id in ids]
            return delete_statement(table, keys_condition(key, values, params), params)

        result = await self._run(ref, build, (principal, ChangeAction.DELETE))
        assert result is not None
        return result

    async def delete_where(
        self, principal: Principal, name: str, where: Any, *, every_record: bool = False
    ) -> str:
        """Delete the records a WhereFilter matches; without one (or with an empty one), every
        record, only with ``every_record`` (the door asked its caller to confirm)."""
        ref = self.writable(principal, name)

        def build(table: Table) -> Statement:
            node = parse_filter(where, table)
            if node is None and not every_record:
                raise InvalidInputError("where: a delete without a filter removes every record")
            params = Params()
            condition = filter_condition(node, params) if node is not None else sql.SQL("TRUE")
            return delete_statement(table, condition, params)

        result = await self._run(ref, build, (principal, ChangeAction.DELETE))
        assert result is not None
        return result
