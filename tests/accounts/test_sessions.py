from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from quart import Quart

from server.accounts.auth import digest, utcnow
from server.accounts.models import ApiToken, Session, User
from server.app import create_app
from server.core.db import activate
from server.settings import Settings
from tests.accounts.browsing import Browser


@asynccontextmanager
async def https_app(settings: Settings) -> AsyncIterator[Quart]:
    application = create_app(
        settings.model_copy(update={"public_url": "https://city.example"})
    )
    async with application.test_app():
        activate(application.config["DB"])
        yield application


def set_cookie(response: object) -> str:
    return response.headers["Set-Cookie"]  # type: ignore[attr-defined,no-any-return]


def cookie_value(response: object) -> str:
    return set_cookie(response).split(";", 1)[0].split("=", 1)[1]


async def test_over_https_the_cookie_is_host_prefixed_secure_httponly_and_lax(
    app: Quart, settings: Settings
) -> None:
    async with https_app(settings) as secure:
        response = await secure.test_client().post(
            "/api/auth/guest",
            json={},
            scheme="https",
            headers={"Origin": "https://city.example"},
        )

    cookie = set_cookie(response)
    assert cookie.startswith("__Host-wgn_session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/" in cookie and "Domain" not in cookie


async def test_on_plain_http_localhost_the_cookie_is_httponly_and_lax_without_secure(
    app: Quart,
) -> None:
    response = await Browser(app).post("/api/auth/guest")

    cookie = set_cookie(response)
    assert cookie.startswith("wgn_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


async def test_the_session_id_is_stored_only_as_a_digest(app: Quart) -> None:
    response = await Browser(app).post("/api/auth/guest")

    secret = cookie_value(response)

    assert not await Session.exists(id=secret)
    assert await Session.exists(id=digest(secret))


async def test_signing_up_gives_a_new_session_id_and_ends_the_guest_one(
    app: Quart,
) -> None:
    browser = Browser(app)
    guest_secret = cookie_value(await browser.post("/api/auth/guest"))

    await browser.sign_up()

    old = await Session.get(id=digest(guest_secret))
    assert old.revoked_at is not None
    assert await Session.filter(revoked_at=None).count() == 1


async def test_signing_in_gives_a_new_session_id(app: Quart) -> None:
    browser = Browser(app)
    await browser.sign_up()
    first = await Session.filter(revoked_at=None).values_list("id", flat=True)

    await browser.sign_in()

    second = await Session.filter(revoked_at=None).values_list("id", flat=True)
    assert len(second) == 1 and second != first


async def test_sign_out_ends_the_session_on_the_server_at_once(app: Quart) -> None:
    browser = Browser(app)
    secret = cookie_value(await browser.post("/api/auth/guest"))
    await browser.sign_out()

    replay = await app.test_client().get(
        "/api/me", headers={"Cookie": f"wgn_session={secret}"}
    )

    assert replay.status_code == 401


async def test_revoking_another_session_signs_that_browser_out(app: Quart) -> None:
    phone = Browser(app)
    await phone.sign_up()
    laptop = Browser(app, phone.authenticator)
    await laptop.sign_in()
    sessions = await (await phone.get("/api/me/sessions")).get_json()
    other = next(s for s in sessions if not s["current"])

    revoked = await phone.call("DELETE", f"/api/me/sessions/{other['id']}")

    assert revoked.status_code == 204
    assert (await laptop.get("/api/me")).status_code == 401
    assert (await phone.get("/api/me")).status_code == 200


async def test_an_idle_session_ends(app: Quart, settings: Settings) -> None:
    browser = Browser(app)
    await browser.post("/api/auth/guest")
    await Session.all().update(
        last_seen_at=utcnow() - timedelta(minutes=settings.session_idle_minutes + 1)
    )

    assert (await browser.get("/api/me")).status_code == 401


async def test_a_session_ends_after_the_absolute_limit_however_busy(
    app: Quart, settings: Settings
) -> None:
    browser = Browser(app)
    await browser.post("/api/auth/guest")
    await Session.all().update(
        created_at=utcnow() - timedelta(days=settings.session_absolute_days, minutes=1)
    )

    assert (await browser.get("/api/me")).status_code == 401


async def test_a_cookie_request_without_the_csrf_token_is_refused(app: Quart) -> None:
    browser = Browser(app)
    await browser.post("/api/auth/guest")
    browser.csrf = None

    response = await browser.post("/api/auth/logout")

    assert response.status_code == 403
    assert (await response.get_json())["error"]["code"] == "auth.csrf"


async def test_a_request_from_another_origin_is_refused_even_with_the_token(
    app: Quart,
) -> None:
    browser = Browser(app)
    await browser.post("/api/auth/guest")

    response = await browser.post(
        "/api/auth/logout", headers={"Origin": "https://evil.example"}
    )

    assert response.status_code == 403
    assert (await response.get_json())["error"]["code"] == "auth.bad_origin"


async def test_a_cross_site_fetch_without_origin_is_refused(app: Quart) -> None:
    response = await app.test_client().post(
        "/api/auth/passkeys/login/options",
        json={},
        headers={"Sec-Fetch-Site": "cross-site"},
    )

    assert response.status_code == 403


async def test_an_opaque_null_origin_is_refused(app: Quart) -> None:
    response = await app.test_client().post(
        "/api/auth/guest", json={}, headers={"Origin": "null"}
    )

    assert response.status_code == 403


async def test_bearer_tokens_need_no_csrf_token(app: Quart, resident) -> None:  # type: ignore[no-untyped-def]
    response = await resident.post(
        "/api/sync/push",
        json={"protocol": 1, "client_id": "client-rita-0001", "mutations": []},
    )

    assert response.status_code == 200


async def test_security_headers_are_on_every_answer(app: Quart) -> None:
    client = app.test_client()

    for response in (
        await client.get("/api/health"),
        await client.get("/api/nothing-here"),
        await client.post("/api/auth/logout", json={}),
        await client.get("/some/page"),
    ):
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        script_src = csp.split("script-src", 1)[1].split(";", 1)[0]
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain http: no HSTS


async def test_hsts_is_sent_over_https(app: Quart, settings: Settings) -> None:
    async with https_app(settings) as secure:
        response = await secure.test_client().get("/api/health", scheme="https")

    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


async def test_unknown_json_fields_are_refused(app: Quart) -> None:
    response = await Browser(app).post(
        "/api/auth/passkeys/login/options", {"username": "rita"}
    )

    assert response.status_code == 400
    assert (await response.get_json())["error"]["code"] == "request.invalid"


async def test_api_tokens_are_stored_hashed_shown_once_and_revocable(
    app: Quart,
) -> None:
    browser = Browser(app)
    await browser.sign_up()
    made = await (await browser.post("/api/me/tokens", {"label": "script"})).get_json()
    token = made["token"]
    listed = await (await browser.get("/api/me/tokens")).get_json()

    works = await app.test_client().get(
        "/api/me", headers={"Authorization": f"Bearer {token}"}
    )
    await browser.call("DELETE", f"/api/me/tokens/{listed[0]['id']}")
    revoked = await app.test_client().get(
        "/api/me", headers={"Authorization": f"Bearer {token}"}
    )

    assert not await ApiToken.exists(id=token) and await ApiToken.exists(
        id=digest(token)
    )
    assert "token" not in listed[0]
    assert (works.status_code, revoked.status_code) == (200, 401)


async def test_a_token_is_scoped_to_its_role_and_never_above_the_account(
    app: Quart,
) -> None:
    browser = Browser(app)
    account = await browser.sign_up()
    await User.filter(id=account["id"]).update(role="staff")

    scoped = await (
        await browser.post("/api/me/tokens", {"role": "resident"})
    ).get_json()
    too_high = await browser.post("/api/me/tokens", {"role": "admin"})
    staff_token = (await (await browser.post("/api/me/tokens", {})).get_json())["token"]
    await User.filter(id=account["id"]).update(role="resident")
    demoted = await (
        await app.test_client().get(
            "/api/me", headers={"Authorization": f"Bearer {staff_token}"}
        )
    ).get_json()

    assert scoped["role"] == "resident"
    assert too_high.status_code == 403
    assert demoted["role"] == "resident"


async def test_tokens_cannot_manage_passkeys_or_mint_tokens(
    app: Quart, resident
) -> None:  # type: ignore[no-untyped-def]
    response = await resident.post("/api/me/tokens", json={})

    assert response.status_code == 403
