"""GET /rest/db/{table} with filter and search: every operator, nesting, and the 400s."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from psycopg import sql

from tests.fixtures.server import Server
from tests.helpers import super_admin_client

COLUMNS = [
    {"name": "title", "dataType": "text"},
    {"name": "body", "dataType": "long-text"},
    {"name": "qty", "dataType": "integer"},
    {"name": "price", "dataType": "number"},
    {"name": "due", "dataType": "date"},
    {"name": "done", "dataType": "checkbox"},
    {"name": "stage", "dataType": "select", "options": ["lead", "won", "lost"]},
    {"name": "tags", "dataType": "multi-select", "options": ["a", "b", "c"]},
    {"name": "meta", "dataType": "json"},
    {"name": "email", "dataType": "email"},
    {"name": "site", "dataType": "url"},
]
NULLS = {column["name"]: None for column in COLUMNS}
ROWS = [
    {
        "title": "alpha",
        "body": "first, 100% sure",
        "qty": 1,
        "price": 1.5,
        "due": "2024-01-01T00:00:00Z",
        "done": True,
        "stage": "lead",
        "tags": ["a"],
        "meta": {"k": 1, "list": ["x", "y"]},
        "email": "ann@example.com",
        "site": "https://alpha.example",
    },
    {
        "title": "beta_2",
        "body": "second",
        "qty": 2,
        "price": 2.5,
        "due": "2024-02-01T00:00:00Z",
        "done": False,
        "stage": "won",
        "tags": ["a", "b"],
        "meta": {"k": 2},
        "email": "bob@other.org",
        "site": "https://beta.example",
    },
    {
        "title": "gamma%",
        "body": None,
        "qty": 3,
        "price": 3.5,
        "due": "2024-03-01T00:00:00Z",
        "done": True,
        "stage": "lost",
        "tags": ["c"],
        "meta": [1, 2],
        "email": "cy@example.com",
        "site": None,
    },
    {**NULLS, "title": "betamax", "body": "fourth"},
    {**NULLS, "title": "gammaray", "qty": 30, "tags": []},
]


@pytest.fixture(scope="module")
def client(live_server: Server) -> Iterator[httpx.Client]:
    with super_admin_client(live_server) as client:
        yield client


@pytest.fixture(scope="module")
def things(client: httpx.Client) -> Iterator[str]:
    """One table with a column of each filterable type and five known rows, for the module."""
    name = f"things_{uuid.uuid4().hex[:8]}"
    created = client.post("/rest/db/tables", json={"name": name, "columns": COLUMNS})
    assert created.status_code == 200, created.text
    inserted = client.post(f"/rest/db/{name}/bulk-create", json=ROWS)
    assert inserted.status_code == 200, inserted.text
    yield name
    client.delete(f"/rest/db/tables/{name}")


def titles(client: httpx.Client, table: str, **params: Any) -> list[str]:
    if "filter" in params and not isinstance(params["filter"], str):
        params["filter"] = json.dumps(params["filter"])
    response = client.get(f"/rest/db/{table}", params={"sort": "title", **params})
    assert response.status_code == 200, response.text
    return [row["title"] for row in response.json()["data"]["rows"]]


def error_of(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text[:500]
    body = response.json()
    assert body["success"] is False
    assert "timestamp" in body
    return body["error"]


# --- every operator ---------------------------------------------------------------------------

OPERATOR_CASES = [
    ({"title": "alpha"}, ["alpha"]),
    ({"title": {"eq": "alpha"}}, ["alpha"]),
    ({"title": {"ne": "alpha"}}, ["beta_2", "betamax", "gamma%", "gammaray"]),
    ({"qty": {"gt": 2}}, ["gamma%", "gammaray"]),
    ({"qty": {"gte": 2}}, ["beta_2", "gamma%", "gammaray"]),
    ({"qty": {"lt": 2}}, ["alpha"]),
    ({"qty": {"lte": 2}}, ["alpha", "beta_2"]),
    ({"qty": {"gt": 1, "lt": 30}}, ["beta_2", "gamma%"]),
    ({"qty": {"in": [1, 3]}}, ["alpha", "gamma%"]),
    ({"qty": [1, 3]}, ["alpha", "gamma%"]),
    ({"qty": {"in": 2}}, ["beta_2"]),
    ({"qty": {"notIn": [1, 3]}}, ["beta_2", "gammaray"]),
    ({"qty": {"in": []}}, []),
    ({"qty": {"notIn": []}}, ["alpha", "beta_2", "betamax", "gamma%", "gammaray"]),
    ({"qty": {"between": [2, 3]}}, ["beta_2", "gamma%"]),
    ({"price": {"gte": 2.5}}, ["beta_2", "gamma%"]),
    ({"price": {"between": [1, 2]}}, ["alpha"]),
    ({"price": 2.5}, ["beta_2"]),
    ({"due": {"gte": "2024-02-01T00:00:00Z"}}, ["beta_2", "gamma%"]),
    ({"due": {"lt": "2024-02-01"}}, ["alpha"]),
    ({"due": {"between": ["2024-01-15", "2024-02-15"]}}, ["beta_2"]),
    ({"done": True}, ["alpha", "gamma%"]),
    ({"done": {"eq": False}}, ["beta_2"]),
    ({"done": {"ne": True}}, ["beta_2"]),
    ({"stage": {"in": ["lead", "won"]}}, ["alpha", "beta_2"]),
    ({"stage": "lost"}, ["gamma%"]),
    ({"title": {"like": "beta%"}}, ["beta_2", "betamax"]),
    ({"title": {"like": "BETA%"}}, []),
    ({"title": {"ilike": "BETA%"}}, ["beta_2", "betamax"]),
    ({"title": {"notLike": "%a"}}, ["beta_2", "betamax", "gamma%", "gammaray"]),
    ({"title": {"notIlike": "%A%"}}, []),
    ({"title": {"startsWith": "gamma"}}, ["gamma%", "gammaray"]),
    ({"title": {"startsWith": "gamma%"}}, ["gamma%"]),
    ({"title": {"startsWith": "beta_"}}, ["beta_2"]),
    ({"body": {"ilike": "%100\\%%"}}, ["alpha"]),
    ({"body": {"isNull": True}}, ["gamma%", "gammaray"]),
    ({"body": None}, ["gamma%", "gammaray"]),
    ({"body": {"eq": None}}, ["gamma%", "gammaray"]),
    ({"body": {"notNull": True}}, ["alpha", "beta_2", "betamax"]),
    ({"body": {"ne": None}}, ["alpha", "beta_2", "betamax"]),
    ({"body": {"isNull": False}}, ["alpha", "beta_2", "betamax"]),
    ({"tags": {"contains": ["a"]}}, ["alpha", "beta_2"]),
    ({"tags": {"contains": ["a", "b"]}}, ["beta_2"]),
    ({"tags": {"contains": "b"}}, ["beta_2"]),
    ({"tags": {"overlaps": ["b", "c"]}}, ["beta_2", "gamma%"]),
    ({"tags": {"overlaps": []}}, []),
    ({"tags": ["a", "b"]}, ["beta_2"]),
    ({"meta": {"contains": {"k": 1}}}, ["alpha"]),
    ({"meta": {"contains": {"list": ["y"]}}}, ["alpha"]),
    ({"meta": {"contains": [2]}}, ["gamma%"]),
    ({"meta": {"eq": {"k": 2}}}, ["beta_2"]),
    ({"email": "bob@other.org"}, ["beta_2"]),
    ({"email": {"ilike": "%@EXAMPLE.com"}}, ["alpha", "gamma%"]),
    ({"email": {"startsWith": "cy@"}}, ["gamma%"]),
    ({"site": {"like": "https://beta%"}}, ["beta_2"]),
    ({"title": {"contains": "MAX"}}, ["betamax"]),
    ({"title": "x" * 300}, []),
    ({"title": {"ne": "x" * 300}}, ["alpha", "beta_2", "betamax", "gamma%", "gammaray"]),
]


@pytest.mark.parametrize(
    ("where", "expected"),
    OPERATOR_CASES,
    ids=[json.dumps(case[0])[:60] for case in OPERATOR_CASES],
)
def test_filter_operator_returns_matching_rows(client, things, where, expected):
    assert titles(client, things, filter=where) == expected


def test_filter_with_several_columns_means_and(client, things):
    assert titles(client, things, filter={"done": True, "qty": {"gt": 1}}) == ["gamma%"]


def test_nested_groups_several_levels_deep(client, things):
    # GIVEN alpha (qty 1, lead), gamma% (qty 3, lost), gammaray (qty 30, no stage)
    where = {
        "or": [
            {"and": [{"qty": {"lt": 2}}, {"or": [{"stage": "lead"}, {"stage": "won"}]}]},
            {
                "and": [
                    {"title": {"startsWith": "gamma"}},
                    {"or": [{"qty": 30}, {"and": [{"done": True}, {"stage": "lost"}]}]},
                ]
            },
        ]
    }
    # THEN the three rows that satisfy one branch each come back
    assert titles(client, things, filter=where) == ["alpha", "gamma%", "gammaray"]


def test_group_next_to_column_condition_is_and(client, things):
    where = {"done": True, "or": [{"qty": 1}, {"qty": 30}]}
    assert titles(client, things, filter=where) == ["alpha"]


def test_empty_groups_and_empty_filter_match_everything(client, things):
    everything = ["alpha", "beta_2", "betamax", "gamma%", "gammaray"]
    assert titles(client, things, filter={"and": []}) == everything
    assert titles(client, things, filter={}) == everything
    assert titles(client, things, filter="") == everything


def test_filter_applies_to_the_total(client, things):
    response = client.get(f"/rest/db/{things}", params={"filter": '{"done": true}', "limit": 1})
    pagination = response.json()["data"]["pagination"]
    assert (pagination["total"], pagination["pages"]) == (2, 2)


# --- what a filter may not say ----------------------------------------------------------------


def get_with_filter(client: httpx.Client, table: str, where: Any) -> httpx.Response:
    text = where if isinstance(where, str) else json.dumps(where)
    return client.get(f"/rest/db/{table}", params={"filter": text})


def test_mixing_and_with_or_at_one_level_is_400(client, things):
    where = {"and": [{"qty": 1}], "or": [{"qty": 2}]}
    message = error_of(get_with_filter(client, things, where), 400)
    assert "mix" in message
    assert '"and"' in message
    assert '"or"' in message


def test_mixing_and_with_or_deep_inside_is_400(client, things):
    where = {"or": [{"and": [{"and": [{"qty": 1}], "or": [{"qty": 2}]}]}]}
    assert "mix" in error_of(get_with_filter(client, things, where), 400)


def test_unknown_operator_is_400_naming_it(client, things):
    message = error_of(get_with_filter(client, things, {"qty": {"greater": 1}}), 400)
    assert "'greater'" in message
    assert "'qty'" in message


def test_unknown_column_is_400_naming_it(client, things):
    message = error_of(get_with_filter(client, things, {"nope": 1}), 400)
    assert "'nope'" in message


def test_unknown_column_inside_a_group_is_400_naming_it(client, things):
    where = {"or": [{"qty": 1}, {"and": [{"ghost": {"eq": 1}}]}]}
    assert "'ghost'" in error_of(get_with_filter(client, things, where), 400)


@pytest.mark.parametrize(
    ("where", "column"),
    [
        ({"qty": "many"}, "qty"),
        ({"qty": {"gt": "x"}}, "qty"),
        ({"qty": {"in": [1, "two"]}}, "qty"),
        ({"price": {"lt": "cheap"}}, "price"),
        ({"done": "yes"}, "done"),
        ({"due": {"gte": "yesterday"}}, "due"),
        ({"title": 5}, "title"),
        ({"qty": {"between": [1]}}, "qty"),
        ({"qty": {"between": [1, None]}}, "qty"),
        ({"qty": {"isNull": "yes"}}, "qty"),
        ({"title": {"like": 5}}, "title"),
        ({"qty": 1.5}, "qty"),
        ({"qty": 2**40}, "qty"),
    ],
)
def test_value_of_wrong_type_is_400_naming_the_column(client, things, where, column):
    assert f"'{column}'" in error_of(get_with_filter(client, things, where), 400)


@pytest.mark.parametrize(
    "where",
    [
        {"tags": {"gt": ["a"]}},
        {"meta": {"lt": 1}},
        {"meta": {"like": "%x%"}},
        {"qty": {"overlaps": [1]}},
        {"qty": {"contains": 1}},
    ],
)
def test_operator_that_does_not_fit_the_column_type_is_400(client, things, where):
    column = next(iter(where))
    assert f"'{column}'" in error_of(get_with_filter(client, things, where), 400)


@pytest.mark.parametrize(
    "text",
    ["{not json", "[1, 2]", "42", '"title"', '{"and": {"qty": 1}}', '{"and": [1]}'],
)
def test_malformed_filter_is_400(client, things, text):
    assert "filter" in error_of(get_with_filter(client, things, text), 400)


def test_filter_nested_beyond_the_depth_limit_is_400(client, things):
    where: dict[str, Any] = {"qty": 1}
    for _ in range(40):
        where = {"and": [where]}
    assert "deeper" in error_of(get_with_filter(client, things, where), 400)


# --- search -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("ALPHA", ["alpha"]),  # text, case-insensitive
        ("fourth", ["betamax"]),  # long-text
        ("other.org", ["beta_2"]),  # email
        ("beta.example", ["beta_2"]),  # url
        ("lost", ["gamma%"]),  # select
        ("  second  ", ["beta_2"]),  # trimmed
        ("100%", ["alpha"]),  # % is literal
        ("a%", ["gamma%"]),
        ("beta_", ["beta_2"]),  # _ is literal
        ("zzz", []),
    ],
)
def test_search_matches_every_text_like_column(client, things, term, expected):
    assert titles(client, things, search=term) == expected


def test_search_and_filter_combine(client, things):
    assert titles(client, things, search="example", filter={"done": True}) == ["alpha", "gamma%"]


def test_blank_search_matches_everything(client, things):
    assert len(titles(client, things, search="   ")) == 5


def test_search_on_a_table_with_uuid_keys_does_not_error(api, make_table):
    # GIVEN a table whose key is a uuid
    table = make_table(columns=[{"name": "name", "dataType": "text"}], idType="uuid")
    api.post(f"/rest/db/{table}/bulk-create", json=[{"name": "Ada"}, {"name": "Bob"}])
    # WHEN searching for text, and for something that looks like part of a uuid
    found = api.get(f"/rest/db/{table}", params={"search": "ad"})
    dashes = api.get(f"/rest/db/{table}", params={"search": "-4"})
    # THEN the text matches and the key is never searched
    assert found.status_code == 200, found.text
    assert [row["name"] for row in found.json()["data"]["rows"]] == ["Ada"]
    assert dashes.status_code == 200, dashes.text
    assert dashes.json()["data"]["rows"] == []


def test_search_on_a_table_without_text_columns_finds_nothing(api, make_table):
    table = make_table(columns=[{"name": "n", "dataType": "integer"}])
    api.post(f"/rest/db/{table}", json={"n": 1})
    response = api.get(f"/rest/db/{table}", params={"search": "1"})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["rows"] == []
    assert response.json()["data"]["pagination"]["total"] == 0


def test_filter_by_uuid_key(api, make_table):
    table = make_table(columns=[{"name": "name", "dataType": "text"}], idType="uuid")
    created = api.post(f"/rest/db/{table}/bulk-create", json=[{"name": "Ada"}, {"name": "Bob"}])
    ada = created.json()["data"]["returning"][0]["id"]
    response = api.get(f"/rest/db/{table}", params={"filter": json.dumps({"id": ada})})
    assert [row["name"] for row in response.json()["data"]["rows"]] == ["Ada"]
    bad = api.get(f"/rest/db/{table}", params={"filter": json.dumps({"id": "not-a-uuid"})})
    assert "'id'" in error_of(bad, 400)


def test_in_with_integers_and_fractions_together(client, things):
    # JSON gives [1, 2.5] as an int and a float; they are compared as one numeric list.
    assert titles(client, things, filter=json.dumps({"price": {"in": [1, 2.5, 1.5]}})) == [
        "alpha",
        "beta_2",
    ]


def test_integer_arrays_take_every_array_operator(client, pg):
    # Tables made outside PolarBase may have integer arrays; a list of small integers must
    # still compare with them (it is sent as smallint[] unless cast).
    name = f"arrays_{uuid.uuid4().hex[:8]}"
    pg.execute(
        sql.SQL("CREATE TABLE {} (id serial PRIMARY KEY, nums integer[])").format(
            sql.Identifier(name)
        )
    )
    pg.execute(
        sql.SQL("INSERT INTO {} (nums) VALUES ('{{1,2,3}}'), ('{{4}}'), (NULL)").format(
            sql.Identifier(name)
        )
    )
    try:
        for where, expected in [
            ({"nums": {"contains": [1, 2]}}, [[1, 2, 3]]),
            ({"nums": {"overlaps": [4, 9]}}, [[4]]),
            ({"nums": {"eq": [4]}}, [[4]]),
        ]:
            response = get_with_filter(client, name, where)
            assert response.status_code == 200, response.text
            assert [row["nums"] for row in response.json()["data"]["rows"]] == expected
    finally:
        pg.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(name)))
