"""Every screen passes axe-core's WCAG 2.x A/AA rules, on a phone and on a
staff tablet."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import REPO, Server
from tests.browser.test_map import zoom_until_pins

AXE = REPO / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
MILAN = {"latitude": 45.4642, "longitude": 9.19, "accuracy": 8}

pytestmark = pytest.mark.browser


def axe_violations(page: Any) -> list[str]:
    # Audit a settled page: a sync finishing mid-run re-renders the screen.
    expect(page.get_by_test_id("sync-status")).to_have_attribute("data-phase", "idle", timeout=20_000)
    if not page.evaluate("'axe' in window"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
        for v in results["violations"]
    ]


def test_resident_and_staff_screens_have_no_axe_violations(server: Server, browser: Any) -> None:
    if not AXE.exists():
        pytest.skip("axe-core is missing: run `cd pwa && npm ci`")
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    found: dict[str, list[str]] = {}

    # axe is injected as a script tag, which the app's CSP rightly refuses.
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        bypass_csp=True,
        permissions=["geolocation"],
        geolocation=MILAN,
    )
    page = phone.new_page()
    page.goto(server.base_url + "/")
    page.get_by_test_id("category-streetlight").wait_for()
    page.get_by_test_id("location-coords").filter(has_text="45.46").wait_for()
    found["new report"] = axe_violations(page)
    page.get_by_test_id("nav-mine").click()
    page.get_by_test_id("my-reports").wait_for()
    found["my reports"] = axe_violations(page)
    page.get_by_test_id("notify-link").click()
    page.get_by_test_id("push-save").wait_for()
    found["notifications"] = axe_violations(page)
    page.get_by_test_id("nav-map").click()
    page.get_by_test_id("map-cluster").or_(page.get_by_test_id("map-pin")).first.wait_for()
    found["map"] = axe_violations(page)

    tablet = browser.new_context(viewport={"width": 1024, "height": 768}, bypass_csp=True)
    staff = tablet.new_page()
    staff.goto(server.base_url + urlsplit(sam["signin_url"]).path)
    staff.get_by_test_id("nav-staff").click()
    staff.get_by_test_id("staff-pick").first.check()
    staff.get_by_test_id("bulk-apply").wait_for()
    found["staff list with a bulk change"] = axe_violations(staff)
    staff.get_by_test_id("staff-report").first.click()
    staff.get_by_test_id("report-detail").wait_for()
    found["staff"] = axe_violations(staff)
    staff.get_by_test_id("nav-map").click()
    staff.get_by_test_id("map-cluster").or_(staff.get_by_test_id("map-pin")).first.wait_for()
    found["staff map"] = axe_violations(staff)
    zoom_until_pins(staff)
    staff.get_by_test_id("map-pin").first.click()
    staff.get_by_test_id("map-card").wait_for()
    found["staff map with a report card"] = axe_violations(staff)

    assert {screen: v for screen, v in found.items() if v} == {}
