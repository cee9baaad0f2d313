"""The benchmark's push service: as cheap as a correct HTTP/1.1 responder can be.

It is the harness, not the product, and shares the two cores with the worker, where
a real push service acknowledges on machines of its own. So it does the least that
still shows the requests were right: a raw asyncio protocol (no HTTP library) that
frames each request by its ``Content-Length`` and answers ``201`` with keep-alive.
One request in ``SAMPLE_EVERY`` is checked in full: its Web Push headers, its VAPID
token (signature and claims) and its body, decrypted with the device's key. Every
other request must carry a token that a full check already accepted (a bytes
comparison, no parsing).

Run: ``python -m bench.push_receiver SUBJECT DEVICE_PRIVATE_KEY_HEX AUTH_SECRET_HEX``;
it prints its port, serves until stdin closes, then prints
``received errors decrypted cpu_seconds``.
"""

from __future__ import annotations

import asyncio
import json
import resource
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
    def __init__(
        self,
        checker: TokenChecker,
        device: dict[str, Any],
        counts: Counts,
        accepted: set[bytes],
    ) -> None:
        self.checker = checker
        self.device = device
        self.counts = counts
        self.data = bytearray()
        self.accepted = accepted
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.data += data
        while True:
            end = self.data.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.data[:end])
            start = head.lower().find(b"\r\ncontent-length:")
            line_end = head.find(b"\r\n", start + 2)
            length = (
                0
                if start < 0
                else int(head[start + 17 : line_end if line_end > 0 else None])
            )
            if len(self.data) < end + 4 + length:
                return
            body = bytes(self.data[end + 4 : end + 4 + length])
            del self.data[: end + 4 + length]
            assert self.transport is not None
            self.transport.write(self.handle(head, body))

    def handle(self, head: bytes, body: bytes) -> bytes:
        counts = self.counts
        try:
            if not head.startswith(b"POST /push/"):
                raise ValueError(f"request line {head[:40]!r}")
            if counts.received % SAMPLE_EVERY == 0:
                self.check_in_full(head, body)
            elif not any(token in head for token in self.accepted):
                raise ValueError("a VAPID token no full check accepted")
        except Exception as error:  # a failed check is a benchmark failure
            counts.errors.append(f"{type(error).__name__}: {error}")
            return REFUSED
        counts.received += 1
        return ACCEPTED

    def check_in_full(self, head: bytes, body: bytes) -> None:
        headers = {}
        for line in head.decode("latin-1").split("\r\n")[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        self.checker.verify(headers)
        self.accepted.add(headers["authorization"].encode("latin-1"))
        plain = http_ece.decrypt(
            body,
            private_key=self.device["key"],
            auth_secret=self.device["auth"],
            version="aes128gcm",
        )
        if "title" not in json.loads(plain):
            raise ValueError("decrypted payload has no title")
        self.counts.decrypted += 1


async def serve(subject: str, key_hex: str, auth_hex: str) -> None:
    checkers: list[TokenChecker] = []
    device = {
        "key": ec.derive_private_key(int(key_hex, 16), ec.SECP256R1()),
        "auth": bytes.fromhex(auth_hex),
    }
    counts = Counts()
    accepted: set[bytes] = set()  # Authorization values a full check accepted
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: PushProtocol(checkers[0], device, counts, accepted),
        "127.0.0.1",
        0,
        backlog=1024,
    )
    port = server.sockets[0].getsockname()[1]
    checkers.append(TokenChecker(subject, f"http://127.0.0.1:{port}"))
    print(port, flush=True)

    closed = loop.create_future()
    threading.Thread(
        target=lambda: (
            sys.stdin.read(),
            loop.call_soon_threadsafe(closed.set_result, None),
        ),
        daemon=True,
    ).start()
    await closed
    server.close()
    for error in counts.errors[:5]:
        print(error, file=sys.stderr)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    print(
        counts.received, len(counts.errors), counts.decrypted, f"{cpu:.2f}", flush=True
    )


if __name__ == "__main__":
    asyncio.run(serve(*sys.argv[1:4]))
