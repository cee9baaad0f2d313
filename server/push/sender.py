"""Requests to push services: encrypted in threads, posted through one async client.

pywebpush encrypts (RFC 8291, aes128gcm, a fresh ECDH key per message) in a thread
pool, since ECDH and AES release the GIL. The POST
goes through one pooled aiohttp session on the event loop, with keep-alive, no
redirects, no proxy settings from the environment and a timeout.

Every address is checked before a connection is opened: the resolver drops the
addresses the server must not call, and an IP literal in the endpoint is checked
before the request. A host that resolved to a public address when subscribed and
to a private one now (DNS rebinding) is refused before any packet reaches it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from pywebpush import WebPusher

from server.push.rules import PAYLOAD_MAX_BYTES, address_allowed
from server.push.vapid import Vapid


class AddressRefused(Exception):
    """The endpoint's host now resolves to an address the server must not call."""


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:200]


@dataclass(frozen=True)
class Attempt:
    """The answer of a push service: a status, or None when none came."""

    status: int | None
    retry_after: str | None = None
    error: str | None = None
    refused: bool = False


@dataclass(frozen=True)
class Sealed:
    """An encrypted message, ready to post."""

    endpoint: str
    body: bytes
    headers: dict[str, str]


def encrypt_many(items: list[tuple[str, str, bytes]]) -> list[bytes | str]:
    """Encrypt each ``(p256dh, auth, payload)`` for its device (RFC 8291, aes128gcm),
    or say why it cannot be; runs in the seal threads."""
    bodies: list[bytes | str] = []
    for p256dh, auth, payload in items:
        if len(payload) > PAYLOAD_MAX_BYTES:
            bodies.append("payload too large")
            continue
        info = {"endpoint": "", "keys": {"p256dh": p256dh, "auth": auth}}
        try:
            bodies.append(WebPusher(info).encode(payload)["body"])
        except Exception as error:  # a bad key fails its message, not the others
            bodies.append(describe(error))
    return bodies


class GuardedResolver(AbstractResolver):
    """Resolves as usual, then keeps only the addresses the server may call."""

    def __init__(self, allow_loopback: bool) -> None:
        self.allow_loopback = allow_loopback
        self.inner = ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self.inner.resolve(host, port, family)
        allowed = [r for r in found if address_allowed(r["host"], self.allow_loopback)]
        if not allowed:
            raise AddressRefused(f"{host} -> {', '.join(r['host'] for r in found)}")
        return allowed

    async def close(self) -> None:
        await self.inner.close()


def literal_refused(endpoint: str, allow_loopback: bool) -> str | None:
    """The endpoint's IP literal if the server must not call it (aiohttp skips the
    resolver for literals), else None."""
    host = urlsplit(endpoint).hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return None
    return None if address_allowed(host, allow_loopback) else host


class Sender:
    """Seals messages (thread-safe) and posts them (on the event loop)."""

    def __init__(
        self, vapid: Vapid, timeout: float, allow_loopback: bool, connections: int = 16
    ) -> None:
        self.vapid = vapid
        self.timeout = timeout
        self.allow_loopback = allow_loopback
        self.connections = connections
        self.session: aiohttp.ClientSession | None = None

    async def open(self) -> None:
        connector = aiohttp.TCPConnector(
            limit=self.connections,
            resolver=GuardedResolver(self.allow_loopback),
            ttl_dns_cache=60,
            keepalive_timeout=30,
        )
        self.session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            trust_env=False,
            auto_decompress=False,
            skip_auto_headers=("User-Agent", "Accept-Encoding"),
        )

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
            self.session = None

    def seal(
        self, endpoint: str, body: bytes, ttl: int, urgency: str, topic: str
    ) -> Sealed:
        """Add the signed VAPID header and the Web Push headers to an encrypted body."""
        headers = {
            "Authorization": self.vapid.authorization(endpoint),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(ttl),
            "Urgency": urgency,
            "Topic": topic,
        }
        return Sealed(endpoint, body, headers)

    async def post(self, sealed: Sealed) -> Attempt:
        """POST one sealed message; answer what the push service said."""
        assert self.session is not None, "call Sender.open() first"
        refused = literal_refused(sealed.endpoint, self.allow_loopback)
        if refused is not None:
            return Attempt(None, error=f"address refused: {refused}", refused=True)
        try:
            async with self.session.post(
                sealed.endpoint, data=sealed.body, headers=sealed.headers,
                allow_redirects=False,
            ) as response:
                await response.read()
                return Attempt(response.status, response.headers.get("Retry-After"))
        except AddressRefused as error:
            return Attempt(None, error=f"address refused: {error}"[:200], refused=True)
        except aiohttp.ClientConnectorError as error:
            if isinstance(error.os_error, AddressRefused) or isinstance(
                error.__cause__, AddressRefused
            ):
                return Attempt(None, error=f"address refused: {error}"[:200], refused=True)
            return Attempt(None, error=type(error).__name__)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            return Attempt(None, error=type(error).__name__)



