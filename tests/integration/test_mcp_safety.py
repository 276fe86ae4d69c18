"""What keeps /mcp/database safe: scopes, read-only keys, table allowlists, confirmation of
destructive calls, and names and filters that never become SQL.

Each refusal is checked from the outside, as a user would: the call fails with a message that
says why, and the REST API shows that nothing changed.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from mcp_types import ResourceTemplateReference

from polarbase.auth import Scope
from tests.fixtures.server import SUPER_ADMIN_KEY, Server
from tests.helpers import assert_ok, super_admin_client
from tests.mcp_client import eventually, run_mcp, structured

READ_TOOLS = {"listTables", "findTable", "listIndexes", "queryRecords", "aggregateRecords"}
RECORD_TOOLS = READ_TOOLS | {"insertRecords", "updateRecords", "deleteRecords"}
MCP_HEADERS = {"accept": "application/json, text/event-stream"}
LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
ATTACK = 'x"; DROP TABLE {victim}; --'


def calls(url: str, key: str, *steps: tuple[str, dict[str, Any]]) -> list[Any]:
    """Each (tool, arguments) called in order over one connection; the raw results."""

    async def scenario(client: Any) -> list[Any]:
        return [await client.call_tool(name, arguments) for name, arguments in steps]

    return run_mcp(url, key, scenario)


def failed(result: Any, *words: str) -> str:
    """A tool error (isError, not a protocol error) whose text holds each of ``words``."""
    text = result.content[0].text
    assert result.is_error, text
    for word in words:
        assert word in text, text
    return text


def tool_names(url: str, key: str) -> set[str]:
    async def scenario(client: Any) -> set[str]:
        return {tool.name for tool in (await client.list_tools()).tools}

    return run_mcp(url, key, scenario)


def new_key(api: httpx.Client, **fields: Any) -> tuple[str, int]:
    """A key made through the API: its secret and id."""
    body = {"name": fields.pop("name", "mcp safety"), "scopes": ["mcp"], **fields}
    response = api.post("/api-keys", json=body)
    assert response.status_code == 200, response.text
    created = response.json()
    return created["key"], created["id"]


def rows_of(api: httpx.Client, table: str) -> list[dict[str, Any]]:
    return assert_ok(api.get(f"/rest/db/{table}", params={"sort": "id:asc"}))["rows"]


def column_names(api: httpx.Client, table: str) -> list[str]:
    return [column["name"] for column in assert_ok(api.get(f"/rest/db/tables/{table}/schema"))]


def index_names(api: httpx.Client, table: str) -> set[str]:
    indexes = assert_ok(api.get("/rest/db/indexes", params={"table": table}))
    return {index["name"] for index in indexes}


def exists(api: httpx.Client, table: str) -> bool:
    return api.get(f"/rest/db/tables/{table}/schema").status_code == 200


@pytest.fixture(scope="module")
def admin(live_server: Server) -> Iterator[httpx.Client]:
    with super_admin_client(live_server) as client:
        yield client


@pytest.fixture(scope="module")
def pair(admin: httpx.Client) -> Iterator[tuple[str, str]]:
    """Two tables with a common prefix: ``allowed`` (on a key's allowlist) and ``hidden``."""
    prefix = f"mcp_pair_{uuid.uuid4().hex[:6]}"
    names = (f"{prefix}_allowed", f"{prefix}_hidden")
    for name in names:
        columns = [{"name": "title", "dataType": "text"}, {"name": "n", "dataType": "integer"}]
        assert_ok(admin.post("/rest/db/tables", json={"name": name, "columns": columns}))
        rows = [{"title": f"{name} {i}", "n": i} for i in range(3)]
        assert_ok(admin.post(f"/rest/db/{name}/bulk-create", json=rows))
        index = {"name": f"{name}_n", "tableName": name, "columnNames": ["n"]}
        assert_ok(admin.post("/rest/db/indexes", json=index))
    yield names
    for name in names:
        admin.delete(f"/rest/db/tables/{name}", params={"cascade": "true"})


@pytest.fixture(scope="module")
def read_only_key(admin: httpx.Client) -> str:
    return new_key(admin, name="mcp read-only", readOnly=True)[0]


@pytest.fixture(scope="module")
def allowlist_key(admin: httpx.Client, pair: tuple[str, str]) -> str:
    return new_key(admin, name="mcp allowlist", tables=[pair[0]])[0]


# --- keys and scopes at the HTTP level ----------------------------------------------------------


@pytest.mark.parametrize("scopes", [["rest", "realtime", "agent"], []])
def test_a_key_without_the_mcp_scope_is_refused_before_any_tool(mcp_url, api, scopes):
    key, _ = new_key(api, scopes=scopes)
    response = httpx.post(mcp_url, json=LIST_TOOLS, headers={**MCP_HEADERS, "x-api-key": key})
    assert response.status_code == 403
    assert response.json()["success"] is False
    assert "mcp" in response.json()["error"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", -32700),
        (b"[]", -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "no/such/method"}', -32601),
    ],
)
def test_a_malformed_message_is_a_json_rpc_error_never_a_5xx(mcp_url, body, code):
    response = httpx.post(
        mcp_url,
        content=body,
        headers={**MCP_HEADERS, "content-type": "application/json", "x-api-key": SUPER_ADMIN_KEY},
    )
    assert response.status_code < 500
    assert response.json()["error"]["code"] == code


