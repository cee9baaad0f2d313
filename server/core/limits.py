"""Rate limits per account and per client address, with quart-rate-limiter.

quart-rate-limiter (GCRA) keeps its counters in a store; the one here is a database
table, so that several instances behind a load balancer share them. Known
shortcoming: reading and writing a counter are two statements, so two instances that
race on one key at the very limit may both let a request through.

The limits attach to routes by what they do (see ``LIMITED``), so a module that adds
a sign-in, upload or subscription route is limited without importing this file.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from quart import Quart, Response, current_app, g, request
from quart_rate_limiter import RateLimit, RateLimiter, RateLimitExceeded
from quart_rate_limiter.store import RateLimiterStoreABC
from tortoise.exceptions import IntegrityError

from server.settings import Settings

# (group, methods, path pattern): which routes count against which limit.
LIMITED: list[tuple[str, frozenset[str], re.Pattern[str]]] = [
    ("signin", frozenset({"POST"}), re.compile(r"^/api/auth/")),
    ("signin", frozenset({"GET"}), re.compile(r"^/signin/")),
    ("reports", frozenset({"POST"}), re.compile(r"^/api/sync/push$")),
    ("uploads", frozenset({"PUT"}), re.compile(r"^/api/media/")),
    ("uploads", frozenset({"POST"}), re.compile(r"^/api/uploads$")),
    (
        "push_subscriptions",
        frozenset({"POST", "PUT"}),
        re.compile(r"^/api/push/.*subscri"),
    ),
]


class DatabaseStore(RateLimiterStoreABC):
    """Theoretical arrival times in the ``rate_counters`` table."""

    async def before_serving(self) -> None:
        pass

    async def after_serving(self) -> None:
        pass

    async def get(self, key: str, default: datetime) -> datetime:
        from server.accounts.models import RateCounter

        row = await RateCounter.get_or_none(key=key[:255])
        return row.tat if row is not None else default

    async def set(self, key: str, tat: datetime) -> None:
        from server.accounts.models import RateCounter

        updated = await RateCounter.filter(key=key[:255]).update(tat=tat)
        if updated == 0:
            try:
                await RateCounter.create(key=key[:255], tat=tat)
            except IntegrityError:  # another request created it a moment ago
                await RateCounter.filter(key=key[:255]).update(tat=tat)


def client_address() -> str:
    """The client's address; X-Forwarded-For counts only from a trusted proxy.

    Walking the forwarded chain from the right, the first address that is not one of
    our proxies is the client: everything left of it could be made up by the client.
    """
    settings: Settings = current_app.config["SETTINGS"]
    peer = request.remote_addr or "unknown"
    trusted = settings.trusted_proxy_addresses
    if peer not in trusted:
        return peer
    forwarded = request.headers.get("X-Forwarded-For", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted and is_address(hop):
            return hop
    return peer


def is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


async def address_key() -> str:
    return "ip:" + client_address()


async def account_key() -> str:
    caller = g.get("caller")
    return f"user:{caller.user.id}" if caller is not None else "user:-"


async def skip_anonymous() -> bool:
    return g.get("caller") is None


def parse_limit(value: str) -> tuple[int, timedelta]:
    count, _, seconds = value.partition("/")
    return int(count), timedelta(seconds=int(seconds))


def limits_for(group: str, settings: Settings) -> list[RateLimit]:
    count, period = parse_limit(getattr(settings, f"rate_limit_{group}"))
    return [
        RateLimit(count, period, key_function=address_key),
        RateLimit(
            count, period, key_function=account_key, skip_function=skip_anonymous
        ),
    ]


def install_rate_limits(app: Quart, settings: Settings) -> None:
    """Attach the limits to matching routes; call after every blueprint is registered.

    Must come after the hook that finds the caller: the account key needs it.
    """
    RateLimiter(app, store=DatabaseStore(), enabled=settings.rate_limits == "on")
    wrapped: set[str] = set()
    for rule in list(app.url_map.iter_rules()):
        methods = rule.methods or set()
        for group, wanted, pattern in LIMITED:
            if rule.endpoint in wrapped or not (
                methods & wanted and pattern.search(rule.rule)
            ):
                continue
            # View functions are shared by every app made in this process; the limits
            # of this app's settings go on a wrapper of its own.
            app.view_functions[rule.endpoint] = limited(
                app.view_functions[rule.endpoint], limits_for(group, settings)
            )
            wrapped.add(rule.endpoint)
    app.register_error_handler(RateLimitExceeded, rate_limited)


def limited(view: Callable[..., Any], limits: list[RateLimit]) -> Callable[..., Any]:
    @functools.wraps(view)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        return await current_app.ensure_async(view)(*args, **kwargs)

    wrapper.__dict__.pop("_quart_rate_limiter_limits", None)
    wrapper._quart_rate_limiter_limits = [  # type: ignore[attr-defined]
        *getattr(view, "_quart_rate_limiter_limits", []),
        *limits,
    ]
    return wrapper


async def rate_limited(error: RateLimitExceeded) -> Response:
    from server.app import error_response

    response = error_response(
        429, "rate_limited", "rate_limited", {"seconds": error.retry_after}
    )
    response.headers["Retry-After"] = str(error.retry_after)
    return response
