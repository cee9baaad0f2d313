"""``User.last_seen_at``: kept up to date by use, written at most once an hour."""

from __future__ import annotations

from datetime import timedelta

from server.accounts.auth import utcnow
from server.accounts.models import User
from tests.conftest import Person


async def test_a_request_marks_the_member_as_seen(resident: Person) -> None:
    before = utcnow()

    await resident.get("/api/me")

    seen = (await User.get(id=resident.user.id)).last_seen_at
    assert seen is not None and seen >= before


async def test_requests_within_the_hour_do_not_write_the_time_again(
    resident: Person,
) -> None:
    earlier = utcnow() - timedelta(minutes=59)
    await User.filter(id=resident.user.id).update(last_seen_at=earlier)

    await resident.get("/api/me")

    assert (await User.get(id=resident.user.id)).last_seen_at == earlier


async def test_a_request_after_an_hour_writes_the_time_again(resident: Person) -> None:
    earlier = utcnow() - timedelta(minutes=61)
    await User.filter(id=resident.user.id).update(last_seen_at=earlier)

    await resident.get("/api/me")

    assert (await User.get(id=resident.user.id)).last_seen_at > earlier
