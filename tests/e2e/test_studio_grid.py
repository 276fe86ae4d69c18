"""The studio's grid in Chromium, against `polarbase serve`: filter, sort, search, group, footer
summaries, saved layouts and views, live updates. What a person sees is compared with what the
REST API answers for the same question."""

from __future__ import annotations

import json
import re
import time
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.studio_page import cell, header, row_count, shot, sign_in
from tests.fixtures.server import SUPER_ADMIN_KEY

pytestmark = pytest.mark.timeout(120)

COLUMNS = [
    {"name": "title", "dataType": "text"},
    {"name": "amount", "dataType": "number"},
    {"name": "stage", "dataType": "select", "options": ["new", "won", "lost"]},
    {"name": "done", "dataType": "checkbox"},
]
ROWS = [
    {"title": title, "amount": amount, "stage": stage, "done": done}
    for title, amount, stage, done in [
        ("alpha one", 100, "new", False),
        ("beta", 250, "won", True),
        ("gamma", 900, "lost", False),
        ("delta alpha", 50, "won", False),
        ("epsilon", 700, "new", True),
        ("zeta", 250, "lost", True),
        ("eta", 1200, "won", False),
        ("theta", 30, "new", False),
        ("iota alpha", 610, "lost", False),
        ("kappa", 250, "won", True),
    ]
]


@pytest.fixture
def deals(make_table) -> str:
    """A table of its own: 10 deals with a text, a number, a select and a checkbox."""
    return make_table("grid_deals", COLUMNS, ROWS)


def open_table(page: Page, url: str, table: str, key: str = SUPER_ADMIN_KEY) -> None:
    sign_in(page, url, key)
    page.goto(f"{url}/?table={table}")
    expect(row_count(page, len(ROWS))).to_be_visible()


def expect_titles(page: Page, titles: list[str]) -> None:
    """The grid shows exactly these records, in this order (its count, then each title)."""
    expect(row_count(page, len(titles))).to_be_visible()
    for row, title in enumerate(titles):
        expect(cell(page, "title", row)).to_have_text(title)


def rest_titles(studio_server, table: str, **params: str) -> list[str]:
    with studio_server.api() as api:
        listed = api.get(f"/rest/db/{table}", params={"limit": "100", **params})
    assert listed.status_code == 200, listed.text
    return [row["title"] for row in listed.json()["data"]["rows"]]


def views_of(studio_server, table: str) -> list[dict]:
    with studio_server.api() as api:
        listed = api.get("/rest/views", params={"table": table})
    assert listed.status_code == 200, listed.text
    return listed.json()["data"]


def toolbar(page: Page):
    return page.get_by_role("toolbar", name="Grid tools")


def test_a_nested_or_filter_shows_what_rest_returns(page, studio_server, deals):
    open_table(page, studio_server.url, deals)
    toolbar(page).get_by_role("button", name="Filter").click()
    dialog = page.get_by_role("dialog", name="Filter")
    top = dialog.get_by_role("group", name="Filter conditions")
    top.get_by_role("button", name="Add group").click()
    either = dialog.get_by_role("group", name="Condition group")
    either.get_by_role("button", name="Add condition").click()
    top.get_by_role("button", name="Add condition").last.click()

    conditions = dialog.get_by_role("group", name="Condition", exact=True)
    expect(conditions).to_have_count(3)
    won, big, open_ = conditions.nth(0), conditions.nth(1), conditions.nth(2)
    won.get_by_label("Column").select_option("stage")
    won.get_by_label("Operator").select_option(label="is any of")
    won.get_by_role("textbox", name="Value", exact=True).fill("won")
    big.get_by_label("Column").select_option("amount")
    big.get_by_label("Operator").select_option(label=">")
    big.get_by_role("spinbutton", name="Value", exact=True).fill("600")
    open_.get_by_label("Column").select_option("done")
    open_.get_by_label("Operator").select_option(label="is")
    open_.get_by_role("combobox", name="Value", exact=True).select_option(label="unchecked")

    # The nested group matches "or" (the builder offers the other combinator), the top "and"
    expect(
        either.get_by_role("radiogroup", name="Match").get_by_role("radio", name="or")
    ).to_be_checked()
    top_match = top.get_by_role("radiogroup", name="Match").first
    expect(top_match.get_by_role("radio", name="and")).to_be_checked()
    shot(page, "grid_filter_builder")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(toolbar(page).get_by_role("button", name="Filter")).to_have_text("Filter (3)")

    where = {
        "and": [
            {"or": [{"stage": {"in": ["won"]}}, {"amount": {"gt": 600}}]},
            {"done": {"eq": False}},
        ]
    }
    expected = rest_titles(studio_server, deals, filter=json.dumps(where))
    assert expected == ["gamma", "delta alpha", "eta", "iota alpha"]
    expect_titles(page, expected)


