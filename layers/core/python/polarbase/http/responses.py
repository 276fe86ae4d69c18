"""The response envelope ``{success, data, timestamp}``, wrapped around JSON that Postgres built."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.responses import Response

__all__ = ["envelope", "envelope_text", "error_envelope", "raw_json"]

_JSON = "application/json"


def _timestamp() -> bytes:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z").encode()


def envelope_text(data: str, status: int = 200) -> Response:
    """Wrap JSON text as the envelope's ``data`` without decoding it (the hot path)."""
    body = b'{"success":true,"data":' + data.encode() + b',"timestamp":"' + _timestamp() + b'"}'
    return Response(body, status_code=status, media_type=_JSON)


def envelope(data: Any, status: int = 200) -> Response:
    return envelope_text(orjson.dumps(data).decode(), status)


def error_envelope(
    message: str, status: int, code: str, headers: dict[str, str] | None = None
) -> Response:
    body = orjson.dumps(
        {"success": False, "error": message, "code": code, "timestamp": _timestamp().decode()}
    )
    return Response(body, status_code=status, media_type=_JSON, headers=headers)


def raw_json(data: Any, status: int = 200) -> Response:
    """JSON without the envelope, for the routes outside /rest (as in the original)."""
    return Response(orjson.dumps(data), status_code=status, media_type=_JSON)
