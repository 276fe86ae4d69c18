"""GET /health tells the truth: it checks the database and the metadata store for real, and
answers 503 naming what is down (once it said "ok" while every request got 503)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import httpx
import psycopg
import pytest
from psycopg import sql

from polarbase.local.embedded import EmbeddedPostgres
from tests.fixtures.server import SUPER_ADMIN_KEY, LambdaServer, LiveServer, make_settings


def test_health_names_mcp_as_a_service_and_its_endpoint_answers(anonymous, mcp_url):
    services = anonymous.get("/health").json()["services"]
    assert services["mcp"] is True
    assert services["agent"] is False  # not built yet: no door claims it
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "health-test", "version": "1"},
        },
    }
    headers = {"accept": "application/json, text/event-stream", "x-api-key": SUPER_ADMIN_KEY}
    response = httpx.post(mcp_url, json=initialize, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    assert "serverInfo" in response.text


def test_health_checks_each_dependency(anonymous):
    response = anonymous.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["down"] == []
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["metadata"]["status"] == "ok"
    assert set(body) >= {"version", "uptime", "timestamp", "services"}


@pytest.fixture
def own_database(postgres_server: EmbeddedPostgres) -> Iterator[tuple[str, str]]:
    """A database of this test's own (name, url), dropped at the end."""
    assert postgres_server.url is not None
    name = f"health_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_server.url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name, postgres_server.url.replace("/postgres?", f"/{name}?")
    with psycopg.connect(postgres_server.url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _health(url: str) -> httpx.Response:
    return httpx.get(f"{url}/health", timeout=30)


def _eventually(url: str, status: int, seconds: float = 15.0) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        response = _health(url)
        if response.status_code == status or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def test_database_down_is_503_naming_it_and_recovers(own_database, postgres_server, tmp_path):
    name, url = own_database
    # Without realtime: PostgreSQL refuses to drop a database a replication slot is reading.
    server = LiveServer(make_settings(tmp_path, realtime=False), url).start()
    admin = postgres_server.url
    try:
        assert _health(server.url).status_code == 200
        # WHEN the database goes away (its connections killed with it)
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name))
            )
        # THEN health says so, naming it, and the metadata is still fine
        response = _health(server.url)
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "unavailable"
        assert body["down"] == ["database"]
        assert body["checks"]["database"]["status"] == "down"
        assert body["checks"]["database"]["error"]
        assert body["checks"]["metadata"]["status"] == "ok"
        # WHEN it is back, health recovers without a restart
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        response = _eventually(server.url, 200)
        assert response.status_code == 200, response.text
    finally:
        server.stop()


def test_metadata_store_down_on_aws_is_503_naming_it(moto_endpoint, database_url, tmp_path):
    # GIVEN the REST function, running as Lambda runs it, with its metadata in S3
    server = LambdaServer(moto_endpoint, database_url, tmp_path).start()
    try:
        assert _health(server.url).status_code == 200
        # WHEN the metadata bucket goes away
        listed = server.s3.list_objects_v2(Bucket=server.bucket).get("Contents", [])
        for item in listed:
            server.s3.delete_object(Bucket=server.bucket, Key=item["Key"])
        server.s3.delete_bucket(Bucket=server.bucket)
        # THEN health answers 503 and names the metadata store, not the database
        response = _eventually(server.url, 503)
        assert response.status_code == 503, response.text
        body = response.json()
        assert body["down"] == ["metadata"]
        assert body["checks"]["database"]["status"] == "ok"
    finally:
        server.stop()


def test_a_lambda_cold_start_with_the_database_down_reports_it(
    moto_endpoint, database_url, tmp_path
):
    # GIVEN the REST function whose database secret names a database that does not exist
    missing = database_url.replace("/test_", "/missing_", 1)
    server = LambdaServer(moto_endpoint, missing, tmp_path).start(ready_status=503)
    try:
        # THEN its first /health (the start of the runtime failed) checks and names it
        body = _health(server.url).json()
        assert body["status"] == "unavailable"
        assert body["down"] == ["database"]
        assert body["checks"]["metadata"]["status"] == "ok"
        # AND a records request is a 503 envelope, not a crash
        response = httpx.get(f"{server.url}/rest/db/anything", timeout=30)
        assert response.status_code == 503
        assert response.json()["code"] == "database_unavailable"
    finally:
        server.stop()