def get_within(url: str, seconds: float) -> tuple[httpx.Response, bytes]:
    """GET ``url``; fails unless the whole response arrives within about ``seconds``."""
    deadline = time.monotonic() + seconds
    headers = {**MCP_HEADERS, "x-api-key": SUPER_ADMIN_KEY}
    try:
        with httpx.stream("GET", url, headers=headers, timeout=seconds) as response:
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                assert time.monotonic() < deadline, "GET opened a stream that does not end"
            return response, body
    except httpx.TimeoutException:
        raise AssertionError(f"GET {url} did not complete within {seconds} s") from None


def test_get_and_delete_are_answered_at_once_without_a_stream_or_session(
    mcp_url, live_server, transport, tmp_path
):
    """A stateless server has no stream to offer and no session to end (the CDK stack routes
    GET and DELETE to the function for that answer). An open GET that never ends would hold a
    Lambda invocation until its timeout and queue every request behind it, so on Lambda this
    test runs against an MCP function of its own."""
    url, function = mcp_url, None
    if transport == "lambda":
        function = live_server.sibling("mcp", tmp_path)
        function.start()
        url = f"{function.url}/mcp/database"
    try:
        deleted = httpx.delete(url, headers={**MCP_HEADERS, "x-api-key": SUPER_ADMIN_KEY})
        assert deleted.status_code == 405
        response, _ = get_within(url, 10.0)  # a GET held open would never end
        assert response.status_code == 405
    finally:
        if function is not None:
            function.stop()


def test_a_revoked_key_is_401(mcp_url, api):
    key, key_id = new_key(api)
    assert "listTables" in tool_names(mcp_url, key)
    assert api.delete(f"/api-keys/{key_id}").status_code == 200

    def refused():
        response = httpx.post(mcp_url, json=LIST_TOOLS, headers={**MCP_HEADERS, "x-api-key": key})
        assert response.status_code == 401
        assert response.json()["success"] is False

    eventually(refused)


def test_an_expired_key_is_401(mcp_url, live_server):
    # Made through the store: the API refuses past dates.
    _, key = live_server.keys.create(
        name="mcp expired",
        scopes=frozenset({Scope.MCP}),
        schema_name="public",
        expires_at=datetime.now(UTC) - timedelta(minutes=1),
    )
    response = httpx.post(mcp_url, json=LIST_TOOLS, headers={**MCP_HEADERS, "x-api-key": key})
    assert response.status_code == 401
    assert "expired" in response.json()["error"]


# --- read-only keys -----------------------------------------------------------------------------


def test_a_read_only_key_sees_only_the_read_tools(mcp_url, read_only_key):
    assert tool_names(mcp_url, read_only_key) == READ_TOOLS


def test_a_read_only_key_reads_but_every_write_is_a_read_only_error(
    mcp_url, read_only_key, pair, api
):
    allowed, _ = pair
    before = rows_of(api, allowed)
    results = calls(
        mcp_url,
        read_only_key,
        ("queryRecords", {"tableName": allowed}),
        ("insertRecords", {"tableName": allowed, "records": [{"title": "new"}]}),
        (
            "updateRecords",
            {"tableName": allowed, "updates": [{"where": {"n": 0}, "data": {"n": 9}}]},
        ),
        ("deleteRecords", {"tableName": allowed, "where": {"n": 0}}),
        ("deleteRecords", {"tableName": allowed, "where": {}}),
        ("createTable", {"name": f"ro_{uuid.uuid4().hex[:8]}"}),
        ("deleteTable", {"tableName": allowed}),
        ("createColumn", {"tableName": allowed, "column": {"name": "c", "dataType": "text"}}),
        ("deleteIndex", {"indexName": f"{allowed}_n"}),
    )
    assert len(structured(results[0])["rows"]) == len(before)
    for result in results[1:]:
        text = failed(result, "read-only")
        assert "confirmToken" not in text
    assert rows_of(api, allowed) == before
    assert column_names(api, allowed) == ["id", "title", "n", "created_at", "updated_at"]
    assert f"{allowed}_n" in index_names(api, allowed)


