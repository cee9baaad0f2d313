"""A new version of the app waits for the person: the old service worker
keeps control until they tap "update", and taking it loses nothing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DIST, Server, running_server
from tests.browser.outbox_helpers import photos_when_ready, reports_with
from tests.browser.pages import (
    expect_outbox,
    fill_report,
    resident_context,
    wait_until_controlled,
    watch_console,
)

pytestmark = pytest.mark.browser

# Keeps SKIP_WAITING from reaching the new worker, so the moment between the
# tap on "update" and the reload lasts as long as the test needs.
SWALLOW_SKIP_WAITING = """
const post = ServiceWorker.prototype.postMessage;
ServiceWorker.prototype.postMessage = function (message, ...rest) {
  if (message?.type === 'SKIP_WAITING') return;
  return post.call(this, message, ...rest);
};
"""

# Keeps SKIP_WAITING back until the test sends it: the new worker takes over
# as late as the test wants.
DELAY_SKIP_WAITING = """
const post = ServiceWorker.prototype.postMessage;
ServiceWorker.prototype.postMessage = function (message, ...rest) {
  if (message?.type === 'SKIP_WAITING') {
    window.skipWaitingNow = () => post.call(this, message, ...rest);
    return;
  }
  return post.call(this, message, ...rest);
};
"""

# Holds the sync lock, as a long upload would, until releaseSyncLock().
HOLD_SYNC_LOCK = """() => new Promise((held) => {
  navigator.locks.request('wegovnow-sync', () => {
    held();
    return new Promise((release) => (window.releaseSyncLock = release));
  });
})"""


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


@contextmanager
def own_copy_of_the_app(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    """A server on a copy of pwa/dist, so the test can release a new version."""
    pwa_dir = tmp_path / "dist"
    shutil.copytree(DIST, pwa_dir)
    with running_server(tmp_path, pwa_dir) as server:
        yield server, pwa_dir


def open_synced_app(context: Any, server: Server, problems: list[str]) -> Any:
    page = context.new_page()
    watch_console(page, problems)
    page.goto(server.base_url + "/")
    wait_until_controlled(page)
    page.get_by_test_id("sync-status").filter(has_text="Synced").wait_for(
        timeout=30_000
    )
    return page


def offer_new_version(page: Any, pwa_dir: Path) -> None:
    release_new_version(pwa_dir)
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    expect(page.get_by_test_id("update-banner")).to_be_visible(timeout=20_000)


def test_new_version_waits_until_the_person_taps_update(
    tmp_path: Path, browser: Any
) -> None:
    with own_copy_of_the_app(tmp_path) as (server, pwa_dir):
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(server.base_url + "/")
        wait_until_controlled(page)

        offer_new_version(page, pwa_dir)
        assert registration_state(page)["waiting"] is True

        with page.expect_event("load", timeout=20_000):
            page.get_by_test_id("update-now").click()
        wait_until_controlled(page)
        assert registration_state(page)["waiting"] is False
        expect(page.get_by_test_id("update-banner")).to_have_count(0)


def test_reports_queued_offline_survive_an_update_and_each_reaches_the_server_once(
    tmp_path: Path, browser: Any
) -> None:
    problems: list[str] = []
    with own_copy_of_the_app(tmp_path) as (server, pwa_dir):
        server.cli("seed-demo")
        sam = server.create_user("staff", "Sam")
        context = resident_context(browser)
        page = open_synced_app(context, server, problems)
        offer_new_version(page, pwa_dir)

        context.set_offline(True)
        fill_report(page, "Queued across the update 1")
        for n in (2, 3):
            page.get_by_test_id("nav-new").click()
            fill_report(page, f"Queued across the update {n}", photo=None)
        expect_outbox(page, 3)
        # Queued work does not hurry the update: the old worker stays in charge.
        expect(page.get_by_test_id("update-banner")).to_be_visible()
        assert registration_state(page)["waiting"] is True

        with page.expect_event("load", timeout=20_000):
            page.get_by_test_id("update-now").click()
        wait_until_controlled(page)
        assert registration_state(page)["waiting"] is False
        expect_outbox(page, 3)

        context.set_offline(False)
        expect_outbox(page, 0)
        arrived = reports_with(server, sam["token"], "Queued across the update")
        assert sorted(r["description"] for r in arrived) == [
            f"Queued across the update {n}" for n in (1, 2, 3)
        ]
        with_photo = next(r for r in arrived if r["description"].endswith("1"))
        assert [
            p["status"]
            for p in photos_when_ready(server, sam["token"], with_photo["id"])
        ] == ["ready"]
        assert problems == []


def test_no_sync_starts_between_the_tap_on_update_and_the_reload(
    tmp_path: Path, browser: Any
) -> None:
    problems: list[str] = []
    with own_copy_of_the_app(tmp_path) as (server, pwa_dir):
        server.cli("seed-demo")
        context = resident_context(browser)
        context.add_init_script(SWALLOW_SKIP_WAITING)
        page = open_synced_app(context, server, problems)
        offer_new_version(page, pwa_dir)
        context.set_offline(True)
        fill_report(page, "Waits for the new version", photo=None)

        page.get_by_test_id("update-now").click()
        context.set_offline(False)
        page.get_by_test_id("nav-mine").click()
        page.get_by_test_id("sync-now").click()

        # A sync now could be cut off by the reload; it waits for the new version.
        page.wait_for_timeout(3_000)
        expect_outbox(page, 1)
        held = page.evaluate(
            "navigator.locks.query().then((q) => q.held.map((l) => l.name))"
        )
        assert "wegovnow-sync" in held
        assert problems == []


def test_a_half_written_report_stays_on_screen_when_the_person_taps_update(
    tmp_path: Path, browser: Any
) -> None:
    problems: list[str] = []
    with own_copy_of_the_app(tmp_path) as (server, pwa_dir):
        server.cli("seed-demo")
        context = resident_context(browser)
        page = open_synced_app(context, server, problems)
        offer_new_version(page, pwa_dir)
        page.get_by_test_id("category-streetlight").click()
        page.get_by_test_id("description").fill("Half written when the update came")

        page.get_by_test_id("update-now").click()

        expect(page.get_by_test_id("update-note")).to_contain_text(
            "Save or clear your report"
        )
        # Long enough for a reload to have wiped the form had one started.
        page.wait_for_timeout(2_000)
        expect(page.get_by_test_id("description")).to_have_value(
            "Half written when the update came"
        )
        assert registration_state(page)["waiting"] is True
        assert problems == []


def test_a_report_started_while_the_update_waits_for_a_sync_stays_on_screen(
    tmp_path: Path, browser: Any
) -> None:
    problems: list[str] = []
    with own_copy_of_the_app(tmp_path) as (server, pwa_dir):
        server.cli("seed-demo")
        context = resident_context(browser)
        page = open_synced_app(context, server, problems)
        offer_new_version(page, pwa_dir)
        page.evaluate(HOLD_SYNC_LOCK)

        page.get_by_test_id("update-now").click()
        page.get_by_test_id("category-streetlight").click()
        page.get_by_test_id("description").fill("Started while the upload ran")
        page.evaluate("window.releaseSyncLock()")

        expect(page.get_by_test_id("update-note")).to_contain_text(
            "Save or clear your report"
        )
        # Long enough for a reload to have wiped the form had one started.
        page.wait_for_timeout(2_000)
        expect(page.get_by_test_id("description")).to_have_value(
            "Started while the upload ran"
        )
        assert registration_state(page)["waiting"] is True
        assert problems == []


def test_a_new_version_that_takes_over_after_the_fallback_still_reloads_the_page(
    tmp_path: Path, browser: Any
) -> None:
    with own_copy_of_the_app(tmp_path) as (server, pwa_dir):
        context = browser.new_context(viewport={"width": 390, "height": 844})
        context.add_init_script(DELAY_SKIP_WAITING)
        page = context.new_page()
        page.goto(server.base_url + "/")
        wait_until_controlled(page)
        offer_new_version(page, pwa_dir)
        page.clock.install()

        page.get_by_test_id("update-now").click()
        # SKIP_WAITING is posted from inside the sync lock, as the wait starts.
        for _ in range(50):
            if page.evaluate("typeof window.skipWaitingNow === 'function'"):
                break
            page.wait_for_timeout(100)
        page.clock.fast_forward(31_000)  # past the 30 s fallback
        expect(page.get_by_test_id("update-now")).to_be_enabled()

        # The new worker takes control only now: the old code must not stay.
        with page.expect_event("load", timeout=20_000):
            page.evaluate("window.skipWaitingNow()")
        wait_until_controlled(page)
        assert registration_state(page)["waiting"] is False
