"""Every route authenticates before it reads a body, takes JSON whatever the content type, and
refuses bodies over the limit with 413."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import orjson
import pytest

from tests.helpers import assert_error, assert_ok

BODY_ROUTES = [
    ("POST", "/rest/db/tables"),
    ("POST", "/rest/db/indexes"),
    ("POST", "/api-keys"),
    ("PATCH", "/rest/db/tables/{table}"),
    ("POST", "/rest/db/tables/{table}/columns"),
    ("PUT", "/rest/db/tables/{table}/columns/title"),
    ("POST", "/rest/db/{table}"),
    ("POST", "/rest/db/{table}/bulk-create"),
    ("PATCH", "/rest/db/{table}/bulk-update"),
    ("POST", "/rest/db/{table}/bulk-delete"),
    ("PATCH", "/rest/db/{table}/1"),
]


@pytest.fixture
def table(make_table) -> str:
    return make_table(columns=[{"name": "title", "dataType": "text"}])


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
@pytest.mark.parametrize("body", [b"[1]", b"not json", b'{"name": 5}'])
def test_a_body_without_a_key_is_401_never_400(anonymous, table, method, path, body):
    response = anonymous.request(method, path.format(table=table), content=body)
    assert_error(response, 401, "x-api-key")


@pytest.mark.parametrize(("method", "path"), [*BODY_ROUTES, ("POST", "/auth/validate")])
def test_a_body_over_the_limit_is_413_on_every_route(api, table, method, path):
    big = b'{"padding": "' + b"x" * (17 * 1024 * 1024) + b'"}'
    response = api.request(method, path.format(table=table), content=big)
    assert response.status_code == 413, response.text[:200]


def _chunks(size: int) -> Iterator[bytes]:
    yield b'{"padding": "'
    for _ in range(size // 65536):
        yield b"x" * 65536
    yield b'"}'


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
def test_a_big_body_without_a_key_is_401_and_is_not_read(anonymous, table, transport, method, path):
    # Without content-length (chunked) too: the key is checked before the body is read.
    response = anonymous.request(method, path.format(table=table), content=_chunks(8 << 20))
    # On AWS the gateway itself refuses a body over Lambda's 6 MB before the function runs.
    expected = 413 if transport == "lambda" else 401
    assert response.status_code == expected, response.text[:200]


@pytest.mark.parametrize(
    ("method", "path"),
    [route for route in BODY_ROUTES if route[1] != "/api-keys"],
)
def test_a_key_without_write_rights_is_403_before_its_body_is_read(
    anonymous, table, make_api_key, method, path
):
    read_only = {"x-api-key": make_api_key(scopes=["rest"], readOnly=True)}
    response = anonymous.request(
        method, path.format(table=table), content=b"not json", headers=read_only
    )
    assert_error(response, 403, "read-only")


def test_a_key_that_is_not_the_super_admin_is_403_before_its_body_is_read(anonymous, make_api_key):
    headers = {"x-api-key": make_api_key(scopes=["rest"])}
    response = anonymous.post("/api-keys", content=b"not json", headers=headers)
    assert_error(response, 403, "super admin")


def test_schema_and_key_routes_take_json_without_a_json_content_type(api):
    name = f"t_{uuid.uuid4().hex[:10]}"
    # curl -d sends application/x-www-form-urlencoded
    form = {"content-type": "application/x-www-form-urlencoded"}
    body = orjson.dumps({"name": name, "columns": [{"name": "title", "dataType": "text"}]})
    assert_ok(api.post("/rest/db/tables", content=body, headers=form))
    column = orjson.dumps({"name": "size", "dataType": "integer"})
    assert_ok(api.post(f"/rest/db/tables/{name}/columns", content=column, headers={}))
    key = api.post("/api-keys", content=b'{"name": "k", "scopes": ["rest"]}', headers=form)
    assert key.status_code == 200, key.text
    validated = api.post("/auth/validate", content=orjson.dumps({"apiKey": key.json()["key"]}))
    assert validated.status_code == 200
    assert validated.json()["name"] == "k"
    api.delete(f"/rest/db/tables/{name}")


def test_query_parameters_of_schema_routes_are_checked_after_the_key(anonymous, api, table):
    response = anonymous.delete(f"/rest/db/tables/{table}", params={"cascade": "maybe"})
    assert_error(response, 401)
    response = api.delete(f"/rest/db/tables/{table}", params={"cascade": "maybe"})
    assert_error(response, 400, "cascade")
    response = api.get("/rest/db/tables", params={"includeSchema": "true"})
    listed = assert_ok(response)
    assert any("schema" in shown for shown in listed if shown["name"] == table)
