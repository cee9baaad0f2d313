"""Pruning the delivery queue of messages that are done with."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from server.push.models import PushMessage

log = logging.getLogger("server.push")

# Rows deleted per statement: a long prune never holds SQLite's write lock for long.
PRUNE_BATCH = 5000
DONE_STATES = ("sent", "failed")


async def prune_push_messages(keep_days: int, now: datetime | None = None) -> int:
    """Delete sent and given-up messages created more than ``keep_days`` ago.

    Queued messages are never touched, however old: they are still owed.
    """
    now = now or datetime.now(timezone.utc)
    cutoff = now - timedelta(days=keep_days)
    removed = 0
    while True:
        ids = await PushMessage.filter(
            state__in=DONE_STATES, created_at__lt=cutoff
        ).limit(PRUNE_BATCH).values_list("id", flat=True)
        if not ids:
            break
        removed += await PushMessage.filter(id__in=list(ids)).delete()
    if removed:
        log.info("removed %d push messages older than %d days", removed, keep_days)
    return removed
