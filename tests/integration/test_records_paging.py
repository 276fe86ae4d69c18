"""GET /rest/db/{table}: sort, page and limit, keyset cursors and count modes."""

from __future__ import annotations

import base64
import json
import random
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql

from tests.fixtures.server import Server
from tests.helpers import assert_error, super_admin_client

ROW_COUNT = 250


def listing(client: httpx.Client, table: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"/rest/db/{table}", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    return body["data"]


@pytest.fixture(scope="module")
def client(live_server: Server) -> Iterator[httpx.Client]:
    with super_admin_client(live_server) as client:
        yield client


@pytest.fixture(scope="module")
def scores(client: httpx.Client) -> Iterator[str]:
    """250 rows whose sort columns repeat values often and are NULL now and then."""
    name = f"scores_{uuid.uuid4().hex[:8]}"
    columns = [
        {"name": "grp", "dataType": "integer"},
        {"name": "score", "dataType": "number"},
        {"name": "label", "dataType": "text"},
        {"name": "due", "dataType": "date"},
        {"name": "done", "dataType": "checkbox"},
    ]
    created = client.post("/rest/db/tables", json={"name": name, "columns": columns})
    assert created.status_code == 200, created.text
    chance = random.Random(7)
    rows = [
        {
            "grp": None if n % 11 == 0 else chance.randint(1, 5),
            "score": None if n % 7 == 0 else chance.choice([0.5, 1.0, 1.5, 2.0]),
            "label": None if n % 5 == 0 else chance.choice(["a", "b", "B", "c d", "é"]),
            "due": None if n % 9 == 0 else f"2024-0{chance.randint(1, 9)}-01T00:00:00Z",
            "done": None if n % 13 == 0 else chance.random() < 0.5,
        }
        for n in range(ROW_COUNT)
    ]
    inserted = client.post(f"/rest/db/{name}/bulk-create", json=rows)
    assert inserted.status_code == 200, inserted.text
    yield name
    client.delete(f"/rest/db/tables/{name}")


# --- sort -------------------------------------------------------------------------------------


def sort_key(value: Any, descending: bool) -> tuple[int, Any]:
    # Postgres: NULLs last ascending, first descending.
    if value is None:
        return (0 if descending else 2, 0)
    return (1, -value if descending else value)


def test_multi_column_sort_orders_by_each_key_in_turn(client, scores):
    rows = listing(client, scores, sort="grp:asc,score:desc")["rows"]
    expected = sorted(
        rows,
        key=lambda row: (
            sort_key(row["grp"], False),
            sort_key(row["score"], True),
            row["id"],
        ),
    )
    assert [row["id"] for row in rows] == [row["id"] for row in expected]
    assert len(rows) == ROW_COUNT


def test_minus_prefix_sorts_descending(client, scores):
    rows = listing(client, scores, sort="-grp", fields="id,grp")["rows"]
    groups = [row["grp"] for row in rows]
    assert groups[0] is None
    assert [group for group in groups if group is not None] == sorted(
        (group for group in groups if group is not None), reverse=True
    )


def test_default_order_is_by_key(client, make_table, api):
    # GIVEN rows whose physical order differs from their keys (an update moves a row)
    table = make_table(columns=[{"name": "n", "dataType": "integer"}])
    ids = [
        row["id"]
        for row in api.post(
            f"/rest/db/{table}/bulk-create", json=[{"n": n} for n in range(5)]
        ).json()["data"]["returning"]
    ]
    api.patch(f"/rest/db/{table}/{ids[0]}", json={"n": 99})
    # WHEN listing without a sort
    rows = listing(api, table)["rows"]
    # THEN records come in key order
    assert [row["id"] for row in rows] == sorted(ids)


def test_sort_ties_are_broken_by_key(client, scores):
    rows = listing(client, scores, sort="done", fields="id,done", filter='{"done": true}')["rows"]
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)


@pytest.mark.parametrize("sort", ["nope", "grp:asc,nope:desc", "grp:up", "grp:asc;drop"])
def test_bad_sort_is_400_naming_the_problem(client, scores, sort):
    message = assert_error(client.get(f"/rest/db/{scores}", params={"sort": sort}), 400)
    assert message.startswith("sort:")


def test_unknown_sort_column_is_400_naming_it(client, scores):
    message = assert_error(client.get(f"/rest/db/{scores}", params={"sort": "ghost:asc"}), 400)
    assert "'ghost'" in message


# --- page and limit ---------------------------------------------------------------------------


