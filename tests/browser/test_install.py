"""The app is installable: Chromium finds no installability error, and the
icons the manifest names are served."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.pages import PHONE, wait_until_controlled

pytestmark = pytest.mark.browser


def test_chromium_finds_the_app_installable(server: Server, browser: Any) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(server.base_url + "/")
    wait_until_controlled(page)

    cdp = context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito ones, where nothing installs.
    assert [e for e in errors if e["errorId"] != "in-incognito"] == []


def test_manifest_names_the_app_and_its_icons(server: Server) -> None:
    with urllib.request.urlopen(server.base_url + "/manifest.webmanifest") as response:
        manifest = json.loads(response.read())
    assert (manifest["name"], manifest["start_url"], manifest["display"]) == ("WeGovNow", "/", "standalone")

    purposes = set()
    for icon in manifest["icons"]:
        with urllib.request.urlopen(server.base_url + icon["src"]) as response:
            assert response.headers["Content-Type"] == "image/png"
        purposes.add((icon["sizes"], icon["purpose"]))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
