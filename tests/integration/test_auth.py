"""API keys: shown once, hashed, scopes, tables, read-only, expiry, revocation, limits."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from polarbase.auth import Scope
from tests.fixtures.server import SUPER_ADMIN_KEY


def _as(client: httpx.Client, key: str | None) -> dict[str, str]:
    return {"x-api-key": key} if key is not None else {}


def test_missing_key_is_401_with_envelope(anonymous, make_table):
    table = make_table()
    response = anonymous.get(f"/rest/db/{table}")
    assert response.status_code == 401
    body = response.json()
    assert body["success"] is False
    assert "x-api-key" in body["error"]
    assert body["timestamp"].endswith("Z")


def test_unknown_key_is_401(anonymous, make_table):
    table = make_table()
    response = anonymous.get(f"/rest/db/{table}", headers={"x-api-key": "ak_" + "0" * 64})
    assert response.status_code == 401


def test_created_key_is_shown_once_and_stored_hashed(api, live_server, tmp_path):
    created = api.post(
        "/api-keys",
        json={
            "name": "ci",
            "scopes": {"rest": True, "mcp": False, "agent": False, "realtime": True},
        },
    )
    assert created.status_code == 200
    secret = created.json()["key"]
    assert secret.startswith("ak_")
    assert len(secret) == 67
    assert created.json()["scopes"] == {
        "rest": True,
        "realtime": True,
        "mcp": False,
        "agent": False,
    }
    listed = api.get("/api-keys").json()
    mine = next(key for key in listed if key["id"] == created.json()["id"])
    assert "key" not in mine
    assert mine["prefix"] == secret[:10]
    # The secret itself is nowhere in the metadata file.
    raw = live_server.metadata_bytes()
    assert secret.encode() not in raw
    copy = tmp_path / "metadata.sqlite3"
    copy.write_bytes(raw)
    with sqlite3.connect(copy) as db:
        stored = [row[0] for row in db.execute("SELECT key_hash FROM api_keys")]
    assert all(len(value) == 64 for value in stored)


def test_validate_returns_identity_and_scopes(anonymous, make_api_key):
    secret = make_api_key(scopes=["rest", "mcp"], name="validator")
    response = anonymous.post("/auth/validate", json={"apiKey": secret})
    assert response.status_code == 200
    assert response.json()["name"] == "validator"
    assert response.json()["scopes"] == {
        "rest": True,
        "mcp": True,
        "agent": False,
        "realtime": False,
    }
    admin = anonymous.post("/auth/validate", json={"apiKey": SUPER_ADMIN_KEY}).json()
    assert admin["id"] == "super-admin-key"
    assert all(admin["scopes"].values())


def test_validate_rejects_unknown_key_with_401(anonymous):
    response = anonymous.post("/auth/validate", json={"apiKey": "ak_nope"})
    assert response.status_code == 401


def test_key_without_rest_scope_gets_403(anonymous, make_table, make_api_key):
    table = make_table()
    secret = make_api_key(scopes=["realtime"])
    response = anonymous.get(f"/rest/db/{table}", headers=_as(anonymous, secret))
    assert response.status_code == 403
    assert "rest" in response.json()["error"]


def test_only_super_admin_manages_keys(anonymous, make_api_key):
    secret = make_api_key(scopes=["rest", "mcp", "agent", "realtime"])
    assert anonymous.get("/api-keys").status_code == 401
    assert anonymous.get("/api-keys", headers=_as(anonymous, secret)).status_code == 403
    denied = anonymous.post(
        "/api-keys", headers=_as(anonymous, secret), json={"name": "x", "scopes": ["rest"]}
    )
    assert denied.status_code == 403


def test_read_only_key_reads_but_cannot_write(anonymous, api, make_table, make_api_key):
    table = make_table(columns=[{"name": "title", "dataType": "text"}])
    api.post(f"/rest/db/{table}", json={"title": "a"})
    secret = make_api_key(readOnly=True)
    headers = _as(anonymous, secret)
    assert anonymous.get(f"/rest/db/{table}", headers=headers).status_code == 200
    for method, path, body in (
        ("POST", f"/rest/db/{table}", {"title": "b"}),
        ("POST", f"/rest/db/{table}/bulk-create", [{"title": "b"}]),
        ("PATCH", f"/rest/db/{table}/1", {"title": "b"}),
        ("DELETE", f"/rest/db/{table}/1", None),
        ("POST", "/rest/db/tables", {"name": "should_not_exist"}),
        ("DELETE", f"/rest/db/tables/{table}", None),
    ):
        response = anonymous.request(method, path, headers=headers, json=body)
        assert response.status_code == 403, (method, path, response.text)
    rows = api.get(f"/rest/db/{table}").json()["data"]["rows"]
    assert [row["title"] for row in rows] == ["a"]


def test_table_allowlist_is_enforced_on_every_route(anonymous, api, make_table, make_api_key):
    allowed = make_table(columns=[{"name": "title", "dataType": "text"}])
    hidden = make_table(columns=[{"name": "title", "dataType": "text"}])
    secret = make_api_key(tables=[allowed])
    headers = _as(anonymous, secret)
    assert anonymous.get(f"/rest/db/{allowed}", headers=headers).status_code == 200
    assert anonymous.get(f"/rest/db/{hidden}", headers=headers).status_code == 403
    assert anonymous.get(f"/rest/db/{hidden}/1", headers=headers).status_code == 403
    assert (
        anonymous.post(f"/rest/db/{hidden}", headers=headers, json={"title": "x"}).status_code
        == 403
    )
    assert anonymous.get(f"/rest/db/tables/{hidden}/schema", headers=headers).status_code == 403
    listed = [t["name"] for t in anonymous.get("/rest/db/tables", headers=headers).json()["data"]]
    assert listed == [allowed]


@pytest.fixture
def linked(api, make_table) -> tuple[str, str, int]:
    """A parent table with one row (title "p") and a child table with one row referring to it."""
    parent = make_table(columns=[{"name": "title", "dataType": "text"}])
    child = make_table(
        columns=[
            {
                "name": "parent_id",
                "dataType": "reference",
                "foreignKey": {"table": parent, "column": {"name": "id"}},
            }
        ]
    )
    parent_id = api.post(f"/rest/db/{parent}", json={"title": "p"}).json()["data"]["returning"][0][
        "id"
    ]
    api.post(f"/rest/db/{child}", json={"parent_id": parent_id})
    return parent, child, parent_id


def test_expand_into_a_table_outside_the_allowlist_is_403(anonymous, linked, make_api_key):
    parent, child, _ = linked
    secret = make_api_key(tables=[child])
    response = anonymous.get(
        f"/rest/db/{child}", params={"expand": "parent_id"}, headers=_as(anonymous, secret)
    )
    assert response.status_code == 403
    assert parent in response.json()["error"]


def test_revoked_key_is_rejected(anonymous, api, make_table):
    table = make_table()
    created = api.post("/api-keys", json={"name": "temp", "scopes": ["rest"]}).json()
    headers = _as(anonymous, created["key"])
    assert anonymous.get(f"/rest/db/{table}", headers=headers).status_code == 200
    revoked = api.delete(f"/api-keys/{created['id']}")
    assert revoked.status_code == 200
    assert anonymous.get(f"/rest/db/{table}", headers=headers).status_code == 401
    listed = next(key for key in api.get("/api-keys").json() if key["id"] == created["id"])
    assert listed["revoked"] is True


def test_revoking_an_unknown_key_is_404(api):
    assert api.delete("/api-keys/999999").status_code == 404


def test_expired_key_is_rejected(anonymous, live_server, make_table):
    table = make_table()
    # GIVEN a key that expired a minute ago (created through the store: the API refuses past dates)
    _, secret = live_server.keys.create(
        name="old",
        scopes=frozenset({Scope.REST}),
        schema_name="public",
        expires_at=datetime.now(UTC) - timedelta(minutes=1),
    )
    response = anonymous.get(f"/rest/db/{table}", headers=_as(anonymous, secret))
    assert response.status_code == 401
    assert "expired" in response.json()["error"]


def test_key_with_future_expiry_works_and_past_expiry_is_refused(api, anonymous, make_table):
    table = make_table()
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    created = api.post("/api-keys", json={"name": "f", "scopes": ["rest"], "expiresAt": future})
    assert created.status_code == 200
    assert (
        anonymous.get(
            f"/rest/db/{table}", headers=_as(anonymous, created.json()["key"])
        ).status_code
        == 200
    )
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    refused = api.post("/api-keys", json={"name": "p", "scopes": ["rest"], "expiresAt": past})
    assert refused.status_code == 400
    assert "expiresAt" in refused.json()["error"]


def test_rate_limit_per_key_answers_429_with_retry_after(anonymous, make_table, make_api_key):
    table = make_table()
    secret = make_api_key(rateLimit=3)
    other = make_api_key(rateLimit=3)
    headers = _as(anonymous, secret)
    statuses = [anonymous.get(f"/rest/db/{table}", headers=headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = anonymous.get(f"/rest/db/{table}", headers=headers)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["success"] is False
    # Another key has its own budget.
    assert anonymous.get(f"/rest/db/{table}", headers=_as(anonymous, other)).status_code == 200


def test_create_key_validation_errors_name_the_field(api):
    response = api.post("/api-keys", json={"name": "x", "scopes": ["everything"]})
    assert response.status_code == 400
    # The bad item and what it may be, not the pydantic type the field has
    assert response.json()["error"] == (
        "scopes.0: Input should be 'rest', 'realtime', 'mcp' or 'agent'"
    )
    shape = api.post("/api-keys", json={"name": "x", "scopes": "rest"})
    assert shape.status_code == 400
    assert shape.json()["error"] == "scopes: Input should be a valid dictionary or a valid list"
    missing = api.post("/api-keys", json={"scopes": ["rest"]})
    assert missing.status_code == 400
    assert "name" in missing.json()["error"]


def test_expand_all_leaves_out_tables_outside_the_allowlist(anonymous, api, linked, make_api_key):
    parent, child, parent_id = linked
    limited = make_api_key(tables=[child])
    rows = anonymous.get(
        f"/rest/db/{child}", params={"expand": "all"}, headers={"x-api-key": limited}
    ).json()["data"]["rows"]
    assert rows == [{**rows[0], "parent_id": parent_id}]
    assert f"parent_id_{parent}" not in rows[0]
    full = api.get(f"/rest/db/{child}", params={"expand": "all"}).json()["data"]["rows"]
    assert full[0][f"parent_id_{parent}"]["title"] == "p"
