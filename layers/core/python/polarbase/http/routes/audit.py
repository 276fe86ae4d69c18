"""``GET /rest/audit``: the audit log of tool calls, newest first, for the super admin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from starlette.responses import Response

from ...auth import Scope
from ...errors import InvalidInputError
from ..openapi import query_parameter
from ..params import int_param
from ..responses import envelope

if TYPE_CHECKING:
    from ...runtime import Runtime

__all__ = ["audit_router"]

MAX_LIMIT = 500


def audit_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["audit"])

    @router.get(
        "/audit",
        summary="The audit log of tool calls (super admin)",
        description=(
            "Every MCP tool call: when, which key, the tool and its arguments, the outcome "
            "(ok, error, denied, confirmation_required) and how many records it affected. "
            "Newest first; pass `next` back as `before` for the page after."
        ),
        openapi_extra={
            "parameters": [
                query_parameter("keyId", "Only the calls of this key.", {"type": "string"}),
                query_parameter("tool", "Only the calls of this tool.", {"type": "string"}),
                query_parameter(
                    "limit",
                    f"Entries per page (1-{MAX_LIMIT}).",
                    {"type": "integer", "default": 50},
                ),
                query_parameter("before", "Entries older than this entry id.", {"type": "integer"}),
            ]
        },
    )
    async def audit(request: Request) -> Response:
        principal = runtime.auth.authenticate(request.headers.get("x-api-key"), Scope.REST)
        principal.check_super_admin("read the audit log")
        query = request.query_params
        limit = int_param(query, "limit", 50)
        if limit is None or not 1 <= limit <= MAX_LIMIT:
            raise InvalidInputError(f"limit: must be between 1 and {MAX_LIMIT}")
        before = int_param(query, "before", None)
        if before is not None and not 0 < before < 2**63:
            raise InvalidInputError("before: must be an entry id (a positive integer)")
        entries = runtime.audit.entries(
            key_id=query.get("keyId") or None,
            tool=query.get("tool") or None,
            limit=limit,
            before=before,
        )
        last = entries[-1]["id"] if len(entries) == limit else None
        return envelope({"entries": entries, "next": last})

    return router
