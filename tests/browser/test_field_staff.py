"""Staff on a tablet take an area offline, triage there, and the server gets
exactly what they did once the signal returns."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.pages import (
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


def test_staff_triage_three_reports_offline_and_the_server_gets_exactly_those_changes(
    tiled_server: Server, browser: Any
) -> None:
    server = tiled_server
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    problems: list[str] = []
    context = browser.new_context(viewport=TABLET, locale="en-GB")
    context.route(
        "**/tiles/**", lambda route: route.fulfill(body=TILE, content_type="image/png")
    )
    page = context.new_page()
    watch_console(page, problems)
    page.goto(server.base_url + urlsplit(sam["signin_url"]).path)
    wait_until_controlled(page)
    page.get_by_test_id("nav-staff").click()
    expect(page.get_by_test_id("staff-report")).to_have_count(3, timeout=20_000)

    page.get_by_test_id("staff-area").select_option(index=1)
    page.get_by_test_id("take-offline").click()
    expect(page.get_by_test_id("offline-status")).to_contain_text(
        "3 open reports, 2 photos", timeout=30_000
    )
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
