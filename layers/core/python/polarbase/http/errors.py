"""The one place errors become HTTP responses: PolarBaseError by class, and the framework's."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

from starlette.exceptions import HTTPException
from starlette.responses import Response

from ..errors import (
    MethodNotAllowedError,
    PolarBaseError,
    RateLimitedError,
    validation_message,
)
from .responses import error_envelope

if TYPE_CHECKING:
    # FastAPI is loaded with the schema routes, not by the data app (see http/app.py).
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError

__all__ = [
    "install_error_handlers",
    "polarbase_error_response",
    "unexpected_error_response",
    "validation_message",
]

_log = logging.getLogger("polarbase.http")
_STATUS_CODES = {
    400: "invalid_input",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    422: "rule_violation",
}


def polarbase_error_response(error: PolarBaseError, method: str, path: str) -> Response:
    """The envelope for one of our errors; shared by the FastAPI routes and the data app."""
    headers = None
    if isinstance(error, RateLimitedError):
        headers = {"Retry-After": str(error.retry_after)}
    elif isinstance(error, MethodNotAllowedError):
        headers = {"Allow": ", ".join(error.allowed)}
    if error.status >= 500:
        _log.error("%s %s: %s", method, path, error.message)
    return error_envelope(error.message, error.status, error.code, headers)


def unexpected_error_response(error: BaseException, method: str, path: str) -> Response:
    """Every 500 is a bug: logged with its stack, answered without internals."""
    _log.error("unhandled error on %s %s", method, path, exc_info=error)
    return error_envelope("internal server error", 500, "internal_error")


async def _polarbase_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, PolarBaseError)
    return polarbase_error_response(error, request.method, request.url.path)


async def _validation_error(request: Request, error: Exception) -> Response:
    # Registered for RequestValidationError only.
    message = validation_message(cast("RequestValidationError", error).errors())
    return error_envelope(message, 400, "invalid_input")


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    code = _STATUS_CODES.get(error.status_code, "error")
    message = str(error.detail) if error.detail else "error"
    if error.status_code == 404 and message == "Not Found":
        message = f"no route for {request.method} {request.url.path}"
    return error_envelope(message, error.status_code, code, dict(error.headers or {}) or None)


async def _unexpected_error(request: Request, error: Exception) -> Response:
    return unexpected_error_response(error, request.method, request.url.path)


def install_error_handlers(app: FastAPI) -> None:
    from fastapi.exceptions import RequestValidationError

    app.add_exception_handler(PolarBaseError, _polarbase_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
