"""Changing quiet hours moves the messages already queued for the person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from quart import Quart

from server.push.models import PushMessage
from server.push.worker import Worker, now_ms
from server.settings import Settings
from tests.conftest import Person
from tests.helpers import mutation, new_report_args, push
from tests.push.conftest import subscribe, wait_until
from tests.push.receiver import Receiver

QUIET_OFF = {"quiet_hours": None, "timezone": "UTC"}


def quiet_now(hours_left: int = 1) -> dict[str, object]:
    """Quiet hours from an hour ago until ``hours_left`` from now, in UTC."""
    now = datetime.now(UTC)
    start, end = now - timedelta(hours=1), now + timedelta(hours=hours_left)
    window = {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}
    return {"quiet_hours": window, "timezone": "UTC"}


async def state_change_for(resident: Person, staff: Person) -> str:
    """A report of ``resident`` that staff acknowledge: one message for them."""
    report = new_report_args()
    await push(resident, "client-rita-0001", [mutation(1, "report.create", report)])
    change = {"id": report["id"], "state": "acknowledged"}
    answer = await push(
        staff, "client-sam-00001", [mutation(1, "report.set_state", change)]
    )
    assert answer["results"][0]["status"] == "applied", answer
    return str(report["id"])


async def set_quiet_hours(person: Person, body: dict[str, object]) -> None:
    response = await person.put("/api/push/preferences", json=body)
    assert response.status_code == 200, await response.get_data(as_text=True)


async def without_worker(app: Quart) -> None:
    """Stop the app's worker, so that messages stay queued until a test sends."""
    await app.config.pop("PUSH_WORKER").stop()


async def deliver_due(app: Quart) -> int:
    settings: Settings = app.config["SETTINGS"]
    return await Worker(settings, app.config["VAPID"]).run(once=True)


async def test_held_messages_go_out_once_when_quiet_hours_are_turned_off(
    app: Quart, resident: Person, staff: Person, receiver: Receiver
) -> None:
    await set_quiet_hours(resident, quiet_now())
    device = await subscribe(resident, receiver)
    report_id = await state_change_for(resident, staff)
    assert (await PushMessage.get()).due_at > now_ms() + 30 * 60_000

    await set_quiet_hours(resident, QUIET_OFF)
    await wait_until(lambda: len(receiver.deliveries) >= 1)

    assert [d.path for d in receiver.deliveries] == [device.path]
    assert receiver.deliveries[0].message["url"] == f"/mine?report={report_id}"


async def test_messages_queued_before_quiet_hours_begin_are_held_by_them(
    app: Quart, resident: Person, staff: Person, receiver: Receiver
) -> None:
    await without_worker(app)
    await subscribe(resident, receiver)
    await state_change_for(resident, staff)

    await set_quiet_hours(resident, quiet_now())
    sent = await deliver_due(app)

    assert (sent, receiver.requests) == (0, [])
    assert (await PushMessage.get()).state == "queued"


async def test_shorter_quiet_hours_release_a_held_message_at_their_new_end(
    app: Quart, resident: Person, staff: Person, receiver: Receiver
) -> None:
    await set_quiet_hours(resident, quiet_now(hours_left=5))
    await subscribe(resident, receiver)
    await state_change_for(resident, staff)

    await set_quiet_hours(resident, quiet_now(hours_left=1))
    due_in = (await PushMessage.get()).due_at - now_ms()

    assert 58 * 60_000 < due_in <= 60 * 60_000
    assert receiver.requests == []


async def test_a_message_waiting_for_its_retry_keeps_its_back_off_when_released(
    app: Quart, resident: Person, staff: Person, receiver: Receiver
) -> None:
    await without_worker(app)
    await subscribe(resident, receiver)
    await state_change_for(resident, staff)
    retry_at = now_ms() + 10 * 60_000
    await PushMessage.all().update(attempts=1, due_at=retry_at, last_status=503)

    await set_quiet_hours(resident, quiet_now())
    await set_quiet_hours(resident, QUIET_OFF)

    assert (await PushMessage.get()).due_at >= retry_at
    assert await deliver_due(app) == 0
