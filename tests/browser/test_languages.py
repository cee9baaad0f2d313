"""The four languages switch from the picker, and no screen shows a raw
message key in any of them."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.pages import TABLET, watch_console

pytestmark = pytest.mark.browser

RAW_KEY = re.compile(
    r"\b(?:app|language|nav|outbox|storage|sync|report|mine|staff|update|conflict|push|map|state|sync_state)\.[a-z_]+\b"
)
SCREENS = [
    ("nav-new", "new-report"),
    ("nav-mine", "my-reports"),
    ("nav-map", "report-map"),
    ("nav-staff", "staff-reports"),
]
HTML_LANG = {"en": "en", "it": "it", "de": "de", "el": "el"}


def test_every_screen_switches_through_the_four_languages_without_a_raw_key(
    server: Server, browser: Any
) -> None:
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    problems: list[str] = []
    page = browser.new_context(viewport=TABLET, locale="en-GB").new_page()
    watch_console(page, problems)
    page.goto(server.base_url + urlsplit(sam["signin_url"]).path)
    page.get_by_test_id("nav-staff").wait_for()
    raw: dict[str, list[str]] = {}

    for lang in ["it", "de", "el", "en"]:
        page.get_by_test_id("language").select_option(lang)
        expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
        for link, screen in SCREENS:
            page.get_by_test_id(link).click()
            page.get_by_test_id(screen).wait_for()
            text = page.locator("body").inner_text()
            found = RAW_KEY.findall(text)
            if found:
                raw[f"{lang} {screen}"] = found

    assert raw == {}
    assert [p for p in problems if "tile.openstreetmap.org" not in p] == []
