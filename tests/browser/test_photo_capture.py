"""A photo is turned upright once and loses its metadata before it is queued."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.pages import resident_context

pytestmark = pytest.mark.browser

SIDEWAYS = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "photos"
    / "orient_Landscape_6.jpg"
)


def test_a_sideways_photo_is_queued_upright_without_exif(
    server: Server, browser: Any
) -> None:
    server.cli("seed-demo")
    page = resident_context(browser).new_page()
    page.goto(server.base_url + "/")
    page.get_by_test_id("location-coords").filter(has_text="45.46").wait_for()
    page.get_by_test_id("category-streetlight").click()
    page.get_by_test_id("photo-input").set_input_files(str(SIDEWAYS))
    expect(page.get_by_test_id("photo-previews").locator("li")).to_have_count(1)
    page.get_by_test_id("save-report").click()
    expect(page.get_by_test_id("report-message")).to_contain_text("Saved")

    stored = page.evaluate(
        """async () => {
          const open = indexedDB.open('wegovnow');
          await new Promise((ok) => (open.onsuccess = ok));
          const read = open.result.transaction('media').objectStore('media').getAll();
          await new Promise((ok) => (read.onsuccess = ok));
          return [...new Uint8Array(await read.result[0].blob.arrayBuffer())];
        }"""
    )
    image = Image.open(io.BytesIO(bytes(stored)))
    assert image.size == (1800, 1200)
    assert len(image.getexif()) == 0
