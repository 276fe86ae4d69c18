"""GET /health: version, uptime, services, and each dependency checked; 503 when one is down."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from fastapi import APIRouter
from starlette.responses import Response

from ...health import check_dependencies
from ..responses import raw_json

if TYPE_CHECKING:
    from ...runtime import Runtime

__all__ = ["health_router"]


def health_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health", summary="Health check: the database and the metadata store, checked")
    async def health() -> Response:
        checks = await check_dependencies(runtime)
        down = [check.name for check in checks if not check.ok and check.essential]
        degraded = [check.name for check in checks if not check.ok and not check.essential]
        realtime = runtime.realtime_slot is not None or (
            runtime.realtime is not None and runtime.realtime.error is None
        )
        return raw_json(
            {
                "status": "unavailable" if down else "degraded" if degraded else "ok",
                "version": runtime.settings.version,
                "uptime": round(time.time() - runtime.started_at, 3),
                "timestamp": datetime.now(UTC)
                .isoformat(timespec="milliseconds")
                .replace("+00:00", "Z"),
                # MCP is served by every deployment (mounted here; on AWS its own function);
                # the agent is not built yet.
                "services": {"rest": True, "agent": False, "mcp": True, "realtime": realtime},
                "checks": {check.name: check.document() for check in checks},
                "down": down,
                "degraded": degraded,
            },
            503 if down else 200,
        )

    return router
