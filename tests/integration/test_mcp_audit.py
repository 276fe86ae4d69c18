"""The audit trail of MCP tool calls, as the super admin reads it at ``GET /rest/audit``.

Each test calls tools with a key of its own and reads back that key's entries (``?keyId=``), so
the calls of other tests never get in the way.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.helpers import assert_error, assert_ok
from tests.mcp_client import eventually, run_mcp, structured


def new_key(api: httpx.Client, **fields: Any) -> tuple[str, str, str]:
    """A key with the mcp scope made through the API: its secret, id (as text) and name."""
    name = fields.pop("name", f"audit {uuid.uuid4().hex[:8]}")
    response = api.post("/api-keys", json={"name": name, "scopes": ["mcp"], **fields})
    assert response.status_code == 200, response.text
    created = response.json()
    return created["key"], str(created["id"]), name


def entries(api: httpx.Client, count: int | None = None, **params: Any) -> list[dict[str, Any]]:
    """The log's entries (newest first); with ``count``, once there are that many."""

    def read() -> list[dict[str, Any]]:
        found = assert_ok(api.get("/rest/audit", params={"limit": 500, **params}))["entries"]
        assert count is None or len(found) >= count, found
        return found

    return eventually(read)


@pytest.fixture
def audited(make_table, api):
    """A table with two rows, and a fresh key of its own."""
    table = make_table(columns=[{"name": "title", "dataType": "text"}])
    assert_ok(api.post(f"/rest/db/{table}/bulk-create", json=[{"title": "a"}, {"title": "b"}]))
    return table, *new_key(api)


def test_every_call_is_audited_with_who_what_outcome_and_affected_counts(mcp_url, api, audited):
    table, key, key_id, key_name = audited
    started = datetime.now(UTC) - timedelta(seconds=1)
    inserted = {"tableName": table, "records": [{"title": "x"}, {"title": "y"}, {"title": "z"}]}

    async def scenario(client):
        await client.call_tool("listTables", {})
        await client.call_tool("insertRecords", inserted)
        await client.call_tool("queryRecords", {"tableName": table, "query": {"limit": 4}})
        await client.call_tool("findTable", {"tableName": "no_such_table"})
        await client.call_tool("createTable", {"name": f"audit_{uuid.uuid4().hex[:6]}"})
        return True

    run_mcp(mcp_url, key, scenario)
    found = list(reversed(entries(api, 5, keyId=key_id)))
    assert [entry["tool"] for entry in found] == [
        "listTables",
        "insertRecords",
        "queryRecords",
        "findTable",
        "createTable",
    ]
    ended = datetime.now(UTC) + timedelta(seconds=1)
    for entry in found:
        at = datetime.fromisoformat(entry["at"].replace("Z", "+00:00"))
        assert started <= at <= ended, entry
        assert entry["keyId"] == key_id
        assert entry["keyName"] == key_name
        assert entry["door"] == "mcp"
    listed, insert, query, find, create = found
    assert listed["outcome"] == "ok"
    assert listed["arguments"] == {}
    assert insert["outcome"] == "ok"
    assert insert["arguments"] == inserted
    assert insert["affected"] == 3
    assert query["outcome"] == "ok"
    assert query["arguments"] == {"tableName": table, "query": {"limit": 4}}
    assert query["affected"] == 4
    assert find["outcome"] == "error"
    assert "no_such_table" in find["message"]
    assert create["outcome"] == "ok"
    assert [entry["id"] for entry in found] == sorted(entry["id"] for entry in found)


def test_a_refused_call_is_audited_as_denied(mcp_url, api, audited):
    table, _, _, _ = audited
    key, key_id, _ = new_key(api, readOnly=True)
    arguments = {"tableName": table, "records": [{"title": "no"}]}

    async def scenario(client):
        return await client.call_tool("insertRecords", arguments)

    assert run_mcp(mcp_url, key, scenario).is_error
    (entry,) = entries(api, 1, keyId=key_id)
    assert entry["tool"] == "insertRecords"
    assert entry["outcome"] == "denied"
    assert "read-only" in entry["message"]
    assert entry["arguments"] == arguments
    assert entry["affected"] is None


