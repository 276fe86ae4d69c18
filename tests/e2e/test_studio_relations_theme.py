"""The studio's relations diagram, dark mode and the geo-point map picker, in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.studio_page import cell, row_count, select_cell, shot, sign_in

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def linked(make_table) -> tuple[str, str]:
    """Two tables, the second referring to the first, with UI names."""
    companies = make_table(
        "companies",
        [{"name": "name", "dataType": "text"}],
        [{"name": "Acme"}],
        presentation={"uiName": "Companies"},
    )
    people = make_table(
        "people",
        [
            {"name": "name", "dataType": "text"},
            {
                "name": "employer",
                "dataType": "reference",
                "foreignKey": {"table": companies, "column": {"name": "id"}},
                "presentation": {"uiName": "Employer"},
            },
            {"name": "home", "dataType": "geo-point"},
        ],
        [{"name": "Ann", "employer": 1, "home": {"x": 2.35, "y": 48.85}}],
        presentation={"uiName": "People"},
    )
    return companies, people


def test_the_relations_diagram_draws_each_reference_and_opens_a_table(page, studio_server, linked):
    companies, people = linked
    sign_in(page, studio_server.url)
    page.get_by_role("link", name="Relations").click()
    diagram = page.get_by_role("region", name="Relations")
    expect(diagram.get_by_role("button", name="People", exact=True)).to_be_visible()
    edge = diagram.get_by_role("img", name="People.Employer → Companies.id")
    expect(edge).to_have_count(1)
    shot(page, "relations_ui_names")
    # Technical names
    diagram.get_by_role("switch", name="Show UI names").click()
    expect(diagram.get_by_role("img", name=f"{people}.employer → {companies}.id")).to_have_count(1)
    # A click opens the table
    diagram.get_by_role("button", name=companies, exact=True).click()
    expect(page).to_have_url(re.compile(rf"[?&]table={companies}"))
    expect(row_count(page, 1)).to_be_visible()


def test_dark_mode_follows_the_system_and_the_toggle(browser, studio_server):
    context = browser.new_context(color_scheme="dark", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, studio_server.url)
        html = page.locator("html")
        expect(html).to_have_attribute("data-theme", "dark")
        shot(page, "studio_dark")
        toggle = page.get_by_role("button", name=re.compile("^Theme"))
        for _ in range(3):
            if html.get_attribute("data-theme") == "light":
                break
            toggle.click()
        expect(html).to_have_attribute("data-theme", "light")
        page.reload()
        expect(html).to_have_attribute("data-theme", "light")  # the choice is kept
    finally:
        context.close()


def test_the_geo_point_editor_has_a_map_and_works_offline(page, studio_server, linked):
    _, people = linked
    # As on an offline machine, whatever this one reaches: no tile server answers
    page.route(re.compile(r"tile\.openstreetmap\.org"), lambda route: route.abort())
    sign_in(page, studio_server.url)
    page.goto(f"{studio_server.url}/?table={people}")
    expect(cell(page, "name", 0)).to_have_text("Ann")
    select_cell(page, "home", 0)
    page.keyboard.press("Enter")
    expect(page.get_by_role("application", name=re.compile("^Map for"))).to_be_visible()
    # No tiles: the map says so, and the inputs still work
    expect(
        page.get_by_role("status").filter(has_text="Map tiles could not be loaded")
    ).to_be_visible(timeout=15_000)
    page.get_by_label("Longitude (x)").fill("-0.1276")
    page.get_by_label("Latitude (y)").fill("51.5072")
    shot(page, "geo_point_editor")
    page.get_by_role("button", name="Save value").click()
    expect(cell(page, "home", 0)).to_have_text("-0.1276, 51.5072")
    with studio_server.api() as api:
        (row,) = api.get(f"/rest/db/{people}").json()["data"]["rows"]
    assert row["home"] == {"x": -0.1276, "y": 51.5072}
