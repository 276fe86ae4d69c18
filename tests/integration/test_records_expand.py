"""expand and fields on GET /rest/db/{table} and /{id}: referenced rows shown in place."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.fixtures.server import Server
from tests.helpers import assert_error, super_admin_client


@dataclass
class Crm:
    companies: str
    people: str
    contacts: str
    acme: dict
    globex: dict
    ada: dict


def data_of(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text[:500]
    return response.json()["data"]


def reference(name: str, table: str) -> dict:
    return {"name": name, "dataType": "reference", "foreignKey": {"table": table}}


@pytest.fixture(scope="module")
def api(live_server: Server) -> Iterator[httpx.Client]:
    with super_admin_client(live_server) as client:
        yield client


@pytest.fixture(scope="module")
def crm(api: httpx.Client) -> Iterator[Crm]:
    """companies and people, and contacts referring to both (one contact with no company)."""
    suffix = uuid.uuid4().hex[:8]
    companies, people, contacts = (f"{name}_{suffix}" for name in ("org", "people", "contacts"))
    for name, columns in (
        (
            companies,
            [{"name": "name", "dataType": "text"}, {"name": "size", "dataType": "integer"}],
        ),
        (people, [{"name": "name", "dataType": "text"}]),
        (
            contacts,
            [
                {"name": "title", "dataType": "text"},
                reference("company_id", companies),
                reference("owner_id", people),
            ],
        ),
    ):
        data_of(api.post("/rest/db/tables", json={"name": name, "columns": columns}))
    acme, globex = data_of(
        api.post(
            f"/rest/db/{companies}/bulk-create",
            json=[{"name": "Acme", "size": 10}, {"name": "Globex", "size": 500}],
        )
    )["returning"]
    (ada,) = data_of(api.post(f"/rest/db/{people}", json={"name": "Ada"}))["returning"]
    data_of(
        api.post(
            f"/rest/db/{contacts}/bulk-create",
            json=[
                {"title": "first", "company_id": acme["id"], "owner_id": ada["id"]},
                {"title": "second", "company_id": globex["id"]},
                {"title": "third"},
            ],
        )
    )
    yield Crm(companies, people, contacts, acme, globex, ada)
    for name in (contacts, people, companies):
        api.delete(f"/rest/db/tables/{name}")


def test_expand_field_adds_the_whole_referenced_row_under_the_table_name(api, crm):
    rows = data_of(api.get(f"/rest/db/{crm.contacts}", params={"expand": "company_id"}))["rows"]
    assert rows[0][crm.companies] == crm.acme
    assert rows[1][crm.companies] == crm.globex
    assert rows[0]["company_id"] == crm.acme["id"]  # the key stays as it is
    assert crm.people not in rows[0]


def test_expand_of_a_null_reference_is_null(api, crm):
    rows = data_of(api.get(f"/rest/db/{crm.contacts}", params={"expand": "company_id"}))["rows"]
    assert rows[2]["company_id"] is None
    assert rows[2][crm.companies] is None


def test_expand_with_alias_uses_the_alias(api, crm):
    rows = data_of(api.get(f"/rest/db/{crm.contacts}", params={"expand": "company_id:org"}))["rows"]
    assert rows[0]["org"] == crm.acme
    assert crm.companies not in rows[0]


def test_alias_is_stripped_to_letters_digits_and_underscores(api, crm):
    params = {"expand": 'company_id:o-r"g; drop'}
    rows = data_of(api.get(f"/rest/db/{crm.contacts}", params=params))["rows"]
    assert rows[0]["orgdrop"] == crm.acme


def test_expand_several_fields_repeated_or_comma_separated(api, crm):
    repeated = data_of(
        api.get(
            f"/rest/db/{crm.contacts}",
            params=[("expand", "company_id:org"), ("expand", "owner_id:owner")],
        )
    )["rows"]
    joined = data_of(
        api.get(f"/rest/db/{crm.contacts}", params={"expand": "company_id:org,owner_id:owner"})
    )["rows"]
    assert repeated == joined
    assert repeated[0]["org"] == crm.acme
    assert repeated[0]["owner"] == crm.ada
    assert repeated[1]["owner"] is None


@pytest.mark.parametrize("spec", ["all", "*"])
def test_expand_all_names_each_expansion_column_underscore_table(api, crm, spec):
    rows = data_of(api.get(f"/rest/db/{crm.contacts}", params={"expand": spec}))["rows"]
    assert rows[0][f"company_id_{crm.companies}"] == crm.acme
    assert rows[0][f"owner_id_{crm.people}"] == crm.ada


def test_expand_on_get_one(api, crm):
    contact_id = data_of(api.get(f"/rest/db/{crm.contacts}", params={"limit": 1}))["rows"][0]["id"]
    record = data_of(
        api.get(f"/rest/db/{crm.contacts}/{contact_id}", params={"expand": "company_id:org"})
    )
    assert record["org"] == crm.acme


def test_expand_works_with_filter_and_fields(api, crm):
    params = {
        "expand": "company_id:org",
        "fields": "title",
        "filter": '{"title": "second"}',
    }
    rows = data_of(api.get(f"/rest/db/{crm.contacts}", params=params))["rows"]
    assert rows == [{"title": "second", "org": crm.globex}]


def test_expand_of_a_field_that_is_not_a_reference_is_400(api, crm):
    message = assert_error(api.get(f"/rest/db/{crm.contacts}", params={"expand": "title"}), 400)
    assert "'title'" in message
    assert "reference" in message


def test_expand_of_an_unknown_field_is_400_naming_it(api, crm):
    message = assert_error(api.get(f"/rest/db/{crm.contacts}", params={"expand": "ghost"}), 400)
    assert "'ghost'" in message


def test_expand_all_on_a_table_without_references_adds_nothing(api, crm):
    rows = data_of(api.get(f"/rest/db/{crm.companies}", params={"expand": "all"}))["rows"]
    assert rows[0] == crm.acme


def test_expand_alias_that_is_a_column_name_is_400(api, crm):
    message = assert_error(
        api.get(f"/rest/db/{crm.contacts}", params={"expand": "company_id:title"}), 400
    )
    assert "'title'" in message


# --- fields -----------------------------------------------------------------------------------


def test_fields_returns_those_columns_in_that_order(api, crm):
    rows = data_of(api.get(f"/rest/db/{crm.companies}", params={"fields": "size,name"}))["rows"]
    assert rows == [{"size": 10, "name": "Acme"}, {"size": 500, "name": "Globex"}]
    assert list(rows[0]) == ["size", "name"]


def test_fields_on_get_one(api, crm):
    record = data_of(
        api.get(f"/rest/db/{crm.companies}/{crm.acme['id']}", params={"fields": "name"})
    )
    assert record == {"name": "Acme"}


def test_fields_with_blanks_and_repeats_are_tidied(api, crm):
    rows = data_of(api.get(f"/rest/db/{crm.companies}", params={"fields": " name, ,name "}))["rows"]
    assert rows[0] == {"name": "Acme"}


def test_empty_fields_means_every_column(api, crm):
    rows = data_of(api.get(f"/rest/db/{crm.companies}", params={"fields": ""}))["rows"]
    assert rows[0] == crm.acme


def test_unknown_field_is_400_naming_it(api, crm):
    message = assert_error(
        api.get(f"/rest/db/{crm.companies}", params={"fields": "name,ghost"}), 400
    )
    assert "'ghost'" in message