# --- table allowlists ---------------------------------------------------------------------------


def test_an_allowlisted_key_sees_no_schema_tools(mcp_url, allowlist_key):
    assert tool_names(mcp_url, allowlist_key) == RECORD_TOOLS


def test_an_allowlisted_key_sees_only_its_tables_in_tools_resources_and_completion(
    mcp_url, allowlist_key, pair
):
    allowed, hidden = pair
    prefix = allowed.removesuffix("_allowed")

    async def scenario(client):
        tables = structured(await client.call_tool("listTables", {}))
        indexes = structured(await client.call_tool("listIndexes", {}))
        resources = [
            (await client.read_resource(uri)).contents[0].text
            for uri in ("db://tables", "db://indexes", f"db://table/{allowed}")
        ]
        completions = [
            (
                await client.complete(
                    ResourceTemplateReference(uri=template), {"name": "tableName", "value": prefix}
                )
            ).completion.values
            for template in ("db://table/{tableName}", "db://table/{tableName}/indexes")
        ]
        prompt = await client.get_prompt("suggestTableStructure", {"prompt": "invoices"})
        return tables, indexes, resources, completions, prompt.messages[0].content.text

    tables, indexes, resources, completions, prompt = run_mcp(mcp_url, allowlist_key, scenario)
    assert [table["name"] for table in tables["tables"]] == [allowed]
    assert {index["tableName"] for index in indexes["indexes"]} == {allowed}
    assert all(hidden not in text for text in resources)
    assert allowed in resources[0]
    assert f"{allowed}_n" in resources[1]
    assert completions == [[allowed], [allowed]]
    assert allowed in prompt
    assert hidden not in prompt


def test_an_allowlisted_key_cannot_reach_another_table(mcp_url, allowlist_key, pair, api):
    allowed, hidden = pair
    before = rows_of(api, hidden)
    results = calls(
        mcp_url,
        allowlist_key,
        ("findTable", {"tableName": hidden}),
        ("listIndexes", {"tableName": hidden}),
        ("queryRecords", {"tableName": hidden}),
        ("aggregateRecords", {"tableName": hidden, "query": {"select": ["count(*)"]}}),
        ("insertRecords", {"tableName": hidden, "records": [{"title": "sneaky"}]}),
        (
            "updateRecords",
            {"tableName": hidden, "updates": [{"where": {"n": 1}, "data": {"n": 7}}]},
        ),
        ("updateRecords", {"tableName": hidden, "updates": [{"data": {"n": 7}}]}),
        ("deleteRecords", {"tableName": hidden, "where": {"n": 1}}),
        ("deleteTable", {"tableName": hidden}),
        ("createColumn", {"tableName": allowed, "column": {"name": "c", "dataType": "text"}}),
    )
    for result in results:
        text = failed(result, "access denied")
        assert "confirmToken" not in text
        assert "sneaky" not in text
    assert rows_of(api, hidden) == before
    assert "c" not in column_names(api, allowed)


def test_an_allowlisted_key_cannot_read_another_table_as_a_resource(mcp_url, allowlist_key, pair):
    _, hidden = pair

    async def scenario(client):
        for uri in (f"db://table/{hidden}", f"db://table/{hidden}/indexes"):
            with pytest.raises(Exception, match="access denied") as raised:
                await client.read_resource(uri)
            assert "title" not in str(raised.value)
        return True

    assert run_mcp(mcp_url, allowlist_key, scenario)


def test_an_allowlisted_key_writes_records_of_its_table(mcp_url, allowlist_key, pair, api):
    allowed, _ = pair
    count = len(rows_of(api, allowed))
    (inserted,) = calls(
        mcp_url,
        allowlist_key,
        ("insertRecords", {"tableName": allowed, "records": [{"title": "mine", "n": 100}]}),
    )
    assert structured(inserted)["insertedCount"] == 1
    assert len(rows_of(api, allowed)) == count + 1
    api.post(
        f"/rest/db/{allowed}/bulk-delete",
        json={"ids": [inserted.structured_content["returning"][0]["id"]]},
    )


# --- confirmation of destructive calls ----------------------------------------------------------


