"""Queueing one notice for a set of people, on the topic they chose per device.

Other modules (proposals) decide who should hear of what and hand over a
``Notice``: the topic, a key for the event, message keys with their named
placeholders and a link. This module finds the devices that chose the topic,
renders the message in each owner's language, honours quiet hours and queues
one message per device. Call it inside the transaction of the change that
caused the notice: the messages commit with it, or not at all.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from quart import current_app, has_app_context

from server.core.i18n import Catalog
from server.push.events import payload_json
from server.push.models import PushMessage, PushPreference, PushTopic
from server.push.queue import Queued, queue_messages
from server.push.rules import quiet_until
from server.settings import Settings

log = logging.getLogger("server.push")

# Ids per IN (...) list: SQLite allows 32,766 variables, PostgreSQL 32,767.
ID_CHUNK = 1000


@dataclass(frozen=True)
class Notice:
    """What to tell; rendered per language from ``locales/server/<lang>.json``."""

    topic: str
    event_key: str  # one message per event and device, e.g. "issue:<id>:voting_started"
    title_key: str
    body_key: str
    url: str
    tag: str  # a newer notice with the same tag replaces the older one on the device
    params: Mapping[str, object] = field(default_factory=dict)
    # A notice that quiet hours would hold past this moment is not sent at all.
    expires_at: datetime | None = None


def catalog_now() -> Catalog:
    """The app's catalog, or the configured one outside a request (CLI, scheduler)."""
    if has_app_context():
        return current_app.config["CATALOG"]  # type: ignore[no-any-return]
    return configured_catalog()


@lru_cache(maxsize=1)
def configured_catalog() -> Catalog:
    settings = Settings()
    return Catalog.load(settings.locales_dir, settings.default_locale)


async def enqueue_notice(
    notice: Notice, user_ids: Iterable[uuid.UUID], catalog: Catalog | None = None
) -> int:
    """Queue ``notice`` for every device of ``user_ids`` that chose its topic.

    A device that already holds a message for the event gets no second one.
    Answers the number of messages queued.
    """
    targets = await subscribed_devices(notice, list(set(user_ids)))
    if not targets:
        return 0
    catalog = catalog or catalog_now()
    owners = list({row["subscription__user_id"] for row in targets})
    quiet = {
        p.user_id: p  # type: ignore[attr-defined]
        for chunk in chunks(owners)
        for p in await PushPreference.filter(user_id__in=chunk)
    }

    now = datetime.now(timezone.utc)
    now_ms = int(time.time() * 1000)
    rendered: dict[str, str] = {}
    messages = []
    for row in targets:
        due = due_at(now, quiet.get(row["subscription__user_id"]))
        if (
            notice.expires_at is not None
            and due is not None
            and due >= notice.expires_at
        ):
            continue  # it would arrive after the moment it is about
        lang = row["subscription__user__locale"] or catalog.default
        if lang not in rendered:
            rendered[lang] = render(catalog, lang, notice)
        messages.append(
            Queued(
                subscription_id=row["subscription_id"],
                event_key=notice.event_key,
                topic=notice.topic,
                payload=rendered[lang],
                due_at=int(due.timestamp() * 1000) if due else now_ms,
            )
        )
    await queue_messages(messages)
    log.info("queued %d push messages for %s", len(messages), notice.event_key)
    wake_worker()
    return len(messages)


async def subscribed_devices(
    notice: Notice, user_ids: list[uuid.UUID]
) -> list[dict[str, Any]]:
    """Subscriptions of ``user_ids`` with the topic and no message for the event yet."""
    rows: dict[Any, dict[str, Any]] = {}
    for chunk in chunks(user_ids):
        for row in await PushTopic.filter(
            topic=notice.topic,
            subscription__user_id__in=chunk,
            subscription__user__deleted_at=None,
        ).values(
            "subscription_id", "subscription__user_id", "subscription__user__locale"
        ):
            rows[row["subscription_id"]] = row
    if not rows:
        return []
    done: set[Any] = set()
    for chunk in chunks(list(rows)):
        done.update(
            await PushMessage.filter(
                event_key=notice.event_key, subscription_id__in=chunk
            ).values_list("subscription_id", flat=True)
        )
    return [row for key, row in rows.items() if key not in done]


def due_at(now: datetime, preference: PushPreference | None) -> datetime | None:
    """When quiet hours end, or None to send now."""
    if preference is None:
        return None
    return quiet_until(
        now, preference.quiet_start, preference.quiet_end, preference.timezone
    )


def render(catalog: Catalog, lang: str, notice: Notice) -> str:
    params = dict(notice.params)
    title = catalog.translate(notice.title_key, lang, params)
    body = catalog.translate(notice.body_key, lang, params)
    return payload_json(title, body, notice.url, notice.tag, notice.event_key)


def chunks(values: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), ID_CHUNK):
        yield values[start : start + ID_CHUNK]


def wake_worker() -> None:
    """Nudge this process's worker; without an app it finds the messages by polling."""
    if has_app_context():
        worker = current_app.config.get("PUSH_WORKER")
        if worker is not None:
            worker.wake()
