from __future__ import annotations

import json
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.app import create_app
from server.push.rules import (
    Verdict,
    address_allowed,
    check_vapid_subject,
    quiet_until,
    retry_delay,
    verdict,
)
from server.push.vapid import KEY_FILE, Vapid, load_or_create_key
from server.settings import Settings
from tests.push.receiver import unb64url


@pytest.mark.parametrize(
    "subject",
    ["", "mailto:admin@localhost", "mailto:admin@wegovnow", "https://localhost:8000",
     "https://127.0.0.1", "http://city.example.org", "city@example.org", "mailto:a@box.local"],
)
def test_vapid_subject_without_a_real_domain_is_refused(subject: str) -> None:
    with pytest.raises(ValueError, match="WEGOVNOW_VAPID_SUBJECT"):
        check_vapid_subject(subject)


@pytest.mark.parametrize("subject", ["mailto:webmaster@comune.milano.it", "https://wegovnow.example.org/contact"])
def test_vapid_subject_on_a_real_domain_is_accepted(subject: str) -> None:
    assert check_vapid_subject(subject) == subject


def test_a_bad_vapid_subject_in_the_environment_names_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEGOVNOW_VAPID_SUBJECT", "mailto:me@localhost")

    with pytest.raises(ValueError, match="WEGOVNOW_VAPID_SUBJECT"):
        Settings()


async def test_the_app_refuses_to_start_without_a_vapid_subject(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path, vapid_subject=""))

    with pytest.raises(Exception, match="WEGOVNOW_VAPID_SUBJECT is not set"):
        async with app.test_app():
            pass


def test_the_key_is_made_once_and_readable_by_the_app_alone(tmp_path: Path) -> None:
    first = load_or_create_key(tmp_path / "push")
    again = load_or_create_key(tmp_path / "push")

    assert first.private_numbers() == again.private_numbers()
    assert stat.S_IMODE((tmp_path / "push" / KEY_FILE).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "push").stat().st_mode) == 0o700


def test_each_push_service_gets_its_own_audience_and_a_token_under_a_day(tmp_path: Path) -> None:
    vapid = Vapid(load_or_create_key(tmp_path), "mailto:a@city.example.org")

    google = vapid.authorization("https://fcm.googleapis.com/fcm/send/abc")
    apple = vapid.authorization("https://web.push.apple.com/QGx1/xyz")
    claims = [json.loads(unb64url(header.split("t=")[1].split(".")[1])) for header in (google, apple)]

    assert [c["aud"] for c in claims] == ["https://fcm.googleapis.com", "https://web.push.apple.com"]
    assert all(c["exp"] - datetime.now(timezone.utc).timestamp() <= 24 * 3600 for c in claims)


@pytest.mark.parametrize(
    ("address", "allowed"),
    [("8.8.8.8", True), ("2606:4700::1111", True), ("10.0.0.1", False), ("127.0.0.1", False),
     ("::1", False), ("169.254.1.1", False), ("100.64.0.1", False), ("::ffff:10.0.0.1", False),
     ("239.1.1.1", False), ("0.0.0.0", False), ("fe80::1%eth0", False)],
)
def test_only_public_unicast_addresses_may_be_called(address: str, allowed: bool) -> None:
    assert address_allowed(address, allow_loopback=False) is allowed


@pytest.mark.parametrize(
    ("status", "attempts", "expected"),
    [(201, 1, Verdict.SENT), (410, 1, Verdict.GONE), (404, 1, Verdict.GONE), (429, 1, Verdict.RETRY),
     (503, 7, Verdict.RETRY), (503, 8, Verdict.FAILED), (None, 1, Verdict.RETRY), (400, 1, Verdict.FAILED),
     (413, 1, Verdict.FAILED), (307, 1, Verdict.FAILED)],
)
def test_each_answer_of_a_push_service_has_one_verdict(status: int | None, attempts: int, expected: Verdict) -> None:
    assert verdict(status, attempts, max_attempts=8) is expected


def test_retry_after_wins_over_the_back_off_in_seconds_and_as_a_date() -> None:
    now = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)

    assert retry_delay(1, "120", now) == 120
    assert retry_delay(1, "Thu, 03 Dec 2026 12:05:00 GMT", now) == 300
    assert retry_delay(3, None, now) == 120


@given(
    now=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(timezone.utc)),
    start=st.integers(0, 1439),
    end=st.integers(0, 1439),
    zone=st.sampled_from(["UTC", "Europe/Rome", "Europe/Athens", "America/New_York"]),
)
def test_quiet_hours_end_within_a_day_and_outside_the_window(now: datetime, start: int, end: int, zone: str) -> None:
    resume = quiet_until(now, start, end, zone)

    if resume is not None:
        assert now < resume <= now + timedelta(hours=25)
        assert quiet_until(resume, start, end, zone) is None


def test_a_message_whose_title_alone_is_too_long_is_cut_to_fit() -> None:
    # Only the body was ever cut: a title over the limit looped for ever, holding
    # the request (and the event loop) that queued the message.
    from server.push.events import payload_json
    from server.push.rules import PAYLOAD_MAX_BYTES

    text = payload_json("Lampione " * 400, "Guasto", "/mine", "report-1", "report:1")

    assert len(text.encode()) <= PAYLOAD_MAX_BYTES
    assert json.loads(text)["title"].startswith("Lampione")


@given(st.text(max_size=3000), st.text(max_size=3000))
def test_every_message_with_our_own_link_and_tag_is_cut_to_fit(
    title: str, body: str
) -> None:
    from server.push.events import payload_json
    from server.push.rules import PAYLOAD_MAX_BYTES

    text = payload_json(title, body, "/mine", "report-1", "report:1")

    assert len(text.encode()) <= PAYLOAD_MAX_BYTES


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254, the cloud metadata service
        "64:ff9b:1::a00:1",  # local-use NAT64 of 10.0.0.1
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 10.0.0.1
        "::127.0.0.1",  # IPv4-compatible loopback
    ],
)
def test_an_ipv6_address_carrying_a_private_ipv4_address_is_never_called(
    address: str,
) -> None:
    # On an IPv6-only host with a NAT64 gateway these reach the private network.
    assert address_allowed(address, allow_loopback=False) is False


def test_ipv6_loopback_is_called_only_when_the_setting_allows_it() -> None:
    allowed = [address_allowed("::1", allow_loopback=flag) for flag in (False, True)]

    assert allowed == [False, True]


def test_a_public_ipv4_host_reached_through_nat64_may_be_called() -> None:
    # A DNS64 resolver on an IPv6-only host answers so for a push service.
    assert address_allowed("64:ff9b::8efa:b44e", allow_loopback=False) is True