def test_sort_on_two_columns(page, studio_server, deals):
    open_table(page, studio_server.url, deals)
    toolbar(page).get_by_role("button", name="Sort").click()
    dialog = page.get_by_role("dialog", name="Sort")
    dialog.get_by_role("button", name="Add sort").click()
    dialog.get_by_role("group", name="Sort level 1").get_by_label("Sort column").select_option(
        "stage"
    )
    dialog.get_by_role("button", name="Add sort").click()
    second = dialog.get_by_role("group", name="Sort level 2")
    second.get_by_label("Sort column").select_option("amount")
    dialog.get_by_role("group", name="Sort level 2").get_by_label("Direction").select_option("desc")
    expect(
        dialog.get_by_role("group", name="Sort level 1").get_by_label("Sort column")
    ).to_have_value("stage")
    page.keyboard.press("Escape")
    expect(toolbar(page).get_by_role("button", name="Sort")).to_have_text("Sort (2)")

    expected = rest_titles(studio_server, deals, sort="stage:asc,amount:desc")
    assert expected[0:2] != expected[2:4]  # a sort that changes the order
    expect_titles(page, expected)
    shot(page, "grid_sorted")


def test_search_asks_the_server(page, studio_server, deals):
    open_table(page, studio_server.url, deals)
    toolbar(page).get_by_role("searchbox", name="Search records").fill("ALPHA")
    expected = rest_titles(studio_server, deals, search="ALPHA")
    assert expected == ["alpha one", "delta alpha", "iota alpha"]
    expect_titles(page, expected)


def test_group_by_a_select_column_counts_and_opens_a_group(page, studio_server, deals):
    open_table(page, studio_server.url, deals)
    toolbar(page).get_by_role("button", name="Group").click()
    page.get_by_role("dialog", name="Group").get_by_label("Group by").select_option("stage")
    page.keyboard.press("Escape")

    with studio_server.api() as api:
        answer = api.post(
            f"/rest/db/{deals}/aggregate", json={"select": ["stage", "count(*) as n"]}
        )
    assert answer.status_code == 200, answer.text
    counts = {row["stage"]: row["n"] for row in answer.json()["data"]["rows"]}
    assert counts == {"new": 3, "won": 4, "lost": 3}

    groups = page.get_by_role("navigation", name="Groups")
    expect(groups.get_by_role("button", name="All records")).to_have_text(
        re.compile(r"^All records\s*10$")
    )
    for stage, count in counts.items():
        button = groups.get_by_role("button", name=re.compile(rf"^{stage}"))
        expect(button).to_have_text(re.compile(rf"^{stage}\s*{count}$"))
    shot(page, "grid_grouped")

    groups.get_by_role("button", name=re.compile(r"^won")).click()
    expect(groups.get_by_role("button", name=re.compile(r"^won"))).to_have_attribute(
        "aria-expanded", "true"
    )
    expect_titles(page, rest_titles(studio_server, deals, filter='{"stage": "won"}'))
    groups.get_by_role("button", name="All records").click()
    expect(row_count(page, 10)).to_be_visible()


def test_group_counts_follow_the_search(page, studio_server, deals):
    open_table(page, studio_server.url, deals)
    toolbar(page).get_by_role("searchbox", name="Search records").fill("alpha")
    expect(row_count(page, 3)).to_be_visible()
    toolbar(page).get_by_role("button", name="Group").click()
    page.get_by_role("dialog", name="Group").get_by_label("Group by").select_option("stage")
    page.keyboard.press("Escape")

    with studio_server.api() as api:
        answer = api.post(
            f"/rest/db/{deals}/aggregate",
            json={"select": ["stage", "count(*) as n"], "search": "alpha"},
        )
    assert answer.status_code == 200, answer.text
    counts = {row["stage"]: row["n"] for row in answer.json()["data"]["rows"]}
    assert counts == {"new": 1, "won": 1, "lost": 1}
    groups = page.get_by_role("navigation", name="Groups")
    expect(groups.get_by_role("button", name="All records")).to_have_text(re.compile(r"3$"))
    for stage, count in counts.items():
        button = groups.get_by_role("button", name=re.compile(rf"^{stage}"))
        expect(button).to_have_text(re.compile(rf"^{stage}\s*{count}$"))


