"""The studio's calendar, timeline and map views in Chromium: each shows the records of its range
or area, edits made in it reach the database, changes made elsewhere appear, and its settings come
back after a reload."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.studio_page import shot, sign_in

pytestmark = pytest.mark.timeout(120)

TODAY = datetime.now(UTC).date()
MONTH_START = TODAY.replace(day=1)


def day(offset: int) -> date:
    """A day of this month (offset from its 10th), so the calendar opens on it."""
    return MONTH_START + timedelta(days=9 + offset)


@pytest.fixture
def events(make_table) -> str:
    return make_table(
        "events",
        [
            {"name": "title", "dataType": "text"},
            {"name": "starts", "dataType": "date"},
            {"name": "ends", "dataType": "date"},
            {"name": "progress", "dataType": "integer"},
            {"name": "place", "dataType": "geo-point"},
        ],
        [
            {
                "title": "kickoff",
                "starts": f"{day(0)}T09:00:00Z",
                "ends": f"{day(0)}T10:00:00Z",
                "progress": 10,
                "place": {"x": 2.3522, "y": 48.8566},
            },
            {
                "title": "review",
                "starts": f"{day(5)}T09:00:00Z",
                "ends": f"{day(7)}T17:00:00Z",
                "progress": 50,
                "place": {"x": -0.1276, "y": 51.5072},
            },
            {
                "title": "last year",
                "starts": f"{TODAY.year - 1}-06-01T09:00:00Z",
                "ends": f"{TODAY.year - 1}-06-02T09:00:00Z",
                "progress": 100,
                "place": {"x": 139.6917, "y": 35.6895},
            },
        ],
    )


def open_view(page: Page, url: str, table: str, kind: str) -> None:
    sign_in(page, url)
    page.goto(f"{url}/?table={table}")
    page.get_by_role("tablist", name=f"Views of {table}").get_by_role("tab", name=kind).click()


def stored(studio_server, table: str) -> dict[str, dict]:
    with studio_server.api() as api:
        rows = api.get(f"/rest/db/{table}").json()["data"]["rows"]
    return {row["title"]: row for row in rows}


def test_the_calendar_shows_its_month_moves_a_dragged_event_and_comes_back(
    page, studio_server, events
):
    open_view(page, studio_server.url, events, "Calendar")
    tools = page.get_by_role("toolbar", name="Calendar tools")
    tools.get_by_label("Start date field").select_option("starts")
    tools.get_by_label("Display field").select_option("title")
    calendar = page.get_by_role("region", name="Calendar", exact=True)
    expect(calendar.get_by_role("button", name="kickoff")).to_be_visible()
    expect(calendar.get_by_role("button", name="review")).to_be_visible()
    expect(calendar.get_by_role("button", name="last year")).to_have_count(0)
    expect(tools.get_by_role("status", name="Not every record shown")).to_have_count(0)
    shot(page, "view_calendar")

    # Drag "kickoff" two days on: the record moves by two days
    target = calendar.get_by_role("button", name=f"Add record on {day(2)}")
    calendar.get_by_role("button", name="kickoff").drag_to(target)
    deadline = datetime.now(UTC) + timedelta(seconds=5)
    while stored(studio_server, events)["kickoff"]["starts"][:10] != str(day(2)):
        assert datetime.now(UTC) < deadline, stored(studio_server, events)["kickoff"]
        page.wait_for_timeout(100)

    # A change made through the API appears
    with studio_server.api() as api:
        review = stored(studio_server, events)["review"]
        api.patch(f"/rest/db/{events}/{review['id']}", json={"title": "design review"})
    expect(calendar.get_by_role("button", name="design review")).to_be_visible(timeout=5_000)

    # The view and its settings come back after a reload
    expect(tools.get_by_role("status")).to_have_text(re.compile("Layout saved"), timeout=5_000)
    page.reload()
    tools = page.get_by_role("toolbar", name="Calendar tools")
    expect(tools.get_by_label("Start date field")).to_have_value("starts")
    expect(
        page.get_by_role("region", name="Calendar", exact=True).get_by_role(
            "button", name="kickoff"
        )
    ).to_be_visible()


def test_a_view_with_more_records_than_it_shows_says_so(page, studio_server, make_table):
    # GIVEN 2,001 records on one day of this month, one more than a view shows
    busy = make_table(
        "busy",
        [{"name": "title", "dataType": "text"}, {"name": "starts", "dataType": "date"}],
        [{"title": f"meeting {n}", "starts": f"{day(0)}T09:00:00Z"} for n in range(2001)],
    )

    # WHEN the calendar shows that month
    open_view(page, studio_server.url, busy, "Calendar")
    tools = page.get_by_role("toolbar", name="Calendar tools")
    tools.get_by_label("Start date field").select_option("starts")

    # THEN it says that it shows the first 2,000 and how to see the rest
    notice = tools.get_by_role("status", name="Not every record shown")
    expect(notice).to_have_text(
        "Showing the first 2,000 records: narrow the range or the filter to see the rest"
    )
    shot(page, "view_calendar_truncated")

    # AND with one record gone (2,000 left: all of them shown) the notice goes
    with studio_server.api() as api:
        first = api.get(f"/rest/db/{busy}", params={"limit": 1}).json()["data"]["rows"][0]
        assert api.delete(f"/rest/db/{busy}/{first['id']}").status_code == 200
    page.reload()
    calendar = page.get_by_role("region", name="Calendar", exact=True)
    expect(calendar.get_by_role("button", name="meeting 1", exact=True)).to_be_visible()
    expect(calendar).not_to_have_attribute("aria-busy", "true")
    expect(
        page.get_by_role("toolbar", name="Calendar tools").get_by_role(
            "status", name="Not every record shown"
        )
    ).to_have_count(0)


def test_the_timeline_moves_a_bar_a_day_with_the_keys(page, studio_server, events):
    open_view(page, studio_server.url, events, "Timeline")
    tools = page.get_by_role("toolbar", name="Timeline tools")
    tools.get_by_label("Start date field").select_option("starts")
    tools.get_by_label("End date field").select_option("ends")
    tools.get_by_label("Display field").select_option("title")
    tools.get_by_label("Progress field").select_option("progress")
    timeline = page.get_by_role("region", name="Timeline", exact=True)
    bar = timeline.get_by_role("button", name="review")
    expect(bar).to_be_visible()
    expect(timeline.get_by_role("button", name="last year")).to_have_count(0)
    shot(page, "view_timeline")
    before = stored(studio_server, events)["review"]
    bar.focus()
    page.keyboard.press("ArrowRight")
    deadline = datetime.now(UTC) + timedelta(seconds=5)
    while stored(studio_server, events)["review"]["starts"] == before["starts"]:
        assert datetime.now(UTC) < deadline
        page.wait_for_timeout(100)
    after = stored(studio_server, events)["review"]
    moved = datetime.fromisoformat(after["starts"]) - datetime.fromisoformat(before["starts"])
    assert moved == timedelta(days=1)
    length = datetime.fromisoformat(after["ends"]) - datetime.fromisoformat(after["starts"])
    assert length == datetime.fromisoformat(before["ends"]) - datetime.fromisoformat(
        before["starts"]
    )


def test_the_map_shows_the_records_in_view_and_new_ones_live(page, studio_server, events):
    # No tile server answers (as offline): the markers show all the same
    page.route(re.compile(r"tile\.openstreetmap\.org"), lambda route: route.abort())
    open_view(page, studio_server.url, events, "Map")
    tools = page.get_by_role("toolbar", name="Map tools")
    tools.get_by_label("Geo-point field").select_option("place")
    tools.get_by_label("Display field").select_option("title")
    expect(page.get_by_role("status").filter(has_text="records in view")).to_have_text(
        re.compile(r"3 records in view")
    )
    shot(page, "view_map")
    with studio_server.api() as api:
        api.post(f"/rest/db/{events}", json={"title": "new place", "place": {"x": 10, "y": 50}})
    expect(page.get_by_role("status").filter(has_text="records in view")).to_have_text(
        re.compile(r"4 records in view"), timeout=5_000
    )


def saved_map_place(studio_server, table: str) -> tuple[float, float, int] | None:
    """The saved map view's centre (lat, lng) and zoom, as the views API has them."""
    with studio_server.api() as api:
        views = api.get("/rest/views", params={"table": table}).json()["data"]
    for view in views:
        config = view["config"]
        if view["type"] == "map" and "center" in config:
            return config["center"]["lat"], config["center"]["lng"], config["zoom"]
    return None


