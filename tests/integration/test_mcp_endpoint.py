"""/mcp/database through the official MCP client, locally and through the MCP function."""

from __future__ import annotations

import httpx
import pytest

from tests.fixtures.server import SUPER_ADMIN_KEY
from tests.mcp_client import run_mcp, structured

TOOL_NAMES = {
    "listTables",
    "findTable",
    "listIndexes",
    "createMultipleTables",
    "createTable",
    "updateTable",
    "deleteTable",
    "createColumn",
    "updateColumn",
    "deleteColumn",
    "createIndex",
    "deleteIndex",
    "insertRecords",
    "updateRecords",
    "deleteRecords",
    "queryRecords",
    "aggregateRecords",
}


@pytest.mark.parametrize("mode", ["auto", "legacy"])
def test_the_super_admin_sees_all_17_tools_and_reads_a_table(mcp_url, make_table, api, mode):
    table = make_table(columns=[{"name": "title", "dataType": "text"}])
    api.post(f"/rest/db/{table}/bulk-create", json=[{"title": "a"}, {"title": "b"}])

    async def scenario(client):
        tools = (await client.list_tools()).tools
        listed = await client.call_tool("listTables", {})
        rows = await client.call_tool(
            "queryRecords", {"tableName": table, "query": {"order": "title:desc"}}
        )
        return tools, structured(listed), structured(rows)

    tools, listed, rows = run_mcp(mcp_url, SUPER_ADMIN_KEY, scenario, mode)
    assert {tool.name for tool in tools} == TOOL_NAMES
    assert table in {t["name"] for t in listed["tables"]}
    assert [row["title"] for row in rows["rows"]] == ["b", "a"]


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"x-api-key": "ak_" + "0" * 64}, 401)],
)
def test_a_request_without_a_valid_key_is_401(mcp_url, headers, status):
    response = httpx.post(
        mcp_url,
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        headers={"accept": "application/json, text/event-stream", **headers},
    )
    assert response.status_code == status
    assert response.json()["success"] is False


def test_a_key_without_the_mcp_scope_is_403(mcp_url, make_api_key):
    key = make_api_key(scopes=["rest"])
    response = httpx.post(
        mcp_url,
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        headers={"accept": "application/json, text/event-stream", "x-api-key": key},
    )
    assert response.status_code == 403
    assert "mcp" in response.json()["error"]


@pytest.mark.parametrize("version", ["2025-06-18", "2025-11-25"])
def test_clients_of_the_2025_protocol_versions_are_answered_in_their_version(
    mcp_url, make_table, version
):
    table = make_table(columns=[{"name": "title", "dataType": "text"}])
    headers = {"accept": "application/json, text/event-stream", "x-api-key": SUPER_ADMIN_KEY}
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": version,
            "capabilities": {},
            "clientInfo": {"name": "raw", "version": "1"},
        },
    }
    response = httpx.post(mcp_url, json=initialize, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "mcp-session-id" not in response.headers  # stateless: nothing to keep
    result = response.json()["result"]
    assert result["protocolVersion"] == version
    assert result["serverInfo"]["name"] == "PolarBase Database MCP Server"
    # Each later request stands alone, as a stateless server's must (another process may get it)
    call = {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "tools/call",
        "params": {"name": "findTable", "arguments": {"tableName": table}},
    }
    response = httpx.post(mcp_url, json=call, headers={**headers, "mcp-protocol-version": version})
    result = response.json()["result"]
    assert result.get("isError") is not True
    assert result["structuredContent"]["name"] == table
    assert [c["name"] for c in result["structuredContent"]["schema"]][:2] == ["id", "title"]
