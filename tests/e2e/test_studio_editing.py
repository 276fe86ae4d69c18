"""Editing in the studio's grid, in Chromium: add a record, paste a block of cells from a
spreadsheet, upload an image to an attachment cell. What reaches the database is checked
through the REST API."""

from __future__ import annotations

import base64
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.studio_page import cell, row_count, select_cell, shot, sign_in

pytestmark = pytest.mark.timeout(120)

# A 1x1 red PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def open_table(page: Page, url: str, table: str, rows: int) -> None:
    sign_in(page, url)
    page.goto(f"{url}/?table={table}")
    expect(row_count(page, rows)).to_be_visible()


def records(studio_server, table: str) -> list[dict]:
    with studio_server.api() as api:
        return api.get(f"/rest/db/{table}", params={"sort": "id"}).json()["data"]["rows"]


def test_add_record_writes_a_row_with_the_defaults(page, studio_server, make_table):
    table = make_table(
        "adds",
        [
            {"name": "title", "dataType": "text"},
            {"name": "qty", "dataType": "integer", "defaultValue": 7},
        ],
        [{"title": "first"}],
    )
    open_table(page, studio_server.url, table, 1)
    page.get_by_role("toolbar", name="Grid tools").get_by_role("button", name="Add record").click()
    expect(row_count(page, 2)).to_be_visible()
    stored = records(studio_server, table)
    assert [(row["title"], row["qty"]) for row in stored] == [("first", 7), (None, 7)]


def test_a_block_pasted_from_a_spreadsheet_is_written_in_one_go(page, studio_server, make_table):
    table = make_table(
        "pastes",
        [
            {"name": "title", "dataType": "text"},
            {"name": "qty", "dataType": "integer"},
            {"name": "done", "dataType": "checkbox"},
        ],
        [{"title": f"row {n}", "qty": n, "done": False} for n in range(4)],
    )
    open_table(page, studio_server.url, table, 4)
    select_cell(page, "title", 1)
    # What a spreadsheet puts on the clipboard: tab-separated cells, one line a row
    block = "pasted one\t10\ttrue\npasted two\t20\tfalse\n"
    page.evaluate(
        """(text) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            document.activeElement.dispatchEvent(
                new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true})
            );
        }""",
        block,
    )
    expect(cell(page, "title", 1)).to_have_text("pasted one")
    expect(cell(page, "title", 2)).to_have_text("pasted two")
    shot(page, "grid_after_paste")
    stored = records(studio_server, table)
    assert [(r["title"], r["qty"], r["done"]) for r in stored] == [
        ("row 0", 0, False),
        ("pasted one", 10, True),
        ("pasted two", 20, False),
        ("row 3", 3, False),
    ]
    # A block with a value that does not fit writes nothing, and says why
    page.evaluate(
        """(text) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            document.activeElement.dispatchEvent(
                new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true})
            );
        }""",
        "x\tnot a number\ty\tmany\tno\n",
    )
    expect(page.get_by_role("alert").first).to_contain_text("Nothing was pasted")
    assert records(studio_server, table) == stored


def test_an_image_uploaded_to_an_attachment_cell_is_stored_and_previewed(
    page, studio_server, make_table, tmp_path
):
    table = make_table(
        "files",
        [{"name": "title", "dataType": "text"}, {"name": "photo", "dataType": "attachment"}],
        [{"title": "with a photo"}],
    )
    image = tmp_path / "red-dot.png"
    image.write_bytes(PNG)
    open_table(page, studio_server.url, table, 1)
    select_cell(page, "photo", 0)
    page.keyboard.press("Enter")
    page.get_by_label("Upload files").set_input_files(str(image))
    preview = page.get_by_alt_text("Preview of red-dot.png")
    expect(preview).to_be_visible()
    shot(page, "grid_attachment_upload")
    page.get_by_role("button", name="Save value").click()
    expect(cell(page, "photo", 0)).to_contain_text("red-dot.png")
    (stored,) = records(studio_server, table)
    (attachment,) = stored["photo"]
    assert attachment["name"] == "red-dot.png"
    assert attachment["mimeType"] == "image/png"
    assert attachment["size"] == len(PNG)
    with studio_server.api() as api:
        assert api.get(f"/rest/files/{attachment['key']}").content == PNG
    assert re.match(r"^user-uploads/", attachment["key"])
