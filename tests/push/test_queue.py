from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

import pytest
from quart import Quart

from server.push import events
from server.push.models import PushMessage, PushPreference, PushSubscription
from server.push.worker import Worker, now_ms
from server.settings import Settings
from tests.conftest import Person
from tests.helpers import mutation, new_report_args, push
from tests.push.conftest import subscribe
from tests.push.receiver import Receiver


async def queued(person: Person, receiver: Receiver, count: int) -> list[int]:
    subscription = await PushSubscription.create(
        id=uuid.uuid4(), user_id=person.user.id, endpoint=receiver.base_url + receiver.new_device().path,
        p256dh="x", auth="y",
    )
    rows = [
        PushMessage(subscription=subscription, event_key=f"test:{i}", topic="my_reports", payload="{}", due_at=now_ms())
        for i in range(count)
    ]
    await PushMessage.bulk_create(rows)
    return [row.id for row in await PushMessage.all()]


def idle_worker(app: Quart, **changes: object) -> Worker:
    settings: Settings = app.config["SETTINGS"].model_copy(update=changes)
    return Worker(settings, app.config["VAPID"])


async def test_two_workers_never_take_the_same_message_and_each_takes_at_most_its_limit(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    await queued(resident, receiver, 20)
    one, two = idle_worker(app), idle_worker(app)

    first, second = await one.claim(8), await two.claim(8)
    third = await one.claim(8)

    assert (len(first), len(second), len(third)) == (8, 8, 4)
    assert len({job.id for job in first + second + third}) == 20


async def test_messages_taken_but_not_started_are_handed_back_on_stop(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    await queued(resident, receiver, 5)
    worker = idle_worker(app)
    worker.buffer.extend((job, None, 0) for job in await worker.claim(5))  # type: ignore[misc]

    await worker.drain()

    assert len(await idle_worker(app).claim(10)) == 5


async def test_a_host_that_now_resolves_to_a_private_address_is_refused_at_send_time(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    await subscribe(resident, receiver)
    report = new_report_args()
    await push(resident, "client-rita-0001", [mutation(1, "report.create", report)])
    worker = idle_worker(app, push_allow_loopback=False)
    app.config["PUSH_WORKER"].stopping = True  # leave the message to the strict worker
    await app.config["PUSH_WORKER"].stop()
    await PushMessage.create(
        subscription=await PushSubscription.get(), event_key="x", topic="my_reports",
        payload="{}", due_at=now_ms(),
    )

    await worker.run(once=True)
    message = await PushMessage.get()

    assert receiver.requests == []
    assert message.state == "failed" and "address refused" in (message.last_error or "")


async def test_a_message_in_quiet_hours_waits_until_they_end(
    app: Quart, resident: Person, staff: Person, receiver: Receiver
) -> None:
    now = datetime.now(timezone.utc)
    minute = now.hour * 60 + now.minute
    await PushPreference.create(user_id=resident.user.id, quiet_start=(minute - 60) % 1440, quiet_end=(minute + 60) % 1440, timezone="UTC")
    await subscribe(resident, receiver)
    report = new_report_args()
    await push(resident, "client-rita-0001", [mutation(1, "report.create", report)])

    await push(staff, "client-sam-00001", [mutation(1, "report.set_state", {"id": report["id"], "state": "acknowledged"})])
    message = await PushMessage.get()

    assert 58 * 60_000 < message.due_at - now_ms() <= 60 * 60_000


async def test_a_state_change_that_fails_after_queueing_leaves_no_message_queued(
    app: Quart, resident: Person, staff: Person, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    await subscribe(resident, receiver)
    report = new_report_args()
    await push(resident, "client-rita-0001", [mutation(1, "report.create", report)])
    seen_in_transaction: list[int] = []
    queue_report_event = events.enqueue_report_event

    async def fail_after_queueing(*args: Any, **kwargs: Any) -> int:
        # No real handler fails after queueing, its last step; this stands in for
        # a bug or a broken constraint there. It counts the queue from inside the
        # mutation's savepoint first, so the test shows the message was written
        # and rolled back, not that it was never written.
        queued = await queue_report_event(*args, **kwargs)
        seen_in_transaction.append(await PushMessage.all().count())
        raise RuntimeError(f"failed after queueing {queued} messages")

    monkeypatch.setattr("server.reports.mutations.enqueue_report_event", fail_after_queueing)
    change = mutation(1, "report.set_state", {"id": report["id"], "state": "acknowledged"})
    answer = await push(staff, "client-sam-00001", [change])

    assert (answer["results"][0]["code"], seen_in_transaction) == ("mutation.failed", [1])
    assert await PushMessage.all().count() == 0
