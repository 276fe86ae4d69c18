"""Reading a JSON request body with a size limit and a clear error for bad JSON."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.types import Receive

from ..errors import InvalidInputError, PayloadTooLargeError

__all__ = ["read_json"]


async def read_json(receive: Receive, declared_length: str | None, limit: int) -> Any:
    """The decoded body; 413 past ``limit`` bytes (declared or read), 400 when it is not JSON."""
    if declared_length is not None and declared_length.isdigit() and int(declared_length) > limit:
        raise PayloadTooLargeError(f"body: larger than the limit of {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLargeError(f"body: larger than the limit of {limit} bytes")
        chunks.append(chunk)
        more = message.get("more_body", False)
    if size == 0:
        raise InvalidInputError("body: a JSON body is required")
    try:
        return orjson.loads(b"".join(chunks))
    except orjson.JSONDecodeError as error:
        raise InvalidInputError(f"body: not valid JSON ({error.msg})") from None
