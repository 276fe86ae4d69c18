"""Keeps a Lambda function's responses within the 6 MB Lambda may return: a larger one is a 413.

Lambda refuses a synchronous invocation's response over 6 MB (its error says 6291556 bytes), and
API Gateway then answers a bare 500 (a 502 for a REST API) while the runtime process exits, so the
next request pays a cold start. The size that counts is the invocation response as the Python
runtime serializes it: the dict Mangum returns, as JSON with default separators, where the body is
a JSON string (its quotes and backslashes escaped once more, a base64 body for gzip a third bigger
than the bytes it holds); runtimes up to 3.11 also escape non-ASCII characters as ``\\uXXXX``,
3.12 and later write them as UTF-8.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import orjson

from .responses import error_envelope

__all__ = ["MAX_RESPONSE_BYTES", "fit_response"]

MAX_RESPONSE_BYTES = 6 * 1024 * 1024
"""The most a response may serialize to: Lambda's 6 MB (6 MiB, 100 bytes under its exact limit)."""

_MEBIBYTE = 1024 * 1024
_ESCAPES_NON_ASCII = sys.version_info < (3, 12)
"""How the runtime's marshaller writes non-ASCII text (``ensure_ascii``) on this Python."""
# A character of the body serializes to 12 bytes at most (a non-BMP one as two \uXXXX escapes), so
# a body this short fits whatever it holds, leaving 64 KB for the status and headers.
_ALWAYS_FITS_CHARACTERS = (MAX_RESPONSE_BYTES - 64 * 1024) // 12
_READS = frozenset({"GET", "HEAD"})
_KEPT_HEADERS = ("access-control-", "vary")


def serialized_size(response: dict[str, Any]) -> int:
    """The bytes of ``response`` as Lambda's Python runtime sends it back.

    The body is nearly all of it, and orjson quotes a string exactly as the runtime's json does,
    in UTF-8 (checked for every code point), about five times faster; a body that the runtime
    would escape to ASCII takes the runtime's own way.
    """
    body = response.get("body")
    if not isinstance(body, str) or (_ESCAPES_NON_ASCII and not body.isascii()):
        return _length(json.dumps(response, ensure_ascii=_ESCAPES_NON_ASCII))
    around = json.dumps({**response, "body": ""}, ensure_ascii=_ESCAPES_NON_ASCII)
    return _length(around) - len('""') + len(orjson.dumps(body))


def _length(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode())


def fit_response(
    response: dict[str, Any], method: str, *, max_bytes: int = MAX_RESPONSE_BYTES
) -> dict[str, Any]:
    """``response`` (a Mangum response dict) as it is when it fits in ``max_bytes``, else a 413.

    The 413 is the error envelope with code ``response_too_large``; its message gives the size and
    says what to ask for instead: fewer rows (``limit``, ``page``, ``after``) or columns
    (``fields``) for a read; for a write, which has been carried out by then, fewer records per
    call. The CORS headers of the original response are kept, so a browser can read the error.

    A body short enough to fit whatever its characters costs one ``len``; only a longer one is
    measured (``serialized_size``: about 2 ms a MB, against the tens of ms it took to build).

    Example:
        >>> response = fit_response(asgi_handler(event, context), "GET")
    """
    body = response.get("body")
    if not body or len(body) <= _ALWAYS_FITS_CHARACTERS:
        return response
    size = serialized_size(response)
    if size <= max_bytes:
        return response
    return _too_large(response, size, method, max_bytes)


def _too_large(response: dict[str, Any], size: int, method: str, max_bytes: int) -> dict[str, Any]:
    would_be = f"{math.ceil(size * 10 / _MEBIBYTE) / 10:.1f} MB"
    limit = f"{max_bytes / _MEBIBYTE:g} MB"
    if method in _READS:
        message = (
            f"the response would be {would_be}, more than the {limit} a Lambda function may "
            "return: ask for fewer rows (limit, page, after) or fewer columns (fields)"
        )
    else:
        message = (
            f"the request was carried out, but its response would be {would_be}, more than the "
            f"{limit} a Lambda function may return: send fewer records per call (do not send "
            "this one again)"
        )
    envelope = error_envelope(message, 413, "response_too_large")
    headers = {
        name: value
        for name, value in (response.get("headers") or {}).items()
        if name.lower().startswith(_KEPT_HEADERS)
    }
    headers["content-type"] = "application/json"
    return {
        "statusCode": envelope.status_code,
        "headers": headers,
        "body": bytes(envelope.body).decode(),
        "isBase64Encoded": False,
    }
