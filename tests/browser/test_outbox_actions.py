"""What a person can do with their outbox: read why the server refused an
item in their own language, send it again, correct it, and save the unsent
items to a file."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.outbox_helpers import QUEUE_V2, report_create, reports_with
from tests.browser.pages import (
    expect_outbox,
    fill_report,
    resident_context,
    watch_console,
)

pytestmark = pytest.mark.browser


def open_app(
    server: Server, browser: Any, problems: list[str], lang: str = "en"
) -> Any:
    context = resident_context(browser)
    # The person's own choice of language, as the language picker stores it.
    context.add_init_script(f"localStorage.setItem('wgn-lang', '{lang}')")
    page = context.new_page()
    watch_console(page, problems)
    page.goto(server.base_url + "/")
    expect_outbox(page, 0)
    return page


def send_refused_report(page: Any, report: dict[str, Any]) -> Any:
    """Queue a report the server will refuse, sync, and answer its card."""
    page.evaluate(QUEUE_V2, {"items": [report], "photos": []})
    page.get_by_test_id("nav-mine").click()
    page.get_by_test_id("sync-now").click()
    card = page.get_by_test_id("my-report").filter(
        has=page.locator("[data-testid=sync-state][data-state=attention]")
    )
    expect(card).to_have_count(1, timeout=20_000)
    return card


def test_a_refused_report_shows_the_servers_reason_in_italian(
    server: Server, browser: Any
) -> None:
    problems: list[str] = []
    server.cli("seed-demo")
    page = open_app(server, browser, problems, lang="it")

    card = send_refused_report(page, report_create(""))

    expect(card.get_by_test_id("sync-state")).to_have_text("Richiede attenzione")
    expect(card.get_by_test_id("attention-reason")).to_have_text(
        "Non accettata: Una segnalazione richiede una descrizione o una foto."
    )
    assert problems == []


def test_a_corrected_refused_report_is_sent_again_and_accepted(
    server: Server, browser: Any
) -> None:
    problems: list[str] = []
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    page = open_app(server, browser, problems)
    card = send_refused_report(page, report_create(""))

    card.get_by_test_id("edit").click()
    card.get_by_test_id("edit-description").fill("Corrected after the refusal")
    card.get_by_test_id("edit-send").click()

    # Wait until the corrected report is marked sent, not only until it has
    # left "needs attention": "sending" comes in between.
    expect(
        page.get_by_test_id("my-report").filter(
            has=page.locator("[data-testid=sync-state][data-state=sent]")
        )
    ).to_have_count(1, timeout=20_000)
    expect_outbox(page, 0)
    expect(
        page.locator("[data-testid=sync-state][data-state=attention]")
    ).to_have_count(0)
    assert len(reports_with(server, sam["token"], "Corrected after the refusal")) == 1
    assert problems == []


def test_retry_resends_a_refused_report_once_the_server_can_take_it(
    server: Server, browser: Any
) -> None:
    problems: list[str] = []
    sam = server.create_user("staff", "Sam")
    page = open_app(server, browser, problems)
    # Refused because the city has no categories yet; then the city adds them.
    card = send_refused_report(
        page, report_create("Sent before the categories existed")
    )
    server.cli("seed-demo")

    card.get_by_test_id("retry").click()

    # Wait until the retried report is marked sent, not only until it has left
    # "needs attention": "sending" comes in between.
    expect(
        page.get_by_test_id("my-report").filter(
            has=page.locator("[data-testid=sync-state][data-state=sent]")
        )
    ).to_have_count(1, timeout=20_000)
    expect_outbox(page, 0)
    assert (
        len(reports_with(server, sam["token"], "Sent before the categories existed"))
        == 1
    )
    assert problems == []


def test_export_saves_exactly_the_unsent_reports_with_photos_stripped_of_exif(
    server: Server, browser: Any, tmp_path: Path
) -> None:
    from PIL import Image

    problems: list[str] = []
    server.cli("seed-demo")
    page = open_app(server, browser, problems)
    fill_report(page, "Already sent", photo=None)
    expect_outbox(page, 0)
    page.context.set_offline(True)
    page.get_by_test_id("nav-new").click()
    fill_report(page, "Unsent with a GPS photo")
    page.get_by_test_id("nav-new").click()
    fill_report(page, "Unsent without a photo", photo=None)
    expect_outbox(page, 2)

    page.get_by_test_id("nav-mine").click()
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    path = tmp_path / "unsent.json"
    download.value.save_as(path)

    saved = json.loads(path.read_text())
    assert sorted(m["args"]["description"] for m in saved["mutations"]) == [
        "Unsent with a GPS photo",
        "Unsent without a photo",
    ]
    (photo,) = saved["photos"]
    jpeg = base64.b64decode(photo["data_url"].split(",", 1)[1])
    # The fixture photo carries the place it was taken; the file must not.
    assert b"Exif" not in jpeg
    assert dict(Image.open(io.BytesIO(jpeg)).getexif()) == {}
    assert problems == []