def assert_asks_for_confirmation(first: dict[str, Any]) -> dict[str, Any]:
    """The first call's answer: what it would affect, a token and when it expires."""
    assert first["status"] == "confirmation_required"
    assert "Nothing was changed" in first["message"]
    assert first["confirmToken"].startswith("ct_")
    assert len(first["confirmToken"]) >= 24
    expires = datetime.fromisoformat(first["expiresAt"].replace("Z", "+00:00"))
    now = datetime.now(UTC)
    assert now + timedelta(seconds=30) < expires < now + timedelta(hours=1)
    return first["wouldAffect"]


def test_delete_table_asks_first_and_names_what_would_be_lost(mcp_url, make_table, api):
    table = make_table(columns=[{"name": "title", "dataType": "text"}])
    child = make_table(
        columns=[
            {
                "name": "parent_id",
                "dataType": "reference",
                "foreignKey": {"table": table, "column": {"name": "id"}},
            }
        ]
    )
    assert_ok(api.post(f"/rest/db/{table}/bulk-create", json=[{"title": "a"}, {"title": "b"}]))

    async def scenario(client):
        first = structured(await client.call_tool("deleteTable", {"tableName": table}))
        still_there = exists(api, table)
        second = await client.call_tool(
            "deleteTable",
            {"tableName": table, "cascade": True, "confirmToken": first["confirmToken"]},
        )
        third = structured(
            await client.call_tool("deleteTable", {"tableName": table, "cascade": True})
        )
        fourth = await client.call_tool(
            "deleteTable",
            {"tableName": table, "cascade": True, "confirmToken": third["confirmToken"]},
        )
        return first, still_there, second, fourth

    first, still_there, other_arguments, done = run_mcp(mcp_url, SUPER_ADMIN_KEY, scenario)
    affected = assert_asks_for_confirmation(first)
    assert still_there
    assert affected["records"] == 2
    assert "title" in affected["columns"]
    assert affected["referencedBy"] == [f"{child}.parent_id"]
    failed(other_arguments, "confirmToken", "other arguments")
    assert structured(done)["status"] == "success"

    def dropped():
        assert not exists(api, table)

    eventually(dropped)
    assert exists(api, child)


def test_delete_column_asks_first_with_the_values_it_would_lose(mcp_url, make_table, api):
    table = make_table(
        columns=[{"name": "note", "dataType": "text"}, {"name": "n", "dataType": "integer"}]
    )
    assert_ok(
        api.post(
            f"/rest/db/{table}/bulk-create",
            json=[{"note": "a", "n": 1}, {"note": None, "n": 2}, {"note": "c", "n": 3}],
        )
    )
    assert_ok(
        api.post(
            "/rest/db/indexes",
            json={"name": f"{table}_note", "tableName": table, "columnNames": ["note"]},
        )
    )
    arguments = {"tableName": table, "columnName": "note"}

    async def scenario(client):
        first = structured(await client.call_tool("deleteColumn", arguments))
        columns = column_names(api, table)
        second = await client.call_tool(
            "deleteColumn", {**arguments, "confirmToken": first["confirmToken"]}
        )
        return first, columns, second

    first, columns, second = run_mcp(mcp_url, SUPER_ADMIN_KEY, scenario)
    affected = assert_asks_for_confirmation(first)
    assert "note" in columns
    assert affected["valuesLost"] == 2
    assert affected["records"] == 3
    assert affected["indexes"] == [f"{table}_note"]
    assert structured(second)["status"] == "success"

    def dropped():
        assert "note" not in column_names(api, table)

    eventually(dropped)
    assert [row["n"] for row in rows_of(api, table)] == [1, 2, 3]


def test_delete_index_asks_first_and_describes_it(mcp_url, make_table, api):
    table = make_table(columns=[{"name": "n", "dataType": "integer"}])
    name = f"{table}_n"
    assert_ok(
        api.post(
            "/rest/db/indexes",
            json={"name": name, "tableName": table, "columnNames": ["n"], "unique": True},
        )
    )

    async def scenario(client):
        first = structured(await client.call_tool("deleteIndex", {"indexName": name}))
        present = name in index_names(api, table)
        second = await client.call_tool(
            "deleteIndex", {"indexName": name, "confirmToken": first["confirmToken"]}
        )
        return first, present, second

    first, present, second = run_mcp(mcp_url, SUPER_ADMIN_KEY, scenario)
    affected = assert_asks_for_confirmation(first)
    assert present
    assert affected["index"]["name"] == name
    assert affected["index"]["columnNames"] == ["n"]
    assert affected["index"]["unique"] is True
    assert structured(second)["status"] == "success"

    def dropped():
        assert name not in index_names(api, table)

    eventually(dropped)


