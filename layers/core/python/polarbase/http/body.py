"""Reading a JSON request body with a size limit and a clear error for bad JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import orjson

from ..errors import InvalidInputError, PayloadTooLargeError
from .errors import validation_message
from .params import content_length

if TYPE_CHECKING:
    from pydantic import BaseModel
    from starlette.requests import Request
    from starlette.types import Receive

__all__ = ["read_json", "read_model"]

M = TypeVar("M", bound="BaseModel")


async def read_json(receive: Receive, declared_length: int | None, limit: int) -> Any:
    """The decoded body; 413 past ``limit`` bytes (declared or read), 400 when it is not JSON.

    The content type is not looked at: a JSON body is read as JSON whatever the client (curl's
    ``-d`` says form-urlencoded) declared.
    """
    if declared_length is not None and declared_length > limit:
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


async def read_model(request: Request, model: type[M], limit: int) -> M:
    """The body read as JSON (``read_json``) and validated as ``model``; 400 naming the first
    field that fails.

    Routes call it after authenticating, so a request without a key is refused (401) before
    its body is read at all. pydantic is imported here, not with the module: the records path
    reads bodies with ``read_json`` and never needs it.
    """
    from pydantic import ValidationError

    data = await read_json(
        request.receive, content_length(request.headers.get("content-length")), limit
    )
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidInputError(validation_message(error.errors())) from None
