"""What the studio's tests do on a page: sign in, find a column's header and a cell, save a
screenshot. Cells are read from the grid's accessible table (the grid draws on a canvas), found
by their header's position, so columns the grid adds (row markers) do not shift them."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.fixtures.server import SUPER_ADMIN_KEY

__all__ = ["cell", "header", "row_count", "shot", "sign_in"]


def sign_in(page: Page, url: str, key: str = SUPER_ADMIN_KEY) -> None:
    page.goto(url)
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Tables")).to_be_visible()


def header(page: Page, title: str) -> Locator:
    return page.locator("[role=columnheader]").filter(has_text=re.compile(rf"^{re.escape(title)}$"))


def cell(page: Page, title: str, row: int) -> Locator:
    """The cell of the column titled ``title`` in ``row`` (from 0)."""
    index = header(page, title).get_attribute("aria-colindex")
    return page.locator(
        f'[role=row][aria-rowindex="{row + 2}"] [role=gridcell][aria-colindex="{index}"]'
    )


def row_count(page: Page, count: int) -> Locator:
    """The footer's row count ("10 rows", "1 row"; not "110 rows")."""
    return page.get_by_text(re.compile(rf"^{count:,} rows?\b"))


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
