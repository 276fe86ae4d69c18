"""The studio's schema screens in Chromium, against `polarbase serve`: tables, columns of several
field types, indexes and API keys made through the UI, checked on screen and through the REST
API."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.studio_page import header, shot, sign_in

pytestmark = pytest.mark.timeout(120)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("API key")).to_be_visible()


def sidebar_item(page: Page, label: str):
    return page.get_by_role("navigation", name="Tables").get_by_role(
        "listitem", name=label, exact=True
    )


def add_column(page: Page, name: str, field_type: str) -> object:
    """Opens "Add column", names the column and picks its type; returns the Column dialog."""
    page.get_by_role("complementary", name="Columns").get_by_role(
        "button", name="Add column"
    ).click()
    dialog = page.get_by_role("dialog", name="Column")
    dialog.get_by_label("Name", exact=True).fill(name)
    dialog.get_by_label("Type").select_option(field_type)
    return dialog


def save_column(page: Page, dialog, name: str) -> None:
    dialog.get_by_role("button", name="Save column").click()
    expect(dialog).to_have_count(0)
    panel = page.get_by_role("complementary", name="Columns")
    expect(panel.get_by_role("listitem", name=name, exact=True)).to_be_visible()


def test_create_a_table_with_several_field_types(page, studio_server, make_table):
    companies = make_table(
        "companies", [{"name": "label", "dataType": "text"}], [{"label": "Acme"}]
    )
    name = f"orders_{uuid.uuid4().hex[:8]}"
    sign_in(page, studio_server.url)

    page.get_by_role("button", name="New table").click()
    table_dialog = page.get_by_role("dialog", name="Table")
    table_dialog.get_by_label("Name", exact=True).fill(name)
    table_dialog.get_by_label("UI name").fill("Orders book")
    table_dialog.get_by_label("Comment").fill("made in the studio")
    table_dialog.get_by_role("radio", name="Big integer (recommended)").check()
    table_dialog.get_by_role("checkbox", name="Timestamps (created_at, updated_at)").uncheck()
    table_dialog.get_by_role("button", name="Create table").click()
    expect(table_dialog).to_have_count(0)
    expect(sidebar_item(page, "Orders book")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"[?&]table={name}"))

    page.get_by_role("button", name="Columns", exact=True).click()
    expect(page.get_by_role("button", name="Columns", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )

    dialog = add_column(page, "title", "text")
    dialog.get_by_label("UI name").fill("Title")
    save_column(page, dialog, "title")

    dialog = add_column(page, "price", "number")
    dialog.get_by_label("Number format").select_option("currency")
    dialog.get_by_label("Currency").select_option("EUR")
    save_column(page, dialog, "price")

    dialog = add_column(page, "stage", "select")
    for number, option in enumerate(["new", "won", "lost"], start=1):
        dialog.get_by_role("button", name="Add option").click()
        dialog.get_by_label(f"Option {number}", exact=True).fill(option)
    save_column(page, dialog, "stage")

    save_column(page, add_column(page, "paid", "checkbox"), "paid")
    save_column(page, add_column(page, "due_on", "date"), "due_on")

    dialog = add_column(page, "company", "reference")
    dialog.get_by_label("Target table").select_option(companies)
    expect(dialog.get_by_label("Target column")).to_have_value("id")
    dialog.get_by_label("On delete").select_option("SET NULL")
    dialog.get_by_label("Display column").select_option("label")
    save_column(page, dialog, "company")

    dialog = add_column(page, "doubled", "formula")
    expression = dialog.get_by_role("combobox", name="Expression")
    expression.press_sequentially("pri")
    suggestions = dialog.get_by_role("listbox", name="Suggestions")
    expect(suggestions.get_by_role("option").first).to_have_text(re.compile(r"^price"))
    shot(page, "schema_formula_completion")
    expression.press("Enter")
    expect(expression).to_have_value("price")
    expression.press_sequentially(" * 2")
    expect(expression).to_have_value("price * 2")
    dialog.get_by_label("Result type").select_option("numeric")
    dialog.get_by_role("radio", name="Stored").check()
    save_column(page, dialog, "doubled")
    shot(page, "schema_columns_panel")

    # The grid shows every column, by its UI name where it has one (a wider window and the panel
    # closed, so that all of them are on screen: the grid exposes the cells on screen only)
    page.get_by_role("button", name="Close columns").click()
    page.set_viewport_size({"width": 1800, "height": 900})
    for title in ["id", "Title", "price", "stage", "paid", "due_on", "company", "doubled"]:
        expect(header(page, title)).to_have_count(1)

    with studio_server.api() as api:
        document = api.get(f"/rest/db/tables/{name}").json()["data"]
    columns = {column["name"]: column for column in document["schema"]}
    assert [column["name"] for column in document["schema"]] == [
        "id",
        "title",
        "price",
        "stage",
        "paid",
        "due_on",
        "company",
        "doubled",
    ]
    assert document["presentation"]["uiName"] == "Orders book"
    assert columns["id"]["metadata"]["udtName"] == "int8"
    assert {key: columns[key]["dataType"] for key in columns} == {
        "id": columns["id"]["dataType"],
        "title": "text",
        "price": "number",
        "stage": "select",
        "paid": "checkbox",
        "due_on": "date",
        "company": "reference",
        "doubled": "formula",
    }
    assert columns["title"]["presentation"]["uiName"] == "Title"
    assert columns["price"]["presentation"]["format"] == {
        "numberFormat": "currency",
        "currency": "EUR",
    }
    assert columns["stage"]["options"] == ["new", "won", "lost"]
    reference = columns["company"]["foreignKey"]
    assert reference["table"] == companies
    assert reference["column"]["name"] == "id"
    assert reference["onDelete"] == "SET NULL"
    assert columns["company"]["presentation"]["format"]["displayColumn"] == "label"
    assert "price" in columns["doubled"]["formula"]["expression"]

    # What the formula computes reaches the database
    with studio_server.api() as api:
        created = api.post(f"/rest/db/{name}", json={"title": "first", "price": 21.5})
        assert created.status_code == 200, created.text
        assert float(created.json()["data"]["returning"][0]["doubled"]) == 43.0


def test_edit_a_tables_ui_name(page, studio_server, make_table):
    name = make_table("renamed", [{"name": "title", "dataType": "text"}])
    sign_in(page, studio_server.url)
    item = sidebar_item(page, name)
    item.get_by_role("button", name="Edit table").click()
    dialog = page.get_by_role("dialog", name="Table")
    expect(dialog.get_by_label("Name", exact=True)).to_have_value(name)
    expect(
        dialog.get_by_role("checkbox", name="Timestamps (created_at, updated_at)")
    ).to_be_disabled()
    dialog.get_by_label("UI name").fill("Renamed for people")
    dialog.get_by_role("button", name="Save table").click()
    expect(dialog).to_have_count(0)

    expect(sidebar_item(page, "Renamed for people")).to_be_visible()
    expect(sidebar_item(page, name)).to_have_count(0)
    with studio_server.api() as api:
        document = api.get(f"/rest/db/tables/{name}").json()["data"]
    assert document["presentation"]["uiName"] == "Renamed for people"


def test_delete_a_table_once_its_name_is_typed(page, studio_server, make_table):
    name = make_table("doomed", [{"name": "title", "dataType": "text"}], [{"title": "a"}])
    sign_in(page, studio_server.url)
    sidebar_item(page, name).get_by_role("button", name="Delete table").click()
    dialog = page.get_by_role("dialog", name="Delete table")
    delete = dialog.get_by_role("button", name="Delete", exact=True)
    expect(delete).to_be_disabled()
    confirm = dialog.get_by_label("Type the table's name to confirm")
    confirm.fill(name[:-1])
    expect(delete).to_be_disabled()
    confirm.fill(name)
    expect(delete).to_be_enabled()
    expect(
        dialog.get_by_role("checkbox", name="Also delete what depends on it (cascade)")
    ).not_to_be_checked()
    shot(page, "schema_delete_table")
    delete.click()
    expect(dialog).to_have_count(0)
    expect(sidebar_item(page, name)).to_have_count(0)

    with studio_server.api() as api:
        assert api.get(f"/rest/db/tables/{name}").status_code == 404


def test_add_and_drop_an_index(page, studio_server, make_table):
    table = make_table(
        "people", [{"name": "email", "dataType": "email"}, {"name": "city", "dataType": "text"}]
    )
    index = f"{table}_email_city_idx"
    sign_in(page, studio_server.url)
    page.get_by_role("link", name="Indexes").click()
    expect(page.get_by_role("heading", name="Indexes")).to_be_visible()

    page.get_by_role("button", name="New index").click()
    dialog = page.get_by_role("dialog", name="Index")
    dialog.get_by_label("Name").fill(index)
    dialog.get_by_label("Table").select_option(table)
    columns = dialog.get_by_role("group", name="Columns")
    columns.get_by_role("checkbox", name="email").check()
    columns.get_by_role("checkbox", name="city").check()
    dialog.get_by_role("checkbox", name="Unique").check()
    dialog.get_by_role("button", name="Create index").click()
    expect(dialog).to_have_count(0)

    page.get_by_role("searchbox", name="Search indexes").fill(table)
    row = page.get_by_role("row").filter(has_text=index)
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell")).to_have_text(
        [index, table, "email, city", "Yes", "btree", "Drop"]
    )
    shot(page, "schema_indexes")
    with studio_server.api() as api:
        listed = api.get("/rest/db/indexes", params={"table": table}).json()["data"]
    made = [entry for entry in listed if entry["name"] == index]
    assert len(made) == 1
    assert made[0]["columnNames"] == ["email", "city"]
    assert made[0]["unique"] is True

    page.get_by_role("button", name=f"Drop index {index}").click()
    confirm = page.get_by_role("dialog", name="Drop index")
    confirm.get_by_role("button", name="Drop", exact=True).click()
    expect(confirm).to_have_count(0)
    expect(page.get_by_role("row").filter(has_text=index)).to_have_count(0)
    with studio_server.api() as api:
        listed = api.get("/rest/db/indexes", params={"table": table}).json()["data"]
    assert index not in [entry["name"] for entry in listed]


def test_an_api_key_with_a_table_allowlist_sees_only_that_table_until_revoked(
    page, studio_server, make_table
):
    allowed = make_table("allowed", [{"name": "title", "dataType": "text"}])
    hidden = make_table("hidden", [{"name": "title", "dataType": "text"}])
    key_name = f"studio key {uuid.uuid4().hex[:6]}"
    sign_in(page, studio_server.url)
    page.get_by_role("link", name="API keys").click()
    expect(page.get_by_role("heading", name="API keys")).to_be_visible()

    page.get_by_role("button", name="New API key").click()
    dialog = page.get_by_role("dialog", name="API key")
    dialog.get_by_role("textbox", name="Name").fill(key_name)
    for scope in ["MCP", "Agent"]:
        dialog.get_by_role("checkbox", name=scope, exact=True).uncheck()
    dialog.get_by_role("checkbox", name=allowed, exact=True).check()
    dialog.get_by_label("Rate limit (requests per minute)").fill("600")
    dialog.get_by_role("button", name="Create key").click()

    secret_box = dialog.get_by_role("textbox", name="New API key")
    expect(secret_box).to_have_value(re.compile(r"^ak_[0-9a-f]{64}$"))
    secret = secret_box.input_value()
    expect(dialog.get_by_role("button", name="Copy")).to_be_visible()
    shot(page, "schema_api_key_secret")
    dialog.get_by_role("button", name="Done").click()
    expect(dialog).to_have_count(0)

    # Shown once: the list has the key's name, never its secret
    row = page.get_by_role("row").filter(has_text=key_name)
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text(allowed)
    assert secret not in page.content()
    with studio_server.api() as api:
        keys = [key for key in api.get("/api-keys").json() if key["name"] == key_name]
    assert len(keys) == 1
    assert keys[0]["tables"] == [allowed]
    assert keys[0]["rateLimit"] == 600
    assert keys[0]["scopes"]["rest"] is True
    assert keys[0]["scopes"]["mcp"] is False

    sign_out(page)
    sign_in(page, studio_server.url, secret)
    expect(sidebar_item(page, allowed)).to_be_visible()
    expect(sidebar_item(page, hidden)).to_have_count(0)
    shot(page, "schema_allowlisted_key_sidebar")
    sign_out(page)

    sign_in(page, studio_server.url)
    page.get_by_role("link", name="API keys").click()
    page.get_by_role("button", name=f"Revoke {key_name}").click()
    confirm = page.get_by_role("dialog", name="Revoke API key")
    confirm.get_by_role("button", name="Revoke", exact=True).click()
    expect(confirm).to_have_count(0)
    expect(page.get_by_role("row").filter(has_text=key_name)).to_contain_text("Revoked")
    expect(page.get_by_role("button", name=f"Revoke {key_name}")).to_have_count(0)
    sign_out(page)

    page.get_by_label("API key").fill(secret)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("navigation", name="Tables")).to_have_count(0)
    with studio_server.api() as api:
        refused = api.post("/auth/validate", json={"apiKey": secret})
    assert refused.status_code == 401
    expect(page.get_by_role("alert")).to_contain_text(refused.json()["error"])


def test_an_expired_key_is_listed_as_expired(page, studio_server):
    # GIVEN a key that expires in a second, and then has (the API refuses it: 401)
    name = f"short-lived {uuid.uuid4().hex[:6]}"
    expires = datetime.now(UTC) + timedelta(seconds=1)
    with studio_server.api() as api:
        body = {"name": name, "scopes": ["rest"], "expiresAt": expires.isoformat()}
        created = api.post("/api-keys", json=body)
        assert created.status_code == 200, created.text
        secret = created.json()["key"]
        time.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 0.2)
        assert api.post("/auth/validate", json={"apiKey": secret}).status_code == 401

    # WHEN the super admin opens the keys page, THEN it says so
    sign_in(page, studio_server.url)
    page.get_by_role("link", name="API keys").click()
    expect(page.get_by_role("row").filter(has_text=name)).to_contain_text("Expired")
    expect(page.get_by_role("row").filter(has_text=name)).not_to_contain_text("Active")


def test_a_key_that_is_not_admin_sees_the_apis_403_on_the_api_keys_page(page, studio_server):
    with studio_server.api() as api:
        created = api.post("/api-keys", json={"name": "not admin", "scopes": ["rest"]})
        assert created.status_code == 200, created.text
        secret = created.json()["key"]
    with studio_server.api() as api:
        refused = api.get("/api-keys", headers={"x-api-key": secret})
    assert refused.status_code == 403
    message = refused.json()["error"]

    sign_in(page, studio_server.url, secret)
    page.get_by_role("link", name="API keys").click()
    expect(page.get_by_role("heading", name="API keys")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text(message)
    expect(page.get_by_role("button", name="New API key")).to_be_disabled()


def test_a_duplicate_column_shows_the_apis_message(page, studio_server, make_table):
    table = make_table("dupes", [{"name": "title", "dataType": "text"}])
    with studio_server.api() as api:
        refused = api.post(
            f"/rest/db/tables/{table}/columns", json={"name": "title", "dataType": "text"}
        )
    assert refused.status_code == 409
    message = refused.json()["error"]

    sign_in(page, studio_server.url)
    page.goto(f"{studio_server.url}/?table={table}")
    page.get_by_role("button", name="Columns", exact=True).click()
    dialog = add_column(page, "title", "text")
    dialog.get_by_role("button", name="Save column").click()
    expect(dialog.get_by_role("alert")).to_have_text(message)
    expect(dialog).to_be_visible()
    shot(page, "schema_duplicate_column_error")
    with studio_server.api() as api:
        schema = api.get(f"/rest/db/tables/{table}/schema").json()["data"]
    assert [column["name"] for column in schema] == ["id", "title"]


def test_a_currency_column_shows_its_currency_in_the_grid(page, studio_server, make_table):
    table = make_table(
        "prices",
        [
            {"name": "title", "dataType": "text"},
            {
                "name": "price",
                "dataType": "number",
                "presentation": {"format": {"numberFormat": "currency", "currency": "EUR"}},
            },
        ],
        [{"title": "tea", "price": 1234.5}],
    )
    sign_in(page, studio_server.url)
    page.goto(f"{studio_server.url}/?table={table}")
    index = header(page, "price").get_attribute("aria-colindex")
    price = page.locator(f'[role=row][aria-rowindex="2"] [role=gridcell][aria-colindex="{index}"]')
    expect(price).to_contain_text("1")
    expect(price).to_contain_text("€")
