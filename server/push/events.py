"""Turning what happens to a report into queued notifications.

Called by the reports mutations inside their transaction: the messages commit with
the change that caused them, or not at all.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timezone
from typing import Any, Literal

from quart import current_app, has_app_context

from server.core.i18n import Catalog
from server.push.models import PushPreference, PushTopic
from server.push.queue import Queued, queue_messages
from server.push.rules import PAYLOAD_MAX_BYTES, quiet_until
from server.reports.models import Category, Report

log = logging.getLogger("server.push")

ReportEvent = Literal["created", "state", "update"]


def catalog_now() -> Catalog:
    return current_app.config["CATALOG"]  # type: ignore[no-any-return]


def payload_json(title: str, body: str, url: str, tag: str, event: str) -> str:
    """The message as the service worker reads it, cut to fit a push record."""
    message = {"v": 1, "id": event, "title": title, "body": body, "url": url, "tag": tag}
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    while len(text.encode()) > PAYLOAD_MAX_BYTES:
        # The body goes first; the title only once the body is down to "…". A
        # message that still does not fit (url and tag are ours) is refused by
        # the sender as too large.
        field = "body" if len(message["body"]) > 1 else "title"
        if len(message[field]) <= 1:
            break
        message[field] = message[field][: (len(message[field]) - 1) // 2] + "…"
        text = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    return text


FIELDS = ("subscription_id", "subscription__user_id", "subscription__user__locale",
          "subscription__user__role")


async def new_report_topics(cache: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Every "new reports" topic, read once per push batch when a cache is given:
    a batch of 1,000 new reports must not ask the database 1,000 times."""
    if cache is not None and "push_new_report_topics" in cache:
        return cache["push_new_report_topics"]  # type: ignore[no-any-return]
    rows = await PushTopic.filter(
        topic="new_reports", subscription__user__deleted_at=None
    ).values(*FIELDS, "category", "map_area", "min_lon", "min_lat", "max_lon", "max_lat")
    if cache is not None:
        cache["push_new_report_topics"] = rows
    return rows


def topic_matches(row: dict[str, Any], report: Report) -> bool:
    if row["category"] not in (None, report.category_id):  # type: ignore[attr-defined]
        return False
    area_id = report.area_id  # type: ignore[attr-defined]
    if row["map_area"] not in (None, str(area_id) if area_id else None):
        return False
    if row["min_lon"] is None:
        return True
    return (row["min_lon"] <= report.lon <= row["max_lon"]
            and row["min_lat"] <= report.lat <= row["max_lat"])


async def recipients(
    report: Report, actor_id: Any, event: ReportEvent, cache: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Subscriptions to notify, with their owner's id, role and language."""
    fields = FIELDS
    if event == "created":
        rows = [row for row in await new_report_topics(cache) if topic_matches(row, report)]
        staff_only = report.hidden
        rows = [r for r in rows if not staff_only or r["subscription__user__role"] in ("staff", "admin")]
    else:
        reporter_id = report.reporter_id  # type: ignore[attr-defined]
        if reporter_id is None:
            return []
        rows = await PushTopic.filter(
            topic="my_reports", subscription__user_id=reporter_id,
            subscription__user__deleted_at=None,
        ).values(*fields)
    unique = {row["subscription_id"]: row for row in rows if row["subscription__user_id"] != actor_id}
    return list(unique.values())


def render(
    catalog: Catalog, lang: str, event: ReportEvent, report: Report, category_names: dict[str, str],
    is_staff: bool,
) -> tuple[str, str, str]:
    category = category_names.get(lang) or category_names.get("en") or str(report.category_id)  # type: ignore[attr-defined]
    state = catalog.translate(f"push.state.{report.state}", lang)
    params = {"category": category, "state": state}
    title = catalog.translate(f"push.report.{event}.title", lang, params)
    body = catalog.translate(f"push.report.{event}.body", lang, params)
    url = f"/staff/reports/{report.id}" if is_staff else f"/mine?report={report.id}"
    return title, body, url


async def enqueue_report_event(
    event: ReportEvent,
    report: Report,
    actor_id: Any,
    catalog: Catalog | None = None,
    cache: dict[str, Any] | None = None,
) -> int:
    """Queue one message per subscribed device for ``event`` on ``report``.

    ``created`` goes to devices following new reports in the report's category,
    map area and box; ``state`` and ``update`` go to the reporter's devices. The actor is never
    notified of their own act. Answers the number of messages queued.
    """
    targets = await recipients(report, actor_id, event, cache)
    if not targets:
        return 0
    catalog = catalog or catalog_now()
    category = await Category.get_or_none(id=report.category_id)  # type: ignore[attr-defined]
    names: dict[str, str] = (category.names if category else None) or {}
    users = {row["subscription__user_id"] for row in targets}
    quiet = {p.user_id: p for p in await PushPreference.filter(user_id__in=list(users))}  # type: ignore[attr-defined]

    now = datetime.now(timezone.utc)
    now_ms = int(time.time() * 1000)
    event_key = f"report:{report.id}:v{report.version}"
    payloads: dict[tuple[str, bool], str] = {}
    messages = []
    for row in targets:
        lang = row["subscription__user__locale"] or catalog.default
        is_staff = row["subscription__user__role"] in ("staff", "admin")
        if (lang, is_staff) not in payloads:
            title, body, url = render(catalog, lang, event, report, names, is_staff)
            tag = f"report-{report.id}"
            payloads[(lang, is_staff)] = payload_json(title, body, url, tag, event_key)
        preference = quiet.get(row["subscription__user_id"])
        resume = preference and quiet_until(
            now, preference.quiet_start, preference.quiet_end, preference.timezone
        )
        messages.append(
            Queued(
                subscription_id=row["subscription_id"],
                event_key=event_key,
                topic="new_reports" if event == "created" else "my_reports",
                payload=payloads[(lang, is_staff)],
                due_at=int(resume.timestamp() * 1000) if resume else now_ms,
            )
        )
    await queue_messages(messages)
    log.info("queued %d push messages for %s", len(messages), event_key)
    if has_app_context():
        worker = current_app.config.get("PUSH_WORKER")
        if worker is not None:
            worker.wake()
    return len(messages)
