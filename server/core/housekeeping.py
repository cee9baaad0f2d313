"""Housekeeping: abandoned uploads, photo files without a row, old tombstones, old
push messages."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone

from server.accounts.maintenance import prune_account_records
from server.media.models import Media, Upload
from server.media.store import MediaStore
from server.push.maintenance import prune_push_messages
from server.settings import Settings
from server.syncing.maintenance import prune_tombstones

log = logging.getLogger("server")


async def prune_abandoned_uploads(settings: Settings, now: datetime | None = None) -> int:
    """Remove uploads nobody touched within the grace period, with their part files."""
    now = now or datetime.now(timezone.utc)
    cutoff = now - timedelta(hours=settings.upload_grace_hours)
    stale = await Upload.filter(updated_at__lt=cutoff)
    for upload in stale:
        (settings.data_dir / "uploads" / f"{upload.id}.part").unlink(missing_ok=True)
    if stale:
        await Upload.filter(id__in=[upload.id for upload in stale]).delete()
        log.info("removed %d abandoned uploads", len(stale))
    return len(stale)


async def prune_orphan_files(store: MediaStore, min_age_seconds: float = 60) -> int:
    """Remove photo files whose row never committed (a crash between the two).

    Only files older than ``min_age_seconds`` are touched, so an upload that is
    writing its files right now (in this or another instance) is left alone.
    """
    if not store.root.exists():
        return 0
    known = set(await Media.all().values_list("sha256", flat=True))
    horizon = datetime.now(timezone.utc).timestamp() - min_age_seconds
    removed = 0
    for path in await asyncio.to_thread(lambda: list(store.root.glob("*/*.jpg"))):
        sha256 = path.name.split(".")[0]
        if sha256 not in known and path.stat().st_mtime < horizon:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


async def housekeeping_loop(settings: Settings, store: MediaStore, every_seconds: float = 3600) -> None:
    while True:
        try:
            await prune_abandoned_uploads(settings)
            await prune_orphan_files(store)
            await prune_tombstones(settings.sync_tombstone_days)
            await prune_account_records(settings)
            await prune_push_messages(settings.push_keep_days)
        except Exception:  # keep the loop alive; the next round tries again
            log.exception("housekeeping failed")
        await asyncio.sleep(every_seconds)
