"""Before filing a duplicate, a resident sees the open report nearby and says
"me too" instead."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.pages import expect_outbox, watch_console

pytestmark = pytest.mark.browser

POTHOLE = {"latitude": 45.63195, "longitude": 12.56745, "accuracy": 8}


def test_me_too_on_a_nearby_open_report_confirms_it_on_the_server(
    server: Server, browser: Any
) -> None:
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    problems: list[str] = []
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="en-GB",
        permissions=["geolocation"],
        geolocation=POTHOLE,
    )
    page = context.new_page()
    watch_console(page, problems)
    page.goto(server.base_url + "/")
    expect(page.get_by_test_id("sync-status")).to_have_attribute(
        "data-phase", "idle", timeout=20_000
    )
    page.get_by_test_id("location-coords").filter(has_text="45.63").wait_for()
    page.get_by_test_id("category-pothole").click()

    nearby = page.get_by_test_id("nearby")
    expect(nearby).to_contain_text("Deep pothole")
    report_id = nearby.locator("li").first.get_attribute("data-id")
    nearby.get_by_test_id("me-too").click()
    expect(page.get_by_test_id("me-too-done")).to_be_visible()
    expect_outbox(page, 0)

    assert server.api(f"/api/reports/{report_id}", sam["token"])["confirmations"] == 1
    assert problems == []
