"""The REST function as Lambda runs it: its logs and metrics, a database connection lost, and
responses larger than Lambda may return."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql

from tests.fixtures.server import SUPER_ADMIN_KEY, LambdaServer
from tests.helpers import assert_ok, super_admin_client

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


@pytest.fixture
def make_table(client: httpx.Client) -> Iterator[Callable[[list[dict[str, Any]]], str]]:
    """Create a table with ``columns`` through the function; dropped after the test."""
    created: list[str] = []

    def factory(columns: list[dict[str, Any]]) -> str:
        name = f"t_{uuid.uuid4().hex[:10]}"
        response = client.post("/rest/db/tables", json={"name": name, "columns": columns})
        assert response.status_code == 200, response.text
        created.append(name)
        return name

    yield factory
    for name in created:
        client.delete(f"/rest/db/tables/{name}", params={"cascade": "true"})


def fill(pg: psycopg.Connection, table: str, column: str, text: str, rows: int) -> None:
    """``rows`` rows whose ``column`` holds ``text``, in one statement."""
    pg.execute(
        sql.SQL("INSERT INTO {} ({}) SELECT %s FROM generate_series(1, %s)").format(
            sql.Identifier(table), sql.Identifier(column)
        ),
        (text, rows),
    )


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


# --- responses larger than Lambda may return (6 MB) ---------------------------------------------

DEFAULT_LIMIT = 10_000
# As curl and most API clients ask by default: a gzip answer of these tables would fit in 6 MB.
UNCOMPRESSED = {"accept-encoding": "identity"}


def too_large_error(response: httpx.Response) -> str:
    """The message of a 413 ``response_too_large`` envelope (a 10 MB body is not printed)."""
    assert response.status_code == 413, (response.status_code, response.text[:500])
    body = response.json()
    assert (body["success"], body["code"]) == (False, "response_too_large")
    return body["error"]


def test_a_list_over_6_mb_is_413_saying_to_ask_for_fewer_rows_or_columns(client, make_table, pg):
    # GIVEN a table whose default page (limit 10,000) is 8 MB of JSON
    table = make_table([{"name": "note", "dataType": "long-text"}])
    fill(pg, table, "note", "x" * 700, DEFAULT_LIMIT)
    # WHEN the client asks for it
    response = client.get(f"/rest/db/{table}", headers=UNCOMPRESSED)
    # THEN the function answers a 413 envelope with the size and what to ask for instead, where
    # Lambda would have refused the response and the gateway answered a bare 500
    error = too_large_error(response)
    size = re.match(r"the response would be (\d+\.\d) MB, more than the 6 MB a Lambda", error)
    assert size is not None, error
    assert 7.5 < float(size.group(1)) < 8.5
    for hint in ("limit", "page", "after", "fields"):
        assert hint in error
    # AND fewer rows, or fewer columns, are answered
    fewer_rows = client.get(f"/rest/db/{table}", params={"limit": 2000}, headers=UNCOMPRESSED)
    assert len(assert_ok(fewer_rows)["rows"]) == 2000
    only_ids = client.get(f"/rest/db/{table}", params={"fields": "id"}, headers=UNCOMPRESSED)
    assert len(assert_ok(only_ids)["rows"]) == DEFAULT_LIMIT


def test_the_6_mb_are_counted_as_lambda_serializes_the_response(client, make_table, pg):
    # GIVEN text made of quotes: JSON escapes each once in the body (\") and Lambda once more in
    # the response it sends (\\\"), so a page of 5.3 MB is a response of over 10 MB
    table = make_table([{"name": "quotes", "dataType": "long-text"}])
    fill(pg, table, "quotes", '"' * 250, DEFAULT_LIMIT)
    tenth = client.get(
        f"/rest/db/{table}", params={"limit": DEFAULT_LIMIT // 10}, headers=UNCOMPRESSED
    )
    assert tenth.status_code == 200
    assert 10 * len(tenth.content) < 6 * 1024 * 1024
    # WHEN the whole page is asked for
    response = client.get(f"/rest/db/{table}", headers=UNCOMPRESSED)
    # THEN it is the function's 413, not a response Lambda refuses (the gateway's 500)
    assert too_large_error(response).startswith("the response would be 10.")


def test_a_write_whose_answer_is_over_6_mb_says_it_was_carried_out(client, make_table):
    # GIVEN a table whose every new record carries 1,000 characters by default
    table = make_table(
        [
            {"name": "n", "dataType": "integer"},
            {"name": "filler", "dataType": "long-text", "defaultValue": "y" * 1000},
        ]
    )
    # WHEN 10,000 small records are created in one call, whose answer returns them all (11 MB)
    response = client.post(
        f"/rest/db/{table}/bulk-create",
        json=[{"n": n} for n in range(DEFAULT_LIMIT)],
        headers=UNCOMPRESSED,
    )
    # THEN the answer says that the records were created and not to send them again
    error = too_large_error(response)
    assert error.startswith("the request was carried out, but its response would be 1")
    assert "do not send this one again" in error
    # AND they were
    page = assert_ok(client.get(f"/rest/db/{table}", params={"limit": 1, "fields": "n"}))
    assert page["pagination"]["total"] == DEFAULT_LIMIT


def test_a_gzip_answer_is_measured_as_sent(client, make_table, pg):
    # GIVEN the 8 MB page of the first test, which gzip makes a few KB
    table = make_table([{"name": "note", "dataType": "long-text"}])
    fill(pg, table, "note", "x" * 700, DEFAULT_LIMIT)
    # WHEN a client that accepts gzip asks for it
    response = client.get(f"/rest/db/{table}", headers={"accept-encoding": "gzip"})
    # THEN it is answered, compressed
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.json()["data"]["rows"]) == DEFAULT_LIMIT
