"""Staff work offline on a tablet; a change that comes too late is shown,
not silently dropped."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.pages import TABLET, expect_outbox, watch_console

pytestmark = pytest.mark.browser


def set_state_elsewhere(server: Server, token: str, report_id: str, state: str, version: int) -> None:
    """Another device of the city closes the report first."""
    answer = server.api(
        "/api/sync/push",
        token,
        {
            "protocol": 1,
            "client_id": uuid.uuid4().hex,
            "mutations": [
                {
                    "seq": 1,
                    "name": "report.set_state",
                    "args": {"id": report_id, "state": state, "note": "Done by the other crew"},
                    "base_version": version,
                }
            ],
        },
    )
    assert answer["results"][0]["status"] == "applied"


def test_a_stale_state_change_is_shown_as_refused(server: Server, browser: Any) -> None:
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    kim = server.create_user("staff", "Kim")
    context = browser.new_context(viewport=TABLET, locale="en-GB")
    page = context.new_page()
    watch_console(page, [])
    page.goto(server.base_url + urlsplit(sam["signin_url"]).path)
    page.get_by_test_id("nav-staff").click()
    row = page.get_by_test_id("staff-report").first
    report_id = str(row.get_attribute("href")).rsplit("/", 1)[-1]
    row.click()
    version = server.api(f"/api/reports/{report_id}", sam["token"])["version"]

    context.set_offline(True)
    page.get_by_test_id("state-select").select_option("acknowledged")
    page.get_by_test_id("state-submit").click()
    expect(page.get_by_test_id("state-pending")).to_be_visible()
    expect_outbox(page, 1)

    set_state_elsewhere(server, kim["token"], report_id, "rejected", version)
    context.set_offline(False)

    expect_outbox(page, 0)
    refused = page.get_by_test_id("refused-changes")
    expect(refused).to_contain_text("Acknowledged")
    expect(page.get_by_test_id("report-state")).to_have_attribute("data-state", "rejected")
    refused.get_by_role("button").click()
    expect(refused).to_have_count(0)
