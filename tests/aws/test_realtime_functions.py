"""Realtime on AWS through its functions' handlers: the websocket function (API Gateway WebSocket
events), the changes function and the poster, on moto's DynamoDB, S3 and management API and the
real PostgreSQL.

The handlers are the real modules (``functions/*/handler.py``), imported with the environment
the CDK app gives them; the functions invoke each other through a real Lambda client served by
``LambdaInvokeServer`` (moto runs function code only in Docker).
"""

from __future__ import annotations

import importlib.util
import json
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from botocore.stub import Stubber
from psycopg import sql

from polarbase.auth import Scope
from polarbase.realtime.aws import AwsRealtime
from polarbase.realtime.push import ManagementApiPoster
from tests.fixtures.lambda_invoke import Context, LambdaInvokeServer
from tests.fixtures.moto import FAKE_CREDENTIALS, REGION, create_keyed_table, moto_client
from tests.fixtures.postgres import drop_slot
from tests.fixtures.server import SUPER_ADMIN_KEY

ROOT = Path(__file__).resolve().parents[2]


def _table(dynamodb: Any) -> str:
    return create_keyed_table(dynamodb, f"rt-{uuid.uuid4().hex[:10]}")


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"{name}_{uuid.uuid4().hex[:6]}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def aws(
    moto_endpoint: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SimpleNamespace]:
    bucket = f"polarbase-rt-{uuid.uuid4().hex[:10]}"
    moto_client("s3", moto_endpoint).create_bucket(Bucket=bucket)
    dynamodb = moto_client("dynamodb", moto_endpoint)
    tables = SimpleNamespace(connections=_table(dynamodb), events=_table(dynamodb))
    directory = tmp_path_factory.mktemp("functions")
    with LambdaInvokeServer() as lambdas, pytest.MonkeyPatch.context() as env:
        for name, value in {
            **FAKE_CREDENTIALS,
            "AWS_ENDPOINT_URL": moto_endpoint,
            "AWS_ENDPOINT_URL_LAMBDA": lambdas.url,
            "DATABASE_URL": database_url,
            "POLARBASE_MODE": "aws",
            "POLARBASE_AWS_REGION": REGION,
            "POLARBASE_METADATA_BUCKET": bucket,
            "POLARBASE_SUPER_ADMIN_KEY": SUPER_ADMIN_KEY,
            "POLARBASE_SCHEMA_TTL_SECONDS": "0",
            "POLARBASE_REALTIME_SLOT": f"pb_aws_{uuid.uuid4().hex[:10]}",
            "POLARBASE_REALTIME_CONNECTIONS_TABLE": tables.connections,
            "POLARBASE_REALTIME_EVENTS_TABLE": tables.events,
            "POLARBASE_REALTIME_POSTER_FUNCTION": "poster",
            "POLARBASE_REALTIME_CHANGES_FUNCTION": "changes",
            "POLARBASE_REALTIME_WEBSOCKET_ENDPOINT": moto_endpoint,
            "POWERTOOLS_SERVICE_NAME": "polarbase-realtime",
        }.items():
            env.setenv(name, value)
        modules = {}
        for name in ("realtime", "changes", "poster"):
            env.setenv("POLARBASE_CACHE_DIR", str(directory / name))
            modules[name] = _load(name, ROOT / "functions" / name / "handler.py")
        lambdas.functions["poster"] = modules["poster"].handler
        lambdas.functions["changes"] = modules["changes"].handler
        namespace = SimpleNamespace(lambdas=lambdas, database_url=database_url, **modules)
        namespace.changes.handler({"source": "aws.events"}, Context("changes"))  # makes the slot
        yield namespace
        for name in ("realtime", "changes"):
            module = modules[name]
            module.loop.run_until_complete(module.runtime.stop())
        drop_slot(database_url, modules["changes"].runtime.settings.realtime_slot)
    sys.modules.pop("handler", None)


def websocket(aws: SimpleNamespace, route: str, connection_id: str, **event: Any) -> Any:
    request = {"routeKey": route, "connectionId": connection_id, "stage": "live"}
    return aws.realtime.handler({"requestContext": request, **event}, Context("realtime"))


def connect(aws: SimpleNamespace, key: str | None = SUPER_ADMIN_KEY) -> tuple[str, Any]:
    connection_id = f"conn{uuid.uuid4().hex[:12]}="
    query = {"x-api-key": key} if key else None
    return connection_id, websocket(aws, "$connect", connection_id, queryStringParameters=query)


def send(aws: SimpleNamespace, connection_id: str, **message: Any) -> dict[str, Any] | None:
    answer = websocket(aws, "$default", connection_id, body=json.dumps(message))
    assert answer["statusCode"] == 200
    return json.loads(answer["body"]) if "body" in answer else None