@pytest.mark.parametrize(("where", "count"), [({"n": {"gte": 3}}, 2), ({}, 4)])
def test_delete_records_asks_first_with_the_number_it_would_delete(
    mcp_url, make_table, api, where, count
):
    table = make_table(columns=[{"name": "n", "dataType": "integer"}])
    assert_ok(api.post(f"/rest/db/{table}/bulk-create", json=[{"n": i} for i in range(1, 5)]))
    arguments = {"tableName": table, "where": where}

    async def scenario(client):
        first = structured(await client.call_tool("deleteRecords", arguments))
        remaining = len(rows_of(api, table))
        second = await client.call_tool(
            "deleteRecords", {**arguments, "confirmToken": first["confirmToken"]}
        )
        return first, remaining, second

    first, remaining, second = run_mcp(mcp_url, SUPER_ADMIN_KEY, scenario)
    assert assert_asks_for_confirmation(first)["records"] == count
    assert remaining == 4
    assert structured(second) == {"status": "success", "deletedCount": count}
    assert len(rows_of(api, table)) == 4 - count


def test_update_records_without_a_where_asks_first_and_with_one_does_not(mcp_url, make_table, api):
    table = make_table(columns=[{"name": "n", "dataType": "integer"}])
    assert_ok(api.post(f"/rest/db/{table}/bulk-create", json=[{"n": i} for i in range(1, 4)]))
    everything = {"tableName": table, "updates": [{"data": {"n": 0}}]}
    mixed = {
        "tableName": table,
        "updates": [{"where": {"n": 1}, "data": {"n": 5}}, {"where": {}, "data": {"n": 6}}],
    }

    async def scenario(client):
        narrow = structured(
            await client.call_tool(
                "updateRecords",
                {"tableName": table, "updates": [{"where": {"n": 1}, "data": {"n": 10}}]},
            )
        )
        after_narrow = [row["n"] for row in rows_of(api, table)]
        asked_mixed = structured(await client.call_tool("updateRecords", mixed))
        first = structured(await client.call_tool("updateRecords", everything))
        untouched = [row["n"] for row in rows_of(api, table)]
        second = await client.call_tool(
            "updateRecords", {**everything, "confirmToken": first["confirmToken"]}
        )
        return narrow, after_narrow, asked_mixed, first, untouched, second

    narrow, after_narrow, asked_mixed, first, untouched, second = run_mcp(
        mcp_url, SUPER_ADMIN_KEY, scenario
    )
    assert narrow["status"] == "success"
    assert narrow["updatedCount"] == 1
    assert after_narrow == [10, 2, 3]
    assert asked_mixed["status"] == "confirmation_required"
    assert assert_asks_for_confirmation(first)["records"] == 3
    assert untouched == [10, 2, 3]
    assert structured(second)["updatedCount"] == 3
    assert [row["n"] for row in rows_of(api, table)] == [0, 0, 0]


@pytest.mark.parametrize("where", [{"and": []}, {"or": [{"and": []}]}, {"and": [{}]}])
def test_a_confirmed_delete_with_a_where_that_filters_nothing_is_carried_out(
    mcp_url, make_table, api, where
):
    """An empty group filters nothing: the first call counts every record and hands out a
    token, so the same call with that token must delete them (not fail)."""
    table = make_table(columns=[{"name": "n", "dataType": "integer"}])
    assert_ok(api.post(f"/rest/db/{table}/bulk-create", json=[{"n": 1}, {"n": 2}]))
    arguments = {"tableName": table, "where": where}

    async def scenario(client):
        first = structured(await client.call_tool("deleteRecords", arguments))
        second = await client.call_tool(
            "deleteRecords", {**arguments, "confirmToken": first["confirmToken"]}
        )
        return first, second

    first, second = run_mcp(mcp_url, SUPER_ADMIN_KEY, scenario)
    assert assert_asks_for_confirmation(first)["records"] == 2
    assert structured(second) == {"status": "success", "deletedCount": 2}
    assert rows_of(api, table) == []


