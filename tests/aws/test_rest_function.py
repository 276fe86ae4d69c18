"""The REST function as Lambda runs it: its logs and metrics, and a database connection lost."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.fixtures.server import SUPER_ADMIN_KEY, LambdaServer
from tests.helpers import super_admin_client

APPLICATION = "polarbase-function-test"


@pytest.fixture(scope="module")
def function(
    moto_endpoint: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LambdaServer]:
    """An execution environment of its own, its connection named so a test can find it."""
    named = f"{database_url}&application_name={APPLICATION}"
    server = LambdaServer(moto_endpoint, named, tmp_path_factory.mktemp("function")).start()
    yield server
    server.stop()


@pytest.fixture
def client(function: LambdaServer) -> Iterator[httpx.Client]:
    with super_admin_client(function) as client:
        yield client


def log_records(path: Path) -> list[dict[str, Any]]:
    """The JSON lines of the function's output (Powertools logs and EMF metrics)."""
    records = []
    for line in path.read_text().splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))
    return records


def test_logs_are_json_with_the_gateway_request_id_as_correlation_id(client, function):
    # WHEN a request is answered
    response = client.get("/rest/db/tables/no_such_table_here")
    assert response.status_code == 404
    request_id = response.headers["apigw-requestid"]
    # THEN the function's log line for it is JSON and carries the gateway's request id
    lines = [record for record in log_records(function.log_path) if "correlation_id" in record]
    assert any(record["correlation_id"] == request_id for record in lines), lines[-3:]
    mine = next(record for record in lines if record["correlation_id"] == request_id)
    assert mine["function_name"] == "polarbase-rest-test"
    assert mine["service"] == "polarbase-rest"
    assert (mine["method"], mine["path"], mine["status"]) == (
        "GET",
        "/rest/db/tables/no_such_table_here",
        404,
    )


def test_metrics_report_the_cold_start_once_and_latency_every_invocation(client, function):
    for _ in range(3):
        assert client.get("/health").status_code == 200
    metrics = [record for record in log_records(function.log_path) if "_aws" in record]
    names = [
        [metric["Name"] for metric in directive["Metrics"]]
        for record in metrics
        for directive in record["_aws"]["CloudWatchMetrics"]
    ]
    assert sum("ColdStart" in group for group in names) == 1
    assert sum("Latency" in group for group in names) >= 3
    latency = [value for record in metrics for value in record.get("Latency", [])]
    assert all(value > 0 for value in latency)
    assert all(
        record["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "PolarBase" for record in metrics
    )


def test_keys_never_reach_the_logs(client, function):
    created = client.post("/api-keys", json={"name": "logged?", "scopes": ["rest"]})
    assert created.status_code == 200
    secret = created.json()["key"]
    assert client.get("/rest/db/tables", headers={"x-api-key": secret}).status_code == 200
    assert client.get("/rest/db/tables", headers={"x-api-key": secret + "x"}).status_code == 401
    text = function.log_path.read_text()
    assert SUPER_ADMIN_KEY not in text
    assert secret not in text


def test_a_dropped_database_connection_is_reopened_on_the_next_request(
    client, function, database_url
):
    # GIVEN a warm function holding its one connection
    assert client.get("/rest/db/tables").status_code == 200
    # WHEN the server (or RDS Proxy, after an idle timeout) drops that connection
    with psycopg.connect(database_url, autocommit=True) as admin:
        dropped = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = %s",
            (APPLICATION,),
        ).fetchone()[0]
    assert dropped == 1
    # THEN the next requests are answered, on a new connection
    for _ in range(3):
        assert client.get("/rest/db/tables").status_code == 200
    with psycopg.connect(database_url, autocommit=True) as admin:
        (connections,) = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (APPLICATION,)
        ).fetchone()
    assert connections == 1
