"""The "New report" screen: the location prompt, and photos the browser
cannot decode."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.outbox_helpers import photos_when_ready
from tests.browser.pages import MILAN, PHONE, expect_outbox, fill_report, resident_context, watch_console

pytestmark = pytest.mark.browser
HEIC = Path(__file__).resolve().parents[1] / "fixtures" / "photos" / "iphonexr_orient6_gps.heic"


def test_the_location_is_asked_for_only_after_a_tap(server: Server, browser: Any) -> None:
    server.cli("seed-demo")
    context = browser.new_context(viewport=PHONE, geolocation=MILAN)
    page = context.new_page()
    page.goto(server.base_url + "/")

    start = page.get_by_test_id("location-start")
    expect(start).to_be_visible()
    expect(page.get_by_test_id("location-coords")).to_be_empty()

    context.grant_permissions(["geolocation"])
    start.click()
    expect(page.get_by_test_id("location-coords")).to_contain_text("45.46")


def test_a_heic_photo_the_browser_cannot_decode_is_stored_upright(server: Server, browser: Any) -> None:
    problems: list[str] = []
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    context = resident_context(browser)
    page = context.new_page()
    watch_console(page, problems)
    page.goto(server.base_url + "/")

    fill_report(page, "Photo straight from an iPhone", photo=HEIC)
    expect_outbox(page, 0)

    features = server.api("/api/reports", sam["token"])["features"]
    (report,) = [f for f in features if f["properties"]["description"] == "Photo straight from an iPhone"]
    (photo,) = photos_when_ready(server, sam["token"], report["id"])
    assert photo["status"] == "ready"
    # The Exif orientation (6) was zeroed on the device; the HEIF rotation still
    # turns the landscape-stored pixels to portrait.
    stored = Image.open(io.BytesIO(server.fetch(f"/api/media/{photo['sha256']}/display", sam["token"])))
    assert stored.height > stored.width
    assert problems == []
