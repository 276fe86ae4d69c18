"""How PolarBase's answers look in the OpenAPI document: the envelopes, the errors, the key.

Success on ``/rest`` is the envelope ``{success: true, data, timestamp}`` (elsewhere raw JSON);
every error is ``{success: false, error, code, timestamp}`` (``components.schemas.Error``), with
one shared response a status (``components.responses``) for the statuses the error tree maps to.
"""

from __future__ import annotations

from typing import Any

from ..errors import PolarBaseError
from .table_schemas import SCHEMAS

__all__ = [
    "BULK_DELETE_ERRORS",
    "DELETE_ERRORS",
    "READ_ERRORS",
    "SECURITY",
    "WRITE_ERRORS",
    "envelope_schemas",
    "error_refs",
    "error_responses",
    "json_content",
    "schema_ref",
    "success_response",
]

SECURITY = [{"ApiKey": []}]
"""What an operation that needs a key in the ``x-api-key`` header says."""
_RESPONSES = "#/components/responses/"

_ERROR_RESPONSES: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "Malformed input (bad JSON, an unknown column, a value of the wrong type); "
          "the message names the field."),
    401: ("Unauthorized", "Missing, unknown, revoked or expired API key."),
    403: ("Forbidden", "The key lacks the scope, the table, or write rights (read-only)."),
    404: ("NotFound", "The table, column, index, key or record named in the path does not exist."),
    409: ("Conflict", "A duplicate value, a foreign key or check rule, or a name already taken."),
    413: ("PayloadTooLarge", "The body is too large, or a bulk call has too many records."),
    422: ("RuleViolation", "Valid JSON that breaks a rule: NULL in a NOT NULL column, an "
          "impossible type change, a formula PostgreSQL refuses."),
    429: ("RateLimited", "Too many requests for this key; `Retry-After` says when to retry."),
    503: ("Unavailable", "The database, the metadata store or a secret cannot be reached now."),
}  # fmt: skip
# The statuses of the records operations: reading, writing (a body, rules, constraints), deleting.
READ_ERRORS = (400, 401, 403, 404, 429, 503)
WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 422, 429, 503)
DELETE_ERRORS = (400, 401, 403, 404, 409, 429, 503)
BULK_DELETE_ERRORS = (400, 401, 403, 404, 409, 413, 429, 503)

_TIMESTAMP = {"type": "string", "format": "date-time", "description": "When it was answered (UTC)"}


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    """A ``content`` map: JSON of ``schema``."""
    return {"application/json": {"schema": schema}}


def schema_ref(name: str) -> dict[str, str]:
    """A reference to ``components.schemas[name]``."""
    return {"$ref": f"{SCHEMAS}{name}"}


def success_response(description: str, data: dict[str, Any]) -> dict[str, Any]:
    """A 200 response: the envelope around ``data``."""
    envelope = {
        "type": "object",
        "required": ["success", "data", "timestamp"],
        "properties": {
            "success": {"type": "boolean", "const": True},
            "data": data,
            "timestamp": _TIMESTAMP,
        },
    }
    return {
        "description": f"{description}: `{{success: true, data, timestamp}}`",
        "content": json_content(envelope),
    }


def error_refs(statuses: tuple[int, ...] | list[int]) -> dict[str, dict[str, str]]:
    """``responses`` entries for ``statuses``, each the shared response of its status."""
    return {str(code): {"$ref": _RESPONSES + _ERROR_RESPONSES[code][0]} for code in statuses}


def _error_codes() -> list[str]:
    codes: set[str] = set()
    pending: list[type[PolarBaseError]] = [PolarBaseError]
    while pending:
        error = pending.pop()
        codes.add(error.code)
        pending.extend(error.__subclasses__())
    return sorted(codes)


def error_responses(max_body_bytes: int, max_records: int) -> dict[str, dict[str, Any]]:
    """``components.responses``: one error response a status, its limits from the settings."""
    responses: dict[str, dict[str, Any]] = {}
    for status, (name, description) in _ERROR_RESPONSES.items():
        if status == 413:
            description = (
                f"The body is over {max_body_bytes:,} bytes, or a bulk call has more than "
                f"{max_records:,} records."
            )
        response: dict[str, Any] = {
            "description": description,
            "content": json_content(schema_ref("Error")),
        }
        if status == 429:
            response["headers"] = {
                "Retry-After": {
                    "description": "Seconds to wait before the next request",
                    "schema": {"type": "integer"},
                }
            }
        responses[name] = response
    return responses


def envelope_schemas() -> dict[str, dict[str, Any]]:
    """The components every document has: the error envelope."""
    return {
        "Error": {
            "type": "object",
            "description": "Every error answer (4xx, 5xx) is this envelope.",
            "required": ["success", "error", "code", "timestamp"],
            "properties": {
                "success": {"type": "boolean", "const": False},
                "error": {
                    "type": "string",
                    "description": "What is wrong: the field, the value's problem and the rule.",
                },
                "code": {
                    "type": "string",
                    "description": "A stable code for programs: " + ", ".join(_error_codes()),
                    "examples": ["invalid_input"],
                },
                "timestamp": _TIMESTAMP,
            },
        },
    }