def test_a_saved_layout_comes_back_after_a_reload(page, studio_server, deals):
    open_table(page, studio_server.url, deals)
    expect(header(page, "amount")).to_have_count(1)
    toolbar(page).get_by_role("button", name="Column options").click()
    page.get_by_role("dialog", name="Column options").get_by_role(
        "checkbox", name="amount", exact=True
    ).uncheck()
    page.keyboard.press("Escape")
    toolbar(page).get_by_role("combobox", name="Row height").select_option("L")
    expect(toolbar(page).get_by_role("status")).to_have_text("Layout saved", timeout=10_000)
    expect(header(page, "amount")).to_have_count(0)

    views = views_of(studio_server, deals)
    assert len(views) == 1
    assert views[0]["type"] == "grid"
    assert views[0]["config"]["columns"]["hidden"] == ["amount"]
    assert views[0]["config"]["rowHeight"] == "L"

    page.reload()
    expect(row_count(page, 10)).to_be_visible()
    expect(toolbar(page).get_by_role("button", name="Views")).to_contain_text(views[0]["name"])
    expect(toolbar(page).get_by_role("combobox", name="Row height")).to_have_value("L")
    expect(header(page, "title")).to_have_count(1)
    expect(header(page, "amount")).to_have_count(0)
    toolbar(page).get_by_role("button", name="Column options").click()
    expect(
        page.get_by_role("dialog", name="Column options").get_by_role(
            "checkbox", name="amount", exact=True
        )
    ).not_to_be_checked()
    page.keyboard.press("Escape")
    shot(page, "grid_layout_after_reload")


def test_a_second_view_keeps_its_own_layout(page, studio_server, deals):
    open_table(page, studio_server.url, deals)
    # The first change makes the table's first view, with amount hidden
    toolbar(page).get_by_role("button", name="Column options").click()
    page.get_by_role("dialog", name="Column options").get_by_role(
        "checkbox", name="amount", exact=True
    ).uncheck()
    page.keyboard.press("Escape")
    expect(toolbar(page).get_by_role("status")).to_have_text("Layout saved", timeout=10_000)
    first = views_of(studio_server, deals)[0]["name"]

    second = f"All columns {uuid.uuid4().hex[:4]}"
    toolbar(page).get_by_role("button", name="Views").click()
    menu = page.get_by_role("menu", name="Views")
    menu.get_by_role("menuitem", name="New view").click()
    menu.get_by_role("textbox", name="View name").fill(second)
    menu.get_by_role("button", name="Create view").click()
    expect(toolbar(page).get_by_role("button", name="Views")).to_contain_text(second)
    toolbar(page).get_by_role("button", name="Column options").click()
    page.get_by_role("dialog", name="Column options").get_by_role(
        "checkbox", name="amount", exact=True
    ).check()
    page.keyboard.press("Escape")
    expect(header(page, "amount")).to_have_count(1)
    expect(toolbar(page).get_by_role("status")).to_have_text("Layout saved", timeout=10_000)

    toolbar(page).get_by_role("button", name="Views").click()
    expect(menu.get_by_role("menuitem", name=second)).to_have_attribute("aria-current", "true")
    shot(page, "grid_views_menu")
    menu.get_by_role("menuitem", name=first).click()
    expect(header(page, "amount")).to_have_count(0)
    expect(toolbar(page).get_by_role("button", name="Views")).to_contain_text(first)

    by_name = {view["name"]: view for view in views_of(studio_server, deals)}
    assert set(by_name) == {first, second}
    assert by_name[first]["config"]["columns"]["hidden"] == ["amount"]
    assert by_name[second]["config"]["columns"]["hidden"] == []

    # A reload opens the view last opened
    page.reload()
    expect(row_count(page, 10)).to_be_visible()
    expect(toolbar(page).get_by_role("button", name="Views")).to_contain_text(first)
    expect(header(page, "amount")).to_have_count(0)


