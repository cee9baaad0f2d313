"""Departments in staff triage: a choice from the admins' list, and a value
from before the list shown as it was written and left alone."""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.pages import (
    TABLET,
    expect_outbox,
    wait_until_controlled,
    watch_console,
)

pytestmark = pytest.mark.browser

POTHOLE = "Deep pothole at the car park entrance"


def open_report(
    server: Server, browser: Any, description: str, problems: list[str]
) -> Any:
    sam = server.create_user("staff", "Sam")
    page = browser.new_context(viewport=TABLET, locale="en-GB").new_page()
    watch_console(page, problems)
    page.goto(server.base_url + urlsplit(sam["signin_url"]).path)
    wait_until_controlled(page)
    page.get_by_test_id("nav-staff").click()
    page.get_by_test_id("staff-report").filter(has_text=description).click()
    expect(page.get_by_test_id("report-detail")).to_be_visible()
    return page


def option_labels(page: Any) -> list[str]:
    return page.get_by_test_id("edit-department").locator("option").all_inner_texts()  # type: ignore[no-any-return]


def test_triage_offers_the_listed_departments_by_name(
    server: Server, browser: Any
) -> None:
    server.cli("seed-demo")
    problems: list[str] = []
    page = open_report(server, browser, POTHOLE, problems)

    assert option_labels(page) == [
        "No department",
        "Parks and green spaces",
        "Public lighting",
        "Roads",
        "Waste and cleaning",
    ]
    page.get_by_test_id("edit-department").select_option(label="Roads")
    page.get_by_test_id("edit-submit").click()
    expect_outbox(page, 0)
    expect(page.get_by_test_id("report-department")).to_have_text("Roads")
    assert problems == []


def test_a_department_written_before_the_list_is_shown_and_kept(
    server: Server, browser: Any
) -> None:
    server.cli("seed-demo")
    with sqlite3.connect(server.data_dir / "wegovnow.sqlite3") as db:
        db.execute(
            "UPDATE reports SET department = 'Roads crew' WHERE description = ?",
            (POTHOLE,),
        )
    problems: list[str] = []
    page = open_report(server, browser, POTHOLE, problems)

    expect(page.get_by_test_id("report-department")).to_have_text("Roads crew")
    selected = page.get_by_test_id("edit-department").locator("option:checked")
    expect(selected).to_have_text("Roads crew (not in the list)")
    assert problems == []
