"""One ``POST /rest/db/<table>`` at a time over a kept-alive connection: through httpx, and through
a bare HTTP/1.1 writer that shows how much of a request's time is httpx's own."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

__all__ = ["Post", "bare_poster", "httpx_poster"]

Post = Callable[[dict[str, Any]], Awaitable[None]]
"""Sends one record; returns once the whole response is in, raises unless it is a 2xx."""


@contextlib.asynccontextmanager
async def httpx_poster(base_url: str, key: str, table: str) -> AsyncIterator[Post]:
    async with httpx.AsyncClient(base_url=base_url, headers={"x-api-key": key}) as client:

        async def post(record: dict[str, Any]) -> None:
            response = await client.post(f"/rest/db/{table}", json=record)
            response.raise_for_status()

        yield post


class _BareConnection:
    """One HTTP/1.1 connection, opened again when the server has closed it (uvicorn closes
    one idle for 5 s, as a realtime stall can leave it)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        """Sends ``request``; the response's status and body. A request the server never read
        (the connection was closed before it) is sent again once, on a new connection."""
        for attempt in range(2):
            reader, writer = await self._open()
            writer.write(request)
            try:
                status, length = _read_head(await reader.readuntil(b"\r\n\r\n"))
            except asyncio.IncompleteReadError as closed:
                await self.close()
                if closed.partial or attempt:
                    raise
                continue
            return status, await reader.readexactly(length)
        raise AssertionError("unreachable")

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.streams is not None and self.streams[0].at_eof():
            await self.close()
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        return self.streams

    async def close(self) -> None:
        if self.streams is not None:
            writer = self.streams[1]
            self.streams = None
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


@contextlib.asynccontextmanager
async def bare_poster(base_url: str, key: str, table: str) -> AsyncIterator[Post]:
    """Writes each request in one piece and reads the response by its content-length (the
    server always sends one for a record)."""
    address = urlsplit(base_url)
    connection = _BareConnection(address.hostname or "127.0.0.1", address.port or 80)
    head = (
        f"POST /rest/db/{table} HTTP/1.1\r\nhost: {address.netloc}\r\nx-api-key: {key}\r\n"
        "content-type: application/json\r\ncontent-length: "
    ).encode()

    async def post(record: dict[str, Any]) -> None:
        body = orjson.dumps(record)
        status, _ = await connection.exchange(head + str(len(body)).encode() + b"\r\n\r\n" + body)
        if not 200 <= status < 300:
            raise RuntimeError(f"POST /rest/db/{table}: HTTP {status}")

    try:
        yield post
    finally:
        await connection.close()


def _read_head(head: bytes) -> tuple[int, int]:
    """The status code and content-length of a response head."""
    status_line, *fields = head.split(b"\r\n")
    length = 0
    for line in fields:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return int(status_line.split()[1]), length
