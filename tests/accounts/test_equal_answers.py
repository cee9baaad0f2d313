"""Whether an account or credential exists must show neither in the answer nor its time."""

from __future__ import annotations

import os
import statistics
import time

from quart import Quart

from tests.accounts.browsing import Browser
from tests.softauthn import b64url


async def failed_sign_in(browser: Browser, unknown: bool) -> tuple[int, dict, float]:  # type: ignore[type-arg]
    assertion = browser.authenticator.get(await browser.login_options())
    if unknown:
        assertion["id"] = assertion["rawId"] = b64url(os.urandom(32))
    else:
        assertion["response"]["signature"] = (
            assertion["response"]["signature"][:-4] + "AAAA"
        )
    started = time.perf_counter()
    response = await browser.post(
        "/api/auth/passkeys/login/verify", {"credential": assertion}
    )
    elapsed = time.perf_counter() - started
    body = await response.get_json()
    return response.status_code, body["error"], elapsed


async def test_unknown_and_known_credentials_fail_with_the_same_answer(
    app: Quart,
) -> None:
    browser = Browser(app)
    await browser.sign_up()
    await browser.sign_out()

    known = await failed_sign_in(browser, unknown=False)
    unknown = await failed_sign_in(browser, unknown=True)

    assert known[:2] == unknown[:2]


async def test_unknown_and_known_credentials_fail_in_about_the_same_time(
    app: Quart,
) -> None:
    browser = Browser(app)
    await browser.sign_up()
    await browser.sign_out()
    known, unknown = [], []
    for _ in range(15):
        known.append((await failed_sign_in(browser, unknown=False))[2])
        unknown.append((await failed_sign_in(browser, unknown=True))[2])

    ratio = statistics.median(known) / statistics.median(unknown)

    # The decoy signature check keeps both paths within the noise of one request.
    assert 0.5 < ratio < 2.0


async def test_a_used_and_an_unknown_recovery_code_get_the_same_answer(
    app: Quart,
) -> None:
    browser = Browser(app)
    code = (await browser.sign_up())["recovery_codes"][0]
    await browser.sign_out()
    await Browser(app).post("/api/auth/recovery", {"code": code})

    used = await Browser(app).post("/api/auth/recovery", {"code": code})
    unknown = await Browser(app).post("/api/auth/recovery", {"code": "aaaa-bbbb-cccc"})

    assert used.status_code == unknown.status_code == 401
    assert await used.get_json() == await unknown.get_json()


async def test_an_unknown_and_a_used_invitation_get_the_same_answer(
    app: Quart, settings
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_person

    admin = await make_person(app, "admin", "Ada")
    secret = (await (await admin.post("/api/admin/invitations", json={})).get_json())[
        "invitation"
    ]
    await Browser(app).sign_up("Sam", invitation=secret)

    used = await Browser(app).post(
        "/api/auth/passkeys/register/options", {"invitation": secret}
    )
    unknown = await Browser(app).post(
        "/api/auth/passkeys/register/options", {"invitation": "x" * 43}
    )

    assert used.status_code == unknown.status_code == 400
    assert await used.get_json() == await unknown.get_json()
