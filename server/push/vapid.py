"""VAPID (RFC 8292): the server's key pair, made on first start, and signed tokens."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from server.push.rules import audience

KEY_FILE = "vapid_private_key.pem"
# Push services refuse tokens valid for more than 24 h; a fresh one is signed when
# less than an hour is left.
TOKEN_LIFETIME_S = 12 * 3600
TOKEN_RENEW_S = 3600


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def load_or_create_key(folder: Path) -> ec.EllipticCurvePrivateKey:
    """Read the key from ``folder``, or make it there readable by this user alone.

    Two instances starting together on one data folder agree: the key is written
    to a temporary file and linked into place, which fails for the second writer,
    who then reads the first one's key.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    path = folder / KEY_FILE
    if not path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        temporary = folder / f".{KEY_FILE}.{os.getpid()}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{path} does not hold a P-256 key; move it away to make a new one")
    return loaded


class Vapid:
    """Signs the ``Authorization: vapid t=..., k=...`` header, one token per push service."""

    def __init__(self, key: ec.EllipticCurvePrivateKey, subject: str) -> None:
        self.key = key
        self.subject = subject
        self.public_key = b64url(
            key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )
        self._tokens: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()

    def token(self, aud: str, now: float | None = None) -> str:
        now = time.time() if now is None else now
        with self._lock:
            cached = self._tokens.get(aud)
            if cached and cached[1] - now > TOKEN_RENEW_S:
                return cached[0]
        expires = int(now) + TOKEN_LIFETIME_S
        header = b64url(json.dumps({"typ": "JWT", "alg": "ES256"}).encode())
        claims = b64url(
            json.dumps({"aud": aud, "exp": expires, "sub": self.subject}).encode()
        )
        signing_input = f"{header}.{claims}".encode()
        r, s = decode_dss_signature(self.key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        signature = b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
        token = f"{header}.{claims}.{signature}"
        with self._lock:
            self._tokens[aud] = (token, expires)
        return token

    def authorization(self, endpoint: str) -> str:
        return f"vapid t={self.token(audience(endpoint))}, k={self.public_key}"
