"""The records routes under /rest/db/{table} as a bare ASGI app: the hot path.

Routing here is two string splits, and a request costs what the service costs: measured on GET
one, FastAPI's per-request machinery took 675 µs of server CPU, the same handler as a Starlette
route behind FastAPI's router and middleware 383 µs. Everything else (schema, keys, docs) is
FastAPI; ``PolarBaseApp`` sends each request to one or the other. Errors become the same
envelope through the same functions as in the FastAPI app; the OpenAPI description of these
routes is in ``http/openapi_records.py``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.datastructures import QueryParams
from starlette.types import Receive, Scope, Send

from ..auth import Principal
from ..auth import Scope as KeyScope
from ..errors import MethodNotAllowedError, NotFoundError, PolarBaseError
from ..tables import RESERVED_TABLE_NAMES
from .body import read_json
from .errors import polarbase_error_response, unexpected_error_response
from .memory import LARGE_BODY_BYTES, release_memory
from .params import choice_param, content_length, int_param, json_param, list_param
from .responses import envelope_text

if TYPE_CHECKING:
    from ..runtime import Runtime

__all__ = ["DATA_PREFIX", "RESERVED_SEGMENTS", "DataApp"]

DATA_PREFIX = "/rest/db/"
# Segments under /rest/db that belong to the schema routes, not to a table.
RESERVED_SEGMENTS = RESERVED_TABLE_NAMES
_BULK_METHODS = {
    "bulk-create": "POST",
    "bulk-update": "PATCH",
    "bulk-delete": "POST",
    "aggregate": "POST",
}
_COUNT_MODES = ("exact", "estimated", "none")


class _Call:
    """One parsed request: method, table, the rest of the path, key, query and body access."""

    __slots__ = ("api_key", "content_length", "method", "query", "receive", "rest", "table")

    def __init__(self, scope: Scope, receive: Receive) -> None:
        self.method: str = scope["method"]
        table, _, self.rest = scope["path"][len(DATA_PREFIX) :].partition("/")
        self.table = table
        self.api_key: str | None = None
        self.content_length: int | None = None
        for name, value in scope["headers"]:
            if name == b"x-api-key":
                self.api_key = value.decode("latin-1")
            elif name == b"content-length":
                self.content_length = content_length(value.decode("latin-1"))
        self.query = QueryParams(scope["query_string"])
        self.receive = receive


Handler = Callable[[_Call], Awaitable[str]]


class DataApp:
    """ASGI app for ``/rest/db/{table}``, ``/rest/db/{table}/{id}`` and the bulk routes."""

    def __init__(self, runtime: Runtime) -> None:
        self.records = runtime.records
        self.authenticate = runtime.auth.authenticate
        self.body_limit = runtime.settings.max_body_bytes

    @staticmethod
    def claims(path: str) -> bool:
        """True for paths this app serves: under /rest/db/, not a schema route."""
        if not path.startswith(DATA_PREFIX):
            return False
        first = path[len(DATA_PREFIX) :].partition("/")[0]
        return first != "" and first not in RESERVED_SEGMENTS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        call = _Call(scope, receive)
        try:
            response = envelope_text(await self._route(call)(call))
        except PolarBaseError as error:
            response = polarbase_error_response(error, call.method, scope["path"])
        except Exception as error:  # the one broad catch: a bug, answered as a 500 envelope
            response = unexpected_error_response(error, call.method, scope["path"])
        await response(scope, receive, send)
        if len(response.body) > LARGE_BODY_BYTES or (call.content_length or 0) > LARGE_BODY_BYTES:
            release_memory()

    def _route(self, call: _Call) -> Handler:
        method, rest = call.method, call.rest
        if rest == "":
            if method == "GET":
                return self._list
            if method == "POST":
                return self._create
            raise MethodNotAllowedError(method, ("GET", "POST"))
        if "/" in rest:
            raise NotFoundError(f"no route for {method} {DATA_PREFIX}{call.table}/{rest}")
        if _BULK_METHODS.get(rest) == method:
            return {
                "bulk-create": self._bulk_create,
                "bulk-update": self._bulk_update,
                "bulk-delete": self._bulk_delete,
                "aggregate": self._aggregate,
            }[rest]
        if method == "GET":
            return self._get
        if method == "PATCH":
            return self._update
        if method == "DELETE":
            return self._delete
        raise MethodNotAllowedError(method, ("GET", "PATCH", "DELETE"))

    def _principal(self, call: _Call) -> Principal:
        return self.authenticate(call.api_key, KeyScope.REST)

    async def _body(self, call: _Call) -> Any:
        return await read_json(call.receive, call.content_length, self.body_limit)

    async def _list(self, call: _Call) -> str:
        principal = self._principal(call)
        query = call.query
        return await self.records.list_records(
            principal,
            call.table,
            fields=list_param(query, "fields"),
            where=json_param(query, "filter"),
            search=query.get("search"),
            sort=list_param(query, "sort"),
            expand=query.getlist("expand"),
            page=int_param(query, "page", 1) or 0,
            limit=int_param(query, "limit", None),
            after=query.get("after"),
            count=choice_param(query, "count", _COUNT_MODES, "exact"),
        )

    async def _get(self, call: _Call) -> str:
        principal = self._principal(call)
        return await self.records.get_record(
            principal,
            call.table,
            call.rest,
            fields=list_param(call.query, "fields"),
            expand=call.query.getlist("expand"),
        )

    async def _writer_and_body(self, call: _Call) -> tuple[Principal, Any]:
        """The caller, checked for write rights on the table before its body is read: a key
        that may not write is refused without the server reading what it sent."""
        principal = self._principal(call)
        self.records.writable(principal, call.table)
        return principal, await self._body(call)

    async def _create(self, call: _Call) -> str:
        principal, body = await self._writer_and_body(call)
        return await self.records.create_records(principal, call.table, body, bulk=False)

    async def _bulk_create(self, call: _Call) -> str:
        principal, body = await self._writer_and_body(call)
        return await self.records.create_records(principal, call.table, body, bulk=True)

    async def _update(self, call: _Call) -> str:
        principal, body = await self._writer_and_body(call)
        return await self.records.update_record(principal, call.table, call.rest, body)

    async def _bulk_update(self, call: _Call) -> str:
        principal, body = await self._writer_and_body(call)
        return await self.records.update_records(principal, call.table, body)

    async def _delete(self, call: _Call) -> str:
        principal = self._principal(call)
        return await self.records.delete_record(principal, call.table, call.rest)

    async def _aggregate(self, call: _Call) -> str:
        principal = self._principal(call)
        self.records.readable(principal, call.table)
        return await self.records.aggregate_records(principal, call.table, await self._body(call))

    async def _bulk_delete(self, call: _Call) -> str:
        principal, body = await self._writer_and_body(call)
        ids = body.get("ids") if isinstance(body, dict) else body
        return await self.records.delete_records(principal, call.table, ids)