def test_a_wrong_reused_or_misapplied_token_confirms_nothing(mcp_url, make_table, api):
    table = make_table(columns=[{"name": "n", "dataType": "integer"}])
    other = make_table(columns=[{"name": "n", "dataType": "integer"}])
    assert_ok(api.post(f"/rest/db/{table}/bulk-create", json=[{"n": i} for i in range(1, 7)]))
    one = {"tableName": table, "where": {"n": 1}}

    async def scenario(client):
        results = {}
        token = structured(await client.call_tool("deleteRecords", one))["confirmToken"]
        results["wrong"] = await client.call_tool(
            "deleteRecords", {**one, "confirmToken": "ct_" + "A" * 32}
        )
        results["not a string"] = await client.call_tool(
            "deleteRecords", {**one, "confirmToken": 12345}
        )
        results["other where"] = await client.call_tool(
            "deleteRecords", {"tableName": table, "where": {"n": {"gte": 1}}, "confirmToken": token}
        )
        results["other table"] = await client.call_tool(
            "deleteRecords", {"tableName": other, "where": {"n": 1}, "confirmToken": token}
        )
        results["other tool"] = await client.call_tool(
            "deleteTable", {"tableName": table, "confirmToken": token}
        )
        results["other where in an update"] = await client.call_tool(
            "updateRecords",
            {"tableName": table, "updates": [{"data": {"n": 0}}], "confirmToken": token},
        )
        # After all those, the token still confirms the call it was issued for, exactly once.
        results["right"] = await client.call_tool("deleteRecords", {**one, "confirmToken": token})
        results["reused"] = await client.call_tool(
            "deleteRecords",
            {"tableName": table, "where": {"n": {"gte": 1}}, "confirmToken": token},
        )
        results["reused, same call"] = await client.call_tool(
            "deleteRecords", {**one, "confirmToken": token}
        )
        return results

    results = run_mcp(mcp_url, SUPER_ADMIN_KEY, scenario)
    failed(results["wrong"], "confirmToken")
    failed(results["not a string"], "confirmToken")
    failed(results["other where"], "confirmToken", "other arguments")
    failed(results["other table"], "confirmToken", "other arguments")
    failed(results["other tool"], "confirmToken", "other arguments")
    failed(results["other where in an update"], "confirmToken")
    assert structured(results["right"])["deletedCount"] == 1
    failed(results["reused"], "confirmToken", "already used")
    failed(results["reused, same call"], "confirmToken", "already used")
    assert [row["n"] for row in rows_of(api, table)] == [2, 3, 4, 5, 6]
    assert exists(api, table)


def test_the_order_of_keys_in_the_arguments_does_not_matter_to_a_token(mcp_url, make_table, api):
    table = make_table(
        columns=[{"name": "a", "dataType": "integer"}, {"name": "b", "dataType": "integer"}]
    )
    assert_ok(api.post(f"/rest/db/{table}/bulk-create", json=[{"a": 1, "b": 1}, {"a": 1, "b": 2}]))

    async def scenario(client):
        first = structured(
            await client.call_tool("deleteRecords", {"tableName": table, "where": {"a": 1, "b": 2}})
        )
        return await client.call_tool(
            "deleteRecords",
            {"confirmToken": first["confirmToken"], "where": {"b": 2, "a": 1}, "tableName": table},
        )

    assert structured(run_mcp(mcp_url, SUPER_ADMIN_KEY, scenario))["deletedCount"] == 1
    assert [row["b"] for row in rows_of(api, table)] == [1]


def test_a_token_issued_to_another_key_confirms_nothing(mcp_url, make_table, api):
    table = make_table(columns=[{"name": "n", "dataType": "integer"}])
    assert_ok(api.post(f"/rest/db/{table}/bulk-create", json=[{"n": 1}, {"n": 2}]))
    other_key, _ = new_key(api, name="mcp other key")
    arguments = {"tableName": table, "where": {"n": 1}}
    (first,) = calls(mcp_url, SUPER_ADMIN_KEY, ("deleteRecords", arguments))
    token = structured(first)["confirmToken"]
    (stolen,) = calls(mcp_url, other_key, ("deleteRecords", {**arguments, "confirmToken": token}))
    failed(stolen, "confirmToken", "another API key")
    assert len(rows_of(api, table)) == 2
    (table_token,) = calls(mcp_url, SUPER_ADMIN_KEY, ("deleteTable", {"tableName": table}))
    (stolen_table,) = calls(
        mcp_url,
        other_key,
        (
            "deleteTable",
            {"tableName": table, "confirmToken": structured(table_token)["confirmToken"]},
        ),
    )
    failed(stolen_table, "confirmToken")
    assert exists(api, table)


# --- injection through names and filters --------------------------------------------------------


@pytest.fixture(scope="module")
def victim(admin: httpx.Client) -> Iterator[str]:
    """A table with a few rows that every attack below names; it must stay as it is."""
    name = f"mcp_victim_{uuid.uuid4().hex[:6]}"
    columns = [
        {"name": "title", "dataType": "text"},
        {"name": "score", "dataType": "number"},
    ]
    assert_ok(admin.post("/rest/db/tables", json={"name": name, "columns": columns}))
    rows = [{"title": "a", "score": 1}, {"title": "b", "score": 2}, {"title": "c", "score": 3}]
    assert_ok(admin.post(f"/rest/db/{name}/bulk-create", json=rows))
    yield name
    admin.delete(f"/rest/db/tables/{name}", params={"cascade": "true"})


