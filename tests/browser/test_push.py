"""A push message from the server shows as a notification with its link."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.pages import PHONE, wait_until_controlled, watch_console

pytestmark = pytest.mark.browser

NOTE = {
    "v": 1,
    "id": "evt-1",
    "title": "Your report was acknowledged",
    "body": "Street light",
    "url": "/mine",
    "tag": "report-1",
}
SHOWN = """navigator.serviceWorker.ready
    .then((r) => r.getNotifications())
    .then((all) => all.map((n) => [n.title, n.body, n.data && n.data.url]))"""


def registration_id(cdp: Any, page: Any) -> str:
    found: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: found.extend(r["registrationId"] for r in event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        if found:
            return found[0]
        page.wait_for_timeout(100)
    raise AssertionError("no service worker registration reported")


def test_a_push_message_shows_a_notification(server: Server, browser: Any) -> None:
    problems: list[str] = []
    context = browser.new_context(viewport=PHONE, permissions=["notifications"])
    page = context.new_page()
    watch_console(page, problems)
    page.goto(server.base_url + "/")
    wait_until_controlled(page)

    # The push service's half cannot run here (TESTING.md); deliver the
    # message the way Chromium would after decrypting it.
    cdp = context.new_cdp_session(page)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": server.base_url + "/",
            "registrationId": registration_id(cdp, page),
            "data": json.dumps(NOTE),
        },
    )

    shown: list[Any] = []
    for _ in range(50):
        shown = page.evaluate(SHOWN)
        if shown:
            break
        page.wait_for_timeout(100)
    assert shown == [["Your report was acknowledged", "Street light", "/mine"]]
    assert problems == []
