"""Every screen fits a 320 px wide phone without sideways scrolling."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import Server

pytestmark = pytest.mark.browser

SCREENS = [
    ("nav-new", "new-report"),
    ("nav-mine", "my-reports"),
    ("nav-map", "report-map"),
    ("nav-staff", "staff-reports"),
]


def test_every_screen_fits_320_px_without_scrolling_sideways(
    server: Server, browser: Any
) -> None:
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    page = browser.new_context(
        viewport={"width": 320, "height": 640}, locale="de-DE"
    ).new_page()
    page.goto(server.base_url + urlsplit(sam["signin_url"]).path)
    wide: dict[str, int] = {}

    for link, screen in SCREENS:
        page.get_by_test_id(link).click()
        page.get_by_test_id(screen).wait_for()
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide[screen] = width

    assert wide == {}
