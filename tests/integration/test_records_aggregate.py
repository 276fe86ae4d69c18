"""POST /rest/db/{table}/aggregate: count, sum, avg, min and max over groups, computed by Postgres.

The same service answers MCP's aggregateRecords; these tests hold the request grammar.
"""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import assert_error, assert_ok


@pytest.fixture
def sales(api: httpx.Client, make_table) -> str:
    name = make_table(
        columns=[
            {"name": "region", "dataType": "text"},
            {"name": "status", "dataType": "select", "options": ["open", "won", "lost"]},
            {"name": "amount", "dataType": "number"},
            {"name": "qty", "dataType": "integer"},
            {"name": "day", "dataType": "date"},
        ]
    )
    rows = [
        {"region": "eu", "status": "won", "amount": 10.5, "qty": 1, "day": "2026-01-01"},
        {"region": "eu", "status": "won", "amount": 20, "qty": 2, "day": "2026-01-05"},
        {"region": "eu", "status": "lost", "amount": 5, "qty": None, "day": "2026-02-01"},
        {"region": "us", "status": "won", "amount": 100, "qty": 4, "day": "2026-03-01"},
        {"region": "us", "status": "open", "amount": None, "qty": 3, "day": None},
        {"region": None, "status": "open", "amount": 1, "qty": 1, "day": "2026-01-02"},
    ]
    assert_ok(api.post(f"/rest/db/{name}/bulk-create", json=rows))
    return name


def aggregate(api: httpx.Client, table: str, **query) -> dict:
    return assert_ok(api.post(f"/rest/db/{table}/aggregate", json=query))


def test_totals_without_groups_are_one_row(api, sales):
    data = aggregate(
        api,
        sales,
        select=["count(*)", "count(qty)", "sum(amount)", "avg(qty)", "min(day)", "max(amount)"],
    )
    (row,) = data["rows"]
    assert row["count(*)"] == 6
    assert row["count(qty)"] == 5
    assert row["sum(amount)"] == pytest.approx(136.5)
    assert row["avg(qty)"] == pytest.approx(11 / 5)
    assert row["min(day)"].startswith("2026-01-01")
    assert row["max(amount)"] == 100
    assert data["pagination"] == {"page": 1, "limit": 10000, "total": 1, "pages": 1}


def test_plain_columns_group_and_aliases_name_the_results(api, sales):
    data = aggregate(
        api,
        sales,
        select=["region", "count(*) as n", "sum(amount) as total"],
        order="n:desc,region",
    )
    assert data["rows"] == [
        {"region": "eu", "n": 3, "total": 35.5},
        {"region": "us", "n": 2, "total": 100},
        {"region": None, "n": 1, "total": 1},
    ]


def test_where_filters_rows_and_having_filters_groups(api, sales):
    data = aggregate(
        api,
        sales,
        select=["status", "count(*) as n"],
        where={"region": {"isNull": False}},
        having={"n": {"gte": 2}},
        order=["status"],
    )
    assert data["rows"] == [{"status": "won", "n": 3}]
    # The original's {operator, value} form, and a condition on a group key
    data = aggregate(
        api,
        sales,
        select=["status", "count(*)"],
        having={"count(*)": {"operator": ">", "value": 1}, "status": {"in": ["open", "lost"]}},
    )
    assert data["rows"] == [{"status": "open", "count(*)": 2}]


def test_search_narrows_the_rows_as_the_records_search_does(api, sales):
    data = aggregate(api, sales, select=["count(*) as n"], search="EU")
    listed = assert_ok(api.get(f"/rest/db/{sales}", params={"search": "EU"}))
    assert data["rows"] == [{"n": listed["pagination"]["total"]}]
    assert data["rows"] == [{"n": 3}]  # region "eu" (case-insensitive)


def test_count_distinct_and_group_by_two_columns_with_pages(api, sales):
    (row,) = aggregate(api, sales, select=["count(distinct status) as kinds"])["rows"]
    assert row == {"kinds": 3}
    data = aggregate(api, sales, select=["count(*)"], group=["region", "status"], page=2, limit=2)
    assert data["pagination"] == {"page": 2, "limit": 2, "total": 5, "pages": 3}
    assert [(r["region"], r["status"]) for r in data["rows"]] == [("us", "open"), ("us", "won")]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"select": []}, ("select",)),
        ({"select": ["median(amount)"]}, ("median", "count, sum")),
        ({"select": ["sum(region)"]}, ("sum", "number", "region")),
        ({"select": ["sum(nope)"]}, ("unknown column", "nope")),
        ({"select": ["count(*)", "count(*)"]}, ("twice",)),
        ({"select": ["count(*)"], "order": "total"}, ("order", "total")),
        ({"select": ["count(*)"], "having": {"count(*)": {"gt": "x"}}}, ("number",)),
        ({"select": ["count(*)"], "having": {"count(*)": {"like": 1}}}, ("operator", "like")),
        ({"select": ["count(*)"], "where": {"nope": 1}}, ("nope",)),
        ({"select": ["count(*)"], "limit": 0}, ("limit",)),
        ({"select": ["count(*); drop table x"]}, ("unknown column",)),
        ({"select": ["count(*)"], "groupBy": ["region"]}, ("groupBy",)),
    ],
)
def test_bad_requests_are_400_naming_the_problem(api, sales, query, words):
    message = assert_error(api.post(f"/rest/db/{sales}/aggregate", json=query), 400)
    for word in words:
        assert word in message


def test_a_key_limited_to_other_tables_cannot_aggregate(api, sales, make_api_key):
    key = make_api_key(tables=["other"])
    response = api.post(
        f"/rest/db/{sales}/aggregate", json={"select": ["count(*)"]}, headers={"x-api-key": key}
    )
    assert_error(response, 403)


@pytest.mark.parametrize("function", ["min", "max"])
def test_min_and_max_of_a_json_column_are_400_naming_it(api, make_table, function):
    table = make_table(columns=[{"name": "meta", "dataType": "json"}])
    assert_ok(api.post(f"/rest/db/{table}", json={"meta": {"a": 1}}))
    response = api.post(f"/rest/db/{table}/aggregate", json={"select": [f"{function}(meta)"]})
    assert_error(response, 400, function, "json", "meta")
