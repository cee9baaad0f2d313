"""Passkeys in Chromium with a virtual authenticator (CDP WebAuthn): a guest
reports, signs up and keeps the report; signs out; signs in without a name;
adds a passkey on a second device and signs in with it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.pages import (
    expect_outbox,
    fill_report,
    resident_context,
    wait_until_controlled,
    watch_console,
)

pytestmark = pytest.mark.browser
DESCRIPTION = "Bench broken by the fountain"


def add_authenticator(cdp: Any) -> str:
    """A platform passkey store that verifies the user, as a phone would."""
    answer = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return str(answer["authenticatorId"])


def me(page: Any) -> dict[str, Any]:
    return page.evaluate("fetch('/api/me').then((r) => r.json())")  # type: ignore[no-any-return]


def credentials(cdp: Any, authenticator: str) -> list[dict[str, Any]]:
    return cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})[
        "credentials"
    ]  # type: ignore[no-any-return]


def test_guest_signs_up_keeps_reports_signs_out_and_in_and_adds_a_passkey(
    server: Server, browser: Any
) -> None:
    server.cli("seed-demo")
    violations: list[str] = []
    context = resident_context(browser)
    page = context.new_page()
    watch_console(page, violations)
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    phone = add_authenticator(cdp)

    # A guest reports at once, without an account.
    page.goto(server.base_url + "/")
    wait_until_controlled(page)
    fill_report(page, DESCRIPTION, photo=None)
    expect_outbox(page, 0)
    guest = me(page)
    assert guest["is_guest"] is True

    # The banner invites the guest to keep their reports with a passkey.
    page.get_by_test_id("guest-keep").click()
    page.get_by_test_id("account-name").fill("Rita")
    page.get_by_test_id("signup-passkey").click()
    codes = page.get_by_test_id("recovery-codes").locator("code")
    expect(codes).to_have_count(10)
    page.get_by_test_id("codes-saved").click()
    expect(page.get_by_test_id("passkey-row")).to_have_count(1)
    rita = me(page)
    assert rita["id"] == guest["id"] and rita["is_guest"] is False
    assert credentials(cdp, phone)[0]["isResidentCredential"] is True
    expect(page.get_by_test_id("guest-banner")).to_have_count(0)

    # Sign out: the server ends the session; the app starts over as a guest.
    page.get_by_test_id("sign-out").click()
    page.wait_for_url("**/signin")
    assert me(page).get("id") != rita["id"]

    # Usernameless sign-in: no name asked, the passkey says who.
    page.get_by_test_id("signin-passkey").click()
    page.wait_for_url("**/account")
    assert me(page)["id"] == rita["id"]
    page.get_by_test_id("nav-mine").click()
    expect(page.get_by_test_id("my-report")).to_have_count(1, timeout=20_000)
    expect(page.get_by_test_id("my-report")).to_contain_text(DESCRIPTION)

    # A second device: its passkey joins the same account and signs in alone.
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": phone})
    laptop = add_authenticator(cdp)
    page.get_by_test_id("nav-account").click()
    page.get_by_test_id("add-passkey").click()
    expect(page.get_by_test_id("passkey-row")).to_have_count(2)
    page.get_by_test_id("sign-out").click()
    page.wait_for_url("**/signin")
    page.get_by_test_id("signin-passkey").click()
    page.wait_for_url("**/account")
    assert me(page)["id"] == rita["id"]
    assert len(credentials(cdp, laptop)) == 1
    assert violations == []


def test_account_screens_have_no_axe_violations(server: Server, browser: Any) -> None:
    from tests.browser.test_accessibility import AXE, axe_violations

    if not AXE.exists():
        pytest.skip("axe-core is missing: run `cd pwa && npm ci`")
    # axe is injected as a script tag, which the app's CSP rightly refuses.
    context = resident_context(browser, bypass_csp=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    add_authenticator(cdp)
    found: dict[str, list[str]] = {}

    for path in ("/signin", "/signup", "/recover"):
        page.goto(server.base_url + path)
        page.locator("h1").wait_for()
        found[path] = axe_violations(page)
    page.goto(server.base_url + "/signup")
    page.get_by_test_id("account-name").fill("Rita")
    page.get_by_test_id("signup-passkey").click()
    page.get_by_test_id("recovery-codes").wait_for()
    found["recovery codes"] = axe_violations(page)
    page.get_by_test_id("codes-saved").click()
    page.get_by_test_id("passkey-row").wait_for()
    found["/account"] = axe_violations(page)

    assert {screen: v for screen, v in found.items() if v} == {}
