"""The report map: pins and outlines with or without tiles, and the tiles a
person has seen kept for offline use."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.test_staff_changes import set_state_elsewhere
from tests.browser.pages import (
    resident_context,
    synced,
    wait_until_controlled,
    watch_console,
)

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


# Images in the map the browser gave up on: each would show as a broken
# picture over the plain background.
BROKEN_IMAGES = """() => [...document.querySelectorAll('.report-map img')]
  .filter((img) => img.complete && img.naturalWidth === 0)
  .map((img) => img.src)"""

CACHED_TILES = """async () => {
  const names = (await caches.keys()).filter((n) => n.startsWith('wgn-tiles'));
  const caches_ = await Promise.all(names.map((n) => caches.open(n)));
  const keys = await Promise.all(caches_.map((c) => c.keys()));
  return keys.flat().length;
}"""


def watch_console_errors(page: Any, base_url: str, errors: list[str]) -> None:
    """Collect console errors, but not the app's own API calls failing offline:
    it asks the server on purpose, falls back to its stored copy, and the
    browser logs each failed request whatever the app does with it."""

    def on_console(message: Any) -> None:
        url = message.location.get("url", "")
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and url.startswith(
            base_url + "/api/"
        ):
            return
        errors.append(f"{message.text} ({url})")

    page.on("console", on_console)


def test_the_map_offline_with_no_tile_cached_shows_pins_and_outlines_unbroken(
    server: Server, browser: Any
) -> None:
    server.cli("seed-demo")
    problems: list[str] = []
    context = resident_context(browser)
    page = context.new_page()
    watch_console(page, problems)
    # Installed and synced, but the map never opened: no tile was ever seen.
    page.goto(server.base_url + "/")
    wait_until_controlled(page)
    synced(page)
    context.set_offline(True)
    watch_console_errors(page, server.base_url, problems)
    page.reload()
    page.get_by_test_id("nav-map").click()

    expect(page.get_by_test_id("map-count")).to_have_text("3 reports shown")
    expect(page.locator(".leaflet-overlay-pane path")).to_have_count(1)
    zoom_until_pins(page)
    assert page.evaluate(CACHED_TILES) == 0
    assert page.evaluate(BROKEN_IMAGES) == []
    assert problems == []


PIN_LOOK = """(pin) => {
  const style = getComputedStyle(pin);
  return [
    style.backgroundColor,
    style.borderTopLeftRadius,
    style.borderBottomLeftRadius,
  ];
}"""


def test_each_state_type_has_a_pin_of_its_own_colour_and_shape(
    server: Server, browser: Any
) -> None:
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    reports = server.api("/api/reports", sam["token"])["features"]
    # The demo reports are all open: one fixed, one closed, one left open.
    for feature, state in zip(reports, ["resolved", "rejected"]):
        version = feature["properties"]["version"]
        set_state_elsewhere(server, sam["token"], feature["id"], state, version)
    page = open_map(server, browser, [])
    looks: dict[str, list[str]] = {}

    for state_type in ["open", "fixed", "closed"]:
        page.get_by_test_id("map-state").select_option(state_type)
        expect(page.get_by_test_id("map-count")).to_have_text("1 report shown")
        pin = page.get_by_test_id("map-pin")
        expect(pin).to_have_class(re.compile(rf"\breport-pin--{state_type}\b"))
        looks[state_type] = pin.evaluate(PIN_LOOK)

    # Colour is never the only cue: the shapes differ too.
    assert len({look[0] for look in looks.values()}) == 3
    assert len({tuple(look[1:]) for look in looks.values()}) == 3


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
