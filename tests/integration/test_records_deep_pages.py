"""Pages past the deferred-join threshold return the same rows as shallow ones would."""

from __future__ import annotations

from polarbase.query.read import DEFERRED_JOIN_OFFSET


def test_a_deep_page_holds_the_rows_at_its_offset_in_sort_order(api, make_table):
    # GIVEN more rows than the threshold, with a sort column that has ties
    table = make_table(columns=[{"name": "bucket", "dataType": "integer"}])
    total = DEFERRED_JOIN_OFFSET + 150
    api.post(f"/rest/db/{table}/bulk-create", json=[{"bucket": n % 7} for n in range(total)])
    everything = api.get(f"/rest/db/{table}", params={"sort": "bucket:desc", "limit": total})
    ordered = [(row["bucket"], row["id"]) for row in everything.json()["data"]["rows"]]
    # WHEN a page beyond the threshold is read by offset
    page = DEFERRED_JOIN_OFFSET // 50 + 2
    response = api.get(
        f"/rest/db/{table}", params={"sort": "bucket:desc", "limit": 50, "page": page}
    )
    # THEN it holds exactly the rows at that offset, in order, with correct pagination
    data = response.json()["data"]
    assert [(row["bucket"], row["id"]) for row in data["rows"]] == ordered[
        (page - 1) * 50 : page * 50
    ]
    assert data["pagination"]["total"] == total
    assert data["pagination"]["nextCursor"] is not None
