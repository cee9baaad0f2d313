"""A new version of the app waits for the person: the old service worker
keeps control until they tap "update"."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DIST, running_server
from tests.browser.pages import wait_until_controlled

pytestmark = pytest.mark.browser

ACTIVE_SCRIPT = "navigator.serviceWorker.controller?.scriptURL ?? ''"


def release_new_version(pwa_dir: Path) -> None:
    """Any byte change to sw.js makes the browser install it as an update."""
    sw = pwa_dir / "sw.js"
    sw.write_text(sw.read_text() + "\n// next release\n")


def registration_state(page: Any) -> dict[str, bool]:
    return page.evaluate(  # type: ignore[no-any-return]
        """navigator.serviceWorker.getRegistration().then((r) => ({
            waiting: Boolean(r && r.waiting),
            active: Boolean(r && r.active),
        }))"""
    )


def test_new_version_waits_until_the_person_taps_update(tmp_path: Path, browser: Any) -> None:
    pwa_dir = tmp_path / "dist"
    shutil.copytree(DIST, pwa_dir)

    with running_server(tmp_path, pwa_dir) as server:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(server.base_url + "/")
        wait_until_controlled(page)

        release_new_version(pwa_dir)
        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        banner = page.get_by_test_id("update-banner")
        expect(banner).to_be_visible(timeout=20_000)
        assert registration_state(page)["waiting"] is True

        with page.expect_event("load", timeout=20_000):
            page.get_by_test_id("update-now").click()
        wait_until_controlled(page)
        assert registration_state(page)["waiting"] is False
        expect(page.get_by_test_id("update-banner")).to_have_count(0)
