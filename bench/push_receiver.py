"""The benchmark's push service: as cheap as a correct HTTP/1.1 responder can be.

It is the harness, not the product, and shares the cores with the worker, so it does
the least that still shows the requests were right: a raw asyncio protocol (no HTTP
library) that reads each request, checks the Web Push headers and the VAPID token
(its ES256 signature once per token, its claims on every request, as push services
do), answers ``201`` with keep-alive, and decrypts one body in ``SAMPLE_EVERY``.

Run: ``python -m bench.push_receiver SUBJECT DEVICE_PRIVATE_KEY_HEX AUTH_SECRET_HEX``;
it prints its port, serves until stdin closes, then prints
``received errors decrypted``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from typing import Any

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec

from tests.push.receiver import Receiver

SAMPLE_EVERY = 100
ACCEPTED = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
REFUSED = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"


class TokenChecker(Receiver):
    """The test receiver's VAPID and header checks, without its server."""

    def __init__(self, subject: str, base_url: str) -> None:  # noqa: D107
        self.subject = subject
        self.verified: dict[str, dict[str, Any]] = {}
        self._base_url = base_url

    @property
    def base_url(self) -> str:
        return self._base_url


class Counts:
    def __init__(self) -> None:
        self.received = 0
        self.errors: list[str] = []
        self.decrypted = 0


class PushProtocol(asyncio.Protocol):
    def __init__(self, checker: TokenChecker, device: dict[str, Any], counts: Counts) -> None:
        self.checker = checker
        self.device = device
        self.counts = counts
        self.data = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.data += data
        while True:
            end = self.data.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.data[:end]).decode("latin-1").split("\r\n")
            headers = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if len(self.data) < end + 4 + length:
                return
            body = bytes(self.data[end + 4 : end + 4 + length])
            del self.data[: end + 4 + length]
            assert self.transport is not None
            self.transport.write(self.handle(head[0], headers, body))

    def handle(self, line: str, headers: dict[str, str], body: bytes) -> bytes:
        counts = self.counts
        try:
            if not line.startswith("POST /push/"):
                raise ValueError(f"request line {line!r}")
            self.checker.verify(headers)
            if counts.received % SAMPLE_EVERY == 0:
                plain = http_ece.decrypt(
                    body, private_key=self.device["key"],
                    auth_secret=self.device["auth"], version="aes128gcm",
                )
                if "title" not in json.loads(plain):
                    raise ValueError("decrypted payload has no title")
                counts.decrypted += 1
        except Exception as error:  # a failed check is a benchmark failure
            counts.errors.append(f"{type(error).__name__}: {error}")
            return REFUSED
        counts.received += 1
        return ACCEPTED


async def serve(subject: str, key_hex: str, auth_hex: str) -> None:
    checkers: list[TokenChecker] = []
    device = {
        "key": ec.derive_private_key(int(key_hex, 16), ec.SECP256R1()),
        "auth": bytes.fromhex(auth_hex),
    }
    counts = Counts()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: PushProtocol(checkers[0], device, counts), "127.0.0.1", 0, backlog=1024
    )
    port = server.sockets[0].getsockname()[1]
    checkers.append(TokenChecker(subject, f"http://127.0.0.1:{port}"))
    print(port, flush=True)

    closed = loop.create_future()
    threading.Thread(
        target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(closed.set_result, None)),
        daemon=True,
    ).start()
    await closed
    server.close()
    for error in counts.errors[:5]:
        print(error, file=sys.stderr)
    print(counts.received, len(counts.errors), counts.decrypted, flush=True)


if __name__ == "__main__":
    asyncio.run(serve(*sys.argv[1:4]))
