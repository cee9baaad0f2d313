"""The report map: pins and outlines with or without tiles, and the tiles a
person has seen kept for offline use."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.pages import resident_context, wait_until_controlled, watch_console

pytestmark = pytest.mark.browser

# A 1x1 grey PNG, answered for every tile.
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=="
)


def open_map(server: Server, browser: Any, problems: list[str]) -> Any:
    context = resident_context(browser)
    page = context.new_page()
    watch_console(page, problems)
    page.goto(server.base_url + "/")
    wait_until_controlled(page)
    page.get_by_test_id("nav-map").click()
    expect(page.get_by_test_id("map-count")).to_have_text(
        "3 reports shown", timeout=20_000
    )
    return page


def zoom_until_pins(page: Any) -> None:
    for _ in range(6):
        if page.get_by_test_id("map-pin").count() > 0:
            return
        page.get_by_test_id("map-cluster").first.click()
        page.wait_for_timeout(800)
    raise AssertionError("no pin after zooming into the clusters")


def test_pins_and_area_outline_show_without_any_tiles(
    server: Server, browser: Any
) -> None:
    server.cli("seed-demo")
    problems: list[str] = []
    page = open_map(server, browser, problems)
    page.context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())

    expect(page.locator(".leaflet-overlay-pane path")).to_have_count(1)
    zoom_until_pins(page)
    page.get_by_test_id("map-pin").first.click()
    expect(page.get_by_test_id("map-card")).to_be_visible()
    assert [p for p in problems if "tile.openstreetmap.org" not in p] == []


def test_the_state_filter_leaves_only_matching_pins(
    server: Server, browser: Any
) -> None:
    server.cli("seed-demo")
    page = open_map(server, browser, [])

    page.get_by_test_id("map-state").select_option("closed")
    expect(page.get_by_test_id("map-count")).to_have_text("0 reports shown")
    expect(page.get_by_test_id("map-pin")).to_have_count(0)


def test_one_report_is_counted_in_the_singular_and_several_in_the_plural(
    server: Server, browser: Any
) -> None:
    server.cli("seed-demo")
    page = open_map(server, browser, [])

    page.get_by_test_id("map-category").select_option("pothole")
    expect(page.get_by_test_id("map-count")).to_have_text("1 report shown")
    page.get_by_test_id("language").select_option("it")
    expect(page.get_by_test_id("map-count")).to_have_text("1 segnalazione visibile")
    page.get_by_test_id("map-category").select_option("")
    expect(page.get_by_test_id("map-count")).to_have_text("3 segnalazioni visibili")


def test_tiles_seen_online_are_cached_with_their_size_and_shown_offline(
    tiled_server: Server, browser: Any
) -> None:
    tiled_server.cli("seed-demo")
    problems: list[str] = []
    context = resident_context(browser)
    context.route(
        "**/tiles/**", lambda route: route.fulfill(body=TILE, content_type="image/png")
    )
    page = context.new_page()
    watch_console(page, problems)
    page.goto(tiled_server.base_url + "/")
    wait_until_controlled(page)
    page.get_by_test_id("nav-map").click()
    expect(page.locator(".leaflet-tile-loaded").first).to_be_attached(timeout=20_000)

    sizes = page.evaluate(
        """async () => {
          const cache = await caches.open('wgn-tiles');
          const keys = await cache.keys();
          return Promise.all(keys.map(async (k) =>
            (await cache.match(k)).headers.get('x-wgn-bytes')));
        }"""
    )
    assert sizes and set(sizes) == {str(len(TILE))}

    context.unroute("**/tiles/**")
    context.set_offline(True)
    page.reload()
    expect(page.locator(".leaflet-tile-loaded").first).to_be_attached(timeout=20_000)
    assert problems == []