def test_page_and_limit_slice_the_ordered_rows(client, scores):
    everything = [row["id"] for row in listing(client, scores, sort="label,grp")["rows"]]
    page = listing(client, scores, sort="label,grp", page=3, limit=40)
    assert [row["id"] for row in page["rows"]] == everything[80:120]
    assert page["pagination"] == {
        "page": 3,
        "limit": 40,
        "total": ROW_COUNT,
        "pages": 7,
        "nextCursor": page["pagination"]["nextCursor"],
    }


@pytest.mark.parametrize(("limit", "pages"), [(1, 250), (50, 5), (249, 2), (250, 1), (10000, 1)])
def test_pages_is_total_over_limit_rounded_up(client, scores, limit, pages):
    assert listing(client, scores, limit=limit)["pagination"]["pages"] == pages


def test_page_past_the_end_is_empty(client, scores):
    data = listing(client, scores, page=99, limit=10)
    assert data["rows"] == []
    assert data["pagination"]["total"] == ROW_COUNT
    assert data["pagination"]["nextCursor"] is None


def test_empty_table_has_one_page(api, make_table):
    table = make_table(columns=[{"name": "n", "dataType": "integer"}])
    data = listing(api, table)
    assert data == {
        "rows": [],
        "pagination": {"page": 1, "limit": 10000, "total": 0, "pages": 1, "nextCursor": None},
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 10001}, "limit"),
        ({"limit": 0}, "limit"),
        ({"limit": -5}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"page": 0}, "page"),
        ({"page": -1}, "page"),
        ({"page": "first"}, "page"),
        ({"page": 2**31}, "page"),
        ({"count": "maybe"}, "count"),
    ],
)
def test_bad_paging_parameter_is_400_naming_it(client, scores, params, field):
    message = assert_error(client.get(f"/rest/db/{scores}", params=params), 400)
    assert message.startswith(f"{field}:")


# --- keyset pagination ------------------------------------------------------------------------


def follow_cursors(
    client: httpx.Client, table: str, limit: int, **params: Any
) -> tuple[list[int], int]:
    """Every id reached by following nextCursor from the first page, and the pages read."""
    ids: list[int] = []
    data = listing(client, table, limit=limit, **params)
    pages = 1
    ids.extend(row["id"] for row in data["rows"])
    while data["pagination"]["nextCursor"] is not None:
        data = listing(client, table, limit=limit, after=data["pagination"]["nextCursor"], **params)
        assert data["pagination"]["page"] is None
        pages += 1
        ids.extend(row["id"] for row in data["rows"])
        assert pages <= ROW_COUNT + 1, "the cursor does not advance"
    return ids, pages


@pytest.mark.parametrize(
    "sort",
    [
        "grp:asc,score:desc",
        "score:desc,grp:asc",
        "grp:desc,score:asc,label:desc",
        "label:asc,done:desc",
        "due:desc,label:asc",
        "-done,-grp",
        None,
    ],
)
@pytest.mark.parametrize("limit", [17, 50])
def test_following_next_cursor_reads_every_row_once_in_offset_order(client, scores, sort, limit):
    # GIVEN the order an offset listing of the whole table gives
    params = {"sort": sort} if sort else {}
    expected = [row["id"] for row in listing(client, scores, **params)["rows"]]
    assert len(expected) == ROW_COUNT
    # WHEN following nextCursor page by page
    ids, pages = follow_cursors(client, scores, limit, **params)
    # THEN every row comes exactly once, in the same order
    assert ids == expected
    assert pages >= ROW_COUNT // limit


def test_keyset_pages_respect_the_filter(client, scores):
    where = json.dumps({"grp": {"in": [1, 2]}})
    expected = [
        row["id"] for row in listing(client, scores, filter=where, sort="score:desc")["rows"]
    ]
    ids, _ = follow_cursors(client, scores, 7, filter=where, sort="score:desc")
    assert ids == expected


def test_last_page_has_no_next_cursor(client, scores):
    data = listing(client, scores, limit=ROW_COUNT + 1)
    assert data["pagination"]["nextCursor"] is None


def test_keyset_page_after_the_last_row_is_empty(client, scores):
    full = listing(client, scores, limit=ROW_COUNT)
    data = listing(client, scores, limit=10, after=full["pagination"]["nextCursor"])
    assert data["rows"] == []
    assert data["pagination"]["nextCursor"] is None


