"""What the studio's tests do on a page: sign in, find a column's header and a cell, save a
screenshot. Cells are read from the grid's accessible table (the grid draws on a canvas), found
by their header's position, so columns the grid adds (row markers) do not shift them."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.fixtures.server import SUPER_ADMIN_KEY

__all__ = ["cell", "header", "row_count", "select_cell", "shot", "sign_in"]


def sign_in(page: Page, url: str, key: str = SUPER_ADMIN_KEY) -> None:
    page.goto(url)
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Tables")).to_be_visible()


def header(page: Page, title: str) -> Locator:
    return page.locator("[role=columnheader]").filter(has_text=re.compile(rf"^{re.escape(title)}$"))


def cell(page: Page, title: str, row: int) -> Locator:
    """The cell of the column titled ``title`` in ``row`` (from 0)."""
    return _at(page, int(header(page, title).get_attribute("aria-colindex") or 0), row)


def _at(page: Page, column: int, row: int) -> Locator:
    return page.locator(
        f'[role=row][aria-rowindex="{row + 2}"] [role=gridcell][aria-colindex="{column}"]'
    )


def select_cell(page: Page, title: str, row: int) -> None:
    """Select a cell as a person does: click the first row's ``id`` cell (past the row markers,
    under the 36 px header), then walk with the arrow keys. The grid moves its focus (in its
    accessible table) as each key arrives; each step waits for it, so no key is lost."""
    box = page.locator("canvas").first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 100, box["y"] + 36 + 16)
    start = int(header(page, "id").get_attribute("aria-colindex") or 0)
    wanted = int(header(page, title).get_attribute("aria-colindex") or 0)
    expect(_at(page, start, 0)).to_be_focused()
    for step in range(1, row + 1):
        page.keyboard.press("ArrowDown")
        expect(_at(page, start, step)).to_be_focused()
    for column in range(start + 1, wanted + 1):
        page.keyboard.press("ArrowRight")
        expect(_at(page, column, row)).to_be_focused()


def row_count(page: Page, count: int) -> Locator:
    """The footer's row count ("10 rows", "1 row"; not "110 rows")."""
    return page.get_by_text(re.compile(rf"^{count:,} rows?\b"))


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
