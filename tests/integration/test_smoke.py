"""The server answers: health and a record round trip."""

from __future__ import annotations


def test_health_needs_no_key(anonymous):
    response = anonymous.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_record_round_trip(api, make_table):
    table = make_table(columns=[{"name": "title", "dataType": "text"}])
    created = api.post(f"/rest/db/{table}", json={"title": "hello"})
    assert created.status_code == 200, created.text
    record = created.json()["data"]["returning"][0]
    fetched = api.get(f"/rest/db/{table}/{record['id']}")
    assert fetched.json()["data"]["title"] == "hello"
