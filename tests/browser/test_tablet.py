"""The staff screen on tablets from 768 to 1280 px wide: the report list and the
chosen report side by side, with nothing to scroll sideways."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server

pytestmark = pytest.mark.browser

# The narrowest and widest tablets the layout is made for, held upright and
# sideways; the sizes in between are covered by other tests (820 and 1024).
EDGES = [{"width": 768, "height": 1024}, {"width": 1280, "height": 800}]


def staff_report_open(server: Server, browser: Any, viewport: Any, locale: str) -> Any:
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    page = browser.new_context(viewport=viewport, locale=locale).new_page()
    page.goto(server.base_url + urlsplit(sam["signin_url"]).path)
    page.get_by_test_id("nav-staff").click()
    page.get_by_test_id("staff-report").first.click()
    expect(page.get_by_test_id("report-detail")).to_be_visible()
    return page


@pytest.mark.parametrize("viewport", EDGES, ids=lambda v: f"{v['width']}px")
def test_the_staff_list_and_the_chosen_report_sit_side_by_side(
    server: Server, browser: Any, viewport: dict[str, int]
) -> None:
    page = staff_report_open(server, browser, viewport, "en-GB")
    listed = page.locator(".split__list").bounding_box()
    detail = page.locator(".split__detail").bounding_box()

    assert listed and detail
    assert listed["x"] + listed["width"] <= detail["x"]
    # Side by side, not one under the other: both start near the same height.
    assert abs(listed["y"] - detail["y"]) < 50


@pytest.mark.parametrize("viewport", EDGES, ids=lambda v: f"{v['width']}px")
def test_the_staff_screen_with_a_report_open_needs_no_sideways_scrolling(
    server: Server, browser: Any, viewport: dict[str, int]
) -> None:
    # German has the longest words of the four languages.
    page = staff_report_open(server, browser, viewport, "de-DE")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]