def attempts(url: str, steps: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, str]]:
    """The attempts that were not a clean tool error: (what, result text)."""
    results = calls(url, SUPER_ADMIN_KEY, *steps)
    return [
        (f"{name} {arguments}", result.content[0].text)
        for (name, arguments), result in zip(steps, results, strict=True)
        if not result.is_error
    ]


def assert_untouched(api: httpx.Client, victim: str) -> None:
    assert [row["title"] for row in rows_of(api, victim)] == ["a", "b", "c"]
    assert column_names(api, victim) == ["id", "title", "score", "created_at", "updated_at"]


def test_table_names_that_carry_sql_are_tool_errors(mcp_url, api, victim):
    bad = ATTACK.format(victim=victim)
    steps: list[tuple[str, dict[str, Any]]] = [
        ("findTable", {"tableName": bad}),
        ("listIndexes", {"tableName": bad}),
        ("queryRecords", {"tableName": bad}),
        ("aggregateRecords", {"tableName": bad, "query": {"select": ["count(*)"]}}),
        ("insertRecords", {"tableName": bad, "records": [{"title": "x"}]}),
        ("updateRecords", {"tableName": bad, "updates": [{"where": {"id": 1}, "data": {"a": 1}}]}),
        ("deleteRecords", {"tableName": bad, "where": {"id": 1}}),
        ("deleteTable", {"tableName": bad}),
        ("deleteTable", {"tableName": f"{victim}; DROP TABLE {victim}"}),
        ("createTable", {"name": bad}),
        ("createTable", {"name": f"{victim}(id int); DROP TABLE {victim}; --"}),
        ("updateTable", {"tableName": bad, "table": {"comment": "x"}}),
        ("updateTable", {"tableName": victim, "table": {"name": bad}}),
        ("createColumn", {"tableName": bad, "column": {"name": "c", "dataType": "text"}}),
        ("deleteColumn", {"tableName": bad, "columnName": "title"}),
        ("createIndex", {"name": "i_x", "tableName": bad, "columnNames": ["title"]}),
        ("createIndex", {"name": bad, "tableName": victim, "columnNames": ["title"]}),
        ("deleteIndex", {"indexName": bad}),
        ("findTable", {"tableName": f"public.{victim}"}),
        ("findTable", {"tableName": f'"{victim}"'}),
        ("queryRecords", {"tableName": "pg_catalog.pg_tables"}),
        ("queryRecords", {"tableName": "pg_user"}),
    ]
    assert attempts(mcp_url, steps) == []
    (multiple,) = calls(
        mcp_url, SUPER_ADMIN_KEY, ("createMultipleTables", {"tables": [{"name": bad}]})
    )
    assert structured(multiple)["status"] == "failure"
    assert_untouched(api, victim)


def test_column_names_that_carry_sql_are_tool_errors(mcp_url, api, victim):
    bad = f'title"; DROP TABLE {victim}; --'
    steps: list[tuple[str, dict[str, Any]]] = [
        ("createColumn", {"tableName": victim, "column": {"name": bad, "dataType": "text"}}),
        (
            "createColumn",
            {
                "tableName": victim,
                "column": {
                    "name": "c",
                    "dataType": "text",
                    "defaultValue": "x'); DROP TABLE y; --",
                },
            },
        ),
        ("updateColumn", {"tableName": victim, "columnName": bad, "column": {"nullable": True}}),
        ("updateColumn", {"tableName": victim, "columnName": "title", "column": {"name": bad}}),
        (
            "updateColumn",
            {"tableName": victim, "columnName": "title", "column": {"dataType": "text; drop"}},
        ),
        ("deleteColumn", {"tableName": victim, "columnName": bad}),
        ("createIndex", {"name": "i_y", "tableName": victim, "columnNames": [bad]}),
        ("createIndex", {"name": "i_z", "tableName": victim, "columnNames": ["lower(title)"]}),
        ("insertRecords", {"tableName": victim, "records": [{bad: "x"}]}),
        (
            "updateRecords",
            {"tableName": victim, "updates": [{"where": {"id": 1}, "data": {bad: 1}}]},
        ),
        ("queryRecords", {"tableName": victim, "query": {"fields": [bad]}}),
        ("queryRecords", {"tableName": victim, "query": {"fields": ["title, (select 1)"]}}),
        ("createTable", {"name": "inj_c", "columns": [{"name": bad, "dataType": "text"}]}),
    ]
    problems = attempts(mcp_url, steps)
    # A default value is a value, not SQL: stored as written, it may be accepted.
    problems = [(what, text) for what, text in problems if "defaultValue" not in what]
    assert problems == []
    assert api.get("/rest/db/tables/inj_c/schema").status_code == 404
    assert [row["title"] for row in rows_of(api, victim)] == ["a", "b", "c"]
    api.delete(f"/rest/db/tables/{victim}/columns/c")
    assert_untouched(api, victim)


