"""/rest/views: saved views of a table in the metadata store, scoped like the table."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import assert_error, assert_ok

GRID = {"columns": [{"name": "title", "width": 240}], "rowHeight": 32, "sort": ["title:asc"]}


@pytest.fixture
def deals(make_table) -> str:
    return make_table(columns=[{"name": "title", "dataType": "text"}])


def create(api: httpx.Client, table: str, name: str = "Pipeline", **fields) -> dict:
    body = {"table": table, "name": name, "type": "grid", "config": GRID, **fields}
    return assert_ok(api.post("/rest/views", json=body))


def test_a_view_is_saved_listed_read_changed_and_deleted(api, deals):
    view = create(api, deals)
    assert view["table"] == deals
    assert (view["name"], view["type"], view["config"]) == ("Pipeline", "grid", GRID)
    create(api, deals, name="Map of deals", type="map", config={"center": [2.35, 48.85]})
    listed = assert_ok(api.get("/rest/views", params={"table": deals}))
    assert [v["name"] for v in listed] == ["Pipeline", "Map of deals"]
    assert assert_ok(api.get(f"/rest/views/{view['id']}")) == view

    changed = assert_ok(
        api.patch(f"/rest/views/{view['id']}", json={"name": "Open deals", "config": {"a": 1}})
    )
    assert (changed["name"], changed["type"], changed["config"]) == ("Open deals", "grid", {"a": 1})
    assert changed["updatedAt"] >= view["updatedAt"]

    assert_ok(api.delete(f"/rest/views/{view['id']}"))
    assert_error(api.get(f"/rest/views/{view['id']}"), 404)
    assert [v["name"] for v in assert_ok(api.get("/rest/views", params={"table": deals}))] == [
        "Map of deals"
    ]


def test_views_follow_a_renamed_table_and_go_with_a_dropped_one(api, make_table):
    table = make_table()
    view = create(api, table)
    renamed = f"{table}_r"
    assert_ok(api.patch(f"/rest/db/tables/{table}", json={"name": renamed}))
    assert assert_ok(api.get(f"/rest/views/{view['id']}"))["table"] == renamed
    assert [v["id"] for v in assert_ok(api.get("/rest/views", params={"table": renamed}))] == [
        view["id"]
    ]
    assert_ok(api.delete(f"/rest/db/tables/{renamed}"))
    assert_error(api.get(f"/rest/views/{view['id']}"), 404)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"name": "x", "type": "grid"}, ("table", "required")),
        ({"table": "T", "type": "grid"}, ("name", "required")),
        ({"table": "T", "name": "x", "type": "kanban"}, ("type", "grid, calendar")),
        ({"table": "T", "name": "x", "type": "grid", "config": [1]}, ("config", "object")),
        ({"table": "T", "name": " ", "type": "grid"}, ("name",)),
        ({"table": "T", "name": "x", "type": "grid", "colour": 1}, ("colour",)),
        (
            {"table": "T", "name": "x", "type": "grid", "config": {"b": "x" * 300_000}},
            ("config", "KB"),
        ),
    ],
)
def test_bad_bodies_are_400_naming_the_field(api, deals, body, words):
    body = {**body, "table": deals} if body.get("table") == "T" else body
    message = assert_error(api.post("/rest/views", json=body), 400)
    for word in words:
        assert word in message


def test_a_duplicate_name_is_409_and_an_unknown_table_or_view_404(api, deals):
    create(api, deals)
    assert "Pipeline" in assert_error(
        api.post("/rest/views", json={"table": deals, "name": "Pipeline", "type": "grid"}), 409
    )
    assert_error(
        api.post("/rest/views", json={"table": "no_such_table", "name": "x", "type": "grid"}),
        404,
    )
    for missing in ("999999999", "abc", "36893488147419103231"):
        assert_error(api.get(f"/rest/views/{missing}"), 404)
    assert "table" in assert_error(api.get("/rest/views"), 400)


def test_views_are_scoped_like_their_table(api, anonymous, deals, make_table, make_api_key):
    other = make_table()
    view = create(api, deals)
    hidden = create(api, other)
    reader = {"x-api-key": make_api_key(readOnly=True)}
    limited = {"x-api-key": make_api_key(tables=[deals])}

    # A read-only key reads views and changes none
    assert assert_ok(anonymous.get(f"/rest/views/{view['id']}", headers=reader))["id"] == view["id"]
    assert_error(
        anonymous.patch(f"/rest/views/{view['id']}", json={"name": "n"}, headers=reader), 403
    )
    assert_error(
        anonymous.post(
            "/rest/views", json={"table": deals, "name": "n", "type": "grid"}, headers=reader
        ),
        403,
    )
    assert_error(anonymous.delete(f"/rest/views/{view['id']}", headers=reader), 403)
    # A key limited to one table sees nothing of the others' views
    assert_error(anonymous.get(f"/rest/views/{hidden['id']}", headers=limited), 403)
    assert_error(anonymous.get("/rest/views", params={"table": other}, headers=limited), 403)
    assert_ok(anonymous.patch(f"/rest/views/{view['id']}", json={"name": "n"}, headers=limited))
    # And no key, nothing
    assert_error(anonymous.get("/rest/views", params={"table": deals}), 401)


def test_the_view_opened_last_is_known_to_every_client(api, anonymous, deals, make_api_key):
    first = create(api, deals, name="First")
    second = create(api, deals, name="Second", type="calendar", config={"mode": "month"})
    assert (first["openedAt"], second["openedAt"]) == (None, None)
    # Opened from one machine (a read-only key may: it changes no layout) ...
    reader = {"x-api-key": make_api_key(readOnly=True)}
    opened = assert_ok(anonymous.post(f"/rest/views/{second['id']}/open", headers=reader))
    assert opened["openedAt"] is not None
    assert opened["config"] == second["config"]
    assert_ok(api.post(f"/rest/views/{first['id']}/open"))
    # ... seen from another: the latest is the one to come back to
    listed = assert_ok(api.get("/rest/views", params={"table": deals}))
    latest = max((v for v in listed if v["openedAt"]), key=lambda v: v["openedAt"])
    assert latest["id"] == first["id"]
    # A key that may not read the table may not open its views
    other = {"x-api-key": make_api_key(tables=["some_other_table"])}
    assert_error(anonymous.post(f"/rest/views/{first['id']}/open", headers=other), 403)
    assert_error(api.post("/rest/views/999999999/open"), 404)
