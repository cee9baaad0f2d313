"""Theory of operation: the decisions of Web Push, free of HTTP and database.

What an endpoint may be, when quiet hours end, and what an answer of a push service
means for the message and its subscription::

    2xx                 sent
    404, 410            gone: the subscription is deleted (with its queued messages)
    429, 5xx, no answer retry after a back-off that honours Retry-After, up to a limit,
                        then give up and log
    3xx                 failed: redirects are never followed
    other 4xx           failed: logged, the subscription is kept
"""

from __future__ import annotations

import enum
import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Real push services take 4 KB; a margin keeps the encrypted record under it.
PAYLOAD_MAX_BYTES = 3000
URGENCIES = ("very-low", "low", "normal", "high")
BACKOFF_FIRST_S = 30
BACKOFF_MAX_S = 3600
RETRY_AFTER_MAX_S = 24 * 3600

# Host names that never reach a push service and that Apple refuses in a subject.
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".invalid", ".home.arpa")


class EndpointRefused(ValueError):
    """An endpoint the server will not call; ``code`` names the reason."""

    def __init__(self, code: str, endpoint: str) -> None:
        super().__init__(f"{code}: {endpoint[:80]}")
        self.code = code


def is_real_domain(host: str) -> bool:
    """A DNS name with a dot that is neither an IP literal nor a local name."""
    host = host.lower().rstrip(".")
    if not host or "." not in host or host == "localhost":
        return False
    if host.endswith(LOCAL_SUFFIXES):
        return False
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return bool(re.fullmatch(r"[a-z0-9.-]+", host))
    return False


def check_vapid_subject(subject: str) -> str:
    """Return ``subject`` if push services accept it, or say what is wrong."""
    fix = "set WEGOVNOW_VAPID_SUBJECT to e.g. mailto:webmaster@your-city.example.org"
    if not subject:
        raise ValueError(f"WEGOVNOW_VAPID_SUBJECT is not set; {fix}")
    if subject.startswith("mailto:"):
        _, _, domain = subject.removeprefix("mailto:").rpartition("@")
    elif subject.startswith("https://"):
        domain = urlsplit(subject).hostname or ""
    else:
        raise ValueError(f"WEGOVNOW_VAPID_SUBJECT={subject!r} is not mailto: or https:; {fix}")
    if not is_real_domain(domain):
        raise ValueError(
            f"WEGOVNOW_VAPID_SUBJECT={subject!r} has no real domain ({domain!r}); "
            f"Apple's push service refuses localhost and names without a dot; {fix}"
        )
    return subject


def address_allowed(address: str, allow_loopback: bool) -> bool:
    """May the server open a connection to ``address``?

    Only globally routable unicast addresses; loopback too when tests allow it.
    """
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.is_loopback:  # ::1, inside ::/96 below
            return allow_loopback
        if any(ip in net for net in NEVER_CALLED_V6):
            return False
        embedded = embedded_ipv4(ip)
        if embedded is not None:
            ip = embedded
    if allow_loopback and ip.is_loopback:
        return True
    return ip.is_global and not ip.is_multicast


# Local-use NAT64 and the deprecated IPv4-compatible form: never a push service.
NEVER_CALLED_V6 = (
    ipaddress.IPv6Network("64:ff9b:1::/48"),
    ipaddress.IPv6Network("::/96"),
)
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one leads to: mapped, NAT64 (a DNS64 resolver
    answers so for a public IPv4 host on an IPv6-only machine), 6to4 or Teredo."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    return ip.teredo[1] if ip.teredo is not None else None


@dataclass(frozen=True)
class EndpointParts:
    scheme: str
    host: str
    port: int


def parse_endpoint(endpoint: str, allow_loopback: bool) -> EndpointParts:
    """Check the form of an endpoint URL; its addresses are checked by the caller."""
    if len(endpoint) > 1024:
        raise EndpointRefused("push.endpoint_invalid", endpoint)
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise EndpointRefused("push.endpoint_invalid", endpoint) from None
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password or parts.fragment:
        raise EndpointRefused("push.endpoint_invalid", endpoint)
    if parts.scheme == "https":
        return EndpointParts("https", host, port or 443)
    loopback_http = (
        parts.scheme == "http"
        and allow_loopback
        and (host == "localhost" or address_allowed(host, allow_loopback=True))
        and not address_allowed(host, allow_loopback=False)
    )
    if not loopback_http:
        raise EndpointRefused("push.endpoint_not_https", endpoint)
    return EndpointParts("http", host, port or 80)


def audience(endpoint: str) -> str:
    """The VAPID ``aud``: the origin of the push service."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def quiet_until(
    now: datetime, start: int | None, end: int | None, zone: str
) -> datetime | None:
    """When the quiet hours around ``now`` end, or None outside quiet hours.

    ``start`` and ``end`` are minutes after local midnight; a window may cross
    midnight (22:00 to 07:00). Equal bounds mean no quiet hours.
    """
    if start is None or end is None or start == end:
        return None
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    local = now.astimezone(tz)
    minute = local.hour * 60 + local.minute
    inside = start <= minute < end if start < end else minute >= start or minute < end
    if not inside:
        return None
    days = 1 if start > end and minute >= start else 0
    day = local.date() + timedelta(days=days)
    wall = datetime(day.year, day.month, day.day, end // 60, end % 60, tzinfo=tz)
    return wall.astimezone(timezone.utc)


class Verdict(enum.Enum):
    SENT = "sent"
    GONE = "gone"
    RETRY = "retry"
    FAILED = "failed"


def verdict(status: int | None, attempts: int, max_attempts: int) -> Verdict:
    """What an answer (None: no answer) means after ``attempts`` tries."""
    if status is not None and 200 <= status < 300:
        return Verdict.SENT
    if status in (404, 410):
        return Verdict.GONE
    if status is None or status == 429 or status >= 500:
        return Verdict.RETRY if attempts < max_attempts else Verdict.FAILED
    return Verdict.FAILED


def retry_delay(attempts: int, retry_after: str | None, now: datetime) -> float:
    """Seconds to wait: exponential back-off, or longer if the service says so."""
    backoff = min(BACKOFF_FIRST_S * 2 ** max(attempts - 1, 0), BACKOFF_MAX_S)
    asked = parse_retry_after(retry_after, now)
    if asked is None:
        return float(backoff)
    return float(min(asked, RETRY_AFTER_MAX_S))


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from ``now``: delta seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max((when - now).total_seconds(), 0.0)
