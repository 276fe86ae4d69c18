"""GET /health: version, uptime and which services run; no key needed."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from fastapi import APIRouter
from starlette.responses import Response

from ..responses import raw_json

if TYPE_CHECKING:
    from ...runtime import Runtime

__all__ = ["health_router"]


def health_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health", summary="Health check")
    async def health() -> Response:
        return raw_json(
            {
                "status": "ok",
                "version": runtime.settings.version,
                "uptime": round(time.time() - runtime.started_at, 3),
                "timestamp": datetime.now(UTC)
                .isoformat(timespec="milliseconds")
                .replace("+00:00", "Z"),
                "services": {"rest": True, "agent": False, "mcp": False, "realtime": False},
            }
        )

    return router
