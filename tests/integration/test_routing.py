"""Routing between the data app and the schema routes, and answers for paths that do not exist."""

from __future__ import annotations


def test_tables_path_is_the_table_list_not_a_table(api):
    response = api.get("/rest/db/tables")
    assert response.status_code == 200
    assert isinstance(response.json()["data"], list)


def test_unknown_method_on_a_records_route_is_405_with_allow(api, make_table):
    table = make_table()
    response = api.put(f"/rest/db/{table}", json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.json()["success"] is False


def test_path_below_a_record_is_404(api, make_table):
    table = make_table()
    response = api.get(f"/rest/db/{table}/1/extra")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_route_outside_the_api_is_404_envelope(anonymous):
    # (A GET outside the API's paths is the studio's page locally: test_studio_serving.py.)
    for response in (anonymous.post("/nowhere"), anonymous.get("/rest/nowhere")):
        assert response.status_code == 404
        assert response.json()["success"] is False


def test_openapi_document_lists_records_and_schema_routes(anonymous):
    document = anonymous.get("/rest/openapi/json").json()
    for path in (
        "/rest/db/{table}",
        "/rest/db/{table}/{record_id}",
        "/rest/db/tables",
        "/api-keys",
    ):
        assert path in document["paths"]
    assert anonymous.get("/rest/openapi").status_code == 200


def test_cors_preflight_and_gzip_are_served_when_asked(anonymous, make_table, api):
    table = make_table(columns=[{"name": "note", "dataType": "long-text"}])
    api.post(f"/rest/db/{table}/bulk-create", json=[{"note": "x" * 100} for _ in range(50)])
    preflight = anonymous.options(
        f"/rest/db/{table}",
        headers={"Origin": "http://studio.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] in ("*", "http://studio.example")
    response = api.get(f"/rest/db/{table}", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.json()["data"]["rows"]) == 50
