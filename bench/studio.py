"""The studio on a table of 1,000,000 rows, in headless Chromium (issue 14's targets): the first
rows within 1.5 s of opening the table, jumping to its end and scrolling under 100 ms a frame,
and under 500 KB of compressed JavaScript on the first load.

    make studio && .venv/bin/python -m bench.studio     # prints a section for bench/RESULTS.md

`polarbase serve` (its own process and embedded PostgreSQL, realtime off) serves the built
studio; the table is made through the API and filled in PostgreSQL with generate_series.
"""

from __future__ import annotations

import gzip
import re
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench.machine import code_revision, cpu_check_ms
from bench.servers import SUPER_ADMIN_KEY, running_servers

ROWS = 1_000_000
TABLE = "bench_studio"
RUNS = 5
CHROMIUM = "/usr/bin/chromium"
BUILD = Path(__file__).resolve().parents[1] / "static_site" / "dist"
# Frame times: requestAnimationFrame deltas while the page scrolls, in the page itself.
_JUMP_PROBE = """
async () => {
  const scroller = document.querySelector('.dvn-scroller');
  const deltas = [];
  let last = performance.now();
  scroller.scrollTop = scroller.scrollHeight;
  for (let i = 0; i < 30; i++) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const now = performance.now();
    deltas.push(now - last);
    last = now;
  }
  return deltas;
}
"""
_SCROLL_PROBE = """
async ([steps, pixels]) => {
  const scroller = document.querySelector('.dvn-scroller');
  const deltas = [];
  let last = performance.now();
  for (let i = 0; i < steps; i++) {
    scroller.scrollTop += pixels;
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const now = performance.now();
    deltas.push(now - last);
    last = now;
  }
  return deltas;
}
"""


def _fill(base_url: str, database_url: str) -> None:
    columns = [
        {"name": "title", "dataType": "text"},
        {"name": "amount", "dataType": "number"},
        {"name": "stage", "dataType": "select", "options": ["lead", "won", "lost"]},
        {"name": "closes", "dataType": "date"},
    ]
    with httpx.Client(base_url=base_url, headers={"x-api-key": SUPER_ADMIN_KEY}) as client:
        client.post("/rest/db/tables", json={"name": TABLE, "columns": columns}).raise_for_status()
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(
            f"INSERT INTO {TABLE} (title, amount, stage, closes) "
            "SELECT 'deal ' || n, n * 1.5, (ARRAY['lead','won','lost'])[1 + n %% 3], "
            "'2026-01-01'::timestamptz + n * interval '1 minute' "
            "FROM generate_series(1, %s) AS n",
            [ROWS],
        )
        connection.execute(f"VACUUM ANALYZE {TABLE}")


def _first_load_js(base_url: str) -> tuple[int, int]:
    """Compressed bytes of the scripts the first page names (the entry and what it preloads; the
    grid's chunk loads after sign-in), and of every built script."""
    html = httpx.get(f"{base_url}/").text
    named = set(re.findall(r'(?:src|href)="(/assets/[^"]+[.]js)"', html))
    entry = sum(len(gzip.compress(httpx.get(f"{base_url}{path}").content)) for path in named)
    everything = sum(len(gzip.compress(path.read_bytes())) for path in BUILD.rglob("*.js"))
    return entry, everything


def _cell(page: Any, row: int) -> Any:
    """The ``title`` cell of ``row`` in the grid's accessible table (found by its header's
    position: the grid's row markers come first)."""
    header = page.locator("[role=columnheader]").filter(has_text=re.compile(r"^title$"))
    index = header.get_attribute("aria-colindex")
    return page.locator(
        f'[role=row][aria-rowindex="{row + 2}"] [role=gridcell][aria-colindex="{index}"]'
    )


def _measure(base_url: str) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, list[float]] = {"first": [], "end": [], "jump_frames": [], "frames": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        for _ in range(RUNS):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.goto(base_url)
            page.get_by_label("API key").fill(SUPER_ADMIN_KEY)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("navigation", name="Tables").wait_for()
            started = time.perf_counter()
            page.goto(f"{base_url}/?table={TABLE}")
            _cell(page, 0).filter(has_text=re.compile(r"^deal 1$")).wait_for(state="attached")
            results["first"].append((time.perf_counter() - started) * 1e3)
            # Jump to the end: the scroller to its bottom, until the last row's cell shows.
            started = time.perf_counter()
            results["jump_frames"].extend(page.evaluate(_JUMP_PROBE))
            _cell(page, ROWS - 1).filter(has_text=re.compile(rf"^deal {ROWS}$")).wait_for(
                state="attached"
            )
            results["end"].append((time.perf_counter() - started) * 1e3)
            # Scroll back up through the table, a screen at a time.
            results["frames"].extend(page.evaluate(_SCROLL_PROBE, [120, -600]))
            context.close()
        browser.close()
    return results


def _summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"median {statistics.median(ordered):.0f} ms, p95 {p95:.0f} ms, max {ordered[-1]:.0f} ms"


def main() -> None:
    if not (BUILD / "index.html").is_file():
        raise SystemExit("build the studio first: make studio")
    before = cpu_check_ms()
    with running_servers({"POLARBASE_REALTIME": "false"}) as servers:
        _fill(servers.base_url, servers.database_url)
        entry, everything = _first_load_js(servers.base_url)
        results = _measure(servers.base_url)
    after = cpu_check_ms()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    first, end, frames = results["first"], results["end"], results["frames"]
    jump = results["jump_frames"]
    print(f"## {stamp}: the studio on a table of 1,000,000 rows (issue 14)\n")
    print(
        f"- Command: `make studio && .venv/bin/python -m bench.studio`; code `{code_revision()}`; "
        f"CPU check {before:.0f} ms before, {after:.0f} ms after (285 ms is a quiet hour)."
    )
    print(
        f"- `polarbase serve` (own process, embedded PostgreSQL, realtime off) serving the build; "
        f"headless Chromium ({CHROMIUM}), 1400x900; {RUNS} runs, each a new browser context "
        "signed in, then the table opened by its URL."
    )
    print(f"- First rows shown (navigation to the first cell's text): {_summary(first)}")
    print(f"- Jump to the end, frame time over the 30 frames after it: {_summary(jump)}")
    print(f"- Jump to the end, until the last row's text shows: {_summary(end)}")
    print(f"- Scrolling, 600 px a frame for 120 frames a run: frame time {_summary(frames)}")
    print(
        f"- JavaScript, gzip: {entry / 1024:.0f} KB on the first load (sign-in page), "
        f"{everything / 1024:.0f} KB for every script of the build."
    )
    checks = [
        ("first rows within 1.5 s", statistics.median(first) < 1500),
        ("jump to the end under 100 ms a frame (max)", max(jump) < 100),
        ("scroll frames under 100 ms (p95)", sorted(frames)[int(len(frames) * 0.95) - 1] < 100),
        ("first load under 500 KB of compressed JS", entry < 500 * 1024),
    ]
    for label, passed in checks:
        print(f"- {label}: {'pass' if passed else '**fail**'}")


if __name__ == "__main__":
    main()
