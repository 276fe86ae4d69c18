"""Key routes: /auth/validate for any key, /api-keys for the super admin."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.responses import Response

from ...auth import Scope
from ...errors import InvalidInputError
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
    schemaName: str = "public"
    scopes: dict[Scope, bool] | list[Scope]
    tables: list[str] | None = None
    readOnly: bool = False
    rateLimit: int | None = Field(default=None, ge=0, le=10_000_000)
    expiresAt: datetime | None = None

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
    auth = runtime.auth
    store = runtime.keys

    @router.post("/auth/validate", summary="Check a key and return what it may do")
    async def validate(body: ValidateRequest) -> Response:
        key = auth.identify(body.apiKey)
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

    @router.post("/api-keys", summary="Create an API key (super admin); the key is shown once")
    async def create_key(request: Request, body: CreateKeyRequest) -> Response:
        auth.require_super_admin(request.headers.get("x-api-key"))
        if body.expiresAt is not None and body.expiresAt <= datetime.now(UTC):
            raise InvalidInputError("expiresAt: must be in the future")
        key, secret = store.create(
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
        auth.require_super_admin(request.headers.get("x-api-key"))
        return raw_json([key.document() for key in store.list()])

    @router.delete("/api-keys/{key_id}", summary="Revoke an API key (super admin)")
    async def revoke_key(request: Request, key_id: int) -> Response:
        auth.require_super_admin(request.headers.get("x-api-key"))
        key = store.revoke(key_id)
        return raw_json({"success": True, "id": key.id, "revoked": True})

    return router