def test_a_confirmed_call_is_audited_in_both_steps_without_its_token(mcp_url, api, audited):
    table, key, key_id, _ = audited
    arguments = {"tableName": table, "where": {"title": "a"}}

    async def scenario(client):
        first = structured(await client.call_tool("deleteRecords", arguments))
        token = first["confirmToken"]
        wrong = await client.call_tool("deleteRecords", {**arguments, "confirmToken": "ct_nope"})
        done = await client.call_tool("deleteRecords", {**arguments, "confirmToken": token})
        return token, wrong, done

    token, wrong, done = run_mcp(mcp_url, key, scenario)
    assert wrong.is_error
    assert structured(done)["deletedCount"] == 1
    entries(api, 3, keyId=key_id)
    response = api.get("/rest/audit", params={"keyId": key_id})
    assert token not in response.text
    assert "ct_nope" not in response.text
    asked, refused, deleted = reversed(assert_ok(response)["entries"])
    assert asked["outcome"] == "confirmation_required"
    assert asked["arguments"] == arguments
    assert refused["outcome"] == "error"
    assert "confirmToken" in refused["message"]
    assert refused["arguments"] == {**arguments, "confirmToken": "(given)"}
    assert deleted["outcome"] == "ok"
    assert deleted["arguments"] == {**arguments, "confirmToken": "(given)"}
    assert deleted["affected"] == 1


def test_the_log_filters_by_key_and_by_tool(mcp_url, api, audited):
    table, key, key_id, _ = audited
    other, other_id, _ = new_key(api)

    async def scenario(client):
        await client.call_tool("queryRecords", {"tableName": table})
        await client.call_tool("listTables", {})
        await client.call_tool("queryRecords", {"tableName": table, "query": {"limit": 1}})
        return True

    run_mcp(mcp_url, key, scenario)
    run_mcp(mcp_url, other, scenario)
    mine = entries(api, 3, keyId=key_id)
    assert len(mine) == 3
    assert {entry["keyId"] for entry in mine} == {key_id}
    queries = entries(api, keyId=key_id, tool="queryRecords")
    assert [entry["arguments"] for entry in queries] == [
        {"tableName": table, "query": {"limit": 1}},
        {"tableName": table},
    ]
    entries(api, 2, keyId=other_id, tool="queryRecords")
    every_query = entries(api, tool="queryRecords", limit=50)
    assert {entry["tool"] for entry in every_query} == {"queryRecords"}
    assert {key_id, other_id} <= {entry["keyId"] for entry in every_query}
    assert entries(api, keyId=key_id, tool="deleteTable") == []


def test_the_log_pages_newest_first_with_before(mcp_url, api, audited):
    table, key, key_id, _ = audited

    async def scenario(client):
        for limit in range(1, 6):
            await client.call_tool("queryRecords", {"tableName": table, "query": {"limit": limit}})
        return True

    run_mcp(mcp_url, key, scenario)
    entries(api, 5, keyId=key_id)
    pages, before = [], None
    for _ in range(4):
        params = {"keyId": key_id, "limit": 2, **({"before": before} if before else {})}
        page = assert_ok(api.get("/rest/audit", params=params))
        pages.append([entry["arguments"]["query"]["limit"] for entry in page["entries"]])
        before = page["next"]
        if before is None:
            break
        assert before == page["entries"][-1]["id"]
    assert pages == [[5, 4], [3, 2], [1]]


@pytest.mark.parametrize(
    ("params", "word"),
    [({"limit": 0}, "limit"), ({"limit": 501}, "limit"), ({"before": "x"}, "before")],
)
def test_bad_paging_parameters_are_400(api, params, word):
    assert_error(api.get("/rest/audit", params=params), 400, word)


def test_only_the_super_admin_reads_the_log(api, anonymous):
    assert_error(anonymous.get("/rest/audit"), 401)
    key, _, _ = new_key(api, scopes=["rest", "mcp", "realtime", "agent"])
    assert_error(anonymous.get("/rest/audit", headers={"x-api-key": key}), 403)
    mcp_only, _, _ = new_key(api)
    response = anonymous.get("/rest/audit", headers={"x-api-key": mcp_only})
    assert response.status_code in (401, 403)
    assert response.json()["success"] is False
