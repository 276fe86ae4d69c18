"""The studio's calendar, timeline and map on a table of 1,000,000 rows with dates and geo-points
(issue 15's target: each view's first screen within 1.5 s), in headless Chromium.

    make studio && .venv/bin/python -m bench.studio_views   # prints a section for RESULTS.md

Each view is set up once (its fields chosen, saved as a view); then, in new browser contexts,
the time from choosing its tab to the first event, bar or marker on screen.
"""

from __future__ import annotations

import re
import statistics
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import psycopg

from bench.machine import code_revision, cpu_check_ms
from bench.servers import SUPER_ADMIN_KEY, running_servers
from bench.studio import BUILD, CHROMIUM

ROWS = 1_000_000
TABLE = "bench_events"
RUNS = 5
# kind: (the view's fields as the studio's comboboxes name them, what its first item is)
VIEWS: dict[str, tuple[dict[str, str], str]] = {
    "Calendar": ({"Start date field": "starts", "Display field": "title"}, "Calendar"),
    "Timeline": (
        {"Start date field": "starts", "End date field": "ends", "Display field": "title"},
        "Timeline",
    ),
    "Map": ({"Geo-point field": "place", "Display field": "title"}, "Map"),
}


def _fill(base_url: str, database_url: str) -> None:
    columns = [
        {"name": "title", "dataType": "text"},
        {"name": "starts", "dataType": "date"},
        {"name": "ends", "dataType": "date"},
        {"name": "place", "dataType": "geo-point"},
    ]
    with httpx.Client(base_url=base_url, headers={"x-api-key": SUPER_ADMIN_KEY}) as client:
        client.post("/rest/db/tables", json={"name": TABLE, "columns": columns}).raise_for_status()
        # The date columns indexed as a user would for a calendar (the geo-point has its own)
        for column in ("starts", "ends"):
            client.post(
                "/rest/db/indexes",
                json={"name": f"{TABLE}_{column}_idx", "tableName": TABLE, "columnNames": [column]},
            ).raise_for_status()
    with psycopg.connect(database_url, autocommit=True) as connection:
        # Spread over four years around now: about 700 events a day
        connection.execute(
            f"INSERT INTO {TABLE} (title, starts, ends, place) SELECT 'event ' || n, "
            "now() - interval '2 years' + n * interval '126 seconds', "
            "now() - interval '2 years' + n * interval '126 seconds' + interval '3 hours', "
            "point(random() * 360 - 180, random() * 130 - 60) "
            "FROM generate_series(1, %s) AS n",
            [ROWS],
        )
        connection.execute(f"VACUUM ANALYZE {TABLE}")


def _sign_in(page: Any, base_url: str) -> None:
    page.goto(base_url)
    page.get_by_label("API key").fill(SUPER_ADMIN_KEY)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Tables").wait_for()


def _first_item(page: Any, region: str) -> Any:
    return (
        page.get_by_role("region", name=region, exact=True)
        .get_by_role("button", name=re.compile(r"^(event \d+|\d+ records)$"))
        .first
    )


def _measure(base_url: str) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, list[float]] = {kind: [] for kind in VIEWS}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        setup = browser.new_page(viewport={"width": 1400, "height": 900})
        _sign_in(setup, base_url)
        setup.goto(f"{base_url}/?table={TABLE}")
        for kind, (fields, region) in VIEWS.items():
            setup.get_by_role("tablist", name=f"Views of {TABLE}").get_by_role(
                "tab", name=kind
            ).click()
            tools = setup.get_by_role("toolbar", name=f"{kind} tools")
            for label, value in fields.items():
                tools.get_by_label(label).select_option(value)
            _first_item(setup, region).wait_for(timeout=60_000)
            tools.get_by_role("status").filter(has_text="Layout saved").wait_for(timeout=10_000)
        setup.close()
        for _ in range(RUNS):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            _sign_in(page, base_url)
            page.goto(f"{base_url}/?table={TABLE}")
            tabs = page.get_by_role("tablist", name=f"Views of {TABLE}")
            tabs.wait_for()
            for kind, (_, region) in VIEWS.items():
                started = time.perf_counter()
                tabs.get_by_role("tab", name=kind).click()
                _first_item(page, region).wait_for(timeout=30_000)
                results[kind].append((time.perf_counter() - started) * 1e3)
            context.close()
        browser.close()
    return results


def main() -> None:
    if not (BUILD / "index.html").is_file():
        raise SystemExit("build the studio first: make studio")
    before = cpu_check_ms()
    with running_servers({"POLARBASE_REALTIME": "false"}) as servers:
        _fill(servers.base_url, servers.database_url)
        results = _measure(servers.base_url)
    after = cpu_check_ms()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"## {stamp}: the studio's views on a table of 1,000,000 rows (issue 15)\n")
    print(
        f"- Command: `make studio && .venv/bin/python -m bench.studio_views`; code "
        f"`{code_revision()}`; CPU check {before:.0f} ms before, {after:.0f} ms after."
    )
    print(
        "- `polarbase serve` (own process, embedded PostgreSQL, realtime off); 1,000,000 events "
        "over four years around now (about 700 a day) at random points, the date columns indexed; "
        f"headless Chromium 1400x900; {RUNS} runs, each a new browser context: the time from "
        "choosing the view's tab to its first event, bar or marker (or cluster) on screen."
    )
    for kind, samples in results.items():
        ordered = sorted(samples)
        verdict = "pass" if statistics.median(ordered) < 1500 else "**fail**"
        print(
            f"- {kind}: median {statistics.median(ordered):.0f} ms, max {ordered[-1]:.0f} ms "
            f"(target 1.5 s: {verdict})"
        )


if __name__ == "__main__":
    main()