@pytest.mark.parametrize(
    "tool", ["queryRecords", "aggregateRecords", "deleteRecords", "updateRecords"]
)
def test_filters_that_carry_sql_are_tool_errors(mcp_url, api, victim, tool):
    filters = [
        {"title\" = '' OR 1=1; --": "a"},
        {f"{victim}.title": "a"},
        {"title": {"eq; DROP TABLE " + victim: "a"}},
        {"title": {"like') OR 1=1 --": "%"}},
        {"or": "1=1"},
        {"and": [{"1=1) OR (1": 1}]},
        {"and": [{"title": "a"}], "or": [{"title": "b"}]},
        {"title": {"in": {"select": 1}}},
        {"score": {"between": [1]}},
        {"title": {"isNull": "yes"}},
        {"title": {"eq": {"$ne": 1}}},
    ]

    def step(where: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        if tool == "queryRecords":
            return tool, {"tableName": victim, "query": {"where": where}}
        if tool == "aggregateRecords":
            return tool, {"tableName": victim, "query": {"select": ["count(*)"], "where": where}}
        if tool == "deleteRecords":
            return tool, {"tableName": victim, "where": where}
        return tool, {"tableName": victim, "updates": [{"where": where, "data": {"score": 0}}]}

    assert attempts(mcp_url, [step(where) for where in filters]) == []
    assert_untouched(api, victim)
    assert [row["score"] for row in rows_of(api, victim)] == [1, 2, 3]


def test_values_that_look_like_sql_are_only_values(mcp_url, api, victim):
    value = f"a' OR '1'='1'; DROP TABLE {victim}; --"
    by_value, searched, liked = calls(
        mcp_url,
        SUPER_ADMIN_KEY,
        ("queryRecords", {"tableName": victim, "query": {"where": {"title": value}}}),
        ("queryRecords", {"tableName": victim, "query": {"search": value}}),
        ("queryRecords", {"tableName": victim, "query": {"where": {"title": {"like": value}}}}),
    )
    assert structured(by_value)["rows"] == []
    assert structured(searched)["rows"] == []
    assert structured(liked)["rows"] == []
    assert_untouched(api, victim)


def test_aggregate_expressions_and_orders_that_carry_sql_are_tool_errors(mcp_url, api, victim):
    def aggregate(**query: Any) -> tuple[str, dict[str, Any]]:
        return "aggregateRecords", {"tableName": victim, "query": query}

    def query(**query: Any) -> tuple[str, dict[str, Any]]:
        return "queryRecords", {"tableName": victim, "query": query}

    steps = [
        aggregate(select=[f"count(*); drop table {victim}"]),
        aggregate(select=["count(*); drop table t"]),
        aggregate(select=[f"count(*) as n; drop table {victim}"]),
        aggregate(select=[f"sum(score)) from {victim}; drop table {victim}; --"]),
        aggregate(select=["count(id) filter (where true)"]),
        aggregate(select=["count(distinct id, title)"]),
        aggregate(select=["pg_sleep(1)"]),
        aggregate(select=["count(pg_sleep(1))"]),
        aggregate(select=['max(title) as "x"']),
        aggregate(select=["max(title) as x; drop"]),
        aggregate(select=["title"], group=[f"title; drop table {victim}"]),
        aggregate(select=["count(*)"], having={"count(*) > 0 or 1=1": 1}),
        aggregate(select=["count(*)"], having={"count(*)": {f"gt) ; drop table {victim}; --": 1}}),
        aggregate(select=["count(*)"], having={"count(*)": {"gt": "0; drop table t"}}),
        aggregate(select=["count(*)"], having={"count(*)": {"operator": "> 0 or", "value": 1}}),
        aggregate(select=["count(*) as n"], order=f"n; drop table {victim}"),
        aggregate(select=["count(*) as n"], order="n:desc nulls first"),
        aggregate(select=["count(*)"], limit="1; drop"),
        query(order=f"title; drop table {victim}"),
        query(order="title:desc; drop"),
        query(order="(select 1)"),
        query(order="title:sideways"),
        query(limit="10; drop"),
        query(page="1 or 1=1"),
    ]
    assert attempts(mcp_url, steps) == []
    assert_untouched(api, victim)
