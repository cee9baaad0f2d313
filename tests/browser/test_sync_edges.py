"""The outbox under bad conditions: a lost answer, an ended session."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.pages import expect_outbox, fill_report, resident_context, watch_console

pytestmark = pytest.mark.browser


def count_reports(server: Server, token: str, description: str) -> int:
    features = server.api("/api/reports", token)["features"]
    return sum(1 for f in features if f["properties"].get("description") == description)


def test_a_lost_push_answer_is_resent_and_applied_once(server: Server, browser: Any) -> None:
    problems: list[str] = []
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    # Page requests must reach page.route, not a service worker.
    context = resident_context(browser, service_workers="block")
    page = context.new_page()
    watch_console(page, problems)
    lost: list[str] = []

    def lose_first_answer(route: Any) -> None:
        if lost:
            route.continue_()
            return
        route.fetch()  # the server applies the push ...
        lost.append(route.request.url)
        route.abort("connectionreset")  # ... and the answer never arrives

    page.route("**/api/sync/push", lose_first_answer)
    page.goto(server.base_url + "/")
    fill_report(page, "Answer lost on the way back", photo=None)
    expect(page.get_by_test_id("sync-status")).to_have_attribute("data-phase", "offline")
    assert lost and count_reports(server, sam["token"], "Answer lost on the way back") == 1

    page.get_by_test_id("nav-mine").click()
    page.get_by_test_id("sync-now").click()
    expect_outbox(page, 0)
    expect(page.get_by_test_id("sync-state")).to_have_attribute("data-state", "sent")
    assert count_reports(server, sam["token"], "Answer lost on the way back") == 1
    assert problems == []

def test_an_ended_session_pauses_the_queue_and_loses_nothing(server: Server, browser: Any) -> None:
    problems: list[str] = []
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    context = resident_context(browser)
    page = context.new_page()
    watch_console(page, problems)
    page.goto(server.base_url + "/")
    page.get_by_test_id("sync-status").filter(has_text="Synced").wait_for()

    context.clear_cookies()
    fill_report(page, "Saved while signed out", photo=None)
    status = page.get_by_test_id("sync-status")
    expect(status).to_have_attribute("data-phase", "signin", timeout=20_000)
    expect_outbox(page, 1)

    status.get_by_role("button").click()
    expect_outbox(page, 0)
    assert count_reports(server, sam["token"], "Saved while signed out") == 1
    assert problems == []
