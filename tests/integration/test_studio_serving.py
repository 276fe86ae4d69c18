"""`polarbase serve` serves the built studio at `/`, and its screens at their paths."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.server import SUPER_ADMIN_KEY, LiveServer, make_settings


@pytest.fixture(scope="module")
def studio(tmp_path_factory, database_url) -> Iterator[tuple[str, Path]]:
    build = tmp_path_factory.mktemp("dist")
    server = LiveServer(
        make_settings(tmp_path_factory.mktemp("data"), studio_dir=build, realtime=False),
        database_url,
    ).start()
    yield server.url, build
    server.stop()


def test_until_the_build_exists_the_page_says_so_and_the_api_serves(studio):
    url, _ = studio
    page = httpx.get(f"{url}/")
    assert page.status_code == 200
    assert "being built" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert httpx.get(f"{url}/health").json()["status"] == "ok"


def test_the_build_is_served_with_its_screens_and_the_api_keeps_its_paths(studio):
    url, build = studio
    (build / "assets").mkdir()
    (build / "index.html").write_text("<!doctype html><title>PolarBase studio</title>")
    (build / "assets" / "app-1a2b.js").write_text("console.log('studio')")

    index = httpx.get(f"{url}/")
    assert "PolarBase studio" in index.text
    assert index.headers["cache-control"] == "no-cache"
    # A screen of the app is its page, not a 404
    assert "PolarBase studio" in httpx.get(f"{url}/tables/people?table=people").text
    # A missing file is a 404, not the page (the studio reads /config.json when there is one)
    assert httpx.get(f"{url}/config.json").status_code == 404
    assert httpx.get(f"{url}/assets/gone-9z.js").status_code == 404
    script = httpx.get(f"{url}/assets/app-1a2b.js")
    assert script.text == "console.log('studio')"
    assert "immutable" in script.headers["cache-control"]
    # The API's paths are the API's, whatever the studio has
    listed = httpx.get(f"{url}/rest/db/tables", headers={"x-api-key": SUPER_ADMIN_KEY})
    assert listed.json()["success"] is True
    assert httpx.get(f"{url}/rest/nowhere").status_code == 404
    assert httpx.get(f"{url}/api-keys").status_code == 401
    # Nothing outside the build is reachable
    assert httpx.get(f"{url}/..%2F..%2Fetc%2Fpasswd").status_code in (200, 404)
    assert "root:" not in httpx.get(f"{url}/..%2F..%2Fetc%2Fpasswd").text
