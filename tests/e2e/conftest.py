"""The studio end to end: its build, served by a real `polarbase serve` process, driven in a real
Chromium (Debian's, through Playwright: Playwright cannot download browsers here).

The build (`static_site/dist`) must exist: `make test` builds it first (`make studio`).
Screenshots of what the tests saw go to `test-results/screenshots/`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.postgres import drop_slot
from tests.fixtures.server import SUPER_ADMIN_KEY, free_port

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "static_site" / "dist"
SCREENSHOTS = ROOT / "test-results" / "screenshots"
CHROMIUM = os.environ.get("POLARBASE_CHROMIUM", "/usr/bin/chromium")


class StudioServer:
    """`polarbase serve` as its own process on 127.0.0.1, on the test database."""

    def __init__(self, database_url: str, data_dir: Path) -> None:
        self.database_url = database_url
        self.slot = f"pb_e2e_{uuid.uuid4().hex[:12]}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "serve.log"
        environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith("POLARBASE_")},
            "POLARBASE_SUPER_ADMIN_KEY": SUPER_ADMIN_KEY,
            "POLARBASE_REALTIME_SLOT": self.slot,
            "DATABASE_URL": database_url,
        }
        command = [sys.executable, "-m", "polarbase.local.cli", "serve", "--port", str(self.port)]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [*command, "--data-dir", str(data_dir)],
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"polarbase serve did not start:\n{self.log_path.read_text()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"x-api-key": SUPER_ADMIN_KEY}, timeout=30)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        drop_slot(self.database_url, self.slot)


@pytest.fixture(scope="session")
def studio_server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StudioServer]:
    if not (BUILD / "index.html").is_file():
        pytest.fail("the studio is not built: run `make studio` (make test does)")
    server = StudioServer(database_url, tmp_path_factory.mktemp("studio-data"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    # Per module, not per session: Playwright's sync API runs an event loop on this thread while
    # it is open, and the tests after these (asyncio.run in the integration suite) need none.
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    yield opened
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    opened.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"))
    context.close()


@pytest.fixture
def make_table(studio_server: StudioServer):
    """Makes a table of its own through the API (a uuid in its name), with records when given;
    returns its name."""

    def make(prefix: str, columns: list[dict], rows: list[dict] | None = None, **extra) -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        with studio_server.api() as api:
            body = {"name": name, "timestamps": False, "columns": columns, **extra}
            created = api.post("/rest/db/tables", json=body)
            assert created.status_code == 200, created.text
            if rows:
                inserted = api.post(f"/rest/db/{name}/bulk-create", json=rows)
                assert inserted.status_code == 200, inserted.text
        return name

    return make
