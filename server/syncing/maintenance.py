"""Pruning old tombstones, and the watermark that tells clients to start over."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tortoise.functions import Max
from tortoise.transactions import in_transaction

from server.syncing.models import ChangeLog, SyncWatermark


async def prune_tombstones(keep_days: int, now: datetime | None = None) -> int:
    """Forget deletions older than ``keep_days``.

    A client whose cursor is older than the newest forgotten deletion could never
    learn of it, so the watermark rises to that point and such a cursor answers
    "reset required".
    """
    now = now or datetime.now(timezone.utc)
    cutoff = now - timedelta(days=keep_days)
    async with in_transaction():
        old = ChangeLog.filter(deleted=True, created_at__lt=cutoff)
        newest = (await old.annotate(top=Max("seq")).values_list("top", flat=True))
        highest = newest[0] if newest and newest[0] is not None else None
        if highest is None:
            return 0
        removed = await ChangeLog.filter(deleted=True, created_at__lt=cutoff).delete()
        watermark, _ = await SyncWatermark.get_or_create(id=1)
        watermark.min_cursor = max(watermark.min_cursor, int(highest))
        await watermark.save()
    return int(removed)
