"""Geo-point filters: withinBox and near (great-circle meters), x the longitude and y the
latitude, answered with the GiST index PolarBase makes for each geo-point column."""

from __future__ import annotations

import json

import httpx
import psycopg
import pytest

from tests.helpers import assert_error, assert_ok, super_admin_client

CITIES = {
    "paris": {"x": 2.3522, "y": 48.8566},
    "london": {"x": -0.1276, "y": 51.5072},
    "berlin": {"x": 13.405, "y": 52.52},
    "new york": {"x": -74.006, "y": 40.7128},
    "suva": {"x": 178.4419, "y": -18.1416},
}


@pytest.fixture(scope="module")
def places(live_server) -> str:
    with super_admin_client(live_server) as api:
        name = "geo_places"
        api.delete(f"/rest/db/tables/{name}")
        assert_ok(
            api.post(
                "/rest/db/tables",
                json={
                    "name": name,
                    "columns": [
                        {"name": "city", "dataType": "text"},
                        {"name": "spot", "dataType": "geo-point"},
                    ],
                },
            )
        )
        rows = [{"city": city, "spot": spot} for city, spot in CITIES.items()]
        assert_ok(api.post(f"/rest/db/{name}/bulk-create", json=[*rows, {"city": "nowhere"}]))
    return name


def cities(api: httpx.Client, table: str, where: dict) -> list[str]:
    data = assert_ok(
        api.get(f"/rest/db/{table}", params={"filter": json.dumps(where), "sort": "city"})
    )
    return [row["city"] for row in data["rows"]]


def test_within_box_finds_the_points_inside_edges_included(api, places):
    europe = {"minX": -10, "minY": 35, "maxX": 20, "maxY": 60}
    assert cities(api, places, {"spot": {"withinBox": europe}}) == ["berlin", "london", "paris"]
    exact = {"minX": 2.3522, "minY": 48.8566, "maxX": 2.3522, "maxY": 48.8566}
    assert cities(api, places, {"spot": {"withinBox": exact}}) == ["paris"]


def test_near_measures_great_circle_meters(api, places):
    # Paris-London is 343.5 km, Paris-Berlin 877.5 km
    paris = CITIES["paris"]
    assert cities(api, places, {"spot": {"near": {**paris, "meters": 345_000}}}) == [
        "london",
        "paris",
    ]
    assert cities(api, places, {"spot": {"near": {**paris, "meters": 342_000}}}) == ["paris"]
    assert cities(api, places, {"spot": {"near": {**paris, "meters": 900_000}}}) == [
        "berlin",
        "london",
        "paris",
    ]
    # Across the antimeridian: Suva seen from 179.9 W
    assert cities(
        api, places, {"spot": {"near": {"x": -179.9, "y": -18.1, "meters": 250_000}}}
    ) == ["suva"]
    # In an or-group with another column
    where = {"or": [{"spot": {"near": {**paris, "meters": 1}}}, {"city": "nowhere"}]}
    assert cities(api, places, where) == ["nowhere", "paris"]


@pytest.mark.parametrize(
    ("condition", "words"),
    [
        ({"spot": {"withinBox": {"minX": 0, "minY": 0, "maxX": 1}}}, ("withinBox", "maxY")),
        ({"spot": {"withinBox": {"minX": 5, "minY": 0, "maxX": 1, "maxY": 1}}}, ("minX <= maxX",)),
        ({"spot": {"withinBox": [0, 0, 1, 1]}}, ("withinBox",)),
        ({"spot": {"near": {"x": 0, "y": 0}}}, ("near", "meters")),
        ({"spot": {"near": {"x": 200, "y": 0, "meters": 1}}}, ("longitude",)),
        ({"spot": {"near": {"x": 0, "y": 0, "meters": -1}}}, ("meters",)),
        ({"spot": {"near": {"x": "0", "y": 0, "meters": 1}}}, ("x must be a number",)),
        ({"city": {"near": {"x": 0, "y": 0, "meters": 1}}}, ("city", "geo-point")),
        ({"spot": {"eq": {"x": 0, "y": 0}}}, ("spot", "withinBox and near")),
    ],
)
def test_bad_geo_filters_are_400_naming_the_column_and_the_problem(api, places, condition, words):
    response = api.get(f"/rest/db/{places}", params={"filter": json.dumps(condition)})
    message = assert_error(response, 400)
    for word in words:
        assert word in message


def test_a_geo_point_column_gets_a_gist_index_that_box_queries_use(api, places, database_url):
    indexes = assert_ok(api.get("/rest/db/indexes", params={"table": places}))
    assert [(i["columnNames"], i["type"]) for i in indexes if i["type"] == "gist"] == [
        (["spot"], "gist")
    ]
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("SET enable_seqscan = off")  # a table of six rows: force the choice
        plan = "\n".join(
            row[0]
            for row in connection.execute(
                f"EXPLAIN SELECT * FROM {places} WHERE spot <@ box(point(-10, 35), point(20, 60))"
            )
        )
    assert "spot_idx" in plan


@pytest.mark.parametrize(
    ("point", "words"),
    [
        ({"x": 500, "y": 10}, ("'spot'", "longitude", "-180 to 180")),
        ({"x": -180.5, "y": 10}, ("'spot'", "longitude")),
        ({"x": 10, "y": 95}, ("'spot'", "latitude", "-90 to 90")),
        ({"x": 1e308, "y": 1e308}, ("'spot'", "longitude")),
        ("nan,1", ("'spot'", "longitude")),
        ("(2, 100)", ("'spot'", "latitude")),
    ],
)
def test_a_point_off_the_globe_is_400_and_nothing_is_written(api, places, point, words):
    before = assert_ok(api.get(f"/rest/db/{places}", params={"limit": 1}))["pagination"]["total"]
    assert_error(
        api.post(f"/rest/db/{places}", json={"city": "nowhere", "spot": point}), 400, *words
    )
    after = assert_ok(api.get(f"/rest/db/{places}", params={"limit": 1}))["pagination"]["total"]
    assert after == before


def test_the_globe_s_edges_are_points(api, places):
    edges = [{"x": -180, "y": -90}, {"x": 180, "y": 90}, "(0, 0)"]
    created = assert_ok(
        api.post(
            f"/rest/db/{places}/bulk-create", json=[{"city": "edge", "spot": p} for p in edges]
        )
    )
    assert [row["spot"] for row in created["returning"]] == [
        {"x": -180.0, "y": -90.0},
        {"x": 180.0, "y": 90.0},
        {"x": 0.0, "y": 0.0},
    ]
    ids = [row["id"] for row in created["returning"]]
    assert assert_ok(api.post(f"/rest/db/{places}/bulk-delete", json={"ids": ids}))["deletedIds"]
