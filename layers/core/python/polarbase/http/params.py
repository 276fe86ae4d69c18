"""Typed query parameters and headers of the HTTP doors, with 400s that name the parameter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import orjson
from starlette.datastructures import QueryParams

from ..errors import InvalidFilterError, InvalidInputError
from ..query import parse_integer_text

__all__ = ["bool_param", "choice_param", "content_length", "int_param", "json_param", "list_param"]

T = TypeVar("T", bound=str)


def int_param(params: QueryParams, name: str, default: int | None) -> int | None:
    """An integer parameter; ``default`` when absent; 400 naming it when it is not an integer."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    value = parse_integer_text(raw)
    if value is None:
        raise InvalidInputError(f"{name}: '{raw[:40]}' is not an integer")
    return value


def choice_param(params: QueryParams, name: str, choices: tuple[T, ...], default: T) -> T:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    for choice in choices:
        if raw == choice:
            return choice
    raise InvalidInputError(f"{name}: '{raw[:40]}' must be one of {', '.join(choices)}")


def content_length(raw: str | None) -> int | None:
    """The declared body size, or None when absent or not a plain decimal number (a server in
    front refuses those; the limit is then enforced while the body is read)."""
    if raw is None:
        return None
    value = parse_integer_text(raw)
    return value if value is not None and value >= 0 else None


def bool_param(params: QueryParams, name: str, default: bool = False) -> bool:
    """``true``/``false`` (also 1/0, yes/no); 400 naming the parameter otherwise."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.lower()
    if lowered in ("true", "1", "yes", "on"):
        return True
    if lowered in ("false", "0", "no", "off"):
        return False
    raise InvalidInputError(f"{name}: '{raw[:40]}' must be true or false")


def list_param(params: QueryParams, name: str) -> list[str] | None:
    """A comma-separated list (``fields=a,b``); None when absent or blank."""
    raw = params.get(name)
    if raw is None or not raw.strip():
        return None
    return [item.strip() for item in raw.split(",") if item.strip()]


def json_param(params: Mapping[str, str], name: str) -> Any:
    """A JSON value (``filter={"age": {"gte": 18}}``); None when absent or blank."""
    raw = params.get(name)
    if raw is None or not raw.strip():
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise InvalidFilterError(f'query parameter "{name}" must be a valid JSON string') from None
