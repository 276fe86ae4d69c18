"""Key routes: /auth/validate for any key, /api-keys for the super admin."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.responses import Response

from ...auth import Principal, Scope
from ...errors import AuthenticationError, InvalidInputError
from ...query import parse_integer_text
from ...schema import check_identifier
from ..body import read_model
from ..openapi import request_body
from ..responses import raw_json

if TYPE_CHECKING:
    from ...runtime import Runtime

__all__ = ["keys_router"]


class ValidateRequest(BaseModel):
    apiKey: str


class CreateKeyRequest(BaseModel):
    """A new key. ``scopes`` is the original's object of four booleans, or a list of names."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    schemaName: str | None = None
    scopes: dict[Scope, bool] | list[Scope]
    tables: list[str] | None = None
    readOnly: bool = False
    rateLimit: int | None = Field(default=None, ge=0, le=10_000_000)
    expiresAt: datetime | None = None

    @field_validator("schemaName")
    @classmethod
    def _schema(cls, value: str | None) -> str | None:
        return None if value is None else check_identifier(value, "schemaName")

    @field_validator("expiresAt")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def scope_set(self) -> frozenset[Scope]:
        if isinstance(self.scopes, list):
            return frozenset(self.scopes)
        return frozenset(scope for scope, granted in self.scopes.items() if granted)


def keys_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["keys"])
    service = runtime.key_admin
    limit = runtime.settings.max_body_bytes

    def principal(request: Request) -> Principal:
        try:
            return runtime.auth.authenticate(request.headers.get("x-api-key"), Scope.REST)
        except AuthenticationError:
            raise AuthenticationError("invalid or missing x-api-key") from None

    @router.post(
        "/auth/validate",
        summary="Check a key and return what it may do",
        openapi_extra=request_body(ValidateRequest),
    )
    async def validate(request: Request) -> Response:
        body = await read_model(request, ValidateRequest, limit)
        key = service.validate(body.apiKey)
        return raw_json(
            {
                "id": key.id,
                "name": key.name,
                "schemaName": key.schema_name,
                "scopes": {scope.value: key.has_scope(scope) for scope in Scope},
                "tables": sorted(key.tables) if key.tables is not None else None,
                "readOnly": key.read_only,
                "expiresAt": key.document()["expiresAt"],
            }
        )

    @router.post(
        "/api-keys",
        summary="Create an API key (super admin); the key is shown once",
        openapi_extra=request_body(CreateKeyRequest),
    )
    async def create_key(request: Request) -> Response:
        acting = principal(request)
        service.check_admin(acting)
        body = await read_model(request, CreateKeyRequest, limit)
        key, secret = service.create(
            acting,
            name=body.name,
            scopes=body.scope_set(),
            schema_name=body.schemaName,
            tables=frozenset(body.tables) if body.tables is not None else None,
            read_only=body.readOnly,
            rate_limit=body.rateLimit,
            expires_at=body.expiresAt,
        )
        document: dict[str, Any] = {"key": secret, **key.document()}
        return raw_json(document)

    @router.get("/api-keys", summary="List API keys (super admin); never their secrets")
    async def list_keys(request: Request) -> Response:
        return raw_json([key.document() for key in service.list(principal(request))])

    @router.delete("/api-keys/{key_id}", summary="Revoke an API key (super admin)")
    async def revoke_key(request: Request, key_id: str) -> Response:
        acting = principal(request)
        service.check_admin(acting)
        number = parse_integer_text(key_id)
        if number is None:
            raise InvalidInputError(f"id: '{key_id[:40]}' is not an integer")
        key = service.revoke(acting, number)
        return raw_json({"success": True, "id": key.id, "revoked": True})

    return router
