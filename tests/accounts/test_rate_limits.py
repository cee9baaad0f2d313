from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from quart import Quart

from server.app import create_app
from server.core.db import activate
from server.settings import Settings

ORIGIN = {"Origin": "http://localhost"}


@asynccontextmanager
async def limited_app(settings: Settings, **overrides: Any) -> AsyncIterator[Quart]:
    changed = settings.model_copy(
        update={"rate_limits": "on", "rate_limit_signin": "3/60", **overrides}
    )
    application = create_app(changed)
    async with application.test_app():
        activate(application.config["DB"])
        yield application


async def login_options(app: Quart, peer: str, forwarded: str | None = None) -> int:
    headers = dict(ORIGIN)
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    client = app.test_client()
    response = await client.post(
        "/api/auth/passkeys/login/options",
        json={},
        headers=headers,
        scope_base={"client": (peer, 40000)},
    )
    return response.status_code


async def test_sign_in_is_limited_per_client_address(
    app: Quart, settings: Settings
) -> None:
    async with limited_app(settings) as limited:
        answers = [await login_options(limited, "203.0.113.5") for _ in range(4)]
        other = await login_options(limited, "203.0.113.6")

    assert answers == [200, 200, 200, 429]
    assert other == 200


async def test_a_spoofed_forwarded_for_does_not_escape_the_limit(
    app: Quart, settings: Settings
) -> None:
    async with limited_app(settings) as limited:
        answers = [
            await login_options(limited, "203.0.113.5", f"198.51.100.{n}")
            for n in range(4)
        ]

    assert answers[-1] == 429


async def test_behind_a_trusted_proxy_the_forwarded_address_counts(
    app: Quart, settings: Settings
) -> None:
    async with limited_app(settings, trusted_proxies="10.0.0.1") as limited:
        spoof_then_real = [
            await login_options(limited, "10.0.0.1", f"198.51.100.{n}, 203.0.113.5")
            for n in range(4)
        ]
        another_client = await login_options(limited, "10.0.0.1", "203.0.113.9")

    # The client may prepend anything; the proxy appends the address it saw.
    assert spoof_then_real == [200, 200, 200, 429]
    assert another_client == 200


async def test_the_answer_over_the_limit_says_when_to_retry(
    app: Quart, settings: Settings
) -> None:
    async with limited_app(settings) as limited:
        for _ in range(3):
            await login_options(limited, "203.0.113.5")
        response = await limited.test_client().post(
            "/api/auth/passkeys/login/options",
            json={},
            headers=ORIGIN,
            scope_base={"client": ("203.0.113.5", 1)},
        )

    body = await response.get_json()
    assert response.status_code == 429
    assert body["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1


async def test_limits_apply_per_account_across_addresses(
    app: Quart, settings: Settings
) -> None:
    from tests.conftest import make_person

    async with limited_app(settings, rate_limit_reports="2/60") as limited:
        person = await make_person(limited, "resident", "Rita")
        answers = []
        for n in range(3):
            response = await limited.test_client().post(
                "/api/sync/push",
                json={"protocol": 1, "client_id": "client-rita-0001", "mutations": []},
                headers=person.headers,
                scope_base={"client": (f"203.0.113.{n}", 1)},
            )
            answers.append(response.status_code)

    assert answers == [200, 200, 429]


async def test_uploads_are_limited(app: Quart, settings: Settings) -> None:
    from tests.conftest import make_person

    async with limited_app(settings, rate_limit_uploads="1/60") as limited:
        person = await make_person(limited, "resident", "Rita")
        answers = [
            (
                await limited.test_client().put(
                    f"/api/media/{'0' * 64}", data=b"x", headers=person.headers
                )
            ).status_code
            for _ in range(2)
        ]

    assert answers == [400, 429]


async def test_push_subscriptions_are_limited(app: Quart, settings: Settings) -> None:
    from tests.conftest import make_person

    body = {
        "endpoint": "https://push.example.org/x",
        "keys": {"p256dh": "AAAA", "auth": "AAAA"},
    }
    async with limited_app(settings, rate_limit_push_subscriptions="1/60") as limited:
        person = await make_person(limited, "resident", "Rita")
        answers = [
            (
                await limited.test_client().post(
                    "/api/push/subscriptions", json=body, headers=person.headers
                )
            ).status_code
            for _ in range(2)
        ]

    assert answers == [400, 429]


async def test_rate_limits_off_lets_everything_through(
    app: Quart, settings: Settings
) -> None:
    async with limited_app(settings, rate_limits="off") as unlimited:
        answers = {await login_options(unlimited, "203.0.113.5") for _ in range(6)}

    assert answers == {200}


@pytest.mark.parametrize(
    ("method", "path", "group"),
    [
        ("POST", "/api/auth/passkeys/login/verify", "signin"),
        ("POST", "/api/auth/recovery", "signin"),
        ("GET", "/signin/abc", "signin"),
        ("POST", "/api/sync/push", "reports"),
        ("PUT", "/api/media/" + "0" * 64, "uploads"),
        ("POST", "/api/uploads", "uploads"),
        ("POST", "/api/push/subscriptions", "push_subscriptions"),
        ("PUT", "/api/push/subscription", "push_subscriptions"),
    ],
)
def test_each_sensitive_route_counts_against_its_limit(
    method: str, path: str, group: str
) -> None:
    from server.core.limits import LIMITED

    matched = next(
        g
        for g, methods, pattern in LIMITED
        if method in methods and pattern.search(path)
    )

    assert matched == group
