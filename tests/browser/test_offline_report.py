"""A resident reports offline; the report syncs once; staff act on it from a
tablet; the resident sees the new state. Runs the built PWA against the real
server in Debian's Chromium."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.pages import (
    TABLET,
    expect_outbox,
    fill_report,
    resident_context,
    wait_until_controlled,
    watch_console,
)

pytestmark = pytest.mark.browser
DESCRIPTION = "Lamp out by the gate"


def reports_seen_by_staff(server: Server, token: str) -> list[dict[str, Any]]:
    features = server.api("/api/reports", token)["features"]
    return [f for f in features if f["properties"].get("description") == DESCRIPTION]


def feature_id(feature: dict[str, Any]) -> str:
    return str(feature.get("id") or feature["properties"]["id"])


def test_offline_report_syncs_once_and_shows_the_staff_state(server: Server, browser: Any) -> None:
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    problems: list[str] = []

    resident = resident_context(browser)
    page = resident.new_page()
    watch_console(page, problems)
    page.goto(server.base_url + "/")
    wait_until_controlled(page)
    page.get_by_test_id("category-streetlight").wait_for()
    page.get_by_test_id("location-coords").filter(has_text="45.46").wait_for()

    resident.set_offline(True)
    fill_report(page, DESCRIPTION)
    expect(page.get_by_test_id("report-message")).to_contain_text("Saved on this device")
    expect_outbox(page, 1)

    # Offline reload: the shell comes from the service worker, the report
    # from IndexedDB.
    page.reload()
    expect_outbox(page, 1)
    page.get_by_test_id("nav-mine").click()
    card = page.get_by_test_id("my-report")
    expect(card.get_by_test_id("sync-state")).to_have_attribute("data-state", "waiting")
    assert reports_seen_by_staff(server, sam["token"]) == []

    resident.set_offline(False)
    expect_outbox(page, 0)
    expect(card.get_by_test_id("sync-state")).to_have_attribute("data-state", "sent", timeout=20_000)
    reports = reports_seen_by_staff(server, sam["token"])
    assert len(reports) == 1
    report_id = feature_id(reports[0])
    photos = server.api(f"/api/reports/{report_id}", sam["token"])["photos"]
    assert [p["status"] for p in photos] == ["ready"]

    staff = browser.new_context(viewport=TABLET, has_touch=True, locale="en-GB")
    tablet = staff.new_page()
    watch_console(tablet, problems)
    tablet.goto(server.base_url + urlsplit(sam["signin_url"]).path)
    tablet.get_by_test_id("nav-staff").click()
    tablet.locator(f"[data-testid=staff-report][href$='{report_id}']").click()
    tablet.get_by_test_id("state-select").select_option("acknowledged")
    tablet.get_by_test_id("state-note").fill("Crew booked for Monday")
    tablet.get_by_test_id("state-submit").click()
    # The change went out and came back in the pull.
    expect(tablet.get_by_test_id("report-state")).to_have_attribute(
        "data-state", "acknowledged", timeout=20_000
    )
    expect_outbox(tablet, 0)
    assert server.api(f"/api/reports/{report_id}", sam["token"])["state"] == "acknowledged"

    page.get_by_test_id("sync-now").click()
    expect(card.get_by_test_id("server-state")).to_have_attribute(
        "data-state", "acknowledged", timeout=20_000
    )
    expect(card.get_by_test_id("latest-update")).to_contain_text("Crew booked for Monday")
    assert len(reports_seen_by_staff(server, sam["token"])) == 1
    assert problems == []