def posted(connection_id: str) -> list[dict[str, Any]]:
    """Every frame moto's management API received for ``connection_id``, in order."""
    from moto.apigatewaymanagementapi.models import apigatewaymanagementapi_backends
    from moto.core.models import DEFAULT_ACCOUNT_ID

    backend = apigatewaymanagementapi_backends[DEFAULT_ACCOUNT_ID][REGION]
    # moto keeps the id as it appears in the URL path: API Gateway's ids end in "=" (%3D).
    connection = backend.connections.get(quote(connection_id, safe=""))
    data = connection.data.decode() if connection is not None else ""
    frames, decoder, at = [], json.JSONDecoder(), 0
    while at < len(data):
        frame, at = decoder.raw_decode(data, at)
        frames.append(frame)
    return frames


def events(connection_id: str) -> list[dict[str, Any]]:
    return [
        frame["data"]["payload"]
        for frame in posted(connection_id)
        if frame.get("data", {}).get("event") == "db_change"
    ]


def drain(aws: SimpleNamespace, *, scheduled: bool = False) -> dict[str, Any]:
    event = {"source": "aws.events"} if scheduled else {"source": "write"}
    return aws.changes.handler(event, Context("changes"))  # type: ignore[no-any-return]


@pytest.fixture
def table(aws: SimpleNamespace) -> Iterator[str]:
    name = f"rt_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(aws.database_url, autocommit=True) as connection:
        connection.execute(
            sql.SQL(
                "CREATE TABLE {} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                "title text, qty integer, due timestamptz)"
            ).format(sql.Identifier(name))
        )
    drain(aws)  # publishes the new table (as the next drain after its creation would)
    yield name
    with psycopg.connect(aws.database_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(name)))


def insert(aws: SimpleNamespace, table: str, **values: Any) -> int:
    with psycopg.connect(aws.database_url, autocommit=True) as connection:
        row = connection.execute(
            sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING id").format(
                sql.Identifier(table),
                sql.SQL(", ").join(map(sql.Identifier, values)),
                sql.SQL(", ").join(sql.Placeholder() * len(values)),
            ),
            list(values.values()),
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_connect_needs_a_valid_key_with_the_realtime_scope(aws: SimpleNamespace) -> None:
    _, missing = connect(aws, None)
    assert missing["statusCode"] == 401
    _, invalid = connect(aws, "ak_" + "0" * 64)
    assert invalid["statusCode"] == 401
    _, secret = aws.realtime.runtime.keys.create(
        name="rest only", scopes=frozenset({Scope.REST}), schema_name="public"
    )
    _, refused = connect(aws, secret)
    assert refused["statusCode"] == 403
    assert "realtime" in refused["body"]
    connection_id, accepted = connect(aws)
    assert accepted == {"statusCode": 200}
    assert send(aws, connection_id, type="ping", ref=1) == {"type": "pong", "ref": 1}


def test_subscribe_write_drain_posts_the_expected_frames(aws: SimpleNamespace, table: str) -> None:
    connection_id, _ = connect(aws)
    reply = send(aws, connection_id, type="subscribe", table=table, filter={"qty": {"gte": 10}})
    assert reply is not None
    assert reply["type"] == "subscribed"
    record_id = insert(aws, table, title="big", qty=12, due="2026-11-25T10:00:00.5Z")
    insert(aws, table, title="small", qty=1)
    result = drain(aws)
    assert result["events"] >= 2
    (frame,) = [f for f in posted(connection_id) if f.get("data")]
    assert frame["id"] == connection_id
    assert frame["subscriptions"] == [reply["subscription"]]
    payload = frame["data"]["payload"]
    assert (payload["tag"], payload["table"], payload["relation"]["name"]) == (
        "insert",
        table,
        table,
    )
    assert payload["new"] == {
        "id": record_id,
        "title": "big",
        "qty": 12,
        "due": "2026-11-25T10:00:00.5+00:00",
    }
    assert payload["key"] == {"id": record_id}


def test_a_connection_that_subscribed_to_nothing_gets_every_change(
    aws: SimpleNamespace, table: str
) -> None:
    connection_id, _ = connect(aws)
    insert(aws, table, title="a")
    drain(aws)
    assert [event["new"]["title"] for event in events(connection_id)] == ["a"]


def test_a_key_without_the_table_gets_nothing_from_it(aws: SimpleNamespace, table: str) -> None:
    _, secret = aws.realtime.runtime.keys.create(
        name="other table",
        scopes=frozenset({Scope.REALTIME}),
        schema_name="public",
        tables=frozenset({"somewhere_else"}),
    )
    connection_id, accepted = connect(aws, secret)
    assert accepted["statusCode"] == 200
    refused = send(aws, connection_id, type="subscribe", table=table)
    assert refused is not None
    assert (refused["type"], refused["reason"]) == ("error", "forbidden")
    insert(aws, table, title="hidden")
    drain(aws)
    assert events(connection_id) == []


