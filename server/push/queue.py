"""Writing messages into the delivery queue: one prepared INSERT, many rows.

One event can reach 10,000 devices. Building a ``PushMessage`` object per row
cost more than the insert itself (about 0.1 ms each, measured in
``bench/bench_push.py``), so the rows go to the driver as plain tuples; the
values pass through the model's own fields so SQLite and PostgreSQL store what
the ORM would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from server.push.models import PushMessage, PushSubscription

COLUMNS = (
    "subscription_id", "event_key", "topic", "payload", "urgency", "state",
    "due_at", "leased_until", "attempts", "created_at",
)  # fmt: skip


@dataclass(frozen=True)
class Queued:
    """One message to queue for one subscription."""

    subscription_id: Any
    event_key: str
    topic: str
    payload: str
    due_at: int  # epoch milliseconds
    urgency: str = "normal"


def insert_sql(dialect: str) -> str:
    if dialect == "postgres":
        marks = ", ".join(f"${i}" for i in range(1, len(COLUMNS) + 1))
    else:
        marks = ", ".join("?" * len(COLUMNS))
    return f"INSERT INTO push_messages ({', '.join(COLUMNS)}) VALUES ({marks})"


async def queue_messages(messages: list[Queued]) -> int:
    """Insert ``messages`` in the caller's transaction; answer how many.

    Call it inside the transaction of the event: a message and its cause commit
    together. A second message for the same event and device breaks the unique
    key and fails the whole transaction, as ``bulk_create`` did.
    """
    if not messages:
        return 0
    db = PushMessage._meta.db
    dialect = "postgres" if db.capabilities.dialect == "postgres" else "sqlite"
    fields = PushMessage._meta.fields_map
    subscription = fields["subscription_id"]
    created_at = fields["created_at"].to_db_value(datetime.now(UTC), PushMessage)
    rows = [
        [
            subscription.to_db_value(m.subscription_id, PushMessage),
            m.event_key,
            m.topic,
            m.payload,
            m.urgency,
            "queued",
            m.due_at,
            0,
            0,
            created_at,
        ]
        for m in messages
    ]
    await db.execute_many(insert_sql(dialect), rows)
    return len(rows)


async def reschedule_for_quiet_hours(user_id: Any, resume: datetime | None) -> int:
    """Move the person's queued messages to their new quiet hours; answer how many.

    ``resume`` is when the new quiet hours end if they hold now, else None.
    Call it in the transaction that stores the new rule. A message never tried
    is due at ``resume`` (held, or held for a shorter or longer time) or now
    (released). A message waiting to be retried keeps its back-off and is only
    held longer if quiet hours now outlast it.

    Known shortcomings: messages a worker holds (leased) are left to it, so one
    claimed seconds before the change may still go out in the new quiet hours;
    and a notice's ``expires_at`` is not stored, so a held notice released or
    held anew is not checked against the moment it was about.
    """
    now = int(datetime.now(UTC).timestamp() * 1000)
    subscriptions = await PushSubscription.filter(user_id=user_id).values_list(
        "id", flat=True
    )
    if not subscriptions:
        return 0
    # Converted by the field: an UPDATE's filter hands UUIDs to SQLite as they are.
    field = PushMessage._meta.fields_map["subscription_id"]
    ids = [field.to_db_value(id_, PushMessage) for id_ in subscriptions]
    waiting = PushMessage.filter(
        subscription_id__in=ids, state="queued", leased_until__lte=now
    )
    if resume is None:
        return await waiting.filter(attempts=0, due_at__gt=now).update(due_at=now)
    until = int(resume.timestamp() * 1000)
    held = await waiting.filter(attempts=0).exclude(due_at=until).update(due_at=until)
    retried = await waiting.filter(attempts__gt=0, due_at__lt=until).update(
        due_at=until
    )
    return held + retried
