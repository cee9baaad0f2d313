"""Staff on a tablet take an area offline, triage there, and the server gets
exactly what they did once the signal returns."""

from __future__ import annotations

import time
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.pages import (
    PHOTO,
    TABLET,
    expect_outbox,
    wait_until_controlled,
    watch_console,
)
from tests.browser.test_map import TILE
from tests.browser.test_photo_capture import PHOTOS

pytestmark = pytest.mark.browser


def report_ids(page: Any) -> list[str]:
    rows = page.get_by_test_id("staff-report")
    return [
        str(rows.nth(i).get_attribute("href")).rsplit("/", 1)[-1]
        for i in range(rows.count())
    ]


def staff_with_area_offline(
    server: Server, browser: Any, staff: dict[str, Any], problems: list[str]
) -> Any:
    """A staff tablet that has taken the demo area offline."""
    context = browser.new_context(viewport=TABLET, locale="en-GB")
    context.route(
        "**/tiles/**", lambda route: route.fulfill(body=TILE, content_type="image/png")
    )
    page = context.new_page()
    watch_console(page, problems)
    page.goto(server.base_url + urlsplit(staff["signin_url"]).path)
    wait_until_controlled(page)
    page.get_by_test_id("nav-staff").click()
    expect(page.get_by_test_id("staff-report")).to_have_count(3, timeout=20_000)

    page.get_by_test_id("staff-area").select_option(index=1)
    page.get_by_test_id("take-offline").click()
    expect(page.get_by_test_id("offline-status")).to_contain_text(
        "3 open reports, 2 photos", timeout=30_000
    )
    return page


def test_staff_triage_three_reports_offline_and_the_server_gets_exactly_those_changes(
    tiled_server: Server, browser: Any
) -> None:
    server = tiled_server
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    problems: list[str] = []
    page = staff_with_area_offline(server, browser, sam, problems)
    context = page.context
    saved = page.evaluate(
        "caches.open('wgn-tiles-saved').then(c => c.keys()).then(k => k.length)"
    )
    assert 0 < saved <= 400
    ids = report_ids(page)
    before = {i: server.api(f"/api/reports/{i}", sam["token"]) for i in ids}

    context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("staff-pick")).to_have_count(3)
    for check in page.get_by_test_id("staff-pick").all():
        check.check()
    page.get_by_test_id("bulk-state").select_option("acknowledged")
    page.get_by_test_id("bulk-apply").click()
    expect_outbox(page, 3)
    page.get_by_test_id("staff-report").first.click()
    thumb = page.locator(".thumbs__img").first
    if before[ids[0]]["photos"]:
        expect(thumb).to_be_visible()
        assert page.evaluate("img => img.naturalWidth > 0", thumb.element_handle())
    # The departments came with the pull: the list is there offline.
    page.get_by_test_id("edit-department").select_option("roads")
    page.get_by_test_id("edit-submit").click()
    expect_outbox(page, 4)

    context.set_offline(False)
    expect_outbox(page, 0)
    after = {i: server.api(f"/api/reports/{i}", sam["token"]) for i in ids}
    assert {i: r["state"] for i, r in after.items()} == dict.fromkeys(
        ids, "acknowledged"
    )
    assert after[ids[0]]["department"] == "roads"
    assert [after[i]["department"] for i in ids[1:]] == [
        before[i]["department"] for i in ids[1:]
    ]
    assert {i: r["category"] for i, r in after.items()} == {
        i: r["category"] for i, r in before.items()
    }
    assert problems == []


def test_a_fixed_photo_that_cannot_be_cleaned_is_refused_with_the_reason(
    server: Server, browser: Any
) -> None:
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    context = browser.new_context(viewport=TABLET, locale="en-GB")
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    page.goto(server.base_url + urlsplit(sam["signin_url"]).path)
    page.get_by_test_id("nav-staff").click()
    page.get_by_test_id("staff-report").first.click()

    # The start of an iPhone photo: its GPS is there, the rest of the file is not.
    cut = (PHOTOS / "iphonexr_orient6_gps.heic").read_bytes()[:3000]
    page.get_by_test_id("fixed-photo-input").set_input_files(
        {"name": "cut.heic", "mimeType": "image/heic", "buffer": cut}
    )

    expect(page.get_by_test_id("fixed-photo-message")).to_contain_text(
        "could not be cleaned"
    )
    expect_outbox(page, 0)


def media_type(server: Server, path: str, token: str) -> str:
    request = urllib.request.Request(
        server.base_url + path, headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
        return str(response.headers["Content-Type"])


def ready_report(server: Server, report_id: str, token: str) -> dict[str, Any]:
    """The report once the server has made its photos' sizes."""
    for _ in range(50):
        report = server.api(f"/api/reports/{report_id}", token)
        if all(p["status"] == "ready" for p in report["photos"]):
            return report  # type: ignore[no-any-return]
        time.sleep(0.2)
    raise AssertionError(f"the photos of {report_id} never became ready")


def test_a_category_a_note_and_a_fixed_photo_made_offline_all_reach_the_server(
    tiled_server: Server, browser: Any
) -> None:
    server = tiled_server
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    problems: list[str] = []
    page = staff_with_area_offline(server, browser, sam, problems)
    ids = report_ids(page)
    before = {i: server.api(f"/api/reports/{i}", sam["token"]) for i in ids}
    note = "Crew booked for Tuesday morning"

    page.context.set_offline(True)
    page.reload()
    page.get_by_test_id("staff-report").first.click()
    expect(page.get_by_test_id("report-detail")).to_have_attribute("data-id", ids[0])
    categories = page.locator("#edit-category option").all()
    category = next(
        str(o.get_attribute("value"))
        for o in categories
        if o.get_attribute("value") != before[ids[0]]["category"]
    )
    page.get_by_test_id("edit-category").select_option(category)
    page.get_by_test_id("edit-submit").click()
    expect_outbox(page, 1)
    page.get_by_test_id("state-select").select_option("in_progress")
    page.get_by_test_id("state-note").fill(note)
    page.get_by_test_id("state-submit").click()
    expect_outbox(page, 2)
    # The queued state redraws the report: wait for it, or the photo would be
    # chosen on the form being replaced.
    expect(page.get_by_test_id("state-pending")).to_be_visible()
    page.get_by_test_id("fixed-photo-input").set_input_files(str(PHOTO))
    expect(page.get_by_test_id("fixed-photo-message")).to_contain_text("Photo saved")
    expect_outbox(page, 3)

    page.context.set_offline(False)
    expect_outbox(page, 0)
    after = {i: ready_report(server, i, sam["token"]) for i in ids}
    first, was = after[ids[0]], before[ids[0]]
    assert (first["category"], first["state"], first["department"]) == (
        category,
        "in_progress",
        was["department"],
    )
    assert [u["text"] for u in first["updates"][len(was["updates"]) :]] == [note]
    fixed = [p for p in first["photos"] if p["kind"] == "fixed"]
    assert len(fixed) == 1
    photo_type = media_type(server, fixed[0]["display_url"], sam["token"])
    assert photo_type.startswith("image/")
    # The other reports of the area were not touched.
    assert {i: after[i] for i in ids[1:]} == {i: before[i] for i in ids[1:]}
    assert problems == []
