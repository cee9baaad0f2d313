"""One HTTP request to a push service, made in a worker thread.

pywebpush encrypts (RFC 8291, aes128gcm) and posts through ``requests``. The session
given to it never follows a redirect, ignores proxy settings from the environment, and
checks the address of every socket it opens: a host that resolved to a public address
when subscribed and to a private one now (DNS rebinding) is refused before any byte of
the request is written. The limit: the TCP connection itself is opened first, so such
a host learns that somebody knocked.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from typing import Any

import requests
from pywebpush import WebPushException, webpush
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from server.push.rules import PAYLOAD_MAX_BYTES, address_allowed
from server.push.vapid import Vapid


class AddressRefused(Exception):
    """The endpoint's host now resolves to an address the server must not call."""


@dataclass(frozen=True)
class Attempt:
    """The answer of a push service: a status, or None when none came."""

    status: int | None
    retry_after: str | None = None
    error: str | None = None
    refused: bool = False


def guarded_pools(allow_loopback: bool) -> dict[str, type[HTTPConnectionPool]]:
    def check(sock: socket.socket) -> socket.socket:
        peer = sock.getpeername()[0]
        if not address_allowed(peer, allow_loopback):
            sock.close()
            raise AddressRefused(peer)
        return sock

    class GuardedHTTPConnection(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            return check(super()._new_conn())

    class GuardedHTTPSConnection(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            return check(super()._new_conn())

    class GuardedHTTPPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTPConnection

    class GuardedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPSConnection

    return {"http": GuardedHTTPPool, "https": GuardedHTTPSPool}


class GuardedAdapter(HTTPAdapter):
    def __init__(self, allow_loopback: bool) -> None:
        self.pools = guarded_pools(allow_loopback)
        super().__init__(pool_connections=64, pool_maxsize=4, max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self.pools


class NoRedirectSession(requests.Session):
    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


class Sender:
    """Sends one message; safe to call from several threads at once."""

    def __init__(self, vapid: Vapid, timeout: float, allow_loopback: bool) -> None:
        self.vapid = vapid
        self.timeout = timeout
        self.allow_loopback = allow_loopback
        self._local = threading.local()

    def session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = NoRedirectSession()
            session.trust_env = False
            adapter = GuardedAdapter(self.allow_loopback)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._local.session = session
        return session

    def send(
        self,
        endpoint: str,
        p256dh: str,
        auth: str,
        payload: bytes,
        ttl: int,
        urgency: str,
        topic: str,
    ) -> Attempt:
        if len(payload) > PAYLOAD_MAX_BYTES:
            return Attempt(None, error="payload too large", refused=True)
        headers = {
            "Authorization": self.vapid.authorization(endpoint),
            "Urgency": urgency,
            "Topic": topic,
        }
        try:
            response = webpush(
                {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
                data=payload,
                headers=headers,
                ttl=ttl,
                timeout=self.timeout,
                requests_session=self.session(),
            )
        except WebPushException as error:
            if error.response is None:
                return Attempt(None, error=str(error.message)[:200])
            return Attempt(error.status_code, error.retry_after)
        except AddressRefused as error:
            return Attempt(None, error=f"address refused: {error}", refused=True)
        except requests.RequestException as error:
            return Attempt(None, error=type(error).__name__)
        return Attempt(response.status_code)  # type: ignore[union-attr]
