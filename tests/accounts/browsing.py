"""A browser stand-in for API tests: one cookie jar, the CSRF token, a passkey."""

from __future__ import annotations

from typing import Any

from quart import Quart

from tests.softauthn import SoftAuthenticator

ORIGIN = "http://localhost"


class Browser:
    def __init__(
        self, app: Quart, authenticator: SoftAuthenticator | None = None
    ) -> None:
        self.client = app.test_client()
        self.authenticator = authenticator or SoftAuthenticator(origin=ORIGIN)
        self.csrf: str | None = None

    async def call(
        self,
        method: str,
        path: str,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        sent = {"Origin": ORIGIN}
        if self.csrf:
            sent["X-CSRF-Token"] = self.csrf
        sent.update(headers or {})
        kwargs: dict[str, Any] = {"method": method, "headers": sent}
        if json is not None:
            kwargs["json"] = json
        response = await self.client.open(path, **kwargs)
        if response.mimetype == "application/json":
            body = await response.get_json()
            if isinstance(body, dict) and body.get("csrf_token"):
                self.csrf = body["csrf_token"]
        return response

    async def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return await self.call(
            "POST", path, json={} if json is None else json, **kwargs
        )

    async def get(self, path: str, **kwargs: Any) -> Any:
        return await self.call("GET", path, **kwargs)

    async def start_as_guest(self) -> dict[str, Any]:
        response = await self.post("/api/auth/guest")
        assert response.status_code == 201, await response.get_data(as_text=True)
        return await response.get_json()  # type: ignore[no-any-return]

    async def registration_options(self, **body: Any) -> dict[str, Any]:
        response = await self.post("/api/auth/passkeys/register/options", body)
        assert response.status_code == 200, await response.get_data(as_text=True)
        return await response.get_json()  # type: ignore[no-any-return]

    async def sign_up(self, name: str = "Rita", **body: Any) -> dict[str, Any]:
        options = await self.registration_options(name=name, **body)
        response = await self.post(
            "/api/auth/passkeys/register/verify",
            {"credential": self.authenticator.create(options)},
        )
        assert response.status_code == 201, await response.get_data(as_text=True)
        return await response.get_json()  # type: ignore[no-any-return]

    async def login_options(self) -> dict[str, Any]:
        response = await self.post("/api/auth/passkeys/login/options")
        assert response.status_code == 200, await response.get_data(as_text=True)
        return await response.get_json()  # type: ignore[no-any-return]

    async def sign_in(self, **get_args: Any) -> Any:
        options = await self.login_options()
        credential = self.authenticator.get(options, **get_args)
        return await self.post(
            "/api/auth/passkeys/login/verify", {"credential": credential}
        )

    async def sign_out(self) -> Any:
        response = await self.post("/api/auth/logout")
        self.csrf = None
        return response
