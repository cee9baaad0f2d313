"""The outbox under fire: old data, wiped storage, refusals, two tabs, resets."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.outbox_helpers import (
    QUEUE_V2,
    SEED_V1,
    make_cursors_too_old,
    report_create,
    reports_with,
    small_jpeg,
)
from tests.browser.pages import (
    expect_outbox,
    fill_report,
    resident_context,
    wait_until_controlled,
    watch_console,
)

pytestmark = pytest.mark.browser


def open_app(context: Any, server: Server, problems: list[str]) -> Any:
    page = context.new_page()
    watch_console(page, problems)
    page.goto(server.base_url + "/")
    return page


def synced(page: Any) -> None:
    page.get_by_test_id("sync-status").filter(has_text="Synced").wait_for(timeout=30_000)


def test_fifty_old_format_items_are_sent_once_after_the_schema_upgrade(
    server: Server, browser: Any
) -> None:
    problems: list[str] = []
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    context = resident_context(browser)
    seeder = context.new_page()
    seeder.goto(server.base_url + "/api/health")
    items = [report_create(f"Old format {i:02d}") for i in range(50)]
    seeder.evaluate(SEED_V1, {"items": items})
    seeder.close()

    page = open_app(context, server, problems)
    expect_outbox(page, 0)
    page.get_by_test_id("nav-mine").click()
    page.get_by_test_id("sync-now").click()
    synced(page)

    descriptions = [r["description"] for r in reports_with(server, sam["token"], "Old format")]
    assert sorted(descriptions) == sorted(i["args"]["description"] for i in items)
    assert problems == []


def test_a_mutation_that_can_never_apply_shows_its_reason_and_the_rest_goes_on(
    server: Server, browser: Any
) -> None:
    problems: list[str] = []
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    context = resident_context(browser)
    page = open_app(context, server, problems)
    synced(page)
    context.set_offline(True)
    fill_report(page, "Before the refused one", photo=None)
    forbidden = {"name": "report.set_state", "args": {"id": report_create("x")["args"]["id"],
                                                       "state": "closed", "note": ""}}
    page.evaluate(QUEUE_V2, {"items": [forbidden], "photos": []})
    page.get_by_test_id("nav-new").click()
    fill_report(page, "After the refused one", photo=None)
    context.set_offline(False)

    page.get_by_test_id("nav-mine").click()
    page.get_by_test_id("sync-now").click()
    expect_outbox(page, 0)
    reason = page.get_by_test_id("attention-item").get_by_test_id("attention-reason")
    expect(reason).not_to_be_empty()
    assert len(reports_with(server, sam["token"], "After the refused one")) == 1
    assert len(reports_with(server, sam["token"], "Before the refused one")) == 1

    page.get_by_test_id("attention-item").get_by_test_id("discard").click()
    expect(page.get_by_test_id("attention-item")).to_have_count(0)
    assert problems == []


def queue_two_reports_offline(
    context: Any, server: Server, problems: list[str]
) -> None:
    page = open_app(context, server, problems)
    synced(page)
    context.set_offline(True)
    fill_report(page, "Lost one", photo=None)
    page.get_by_test_id("nav-new").click()
    fill_report(page, "Lost two", photo=None)
    expect_outbox(page, 2)
    page.close()


def wipe_site_storage(context: Any, server: Server, storage_types: str) -> None:
    wiper = context.new_page()
    cdp = context.new_cdp_session(wiper)
    cdp.send(
        "Storage.clearDataForOrigin",
        {"origin": server.base_url, "storageTypes": storage_types},
    )
    wiper.close()


def test_wiped_storage_with_unsent_items_is_told_on_the_next_start(
    server: Server, browser: Any
) -> None:
    problems: list[str] = []
    server.cli("seed-demo")
    context = resident_context(browser)
    queue_two_reports_offline(context, server, problems)

    wipe_site_storage(context, server, "indexeddb")

    # Back online for the restart: the outbox is gone either way, and an offline
    # start would also depend on the service worker having finished its install.
    context.set_offline(False)
    page = open_app(context, server, problems)
    banner = page.get_by_test_id("storage-evicted")
    expect(banner).to_contain_text("2 items that had not been sent are lost")
    assert problems == []


def test_storage_evicted_as_a_whole_is_still_told_with_the_count_lost(
    server: Server, browser: Any
) -> None:
    problems: list[str] = []
    server.cli("seed-demo")
    context = resident_context(browser)
    queue_two_reports_offline(context, server, problems)

    # What eviction under storage pressure clears: the whole storage bucket,
    # localStorage, caches and the service worker included. Cookies are not
    # quota-managed and stay, so the person is still signed in.
    everything_but_cookies = (
        "indexeddb,local_storage,cache_storage,service_workers,file_systems"
    )
    wipe_site_storage(context, server, everything_but_cookies)

    context.set_offline(False)
    page = open_app(context, server, problems)
    banner = page.get_by_test_id("storage-evicted")
    expect(banner).to_contain_text("2 items that had not been sent are lost")
    assert problems == []


def install_marker(context: Any) -> str | None:
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    return cookies.get("wgn-installed")


def test_the_install_marker_cookie_says_only_that_the_app_was_installed(
    server: Server, browser: Any
) -> None:
    context = resident_context(browser)
    synced(open_app(context, server, []))

    # Sent with every request: an install time would tell devices apart.
    assert install_marker(context) == "1"


def test_an_install_marker_cookie_holding_a_time_is_rewritten_on_start(
    server: Server, browser: Any
) -> None:
    context = resident_context(browser)
    page = open_app(context, server, [])
    synced(page)
    old_marker = "2026-01-10T09%3A00%3A00.123Z"  # an install time, URI-encoded
    context.add_cookies(
        [{"name": "wgn-installed", "value": old_marker, "url": server.base_url}]
    )

    page.reload()
    synced(page)
    assert install_marker(context) == "1"


def test_a_malformed_marker_cookie_does_not_break_the_first_start(
    server: Server, browser: Any
) -> None:
    problems: list[str] = []
    context = resident_context(browser)
    context.add_cookies(
        [
            {"name": "wgn-unsent", "value": "%E0%A4%A", "url": server.base_url},
            {"name": "wgn-installed", "value": "%", "url": server.base_url},
        ]
    )

    synced(open_app(context, server, problems))
    assert problems == []


def test_two_tabs_queue_and_sync_at_once_and_each_item_arrives_once(
    server: Server, browser: Any
) -> None:
    problems: list[str] = []
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    context = resident_context(browser)
    first = open_app(context, server, problems)
    synced(first)
    second = open_app(context, server, problems)
    synced(second)

    context.set_offline(True)
    for n in range(3):
        for name, tab in (("left", first), ("right", second)):
            tab.evaluate(QUEUE_V2, {"items": [report_create(f"Two tabs {name} {n}")],
                                    "photos": []})
    fill_report(first, "Two tabs form left", photo=None)
    fill_report(second, "Two tabs form right", photo=None)
    context.set_offline(False)
    for tab in (first, second):
        tab.get_by_test_id("nav-mine").click()
        tab.get_by_test_id("sync-now").click()
    expect_outbox(first, 0)
    expect_outbox(second, 0)

    found = sorted(r["description"] for r in reports_with(server, sam["token"], "Two tabs"))
    assert len(found) == 8 and len(set(found)) == 8
    assert problems == []


def any_pull_required_a_reset(page: Any, pulls: list[Any]) -> bool:
    """Wait up to 10 s for a pull that answered ``reset_required``."""
    for _ in range(50):
        if any(r.json()["reset_required"] for r in pulls):
            return True
        page.wait_for_timeout(200)
    return False


def test_a_cursor_too_old_drops_the_synced_copy_but_never_the_outbox(
    server: Server, browser: Any
) -> None:
    problems: list[str] = []
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    context = resident_context(browser)
    page = open_app(context, server, problems)
    fill_report(page, "Synced before the reset", photo=None)
    expect_outbox(page, 0)
    # Keep the responses and read them later: a handler that reads a body runs
    # only when Playwright next dispatches events, which may be after the page closed.
    pulls: list[Any] = []
    page.on("response", lambda r: "/api/sync/pull" in r.url and pulls.append(r))

    context.set_offline(True)
    fill_report(page, "Queued across the reset", photo=None)
    make_cursors_too_old(server)
    context.set_offline(False)
    page.get_by_test_id("nav-mine").click()
    page.get_by_test_id("sync-now").click()
    expect_outbox(page, 0)

    expect(page.get_by_test_id("my-report")).to_have_count(2)
    assert any_pull_required_a_reset(page, pulls)
    assert len(reports_with(server, sam["token"], "Queued across the reset")) == 1
    assert problems == []


def test_ten_days_offline_with_200_reports_an_ended_session_and_an_old_cursor_send_all_once(
    server: Server, browser: Any
) -> None:
    problems: list[str] = []
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    context = resident_context(browser)
    page = open_app(context, server, problems)
    synced(page)
    wait_until_controlled(page)

    context.set_offline(True)
    items, photos = [], []
    for i in range(200):
        sha, data = small_jpeg(i)
        photos.append({"sha256": sha, "b64": base64.b64encode(data).decode()})
        items.append(report_create(f"Ten days {i:03d}", photos=[sha]))
    page.evaluate(QUEUE_V2, {"items": items, "photos": photos})
    page.reload()
    expect_outbox(page, 200)
    context.clear_cookies()
    make_cursors_too_old(server)
    context.set_offline(False)

    # Started offline, the app signs in again (a guest gets a fresh guest
    # account) before its first run with network, moving the queue across.
    page.get_by_test_id("nav-mine").click()
    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=90_000)
    synced(page)
    page.get_by_test_id("sync-now").click()
    synced(page)

    reports = reports_with(server, sam["token"], "Ten days")
    assert len(reports) == 200 and len({r["description"] for r in reports}) == 200
    assert all(p["status"] == "ready" for r in reports for p in r["photos"])
    assert problems == []


def noise_jpeg(target_bytes: int) -> bytes:
    """A photo that does not compress: noise, saved at high quality."""
    import io
    import os

    from PIL import Image

    width, height = 2400, 1900
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=97, subsampling=0)
    data = out.getvalue()
    assert target_bytes * 0.8 < len(data) < 25 * 2**20, len(data)
    return data


def test_a_12_mb_photo_cut_at_60_percent_resumes_after_the_app_is_killed(
    server: Server, browser: Any
) -> None:
    import hashlib

    problems: list[str] = []
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    photo = noise_jpeg(12 * 2**20)
    sha = hashlib.sha256(photo).hexdigest()
    chunks = -(-len(photo) // 2**20)
    # Page requests must reach page.route, not a service worker.
    context = resident_context(browser, service_workers="block")
    page = open_app(context, server, problems)
    synced(page)

    sent: list[int] = []

    def cut_at_60_percent(route: Any) -> None:
        if route.request.method != "PATCH":
            route.continue_()
            return
        if len(sent) >= int(chunks * 0.6):
            route.abort("connectionreset")
            return
        sent.append(int(route.request.headers["upload-offset"]))
        route.continue_()

    page.route("**/api/uploads/**", cut_at_60_percent)
    report = report_create("Twelve megabytes", photos=[sha])
    page.evaluate(
        QUEUE_V2,
        {"items": [report], "photos": [{"sha256": sha, "b64": base64.b64encode(photo).decode()}]},
    )
    page.get_by_test_id("nav-mine").click()
    page.get_by_test_id("sync-now").click()
    expect_outbox(page, 0)
    for _ in range(100):
        if len(sent) >= int(chunks * 0.6):
            break
        page.wait_for_timeout(200)
    synced(page)

    # The text reached staff while the photo was cut off.
    (seen,) = reports_with(server, sam["token"], "Twelve megabytes")
    assert seen["photos"][0]["status"] == "pending"
    page.close()  # the app is killed mid-upload

    resumed: list[int] = []
    page = context.new_page()
    watch_console(page, problems)
    page.route(
        "**/api/uploads/**",
        lambda route: (
            route.request.method == "PATCH"
            and resumed.append(int(route.request.headers["upload-offset"])),
            route.continue_(),
        ),
    )
    page.goto(server.base_url + "/")
    for _ in range(300):
        (seen,) = reports_with(server, sam["token"], "Twelve megabytes")
        if seen["photos"][0]["status"] == "ready":
            break
        page.wait_for_timeout(200)

    assert seen["photos"][0] == {**seen["photos"][0], "sha256": sha, "status": "ready"}
    assert resumed and resumed[0] == int(chunks * 0.6) * 2**20
    assert problems == []
