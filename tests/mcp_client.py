"""The official MCP client, connected to PolarBase's endpoint with an API key, for tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

__all__ = ["connect", "eventually", "run_mcp", "structured"]

T = TypeVar("T")


@asynccontextmanager
async def connect(url: str, key: str | None, *, mode: str = "auto") -> AsyncIterator[Client]:
    """A connected client (``mode`` "legacy" speaks the initialize handshake, 2025-11-25)."""
    headers = {"x-api-key": key} if key is not None else {}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http,
        Client(streamable_http_client(url, http_client=http), mode=mode) as client,  # type: ignore[arg-type]
    ):
        yield client


def run_mcp(
    url: str, key: str | None, scenario: Callable[[Client], Awaitable[T]], mode: str = "auto"
) -> T:
    """Run ``scenario`` with a client connected as ``key``, from synchronous tests."""

    async def main() -> T:
        async with connect(url, key, mode=mode) as client:
            return await scenario(client)

    return asyncio.run(main())


def structured(result: Any) -> Any:
    """A tool result's JSON (its structuredContent), after checking it is not an error."""
    assert not result.is_error, result.content[0].text
    return result.structured_content


def eventually(check: Callable[[], T], seconds: float = 3.0) -> T:
    """``check()`` once its assertions hold. On Lambda the REST and MCP functions are separate
    processes, each trusting its cached metadata (table shapes, keys, the audit log) for up to a
    quarter of a second (``MetadataStore.freshness_seconds``), so what one just changed shows in
    the other a moment later."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return check()
        except (AssertionError, LookupError, TypeError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
