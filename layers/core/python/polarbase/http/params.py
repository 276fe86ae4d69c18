"""Typed query parameters of the data app, with 400s that name the parameter."""

from __future__ import annotations

from typing import TypeVar

from starlette.datastructures import QueryParams

from ..errors import InvalidInputError

__all__ = ["choice_param", "int_param"]

T = TypeVar("T", bound=str)


def int_param(params: QueryParams, name: str, default: int | None) -> int | None:
    """An integer parameter; ``default`` when absent; 400 naming it when it is not an integer."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidInputError(f"{name}: '{raw}' is not an integer") from None


def choice_param(params: QueryParams, name: str, choices: tuple[T, ...], default: T) -> T:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    for choice in choices:
        if raw == choice:
            return choice
    raise InvalidInputError(f"{name}: '{raw}' must be one of {', '.join(choices)}")
