"""A resident reports offline; the report syncs once; staff act on it from a
tablet; the resident sees the new state. Runs the built PWA against the real
server in Debian's Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server

PHOTO = Path(__file__).resolve().parents[1] / "fixtures" / "photos" / "htc_desire_gps_parking_lot.jpg"
MILAN = {"latitude": 45.4642, "longitude": 9.19, "accuracy": 8}
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}

pytestmark = pytest.mark.browser


def wait_until_controlled(page: Any) -> None:
    """The service worker controls the page: a reload offline will work.

    Polled with evaluate: the app's CSP forbids the eval that
    wait_for_function would need, and the test keeps that CSP on.
    """
    for _ in range(100):
        if page.evaluate("navigator.serviceWorker.controller !== null"):
            return
        page.wait_for_timeout(200)
    raise AssertionError("the service worker never took control of the page")


def expect_outbox(page: Any, count: int) -> None:
    expect(page.get_by_test_id("outbox-count")).to_have_text(str(count), timeout=20_000)


def watch_csp(page: Any, violations: list[str]) -> None:
    def on_console(message: Any) -> None:
        # Shown by pytest when the test fails.
        print(f"[{message.type}] {message.text}")
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", on_console)


def reports_seen_by_staff(server: Server, token: str) -> list[dict[str, Any]]:
    features = server.api("/api/reports", token)["features"]
    return [f for f in features if f["properties"].get("description") == "Lamp out by the gate"]


def create_report_offline(page: Any, context: Any) -> None:
    page.get_by_test_id("location-coords").filter(has_text="45.46").wait_for()
    context.set_offline(True)

    page.get_by_test_id("category-streetlight").click()
    page.get_by_test_id("photo-input").set_input_files(str(PHOTO))
    page.get_by_test_id("photo-previews").locator("img").wait_for()
    page.get_by_test_id("description").fill("Lamp out by the gate")
    page.get_by_test_id("save-report").click()

    page.get_by_test_id("report-message").filter(has_text="Saved on this device").wait_for()
    expect_outbox(page, 1)


def test_offline_report_syncs_once_and_shows_the_staff_state(server: Server, browser: Any) -> None:
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")

    resident = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
        permissions=["geolocation"],
        geolocation=MILAN,
    )
    page = resident.new_page()
    violations: list[str] = []
    watch_csp(page, violations)
    page.goto(server.base_url + "/")
    wait_until_controlled(page)
    page.get_by_test_id("category-streetlight").wait_for()

    create_report_offline(page, resident)

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
    report_id = reports[0]["properties"].get("id") or reports[0]["id"]

    staff = browser.new_context(viewport=TABLET, has_touch=True, locale="en-GB")
    tablet = staff.new_page()
    watch_csp(tablet, violations)
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
    detail = server.api(f"/api/reports/{report_id}", sam["token"])
    assert detail["state"] == "acknowledged"

    page.get_by_test_id("sync-now").click()
    expect(card.get_by_test_id("server-state")).to_have_attribute(
        "data-state", "acknowledged", timeout=20_000
    )
    expect(card.get_by_test_id("latest-update")).to_contain_text("Crew booked for Monday")
    assert len(reports_seen_by_staff(server, sam["token"])) == 1
    assert violations == []