def test_a_change_made_through_the_api_appears_live(page, studio_server, deals):
    open_table(page, studio_server.url, deals)
    expect(page.get_by_text("Live", exact=True)).to_be_visible(timeout=10_000)
    expect(cell(page, "title", 1)).to_have_text("beta")
    with studio_server.api() as api:
        beta = api.get(f"/rest/db/{deals}", params={"filter": '{"title": "beta"}'})
        record_id = beta.json()["data"]["rows"][0]["id"]
        started = time.monotonic()
        changed = api.patch(
            f"/rest/db/{deals}/{record_id}", json={"title": "beta, changed elsewhere"}
        )
        assert changed.status_code == 200, changed.text
        expect(cell(page, "title", 1)).to_have_text("beta, changed elsewhere", timeout=5_000)
        seen_after = time.monotonic() - started
        created = api.post(f"/rest/db/{deals}", json={"title": "lambda", "amount": 1})
        assert created.status_code == 200, created.text
    expect(row_count(page, 11)).to_be_visible(timeout=5_000)
    expect(cell(page, "title", 10)).to_have_text("lambda", timeout=5_000)
    assert seen_after < 5


def server_sum(studio_server, table: str, **extra) -> str:
    """The sum of `amount` as the aggregate route computes it, written as the footer writes it."""
    with studio_server.api() as api:
        answer = api.post(
            f"/rest/db/{table}/aggregate", json={"select": ["sum(amount) as total"], **extra}
        )
    assert answer.status_code == 200, answer.text
    return f"{float(answer.json()['data']['rows'][0]['total']):,.0f}"


def show_the_sum_of_amount(page: Page) -> None:
    toolbar(page).get_by_role("button", name="Summaries").click()
    page.get_by_role("dialog", name="Summaries").get_by_role(
        "combobox", name="amount", exact=True
    ).select_option("sum")
    page.keyboard.press("Escape")


def test_a_footer_sum_is_the_servers_aggregate(page, studio_server, deals):
    open_table(page, studio_server.url, deals)
    show_the_sum_of_amount(page)
    summaries = page.get_by_role("list", name="Column summaries")
    assert server_sum(studio_server, deals) == "4,340"
    expect(summaries).to_have_text(re.compile(r"amount · Sum:\s*4,340"))
    shot(page, "grid_footer_sum")
    # It follows the filter (the server computes it over the same records)
    toolbar(page).get_by_role("button", name="Filter").click()
    dialog = page.get_by_role("dialog", name="Filter")
    dialog.get_by_role("button", name="Add condition").click()
    dialog.get_by_label("Column").select_option("done")
    dialog.get_by_role("combobox", name="Value", exact=True).select_option(label="checked")
    page.keyboard.press("Escape")
    expect(row_count(page, 4)).to_be_visible()
    assert server_sum(studio_server, deals, where={"done": True}) == "1,450"
    expect(summaries).to_have_text(re.compile(r"amount · Sum:\s*1,450"))


def test_a_footer_sum_follows_the_search(page, studio_server, deals):
    open_table(page, studio_server.url, deals)
    show_the_sum_of_amount(page)
    summaries = page.get_by_role("list", name="Column summaries")
    expect(summaries).to_have_text(re.compile(r"amount · Sum:\s*4,340"))
    toolbar(page).get_by_role("searchbox", name="Search records").fill("alpha")
    expect(row_count(page, 3)).to_be_visible()
    assert server_sum(studio_server, deals, search="alpha") == "760"
    expect(summaries).to_have_text(re.compile(r"amount · Sum:\s*760"))


def test_a_read_only_keys_layout_is_not_saved(page, studio_server, deals):
    with studio_server.api() as api:
        created = api.post(
            "/api-keys",
            json={"name": "reader", "scopes": ["rest", "realtime"], "readOnly": True},
        )
        assert created.status_code == 200, created.text
        reader = created.json()["key"]
    open_table(page, studio_server.url, deals, reader)
    toolbar(page).get_by_role("combobox", name="Row height").select_option("M")
    expect(toolbar(page).get_by_role("status")).to_have_text("Read-only key: layout not saved")
    toolbar(page).get_by_role("button", name="Views").click()
    expect(
        page.get_by_role("menu", name="Views").get_by_role("menuitem", name="New view")
    ).to_have_count(0)
    shot(page, "grid_read_only_key")
    page.wait_for_timeout(1_000)  # longer than the autosave's pause
    assert views_of(studio_server, deals) == []
