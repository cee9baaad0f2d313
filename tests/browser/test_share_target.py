"""A photo shared from another app lands in a new report."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.pages import (
    PHOTO,
    resident_context,
    wait_until_controlled,
    watch_console,
)

pytestmark = pytest.mark.browser


def test_the_manifest_declares_a_photo_share_target(
    server: Server, browser: Any
) -> None:
    page = browser.new_context().new_page()
    manifest = page.goto(server.base_url + "/manifest.webmanifest").json()
    target = manifest["share_target"]
    assert (target["action"], target["method"], target["enctype"]) == (
        "/share",
        "POST",
        "multipart/form-data",
    )


def test_a_shared_photo_opens_the_new_report_screen_with_it(
    server: Server, browser: Any
) -> None:
    problems: list[str] = []
    page = resident_context(browser).new_page()
    watch_console(page, problems)
    page.goto(server.base_url + "/")
    wait_until_controlled(page)

    # What the system share sheet does: a multipart POST to the share action.
    page.evaluate(
        """async ({bytes}) => {
          const form = new FormData();
          form.append('photo', new File([new Uint8Array(bytes)], 'shared.jpg', {type: 'image/jpeg'}));
          const answer = await fetch('/share', {method: 'POST', body: form, redirect: 'manual'});
          return answer.type;
        }""",
        {"bytes": list(PHOTO.read_bytes())},
    )
    page.goto(server.base_url + "/?shared=1")

    expect(page.get_by_test_id("photo-previews").locator("li")).to_have_count(
        1, timeout=20_000
    )
    assert problems == []
