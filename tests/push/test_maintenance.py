from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from quart import Quart

from server.push.maintenance import prune_push_messages
from server.push.models import PushMessage, PushSubscription
from server.push.worker import now_ms
from tests.conftest import Person


async def messages(person: Person, *states: str) -> None:
    subscription = await PushSubscription.create(
        id=uuid.uuid4(), user_id=person.user.id, endpoint=f"https://push.example.org/{uuid.uuid4()}",
        p256dh="x", auth="y",
    )
    for i, state in enumerate(states):
        await PushMessage.create(
            subscription=subscription, event_key=f"test:{i}", topic="my_reports",
            payload="{}", due_at=now_ms(), state=state,
        )


def days_later(days: int) -> datetime:
    return datetime.now(timezone.utc) + timedelta(days=days)


async def test_sent_and_given_up_messages_past_the_limit_are_deleted(app: Quart, resident: Person) -> None:
    await messages(resident, "sent", "failed")

    removed = await prune_push_messages(30, now=days_later(31))

    assert removed == 2 and await PushMessage.all().count() == 0


async def test_queued_messages_are_kept_however_old(app: Quart, resident: Person) -> None:
    await messages(resident, "queued")

    await prune_push_messages(30, now=days_later(365))

    assert await PushMessage.all().count() == 1


async def test_sent_messages_within_the_limit_are_kept(app: Quart, resident: Person) -> None:
    await messages(resident, "sent")

    await prune_push_messages(30, now=days_later(29))

    assert await PushMessage.all().count() == 1