def wait_for_place(studio_server, table: str, check) -> tuple[float, float, int]:
    deadline = datetime.now(UTC) + timedelta(seconds=10)
    while True:
        place = saved_map_place(studio_server, table)
        if place is not None and check(*place):
            return place
        assert datetime.now(UTC) < deadline, place
        time.sleep(0.2)


def test_a_new_map_opens_on_its_records_and_fits_them_again(page, studio_server, make_table):
    page.route(re.compile(r"tile\.openstreetmap\.org"), lambda route: route.abort())
    # GIVEN shops in Paris, a few km apart
    shops = make_table(
        "shops",
        [{"name": "title", "dataType": "text"}, {"name": "place", "dataType": "geo-point"}],
        [
            {"title": "north", "place": {"x": 2.35, "y": 48.88}},
            {"title": "south", "place": {"x": 2.34, "y": 48.83}},
            {"title": "west", "place": {"x": 2.29, "y": 48.86}},
        ],
    )

    # WHEN its map opens for the first time
    open_view(page, studio_server.url, shops, "Map")
    tools = page.get_by_role("toolbar", name="Map tools")
    tools.get_by_label("Geo-point field").select_option("place")

    # THEN it shows Paris, close up, not the world, and keeps that place
    lat, lng, _ = wait_for_place(studio_server, shops, lambda lat, lng, zoom: zoom >= 10)
    assert 48.8 < lat < 48.9
    assert 2.2 < lng < 2.4
    expect(page.get_by_role("status").filter(has_text="records in view")).to_have_text(
        re.compile(r"3 records in view")
    )
    shot(page, "view_map_fitted")

    # AND "Fit to records" takes in a shop in Tokyo once there is one
    with studio_server.api() as api:
        api.post(f"/rest/db/{shops}", json={"title": "tokyo", "place": {"x": 139.69, "y": 35.69}})
    tools.get_by_role("button", name="Fit to records").click()
    wait_for_place(studio_server, shops, lambda lat, lng, zoom: zoom <= 4)
    expect(page.get_by_role("status").filter(has_text="records in view")).to_have_text(
        re.compile(r"4 records in view"), timeout=5_000
    )


def test_the_view_opened_last_comes_back_on_another_machine(browser, page, studio_server, events):
    open_view(page, studio_server.url, events, "Timeline")
    tools = page.get_by_role("toolbar", name="Timeline tools")
    tools.get_by_label("Start date field").select_option("starts")
    tools.get_by_label("Display field").select_option("title")
    expect(tools.get_by_role("status")).to_have_text(re.compile("Layout saved"), timeout=5_000)
    # Another machine: a browser with nothing stored, the same key
    elsewhere = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        other = elsewhere.new_page()
        sign_in(other, studio_server.url)
        other.goto(f"{studio_server.url}/?table={events}")
        views = other.get_by_role("tablist", name=f"Views of {events}")
        expect(views.get_by_role("tab", name="Timeline")).to_have_attribute("aria-selected", "true")
        other_tools = other.get_by_role("toolbar", name="Timeline tools")
        expect(other_tools.get_by_label("Start date field")).to_have_value("starts")
        expect(
            other.get_by_role("region", name="Timeline", exact=True).get_by_role(
                "button", name="review"
            )
        ).to_be_visible()
    finally:
        elsewhere.close()
