from __future__ import annotations

from datetime import timedelta

from quart import Quart

from server.accounts.auth import utcnow
from server.accounts.models import Challenge, Passkey, User
from tests.accounts.browsing import Browser
from tests.softauthn import SoftAuthenticator


async def verify_login(browser: Browser, credential: dict) -> tuple[int, str]:  # type: ignore[type-arg]
    response = await browser.post(
        "/api/auth/passkeys/login/verify", {"credential": credential}
    )
    return response.status_code, (await response.get_json())["error"][
        "code"
    ] if response.status_code >= 400 else "ok"


async def signed_up(app: Quart, **authenticator: object) -> Browser:
    browser = Browser(
        app, SoftAuthenticator(origin="http://localhost", **authenticator)
    )  # type: ignore[arg-type]
    await browser.sign_up()
    await browser.sign_out()
    return browser


async def test_a_replayed_assertion_is_refused(app: Quart) -> None:
    browser = await signed_up(app)
    assertion = browser.authenticator.get(await browser.login_options())
    assert (await verify_login(browser, assertion))[0] == 200
    await browser.sign_out()

    assert await verify_login(Browser(app), assertion) == (
        400,
        "passkey.challenge_invalid",
    )


async def test_a_challenge_is_used_once_even_when_the_first_answer_failed(
    app: Quart,
) -> None:
    browser = await signed_up(app)
    options = await browser.login_options()
    bad = browser.authenticator.get(options, origin="https://evil.example")
    good = browser.authenticator.get(options)

    first = await verify_login(browser, bad)
    second = await verify_login(browser, good)

    assert first == (401, "auth.passkey_failed")
    assert second == (400, "passkey.challenge_invalid")


async def test_an_expired_challenge_is_refused(app: Quart) -> None:
    browser = await signed_up(app)
    options = await browser.login_options()
    await Challenge.filter(purpose="login").update(
        expires_at=utcnow() - timedelta(seconds=1)
    )

    result = await verify_login(browser, browser.authenticator.get(options))

    assert result == (400, "passkey.challenge_invalid")


async def test_challenges_expire_within_five_minutes(app: Quart) -> None:
    await Browser(app).login_options()

    challenge = await Challenge.get(purpose="login")

    assert challenge.expires_at - utcnow() <= timedelta(minutes=5)


async def test_a_registration_challenge_cannot_sign_in(app: Quart) -> None:
    browser = await signed_up(app)
    options = await Browser(app).registration_options(name="X")
    options["rpId"] = "localhost"

    result = await verify_login(browser, browser.authenticator.get(options))

    assert result == (400, "passkey.challenge_invalid")


async def test_a_wrong_origin_is_refused(app: Quart) -> None:
    browser = await signed_up(app)

    result = await verify_login(
        browser,
        browser.authenticator.get(
            await browser.login_options(), origin="https://evil.example"
        ),
    )

    assert result == (401, "auth.passkey_failed")


async def test_a_wrong_rp_id_is_refused(app: Quart) -> None:
    browser = await signed_up(app)

    result = await verify_login(
        browser,
        browser.authenticator.get(await browser.login_options(), rp_id="evil.example"),
    )

    assert result == (401, "auth.passkey_failed")


async def test_registration_from_a_wrong_origin_is_refused(app: Quart) -> None:
    browser = Browser(app)
    options = await browser.registration_options(name="Eve")

    response = await browser.post(
        "/api/auth/passkeys/register/verify",
        {
            "credential": browser.authenticator.create(
                options, origin="https://evil.example"
            )
        },
    )

    assert response.status_code == 400
    assert not await User.exists()


async def test_staff_must_verify_the_user(app: Quart) -> None:
    browser = await signed_up(app, user_verification=False)
    await User.all().update(role="staff")

    result = await verify_login(
        browser, browser.authenticator.get(await browser.login_options())
    )

    assert result == (403, "auth.passkey_uv_required")


async def test_residents_may_sign_in_without_user_verification(app: Quart) -> None:
    browser = await signed_up(app, user_verification=False)

    result = await verify_login(
        browser, browser.authenticator.get(await browser.login_options())
    )

    assert result == (200, "ok")


async def test_the_credential_of_b_cannot_sign_in_as_a(app: Quart) -> None:
    alice = await signed_up(app)
    bob = await signed_up(app)
    alice_handle = alice.authenticator.credentials[0].user_handle

    assertion = bob.authenticator.get(
        await bob.login_options(), user_handle=alice_handle
    )
    result = await verify_login(bob, assertion)

    assert result == (401, "auth.passkey_failed")


async def test_a_sign_count_that_goes_backwards_is_refused_and_flagged(
    app: Quart,
) -> None:
    browser = await signed_up(app)
    assert (await browser.sign_in()).status_code == 200  # count 1
    assert (await browser.sign_in()).status_code == 200  # count 2
    await browser.sign_out()

    result = await verify_login(
        browser, browser.authenticator.get(await browser.login_options(), sign_count=1)
    )

    assert result == (403, "auth.passkey_flagged")
    assert (await Passkey.get()).flagged_at is not None


async def test_a_sign_count_of_zero_is_accepted_every_time(app: Quart) -> None:
    browser = await signed_up(app, counting=False)

    first = await browser.sign_in()
    await browser.sign_out()
    second = await browser.sign_in()

    assert (first.status_code, second.status_code) == (200, 200)


async def test_a_forged_signature_is_refused(app: Quart) -> None:
    browser = await signed_up(app)
    assertion = browser.authenticator.get(await browser.login_options())
    assertion["response"]["signature"] = (
        assertion["response"]["signature"][:-4] + "AAAA"
    )

    assert await verify_login(browser, assertion) == (401, "auth.passkey_failed")


async def test_a_passkey_already_registered_cannot_be_added_to_another_account(
    app: Quart,
) -> None:
    alice = Browser(app)
    options = await alice.registration_options(name="Alice")
    credential = alice.authenticator.create(options)
    await alice.post("/api/auth/passkeys/register/verify", {"credential": credential})
    mallory = Browser(app)
    options = await mallory.registration_options(name="Mallory")
    # Mallory replays Alice's attestation against her own challenge: the challenge differs.
    response = await mallory.post(
        "/api/auth/passkeys/register/verify", {"credential": credential}
    )

    assert response.status_code == 400
    assert await User.all().count() == 1


async def test_a_registration_challenge_belongs_to_the_account_that_asked(
    app: Quart,
) -> None:
    guest = Browser(app)
    await guest.start_as_guest()
    options = await guest.registration_options(name="Gina")
    stranger = Browser(app)

    response = await stranger.post(
        "/api/auth/passkeys/register/verify",
        {"credential": stranger.authenticator.create(options)},
    )

    assert response.status_code == 400


async def test_housekeeping_forgets_expired_challenges(app: Quart, settings) -> None:  # type: ignore[no-untyped-def]
    from server.accounts.maintenance import prune_account_records

    await Browser(app).login_options()
    await Challenge.all().update(expires_at=utcnow() - timedelta(seconds=1))

    await prune_account_records(settings)

    assert not await Challenge.exists()
