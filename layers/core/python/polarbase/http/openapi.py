"""The OpenAPI document: what every route really answers, and the tables a caller may use.

FastAPI describes the schema and key routes from their signatures; ``finish_document`` then
makes that description true: errors are the envelope ``{success: false, error, code, timestamp}``
with the statuses PolarBase answers (400 for bad input, never FastAPI's 422
``HTTPValidationError``), success on ``/rest`` is the envelope ``{success: true, data,
timestamp}`` (``openapi_envelopes.py``), and the records routes, which the data app serves
without FastAPI, are added by hand (``openapi_records.py``). ``add_tables`` then adds, for the
tables a caller may use, a schema of their records named after the table (as PostgREST names its
definitions) and paths that use it (``table_schemas.py`` maps columns to JSON Schema).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from .app import REST_PREFIX
from .data_app import RESERVED_SEGMENTS
from .openapi_envelopes import (
    SECURITY,
    envelope_schemas,
    error_refs,
    error_responses,
    success_response,
)
from .openapi_records import (
    GENERIC_RECORDS,
    query_parameter,
    record_schemas,
    records_paths,
    table_records,
)
from .table_schemas import SCHEMAS, SHARED_SCHEMAS, name_table_schemas, table_schemas

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..schema import Table

__all__ = ["SECURITY", "add_tables", "finish_document", "query_parameter", "request_body"]

_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
_WRITE_METHODS = ("post", "put", "patch", "delete")
# The paths whose callers need no key in the x-api-key header.
_OPEN_PATHS = ("/health", "/auth/validate", "/rest/files/direct")

# Models documented as request bodies through ``request_body``: the routes read and validate
# their bodies themselves, so FastAPI never sees these models. Filled when routes are declared.
_REQUEST_MODELS: dict[str, type[BaseModel]] = {}


def request_body(
    model: type[BaseModel], *, example: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``openapi_extra`` for a route that reads and validates its JSON body itself.

    FastAPI documents a body only when the route declares it as a parameter, and it then parses
    the body before the route can check the key; this documents ``model`` without that. The model
    is recorded here so that ``finish_document`` adds its JSON Schema (and those of the models it
    uses) to ``components.schemas``. A route that still declares the body works too: both name
    the same component.

    Example:
        >>> @router.post("/db/tables", openapi_extra=request_body(TableDefinition))
        ... async def create_table(request: Request) -> Response: ...
    """
    name = model.__name__
    known = _REQUEST_MODELS.setdefault(name, model)
    if known is not model and _qualified(known) != _qualified(model):
        raise ValueError(
            f"two request models are called {name}: {_qualified(known)}, {_qualified(model)}"
        )
    media: dict[str, Any] = {"schema": {"$ref": f"{SCHEMAS}{name}"}}
    if example is not None:
        media["example"] = example
    return {"requestBody": {"required": True, "content": {"application/json": media}}}


def _qualified(model: type) -> str:
    return f"{model.__module__}.{model.__qualname__}"


def finish_document(
    document: dict[str, Any], *, max_records: int, max_body_bytes: int
) -> dict[str, Any]:
    """FastAPI's ``document`` of the schema and key routes, made true and completed.

    ``max_records`` is the most records a bulk call takes (and a page holds), ``max_body_bytes``
    the body limit; both are the runtime's settings, so the document says what this server does.
    """
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            _finish_operation(path, method, operation)
    document["paths"].update(records_paths(GENERIC_RECORDS, max_records))
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in _VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    referenced = _references(document["paths"])
    for name, model in sorted(_REQUEST_MODELS.items()):
        if f"{SCHEMAS}{name}" in referenced:
            for key, schema in _model_schemas(model).items():
                schemas.setdefault(key, schema)
    schemas.update({**envelope_schemas(), **record_schemas(), **copy.deepcopy(SHARED_SCHEMAS)})
    components["responses"] = error_responses(max_body_bytes, max_records)
    components["securitySchemes"] = {
        "ApiKey": {
            "type": "apiKey",
            "in": "header",
            "name": "x-api-key",
            "description": "An API key (`ak_...`); the super admin key manages keys.",
        }
    }
    # Relative to this document (…/rest/openapi/json), so "Try it out" and clients reach the
    # server the document came from, even behind a path prefix such as an API Gateway stage.
    document["servers"] = [{"url": "../..", "description": "The server this document came from"}]
    return document


def add_tables(
    document: dict[str, Any], tables: list[Table], *, max_records: int
) -> dict[str, Any]:
    """``document`` (left unchanged) plus, for each of ``tables``, its record schemas and paths.

    Each table gets ``components.schemas[<table>]`` (a record as the API returns it),
    ``<table>_insert`` and ``<table>_update`` (what a create and an update take), and paths
    ``/rest/db/<table>...`` that use them, tagged with the table's name. Tables whose names the
    schema routes shadow (``tables``, ``indexes``) get neither, as the data app never serves them.
    """
    result = dict(document)
    paths = dict(document["paths"])
    components = dict(document["components"])
    schemas = dict(components["schemas"])
    shown = sorted(
        (table for table in tables if table.name not in RESERVED_SEGMENTS),
        key=lambda table: table.name,
    )
    for table, names in name_table_schemas(shown, taken=set(schemas)):
        schemas.update(table_schemas(table, names))
        paths.update(records_paths(table_records(table, names), max_records))
    components["schemas"] = schemas
    result["paths"] = paths
    result["components"] = components
    return result


# --- FastAPI's operations ---------------------------------------------------------------------


def _finish_operation(path: str, method: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    if "HTTPValidationError" in str(responses.get("422", "")):
        del responses["422"]
    needs_key = path not in _OPEN_PATHS
    success = responses.get("200")
    if success is not None and path.startswith(f"{REST_PREFIX}/"):
        success.update(
            success_response("Success", {"description": "The answer; its shape is the route's"})
        )
    elif success is not None:
        success["description"] = "Success: raw JSON, without the envelope"
    responses.update(error_refs(_operationerror_refs(path, method, operation, needs_key=needs_key)))
    if needs_key:
        operation["security"] = SECURITY


def _operationerror_refs(
    path: str, method: str, operation: dict[str, Any], *, needs_key: bool
) -> list[int]:
    """The statuses a schema or key route can answer, from what it takes and what it changes."""
    statuses = [503]  # the database, the metadata store or a secret is out of reach
    if path == "/health":
        return statuses
    has_body = "requestBody" in operation
    statuses.append(401)  # /auth/validate answers 401 for the key in its body
    if operation.get("parameters") or has_body:
        statuses.append(400)
    if needs_key:
        statuses += [403, 429]
    if "{" in path:
        statuses.append(404)
    if method in _WRITE_METHODS and path.startswith(f"{REST_PREFIX}/"):
        statuses += [409, 422]
    if has_body:
        statuses.append(413)
    return sorted(statuses)


def _references(value: Any) -> set[str]:
    found: set[str] = set()
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            reference = item.get("$ref")
            if isinstance(reference, str):
                found.add(reference)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return found


def _model_schemas(model: type[BaseModel]) -> dict[str, dict[str, Any]]:
    """The model's JSON Schema (as a request) and those of the models it uses, by name."""
    schema = model.model_json_schema(ref_template=SCHEMAS + "{model}")
    definitions: dict[str, dict[str, Any]] = schema.pop("$defs", {})
    return {**definitions, model.__name__: schema}
