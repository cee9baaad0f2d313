"""A real Web Push receiver on 127.0.0.1: checks VAPID, decrypts with the device's key.

Each simulated device has its own P-256 key pair and auth secret, made here, and an
endpoint path on the receiver. Scripted answers (410, 429 with Retry-After, 307, ...)
are given to a device's next requests before it accepts again.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    path: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    answers: deque[tuple[int, dict[str, str]]] = field(default_factory=deque)

    def subscription(self, base_url: str) -> dict[str, Any]:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": base_url + self.path,
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth_secret)},
        }


@dataclass
class Delivery:
    path: str
    message: dict[str, Any]
    headers: dict[str, str]
    claims: dict[str, Any]
    received_at: float


class Receiver:
    def __init__(
        self, subject: str, delay: float = 0.0, decrypt: bool = True, any_path: bool = False
    ) -> None:
        self.subject = subject
        self.any_path = any_path
        self.delay = delay
        self.decrypt = decrypt
        self.devices: dict[str, Device] = {}
        self.deliveries: list[Delivery] = []
        self.requests: list[tuple[str, int]] = []  # every request and the status given
        self.errors: list[str] = []
        self.verified: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Receiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def new_device(self) -> Device:
        device = Device(
            path=f"/push/{uuid.uuid4().hex}",
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=uuid.uuid4().bytes,
        )
        self.devices[device.path] = device
        return device

    def counts(self) -> Counter[tuple[str, str]]:
        """How often each (device, message id) arrived."""
        with self.lock:
            return Counter((d.path, d.message["id"]) for d in self.deliveries)

    def verify(self, headers: dict[str, str]) -> dict[str, Any]:
        """Check the VAPID header (RFC 8292) and the push headers; answer the claims.

        A token's signature is checked once, as push services do; its claims
        (``exp`` above all) on every request.
        """
        authorization = headers.get("authorization", "")
        claims = self.verified.get(authorization)
        if claims is None:
            claims = self.verify_signature(authorization)
            self.verified[authorization] = claims
        now = time.time()
        if claims.get("aud") != self.base_url:
            raise ValueError(f"aud {claims.get('aud')}")
        if not now < claims.get("exp", 0) <= now + 24 * 3600:
            raise ValueError(f"exp {claims.get('exp')}")
        if claims.get("sub") != self.subject:
            raise ValueError(f"sub {claims.get('sub')}")
        if int(headers.get("ttl", "0")) <= 0:
            raise ValueError("TTL must be above zero")
        if headers.get("urgency") not in ("very-low", "low", "normal", "high"):
            raise ValueError(f"urgency {headers.get('urgency')}")
        if headers.get("content-encoding") != "aes128gcm":
            raise ValueError(f"content-encoding {headers.get('content-encoding')}")
        return claims

    def verify_signature(self, authorization: str) -> dict[str, Any]:
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise ValueError(f"authorization scheme {scheme!r}")
        parts = dict(p.strip().split("=", 1) for p in params.split(","))
        token, key = parts["t"], parts["k"]
        header_b64, claims_b64, signature_b64 = token.split(".")
        header = json.loads(unb64url(header_b64))
        if header.get("alg") != "ES256":
            raise ValueError(f"alg {header.get('alg')}")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        signature = unb64url(signature_b64)
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        try:
            public.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise ValueError("bad VAPID signature") from None
        claims: dict[str, Any] = json.loads(unb64url(claims_b64))
        claims["k"] = key
        return claims

    def handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def answer(self, status: int, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with receiver.lock:
                    receiver.requests.append((self.path, status))

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if receiver.delay:
                    time.sleep(receiver.delay)
                device = receiver.devices.get(self.path)
                if device is None and receiver.any_path:
                    device = receiver.devices.setdefault(self.path, Device(self.path, None, b""))  # type: ignore[arg-type]
                if device is None:
                    self.answer(404)
                    return
                with receiver.lock:
                    scripted = device.answers.popleft() if device.answers else None
                if scripted is not None:
                    self.answer(*scripted)
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    claims = receiver.verify(headers)
                    message: dict[str, Any] = {"id": headers.get("topic")}
                    if receiver.decrypt:
                        plain = http_ece.decrypt(
                            body, private_key=device.private_key,
                            auth_secret=device.auth_secret, version="aes128gcm",
                        )
                        message = json.loads(plain)
                        message["bytes"] = len(plain)
                except Exception as error:  # a failed check is a test failure
                    with receiver.lock:
                        receiver.errors.append(f"{type(error).__name__}: {error}")
                    self.answer(400)
                    return
                with receiver.lock:
                    receiver.deliveries.append(
                        Delivery(self.path, message, headers, claims, time.time())
                    )
                self.answer(201, {"Location": f"{self.path}/m/{uuid.uuid4().hex}"})

        return Handler

