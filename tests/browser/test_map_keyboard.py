"""The report map with a keyboard only: reach it, pan and zoom it, reach a
pin, open its card with Enter and go back to the map."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.pages import wait_until_controlled, watch_console
from tests.browser.test_map import TILE

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}

FOCUSED = """() => {
  const el = document.activeElement;
  return {
    testid: el?.dataset?.testid ?? '',
    map: el?.classList?.contains('leaflet-container') ?? false,
  };
}"""


def tab_to(page: Any, wanted: Any, presses: int = 40) -> None:
    """Press Tab until `wanted(focused)` holds for the focused element."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if wanted(page.evaluate(FOCUSED)):
            return
    raise AssertionError(f"Tab never reached it; focus on {page.evaluate(FOCUSED)}")


def tile_zoom(page: Any) -> int:
    src = page.locator(".leaflet-tile-loaded").last.get_attribute("src")
    found = re.search(r"/tiles/(\d+)/", str(src))
    assert found, src
    return int(found.group(1))


def map_offset(page: Any) -> str:
    return str(page.locator(".leaflet-map-pane").get_attribute("style"))


@pytest.fixture
def map_page(tiled_server: Server, browser: Any) -> Any:
    tiled_server.cli("seed-demo")
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    context.route(
        "**/tiles/**", lambda route: route.fulfill(body=TILE, content_type="image/png")
    )
    page = context.new_page()
    problems: list[str] = []
    watch_console(page, problems)
    page.goto(tiled_server.base_url + "/")
    wait_until_controlled(page)
    tab_to(page, lambda f: f["testid"] == "nav-map")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("map-count")).to_have_text(
        "3 reports shown", timeout=20_000
    )
    expect(page.locator(".leaflet-tile-loaded").first).to_be_attached(timeout=20_000)
    yield page
    assert problems == []


def test_the_map_is_reached_with_tab_and_pans_with_the_arrow_keys(
    map_page: Any,
) -> None:
    tab_to(map_page, lambda f: f["map"])
    before = map_offset(map_page)

    map_page.keyboard.press("ArrowRight")
    expect(map_page.locator(".leaflet-map-pane")).not_to_have_attribute("style", before)


def test_the_map_zooms_in_and_out_with_the_plus_and_minus_keys(map_page: Any) -> None:
    tab_to(map_page, lambda f: f["map"])
    start = tile_zoom(map_page)

    map_page.keyboard.press("+")
    map_page.wait_for_timeout(500)
    zoomed_in = tile_zoom(map_page)
    map_page.keyboard.press("-")
    map_page.keyboard.press("-")
    map_page.wait_for_timeout(500)
    assert (zoomed_in, tile_zoom(map_page)) == (start + 1, start - 1)


def test_enter_on_a_pin_opens_its_card_and_closing_it_returns_to_the_pin(
    map_page: Any,
) -> None:
    tab_to(map_page, lambda f: f["map"])
    # Zoom in from the keyboard until the clusters open into pins.
    for _ in range(6):
        if map_page.get_by_test_id("map-pin").count() > 0:
            break
        tab_to(map_page, lambda f: f["testid"] == "map-cluster")
        map_page.keyboard.press("Enter")
        map_page.wait_for_timeout(500)
    tab_to(map_page, lambda f: f["testid"] == "map-pin")
    pin_id = map_page.evaluate("document.activeElement.dataset.id")

    map_page.keyboard.press("Enter")
    card = map_page.get_by_test_id("map-card")
    expect(card).to_have_attribute("data-id", pin_id)
    expect(card).to_be_focused()
    map_page.keyboard.press("Tab")
    expect(map_page.get_by_test_id("map-card-close")).to_be_focused()
    map_page.keyboard.press("Enter")
    expect(card).to_have_count(0)
    assert map_page.evaluate("document.activeElement.dataset.id") == pin_id


def test_escape_closes_the_card_back_to_the_map(map_page: Any) -> None:
    tab_to(map_page, lambda f: f["map"])
    for _ in range(6):
        if map_page.get_by_test_id("map-pin").count() > 0:
            break
        tab_to(map_page, lambda f: f["testid"] == "map-cluster")
        map_page.keyboard.press("Enter")
        map_page.wait_for_timeout(500)
    tab_to(map_page, lambda f: f["testid"] == "map-pin")
    map_page.keyboard.press("Enter")
    expect(map_page.get_by_test_id("map-card")).to_be_focused()

    map_page.keyboard.press("Escape")
    expect(map_page.get_by_test_id("map-card")).to_have_count(0)
    assert map_page.evaluate(FOCUSED)["testid"] == "map-pin"
