from __future__ import annotations

from quart import Quart

from server.accounts.models import Passkey, RecoveryCode, User
from tests.accounts.browsing import Browser
from tests.helpers import new_report_args


async def push_report(browser: Browser, client_id: str = "client-guest-001") -> str:
    args = new_report_args()
    response = await browser.post(
        "/api/sync/push",
        {
            "protocol": 1,
            "client_id": client_id,
            "mutations": [{"seq": 1, "name": "report.create", "args": args}],
        },
    )
    assert response.status_code == 200, await response.get_data(as_text=True)
    assert (await response.get_json())["results"][0]["status"] == "applied"
    return str(args["id"])


async def test_sign_up_with_a_passkey_creates_a_resident_and_signs_in(
    app: Quart,
) -> None:
    browser = Browser(app)

    body = await browser.sign_up("Rita")
    me = await (await browser.get("/api/me")).get_json()

    assert body["is_guest"] is False
    assert me["name"] == "Rita" and me["role"] == "resident" and me["passkeys"] == 1


async def test_guest_keeps_every_report_after_adding_a_passkey(app: Quart) -> None:
    browser = Browser(app)
    guest = await browser.start_as_guest()
    report_id = await push_report(browser)

    body = await browser.sign_up("Rita")
    detail = await (await browser.get(f"/api/reports/{report_id}")).get_json()

    assert body["id"] == guest["id"]
    assert detail["mine"] is True
    assert await User.filter(id=guest["id"], is_guest=False).exists()


async def test_usernameless_sign_in_after_sign_out(app: Quart) -> None:
    browser = Browser(app)
    account = await browser.sign_up()
    await browser.sign_out()
    assert (await browser.get("/api/me")).status_code == 401

    response = await browser.sign_in()

    assert response.status_code == 200
    assert (await (await browser.get("/api/me")).get_json())["id"] == account["id"]


async def test_a_second_passkey_signs_in_to_the_same_account(app: Quart) -> None:
    browser = Browser(app)
    account = await browser.sign_up()
    second = await browser.sign_up()  # signed in: adds to the account
    await browser.sign_out()

    response = await browser.sign_in(credential=browser.authenticator.credentials[0])
    listing = await (await browser.get("/api/me/passkeys")).get_json()

    assert second["id"] == account["id"] and second["recovery_codes"] is None
    assert response.status_code == 200
    assert len(listing) == 2


async def test_recovery_codes_are_shown_once_stored_hashed_and_work_once(
    app: Quart,
) -> None:
    browser = Browser(app)
    account = await browser.sign_up()
    code = account["recovery_codes"][0]
    await browser.sign_out()
    stranger = Browser(app)

    first = await stranger.post("/api/auth/recovery", {"code": code})
    again = await Browser(app).post("/api/auth/recovery", {"code": code})

    assert len(account["recovery_codes"]) == 10
    assert not await RecoveryCode.filter(id=code).exists()
    assert first.status_code == 200 and (await first.get_json())["id"] == account["id"]
    assert again.status_code == 401


async def test_revoked_passkey_no_longer_signs_in(app: Quart) -> None:
    browser = Browser(app)
    await browser.sign_up()
    await browser.sign_up()
    old = browser.authenticator.credentials[0]
    passkey_id = (await (await browser.get("/api/me/passkeys")).get_json())[0]["id"]

    revoked = await browser.call("DELETE", f"/api/me/passkeys/{passkey_id}")
    await browser.sign_out()
    response = await browser.sign_in(credential=old)

    assert revoked.status_code == 204
    assert response.status_code == 401
    assert await Passkey.all().count() == 1


async def test_the_last_passkey_cannot_be_removed(app: Quart) -> None:
    browser = Browser(app)
    await browser.sign_up()
    passkey_id = (await (await browser.get("/api/me/passkeys")).get_json())[0]["id"]

    response = await browser.call("DELETE", f"/api/me/passkeys/{passkey_id}")

    assert response.status_code == 409
