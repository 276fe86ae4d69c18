"""Reading a JSON request body with a size limit and a clear error for bad JSON."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request

from ..errors import InvalidInputError, PayloadTooLargeError

__all__ = ["read_json"]


async def read_json(request: Request, limit: int) -> Any:
    """The decoded body; 413 past ``limit`` bytes, 400 when it is not JSON."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLargeError(f"body: larger than the limit of {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLargeError(f"body: larger than the limit of {limit} bytes")
        chunks.append(chunk)
    if not chunks:
        raise InvalidInputError("body: a JSON body is required")
    try:
        return orjson.loads(b"".join(chunks))
    except orjson.JSONDecodeError as error:
        raise InvalidInputError(f"body: not valid JSON ({error.msg})") from None
