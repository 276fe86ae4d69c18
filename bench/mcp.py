"""``queryRecords`` of 50 rows through `polarbase serve`'s MCP endpoint (issue 13's target: under
10 ms median), beside the same page through REST, with the server as its own process.

    .venv/bin/python -m bench.mcp            # prints a markdown section for bench/RESULTS.md

Three ways, one after the other on one table of 1,000 rows: the official MCP client (one
connected client, each call a POST), a bare JSON-RPC POST with httpx (what the endpoint itself
costs, without the client's own work), and ``GET /rest/db/{table}?limit=50``.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from bench.files import KEY, free_port, serve_polarbase
from bench.machine import code_revision, cpu_check_ms

RUNS = 300
WARM_UP = 30
TABLE = "bench_mcp"
ARGUMENTS = {"tableName": TABLE, "query": {"limit": 50, "order": "id:asc"}}


def _summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered):.2f} ms, p95 {p95:.2f} ms, min {ordered[0]:.2f} ms"


def _prepare(base_url: str) -> None:
    with httpx.Client(base_url=base_url, headers={"x-api-key": KEY}, timeout=60) as client:
        columns = [
            {"name": "title", "dataType": "text"},
            {"name": "amount", "dataType": "number"},
            {"name": "status", "dataType": "select", "options": ["open", "won", "lost"]},
            {"name": "due", "dataType": "date"},
        ]
        client.post("/rest/db/tables", json={"name": TABLE, "columns": columns}).raise_for_status()
        rows = [
            {
                "title": f"deal {n}",
                "amount": n * 1.5,
                "status": ("open", "won", "lost")[n % 3],
                "due": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}",
            }
            for n in range(1000)
        ]
        client.post(f"/rest/db/{TABLE}/bulk-create", json=rows).raise_for_status()


async def _with_client(url: str, mode: str) -> list[float]:
    samples: list[float] = []
    async with (
        httpx2.AsyncClient(headers={"x-api-key": KEY}, timeout=30) as http,
        Client(streamable_http_client(url, http_client=http), mode=mode) as client,  # type: ignore[arg-type]
    ):
        for run in range(RUNS + WARM_UP):
            started = time.perf_counter()
            result = await client.call_tool("queryRecords", ARGUMENTS)
            elapsed = (time.perf_counter() - started) * 1e3
            assert not result.is_error
            assert len(result.structured_content["rows"]) == 50
            if run >= WARM_UP:
                samples.append(elapsed)
    return samples


def _bare(url: str) -> list[float]:
    headers = {
        "x-api-key": KEY,
        "accept": "application/json, text/event-stream",
        "mcp-protocol-version": "2025-11-25",
    }
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "queryRecords", "arguments": ARGUMENTS},
    }
    samples: list[float] = []
    with httpx.Client(headers=headers, timeout=30) as client:
        for run in range(RUNS + WARM_UP):
            started = time.perf_counter()
            response = client.post(url, json=body)
            elapsed = (time.perf_counter() - started) * 1e3
            result = response.json()["result"]
            assert not result.get("isError")
            assert len(result["structuredContent"]["rows"]) == 50
            if run >= WARM_UP:
                samples.append(elapsed)
    return samples


def _rest(base_url: str) -> list[float]:
    samples: list[float] = []
    with httpx.Client(base_url=base_url, headers={"x-api-key": KEY}, timeout=30) as client:
        for run in range(RUNS + WARM_UP):
            started = time.perf_counter()
            response = client.get(f"/rest/db/{TABLE}", params={"limit": 50, "sort": "id:asc"})
            elapsed = (time.perf_counter() - started) * 1e3
            assert len(response.json()["data"]["rows"]) == 50
            if run >= WARM_UP:
                samples.append(elapsed)
    return samples


def main() -> None:
    before = cpu_check_ms()
    with tempfile.TemporaryDirectory(prefix="bench-mcp-") as directory:
        port = free_port()
        server = serve_polarbase(Path(directory) / "data", port)
        base_url = f"http://127.0.0.1:{port}"
        try:
            _prepare(base_url)
            client = asyncio.run(_with_client(f"{base_url}/mcp/database", "auto"))
            legacy = asyncio.run(_with_client(f"{base_url}/mcp/database", "legacy"))
            bare = _bare(f"{base_url}/mcp/database")
            rest = _rest(base_url)
        finally:
            server.terminate()
            server.wait(timeout=30)
    after = cpu_check_ms()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"## {stamp}: queryRecords of 50 rows through the MCP endpoint (issue 13)\n")
    print(
        f"- Command: `.venv/bin/python -m bench.mcp`; code `{code_revision()}`; CPU check "
        f"{before:.0f} ms before and {after:.0f} ms after (285 ms is a quiet hour of this machine)."
    )
    print(
        f"- `polarbase serve` as its own process (embedded PostgreSQL, realtime off); a table "
        f"of 1,000 rows (text, number, select, date); {RUNS} calls each after {WARM_UP} "
        "warm-up ones, one at a time, from the same machine. Every MCP call is audited (one "
        "SQLite write)."
    )
    print(
        f"- The official MCP client (`mcp` {_version()}, `call_tool`; its default mode, the "
        f"2026-07-28 protocol): {_summary(client)}"
    )
    print(f"- The same client with the 2025-11-25 handshake (legacy mode): {_summary(legacy)}")
    print(f"- A bare JSON-RPC `tools/call` POST (httpx): {_summary(bare)}")
    print(f"- The same page through REST (`GET /rest/db/{TABLE}?limit=50`): {_summary(rest)}")
    verdict = "pass" if statistics.median(client) < 10 else "**fail**"
    print(f"- Target: under 10 ms median with the official client: {verdict}.")


def _version() -> str:
    from importlib.metadata import version

    return version("mcp")


if __name__ == "__main__":
    main()