def encode(values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!!",
        "%%%",
        encode({"not": "a list"}),
        encode([1, 2, 3]),  # more values than sort keys
        encode("text"),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_garbage_cursor_is_400(client, scores, cursor):
    response = client.get(f"/rest/db/{scores}", params={"after": cursor, "sort": "grp"})
    assert assert_error(response, 400).startswith("after:")


@pytest.mark.parametrize(
    "values",
    [["x", 1], [{"a": 1}, 1], [1, "not an id"], [[1], 1], [1.5, 1], [2**70, 1], ["\u0000", 1]],
)
def test_forged_cursor_with_values_of_the_wrong_type_is_400(client, scores, values):
    response = client.get(f"/rest/db/{scores}", params={"after": encode(values), "sort": "grp"})
    assert assert_error(response, 400).startswith("after:")


def test_cursor_from_another_sort_is_400(client, scores):
    cursor = listing(client, scores, limit=5, sort="grp,score")["pagination"]["nextCursor"]
    response = client.get(f"/rest/db/{scores}", params={"after": cursor, "limit": 5})
    assert assert_error(response, 400).startswith("after:")


# --- count modes ------------------------------------------------------------------------------


def test_count_exact_is_the_default(client, scores):
    assert listing(client, scores, limit=1)["pagination"]["total"] == ROW_COUNT
    assert listing(client, scores, limit=1, count="exact")["pagination"]["total"] == ROW_COUNT


def test_count_none_leaves_total_and_pages_null(client, scores):
    data = listing(client, scores, limit=10, count="none")
    assert data["pagination"]["total"] is None
    assert data["pagination"]["pages"] is None
    assert len(data["rows"]) == 10
    assert data["pagination"]["nextCursor"] is not None


def test_count_estimated_on_a_small_table_is_exact(client, scores):
    assert listing(client, scores, limit=1, count="estimated")["pagination"]["total"] == ROW_COUNT


def test_count_estimated_with_a_filter_counts_the_matches(client, scores):
    where = json.dumps({"grp": {"isNull": True}})
    exact = listing(client, scores, filter=where, count="exact")["pagination"]["total"]
    estimated = listing(client, scores, filter=where, count="estimated")["pagination"]["total"]
    assert estimated == exact == len(range(0, ROW_COUNT, 11))


def test_count_estimated_on_a_large_analyzed_table_is_close(api, make_table, pg):
    # GIVEN a table of 5,000 rows whose statistics are fresh
    table = make_table(columns=[{"name": "n", "dataType": "integer"}])
    api.post(f"/rest/db/{table}/bulk-create", json=[{"n": n} for n in range(5000)])
    pg.execute(f'ANALYZE "{table}"')
    # WHEN asking for an estimated count
    total = listing(api, table, limit=1, count="estimated")["pagination"]["total"]
    # THEN it is an integer near the real count
    assert isinstance(total, int)
    assert 4500 <= total <= 5500


@pytest.fixture(scope="module")
def odd_types(database_url: str) -> Iterator[str]:
    """A table made in SQL with sort columns of types the API does not create."""
    name = f"odd_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(
            sql.SQL(
                "CREATE TABLE {} (id serial PRIMARY KEY, m money, n numeric, f float8, "
                "tz timetz, iv interval, ts timestamp, d date, doc jsonb, tags text[], ip inet, "
                "b bytea)"
            ).format(sql.Identifier(name))
        )
        connection.execute(
            sql.SQL(
                "INSERT INTO {} (m, n, f, tz, iv, ts, d, doc, tags, ip, b) SELECT "
                "(g % 3)::money, "
                "CASE WHEN g % 4 = 0 THEN 'NaN'::numeric ELSE 1 + (g % 3) / 1e20 END, "
                "CASE WHEN g % 5 = 0 THEN 'Infinity'::float8 WHEN g % 7 = 0 THEN 'NaN' "
                "ELSE g % 2 END, "
                "('12:00:0' || (g % 3) || '+02')::timetz, (g % 3 || ' days')::interval, "
                "'2024-01-01 10:00:00.123456'::timestamp + (g % 3) * interval '1 hour', "
                "'2024-01-01'::date + g % 3, jsonb_build_object('k', g % 3), "
                "ARRAY['a', (g % 3)::text], ('10.0.0.' || g % 3)::inet, "
                "decode(lpad((g % 3)::text, 2, '0'), 'hex') FROM generate_series(1, 20) AS g"
            ).format(sql.Identifier(name))
        )
        yield name
        connection.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(name)))


@pytest.mark.parametrize("direction", ["asc", "desc"])
@pytest.mark.parametrize("column", ["m", "n", "f", "tz", "iv", "ts", "d", "doc", "tags", "ip", "b"])
def test_keyset_pages_over_columns_of_any_type(client, odd_types, column, direction):
    # GIVEN repeated values, and NaN, Infinity and money values written as text in the cursor
    sort = f"{column}:{direction}"
    expected = [row["id"] for row in listing(client, odd_types, sort=sort)["rows"]]
    # WHEN following the cursor three rows at a time
    ids, _ = follow_cursors(client, odd_types, 3, sort=sort)
    # THEN every row comes once, in order
    assert ids == expected
