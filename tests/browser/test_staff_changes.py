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


def push_from_another_device(
    server: Server, token: str, name: str, args: dict[str, Any], base_version: int
) -> dict[str, Any]:
    """One mutation from a device of its own (a fresh client id)."""
    answer = server.api(
        "/api/sync/push",
        token,
        {
            "protocol": 1,
            "client_id": uuid.uuid4().hex,
            "mutations": [{"seq": 1, "name": name, "args": args, "base_version": base_version}],
        },
    )
    return answer["results"][0]  # type: ignore[no-any-return]


def set_state_elsewhere(server: Server, token: str, report_id: str, state: str, version: int) -> None:
    """Another device of the city closes the report first."""
    args = {"id": report_id, "state": state, "note": "Done by the other crew"}
    result = push_from_another_device(server, token, "report.set_state", args, version)
    assert result["status"] == "applied"


def open_first_report(
    server: Server, browser: Any, staff: dict[str, Any], problems: list[str]
) -> tuple[Any, str]:
    context = browser.new_context(viewport=TABLET, locale="en-GB")
    page = context.new_page()
    watch_console(page, problems)
    page.goto(server.base_url + urlsplit(staff["signin_url"]).path)
    page.get_by_test_id("nav-staff").click()
    row = page.get_by_test_id("staff-report").first
    report_id = str(row.get_attribute("href")).rsplit("/", 1)[-1]
    row.click()
    return page, report_id


def test_a_stale_state_change_is_shown_as_refused(server: Server, browser: Any) -> None:
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    kim = server.create_user("staff", "Kim")
    problems: list[str] = []
    page, report_id = open_first_report(server, browser, sam, problems)
    context = page.context
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
    assert problems == []


def test_staff_settle_a_field_conflict_from_the_tablet(server: Server, browser: Any) -> None:
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    problems: list[str] = []
    page, report_id = open_first_report(server, browser, sam, problems)
    version = server.api(f"/api/reports/{report_id}", sam["token"])["version"]

    first = {"id": report_id, "fields": {"description": "Kept by the office"}}
    second = {"id": report_id, "fields": {"description": "Set aside from the street"}}
    assert push_from_another_device(server, sam["token"], "report.edit", first, version)["status"] == "applied"
    assert push_from_another_device(server, sam["token"], "report.edit", second, version)["status"] == "conflict"

    page.get_by_test_id("nav-mine").click()
    page.get_by_test_id("sync-now").click()
    page.go_back()
    conflict = page.get_by_test_id("conflict")
    expect(conflict).to_contain_text("Set aside from the street")
    conflict.get_by_test_id("conflict-yours").click()

    expect(page.get_by_test_id("conflict")).to_have_count(0, timeout=20_000)
    description = server.api(f"/api/reports/{report_id}", sam["token"])["description"]
    assert description == "Set aside from the street"
    assert problems == []


def test_staff_merge_both_sides_of_a_field_conflict(server: Server, browser: Any) -> None:
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    problems: list[str] = []
    page, report_id = open_first_report(server, browser, sam, problems)
    version = server.api(f"/api/reports/{report_id}", sam["token"])["version"]
    first = {"id": report_id, "fields": {"description": "Kerb broken"}}
    second = {"id": report_id, "fields": {"description": "Two cones missing"}}
    push_from_another_device(server, sam["token"], "report.edit", first, version)
    push_from_another_device(server, sam["token"], "report.edit", second, version)

    page.get_by_test_id("nav-mine").click()
    page.get_by_test_id("sync-now").click()
    page.go_back()
    sides = page.get_by_test_id("conflict-sides")
    expect(sides).to_contain_text("Kerb broken")
    expect(sides).to_contain_text("Two cones missing")
    page.get_by_test_id("conflict-merge-value").fill("Kerb broken; two cones missing")
    page.get_by_test_id("conflict-merged").click()

    expect(page.get_by_test_id("conflict")).to_have_count(0, timeout=20_000)
    description = server.api(f"/api/reports/{report_id}", sam["token"])["description"]
    assert description == "Kerb broken; two cones missing"
    assert problems == []


def test_the_tablets_offline_edit_meets_a_newer_office_edit_and_staff_keep_their_own(
    server: Server, browser: Any
) -> None:
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    kim = server.create_user("staff", "Kim")
    problems: list[str] = []
    page, report_id = open_first_report(server, browser, sam, problems)
    report = server.api(f"/api/reports/{report_id}", sam["token"])
    categories = server.api("/api/categories?lang=en", sam["token"])
    names = {c["id"]: c["name"] for c in categories}
    tablet_pick, office_pick = [c for c in names if c != report["category"]][:2]

    page.context.set_offline(True)
    page.get_by_test_id("edit-category").select_option(tablet_pick)
    page.get_by_test_id("edit-submit").click()
    expect_outbox(page, 1)
    # The office changes the same field while the tablet is out of signal.
    office = {"id": report_id, "fields": {"category": office_pick}}
    answer = push_from_another_device(
        server, kim["token"], "report.edit", office, report["version"]
    )
    assert answer["status"] == "applied"
    page.context.set_offline(False)
    expect_outbox(page, 0)

    sides = page.get_by_test_id("conflict").get_by_test_id("conflict-sides")
    expect(sides.locator("dd").first).to_have_text(names[office_pick], timeout=20_000)
    expect(sides.locator("dd").last).to_have_text(names[tablet_pick])
    server_side, tablet_side = (box.bounding_box() for box in sides.locator("dd").all())
    assert server_side["y"] == tablet_side["y"] and server_side["x"] < tablet_side["x"]
    page.get_by_test_id("conflict-yours").click()

    expect(page.get_by_test_id("conflict")).to_have_count(0, timeout=20_000)
    kept = server.api(f"/api/reports/{report_id}", sam["token"])["category"]
    assert kept == tablet_pick
    assert problems == []