def test_resume_replays_the_kept_events_after_since(aws: SimpleNamespace, table: str) -> None:
    first, _ = connect(aws)
    send(aws, first, type="subscribe", table=table)
    insert(aws, table, qty=0)
    drain(aws)
    (seen,) = events(first)
    for qty in (1, 2, 3):
        insert(aws, table, qty=qty)
    drain(aws)
    second, _ = connect(aws)
    assert send(aws, second, type="subscribe", table=table, since=seen["position"]) is None
    frames = posted(second)
    assert frames[0]["type"] == "subscribed"
    assert [frame["data"]["payload"]["new"]["qty"] for frame in frames[1:]] == [1, 2, 3]


def test_a_position_no_longer_kept_gets_a_gap(aws: SimpleNamespace, table: str) -> None:
    connection_id, _ = connect(aws)
    send(aws, connection_id, type="subscribe", table=table, since="0" * 16 + "-" + "0" * 8)
    kinds = [frame.get("type") for frame in posted(connection_id)]
    assert kinds[:2] == ["subscribed", "gap"]


def test_an_event_over_128_kb_becomes_a_notice(aws: SimpleNamespace, table: str) -> None:
    connection_id, _ = connect(aws)
    send(aws, connection_id, type="subscribe", table=table)
    record_id = insert(aws, table, title="x" * 200_000)
    drain(aws)
    (notice,) = events(connection_id)
    assert notice["tooLarge"] is True
    assert notice["table"] == table
    assert notice["key"] == {"id": record_id}
    assert "new" not in notice


def test_a_write_through_the_api_wakes_the_changes_function(
    aws: SimpleNamespace, table: str
) -> None:
    connection_id, _ = connect(aws)
    send(aws, connection_id, type="subscribe", table=table)
    runtime = aws.realtime.runtime
    from polarbase.auth import Principal

    aws.realtime.loop.run_until_complete(
        runtime.records.create_records(Principal.system(), table, {"title": "via api"}, bulk=False)
    )
    aws.lambdas.wait_background()
    assert ("changes", "Event", {"source": "write"}) in aws.lambdas.invocations
    assert [event["new"]["title"] for event in events(connection_id)] == ["via api"]


def test_unsubscribe_and_disconnect(aws: SimpleNamespace, table: str) -> None:
    connection_id, _ = connect(aws)
    reply = send(aws, connection_id, type="subscribe", table=table)
    assert reply is not None
    answer = send(aws, connection_id, type="unsubscribe", subscription=reply["subscription"])
    assert answer == {"type": "unsubscribed", "subscriptions": [reply["subscription"]]}
    assert websocket(aws, "$disconnect", connection_id) == {"statusCode": 200}
    assert aws.realtime.realtime.registry.get(connection_id) is None
    gone = send(aws, connection_id, type="ping")
    assert gone is not None
    assert gone["reason"] == "unauthenticated"


def test_a_revoked_keys_connection_is_closed_by_the_schedule(
    aws: SimpleNamespace, table: str
) -> None:
    runtime = aws.realtime.runtime
    key, secret = runtime.keys.create(
        name="to revoke", scopes=frozenset({Scope.REALTIME}), schema_name="public"
    )
    connection_id, _ = connect(aws, secret)
    runtime.keys.revoke(key.id)
    drain(aws, scheduled=True)
    assert aws.realtime.realtime.registry.get(connection_id) is None
    assert ("poster", "RequestResponse", {"disconnect": [connection_id]}) in aws.lambdas.invocations


def test_gone_connections_are_forgotten(aws: SimpleNamespace, table: str) -> None:
    """moto never answers 410, so API Gateway's GoneException comes from botocore's Stubber."""
    module = aws.changes
    client = moto_client(
        "apigatewaymanagementapi", "https://example.execute-api.amazonaws.com/live"
    )
    stub = Stubber(client)
    realtime = AwsRealtime(
        module.runtime,
        module.realtime.registry,
        module.realtime.log,
        ManagementApiPoster(client, max_workers=1),
    )
    realtime._slot_ready = True  # the module's realtime made the slot
    for earlier in module.realtime.registry.connections():  # one connection, one stubbed answer
        module.realtime.registry.remove(earlier.id)
    connection_id, _ = connect(aws)
    insert(aws, table, title="to nobody")
    stub.add_client_error(
        "post_to_connection", service_error_code="GoneException", http_status_code=410
    )
    with stub:
        module.loop.run_until_complete(realtime.drain())
    stub.assert_no_pending_responses()
    assert module.realtime.registry.get(connection_id) is None
