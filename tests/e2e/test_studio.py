"""The studio in Chromium, against `polarbase serve`: sign in, find a table, read and edit its
records in the grid, keep the place across a reload. What a person sees is what is asserted."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.studio_page import cell, select_cell, sign_in

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def deals(studio_server) -> str:
    """A table with a UI name, its columns' UI names, and 300 records."""
    name = f"deals_{uuid.uuid4().hex[:8]}"
    with studio_server.api() as api:
        created = api.post(
            "/rest/db/tables",
            json={
                "name": name,
                "presentation": {"uiName": "Deals board"},
                "columns": [
                    {"name": "title", "dataType": "text", "presentation": {"uiName": "Deal"}},
                    {"name": "amount", "dataType": "number"},
                    {"name": "won", "dataType": "checkbox"},
                ],
            },
        )
        assert created.status_code == 200, created.text
        rows = [{"title": f"deal {n:03d}", "amount": n * 10, "won": n % 2 == 0} for n in range(300)]
        assert api.post(f"/rest/db/{name}/bulk-create", json=rows).status_code == 200
    return name


def test_a_wrong_key_is_refused_with_the_apis_message(page, studio_server):
    page.goto(studio_server.url)
    page.get_by_label("API key").fill("ak_" + "0" * 64)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("invalid")
    expect(page.get_by_role("navigation", name="Tables")).to_have_count(0)


def test_sign_in_open_a_table_by_its_ui_name_and_read_its_first_rows(page, studio_server, deals):
    sign_in(page, studio_server.url)
    sidebar = page.get_by_role("navigation", name="Tables")
    sidebar.get_by_role("searchbox", name="Search tables").fill("deals board")
    sidebar.get_by_role("button", name=re.compile("Deals board")).click()

    expect(page).to_have_url(re.compile(rf"[?&]table={deals}"))
    expect(page.get_by_role("tab", name=re.compile("Deals board"))).to_be_visible()
    # Columns: id, title (shown as its UI name), amount, won, created_at, updated_at
    expect(page.locator("[role=columnheader]", has_text="Deal")).to_have_count(1)
    expect(cell(page, "Deal", 0)).to_have_text("deal 000")
    expect(cell(page, "amount", 1)).to_have_text("10")
    expect(cell(page, "won", 0)).to_have_text("true")


def test_a_reload_comes_back_to_the_table_and_sign_out_forgets_the_key(page, studio_server, deals):
    sign_in(page, studio_server.url)
    page.goto(f"{studio_server.url}/?table={deals}")
    expect(cell(page, "Deal", 0)).to_have_text("deal 000")
    page.reload()
    expect(cell(page, "Deal", 0)).to_have_text("deal 000")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("API key")).to_be_visible()
    page.reload()
    expect(page.get_by_label("API key")).to_be_visible()


def test_an_edit_in_the_grid_reaches_the_database(page, studio_server, deals):
    sign_in(page, studio_server.url)
    page.goto(f"{studio_server.url}/?table={deals}")
    expect(cell(page, "Deal", 2)).to_have_text("deal 002")
    select_cell(page, "Deal", 2)
    page.keyboard.press("Enter")
    editor = page.locator("#portal textarea")
    expect(editor).to_be_focused()
    editor.fill("renamed in the grid")
    editor.press("Enter")
    expect(cell(page, "Deal", 2)).to_have_text("renamed in the grid")

    with studio_server.api() as api:
        rows = api.get(f"/rest/db/{deals}", params={"filter": '{"title": "renamed in the grid"}'})
        assert [row["amount"] for row in rows.json()["data"]["rows"]] == [20]
