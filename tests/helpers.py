"""Helpers shared by the HTTP tests: response envelopes, column definitions, a module client."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from tests.fixtures.server import SUPER_ADMIN_KEY, Server

# An attachment object in the reference's shape (the attachment field's value is a list of them).
ATTACHMENT = {
    "id": "f1",
    "key": "uploads/f1.txt",
    "size": 3,
    "name": "f1.txt",
    "mimeType": "text/plain",
    "provider": "local",
    "uploadedAt": "2024-01-01T00:00:00Z",
}

# What PUT .../columns/{c} takes: a column's definition as GET .../schema shows it.
DEFINITION_KEYS = (
    "name",
    "dataType",
    "nullable",
    "unique",
    "defaultValue",
    "comment",
    "presentation",
    "validation",
    "options",
    "foreignKey",
    "formula",
)


def assert_ok(response: httpx.Response) -> Any:
    """A 200 with ``success: true``; its ``data``."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    return body["data"]


def assert_error(response: httpx.Response, status: int, *words: str) -> str:
    """``status`` with ``success: false`` and an error holding each of ``words``; the error."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    for word in words:
        assert word in body["error"], body["error"]
    return body["error"]


def column_of(api: httpx.Client, table: str, name: str) -> dict[str, Any]:
    """The column ``name`` as the table's schema shows it."""
    columns = assert_ok(api.get(f"/rest/db/tables/{table}/schema"))
    return next(column for column in columns if column["name"] == name)


def definition_of(
    api: httpx.Client, table: str, column_name: str, **changes: Any
) -> dict[str, Any]:
    """The column's full definition as the schema shows it, with ``changes`` applied."""
    column = column_of(api, table, column_name)
    return {**{key: column[key] for key in DEFINITION_KEYS}, **changes}


def alter(api: httpx.Client, table: str, column_name: str, **changes: Any) -> httpx.Response:
    """PUT the column's full definition with ``changes`` applied (``name=`` renames)."""
    definition = definition_of(api, table, column_name, **changes)
    return api.put(f"/rest/db/tables/{table}/columns/{column_name}", json=definition)


@contextmanager
def super_admin_client(live_server: Server) -> Iterator[httpx.Client]:
    """An HTTP client holding the super admin key, for fixtures wider than one test."""
    with httpx.Client(
        base_url=live_server.url, headers={"x-api-key": SUPER_ADMIN_KEY}, timeout=30
    ) as client:
        yield client
