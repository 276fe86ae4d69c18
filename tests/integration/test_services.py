"""The services enforce every access rule themselves, and announce every committed write.

Doors (REST, and later MCP, the agent, the CLI) only authenticate and translate: a service called
directly with a principal refuses exactly what REST refuses, with the same message. Every record
and schema write reaches the listeners registered on the runtime, after its commit.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import orjson
import pytest

from polarbase.auth import Principal, Scope
from polarbase.changes import Change, ChangeAction
from polarbase.errors import PolarBaseError, ScopeDeniedError
from polarbase.runtime import Runtime, build_runtime
from polarbase.schema import ColumnDefinition, TableDefinition, TableUpdate
from tests.fixtures.server import make_settings


@pytest.fixture
def run_services(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[Callable[[Runtime], Awaitable[Any]]], Any]:
    """Run ``scenario(runtime)`` on a started runtime of its own (no HTTP), then stop it."""

    def run(scenario: Callable[[Runtime], Awaitable[Any]]) -> Any:
        async def main() -> Any:
            runtime = build_runtime(
                # Without realtime: each runtime would make a replication slot of its own.
                make_settings(tmp_path_factory.mktemp("services"), realtime=False),
                database_url=database_url,
            )
            await runtime.start()
            try:
                return await scenario(runtime)
            finally:
                await runtime.stop()

        return asyncio.run(main())

    return run


def _principal(runtime: Runtime, door: Scope = Scope.REST, **rules: Any) -> Principal:
    key, _ = runtime.keys.create(
        name="service test",
        scopes=frozenset(rules.pop("scopes", {Scope.REST})),
        schema_name=rules.pop("schema_name", "public"),
        **rules,
    )
    return Principal(key, door)


def _refusal(call: Awaitable[Any]) -> Callable[[], Awaitable[str]]:
    async def refused() -> str:
        with pytest.raises(ScopeDeniedError) as caught:
            await call
        return caught.value.message

    return refused


def _rest_error(response: httpx.Response) -> str:
    assert response.status_code == 403, response.text
    return response.json()["error"]


def test_read_only_principal_gets_the_refusals_rest_gives(
    run_services, api, anonymous, make_table, make_api_key
):
    # GIVEN a table and a read-only key, refused through REST
    table = make_table(columns=[{"name": "title", "dataType": "text"}])
    secret = make_api_key(scopes=["rest"], readOnly=True)
    headers = {"x-api-key": secret}
    rest_messages = {
        "create": _rest_error(
            anonymous.post(f"/rest/db/{table}", json={"title": "x"}, headers=headers)
        ),
        "delete": _rest_error(
            anonymous.post(f"/rest/db/{table}/bulk-delete", json={"ids": [1]}, headers=headers)
        ),
        "drop": _rest_error(anonymous.delete(f"/rest/db/tables/{table}", headers=headers)),
    }

    # WHEN the services are called directly with a read-only principal
    async def scenario(runtime: Runtime) -> dict[str, str]:
        principal = _principal(runtime, read_only=True)
        return {
            "create": await _refusal(
                runtime.records.create_records(principal, table, {"title": "x"}, bulk=False)
            )(),
            "delete": await _refusal(runtime.records.delete_records(principal, table, [1]))(),
            "drop": await _refusal(runtime.tables.delete_table(principal, table))(),
            "update_where": await _refusal(
                runtime.records.update_where(
                    principal, table, [{"where": {"id": 1}, "data": {"title": "y"}}]
                )
            )(),
        }

    service_messages = run_services(scenario)

    # THEN they refuse with REST's messages, and the data is untouched
    for action, message in rest_messages.items():
        assert service_messages[action] == message
    assert service_messages["update_where"] == rest_messages["create"]
    assert api.get(f"/rest/db/{table}").json()["data"]["rows"] == []


def test_services_enforce_scope_allowlist_and_schema(run_services, make_table):
    table = make_table(columns=[{"name": "title", "dataType": "text"}])
    other = make_table()

    async def scenario(runtime: Runtime) -> dict[str, str]:
        results = {}
        no_rest = _principal(runtime, scopes={Scope.MCP})
        allowlisted = _principal(runtime, tables=frozenset({table}))
        other_schema = _principal(runtime, schema_name="accounting")
        mcp_door = _principal(runtime, Scope.MCP, scopes={Scope.REST})
        for name, principal, call in (
            ("scope", no_rest, lambda p: runtime.records.list_records(p, table)),
            ("door", mcp_door, lambda p: runtime.records.list_records(p, table)),
            ("allowlist", allowlisted, lambda p: runtime.records.get_record(p, other, 1)),
            ("schema", other_schema, lambda p: runtime.tables.get_table(p, table)),
            ("schema change", allowlisted, lambda p: runtime.tables.delete_table(p, table)),
        ):
            results[name] = await _refusal(call(principal))()
        listed = await runtime.tables.list_tables(allowlisted)
        results["listed"] = ",".join(t.name for t in listed)
        return results

    results = run_services(scenario)
    assert results["scope"] == "access denied: this API key does not have the 'rest' scope"
    assert results["door"] == "access denied: this API key does not have the 'mcp' scope"
    assert results["allowlist"] == f"access denied: this API key may not use table '{other}'"
    assert "schema 'accounting', not 'public'" in results["schema"]
    assert "cannot change the schema" in results["schema change"]
    assert results["listed"] == table


def test_key_schema_name_is_enforced_through_rest(api, anonymous, make_table):
    # GIVEN a key made for another schema than the one the API exposes
    table = make_table()
    created = api.post(
        "/api-keys", json={"name": "other schema", "scopes": ["rest"], "schemaName": "accounting"}
    )
    assert created.status_code == 200, created.text
    assert created.json()["schemaName"] == "accounting"
    headers = {"x-api-key": created.json()["key"]}
    # THEN it reaches no table of the exposed schema, and lists none
    response = anonymous.get(f"/rest/db/{table}", headers=headers)
    assert response.status_code == 403
    assert "schema 'accounting'" in response.json()["error"]
    listed = anonymous.get("/rest/db/tables", headers=headers)
    assert listed.status_code == 403


def test_key_schema_name_defaults_to_the_exposed_schema(api):
    created = api.post("/api-keys", json={"name": "default schema", "scopes": ["rest"]})
    assert created.json()["schemaName"] == "public"
    refused = api.post("/api-keys", json={"name": "bad", "scopes": ["rest"], "schemaName": "a b"})
    assert refused.status_code == 400
    assert "schemaName" in refused.json()["error"]


def test_every_committed_write_reaches_the_listeners(run_services):
    name = f"t_{uuid.uuid4().hex[:10]}"

    async def scenario(runtime: Runtime) -> tuple[list[Change], dict[str, Any]]:
        heard: list[Change] = []
        runtime.changes.listen(heard.append)
        principal = _principal(runtime)
        await runtime.tables.create_table(
            principal,
            TableDefinition.model_validate(
                {"name": name, "columns": [{"name": "title", "dataType": "text"}]}
            ),
        )
        created = orjson.loads(
            await runtime.records.create_records(
                principal, name, [{"title": "a"}, {"title": "b"}, {"title": "c"}], bulk=True
            )
        )
        ids = [row["id"] for row in created["returning"]]
        await runtime.records.update_record(principal, name, ids[0], {"title": "A"})
        deleted = orjson.loads(
            await runtime.records.delete_records(principal, name, [ids[1], ids[2], 999_999])
        )
        # A refused write is not announced.
        with pytest.raises(PolarBaseError):
            await runtime.records.create_records(principal, name, {"nope": 1}, bulk=False)
        await runtime.tables.delete_table(principal, name)
        return heard, {"ids": ids, "deleted": deleted, "actor": principal.actor}

    heard, facts = run_services(scenario)
    ids = facts["ids"]
    assert [change.action for change in heard] == [
        ChangeAction.CREATE_TABLE,
        ChangeAction.INSERT,
        ChangeAction.UPDATE,
        ChangeAction.DELETE,
        ChangeAction.DROP_TABLE,
    ]
    assert all(change.table.name == name for change in heard)
    assert all(change.actor == facts["actor"] for change in heard)
    assert heard[1].keys == tuple(ids)
    assert heard[2].keys == (ids[0],)
    assert sorted(heard[3].keys) == sorted(ids[1:])
    # The bulk delete reports the keys it removed (not the one that was not there).
    assert facts["deleted"]["deletedCount"] == 2
    assert sorted(facts["deleted"]["deletedIds"]) == sorted(ids[1:])


def test_a_failing_listener_does_not_fail_the_committed_write(run_services, api):
    name = f"t_{uuid.uuid4().hex[:10]}"

    async def scenario(runtime: Runtime) -> str:
        def broken(change: Change) -> None:
            raise RuntimeError("listener bug")

        runtime.changes.listen(broken)
        principal = Principal.system()
        await runtime.tables.create_table(principal, TableDefinition(name=name))
        return await runtime.records.create_records(principal, name, {}, bulk=False)

    result = orjson.loads(run_services(scenario))
    assert result["insertedCount"] == 1
    assert api.get(f"/rest/db/{name}").json()["data"]["pagination"]["total"] == 1
    api.delete(f"/rest/db/tables/{name}")


def test_writes_that_change_nothing_are_not_announced(run_services):
    name = f"t_{uuid.uuid4().hex[:10]}"

    async def scenario(runtime: Runtime) -> list[Change]:
        principal = Principal.system()
        await runtime.tables.create_table(
            principal,
            TableDefinition.model_validate(
                {"name": name, "comment": "c", "columns": [{"name": "title", "dataType": "text"}]}
            ),
        )
        heard: list[Change] = []
        runtime.changes.listen(heard.append)
        for write in (
            runtime.records.update_record(principal, name, 999, {"title": "x"}),
            runtime.records.delete_record(principal, name, 999),
        ):
            with pytest.raises(PolarBaseError):
                await write
        await runtime.records.delete_records(principal, name, [999])
        await runtime.records.delete_where(principal, name, {"title": "nobody"})
        await runtime.records.update_where(
            principal, name, [{"where": {"title": "nobody"}, "data": {"title": "y"}}]
        )
        # The original client's table editor sends its whole form even when nothing changed.
        await runtime.tables.update_table(
            principal,
            name,
            TableUpdate.model_validate(
                {"name": name, "comment": "c", "idType": "biginteger", "timestamps": True}
            ),
        )
        await runtime.tables.delete_table(principal, name)
        return heard

    heard = run_services(scenario)
    assert [change.action for change in heard] == [ChangeAction.DROP_TABLE]
    assert heard[0].actor == "system"


def test_changes_by_filter_and_composite_keys_are_announced_with_their_keys(run_services, pg):
    # GIVEN a table made outside PolarBase with a two-column primary key
    name = f"t_{uuid.uuid4().hex[:10]}"
    pg.execute(
        f'CREATE TABLE "{name}" (region text, code int, label text, PRIMARY KEY (region, code))'
    )

    async def scenario(runtime: Runtime) -> tuple[list[Change], dict[str, Any]]:
        heard: list[Change] = []
        runtime.changes.listen(heard.append)
        principal = Principal.system()
        rows = [
            {"region": "eu", "code": 1},
            {"region": "eu", "code": 2},
            {"region": "us", "code": 1},
        ]
        await runtime.records.create_records(principal, name, rows, bulk=True)
        updated = await runtime.records.update_where(
            principal, name, [{"where": {"region": "eu"}, "data": {"label": "europe"}}]
        )
        deleted = await runtime.records.delete_where(principal, name, {"code": 1})
        return heard, {"updated": orjson.loads(updated), "deleted": orjson.loads(deleted)}

    try:
        heard, results = run_services(scenario)
    finally:
        pg.execute(f'DROP TABLE "{name}"')
    assert [change.action for change in heard] == [
        ChangeAction.INSERT,
        ChangeAction.UPDATE,
        ChangeAction.DELETE,
    ]
    assert heard[0].keys == (
        {"region": "eu", "code": 1},
        {"region": "eu", "code": 2},
        {"region": "us", "code": 1},
    )
    assert sorted(key["code"] for key in heard[1].keys) == [1, 2]
    assert results["updated"]["updatedCount"] == 2
    assert results["deleted"]["deletedIds"] == [
        {"region": "eu", "code": 1},
        {"region": "us", "code": 1},
    ]
    assert heard[2].keys == tuple(results["deleted"]["deletedIds"])


def test_a_listener_sees_the_new_column_when_add_column_is_announced(run_services):
    name = f"t_{uuid.uuid4().hex[:10]}"

    async def scenario(runtime: Runtime) -> list[str]:
        principal = Principal.system()
        await runtime.tables.create_table(principal, TableDefinition(name=name))
        seen: list[str] = []

        async def look(change: Change) -> None:
            shape = await runtime.tables.get_table(principal, change.table.name)
            seen.extend(column.name for column in shape.columns)

        runtime.changes.listen(look)
        await runtime.tables.add_column(
            principal, name, ColumnDefinition(name="title", dataType="text")
        )
        await runtime.tables.delete_table(principal, name)
        return seen

    assert "title" in run_services(scenario)
