"""Turning verified bytes into a stored photo, shared by plain and resumable uploads."""

from __future__ import annotations

import asyncio

from tortoise.transactions import in_transaction

from server.core.errors import PayloadTooLarge, UnsupportedMedia, Unprocessable
from server.media.intake import IntakeError, process_photo
from server.media.models import Media
from server.media.store import MediaStore
from server.reports.models import Report, ReportPhoto
from server.syncing.changelog import record_change

INTAKE_ERRORS = {
    "media.unsupported_type": UnsupportedMedia,
    "media.too_many_pixels": PayloadTooLarge,
    "media.corrupt": Unprocessable,
}


async def ingest_photo(
    data: bytes, sha256: str, uploader_id: object, store: MediaStore, max_pixels: int
) -> bool:
    """Process and store a photo whose hash was checked; answer whether it is new."""
    if await Media.exists(sha256=sha256):
        return False
    try:
        # Decoding a 12-megapixel photo takes a while: never on the event loop.
        processed = await asyncio.to_thread(process_photo, data, max_pixels)
    except IntakeError as error:
        raise INTAKE_ERRORS[error.code](error.code, error.params) from error

    # Files first, then the row: a crash in between leaves an orphan file that the
    # next upload of the same photo overwrites, never a row without its file.
    await asyncio.to_thread(store.write, sha256, "display", processed.display_jpeg)
    await asyncio.to_thread(store.write, sha256, "thumb", processed.thumb_jpeg)
    async with in_transaction():
        if await Media.exists(sha256=sha256):
            return False
        await Media.create(
            sha256=sha256,
            source_type=processed.source_format,
            width=processed.width,
            height=processed.height,
            bytes=len(data),
            uploader_id=uploader_id,
        )
        await announce_arrival(sha256)
    return True


async def announce_arrival(sha256: str) -> None:
    """Reports that were waiting for this photo change: it is no longer pending."""
    report_ids = await ReportPhoto.filter(sha256=sha256).values_list("report_id", flat=True)
    for report in await Report.filter(id__in=list(report_ids), deleted_at=None):
        report.version += 1
        await report.save(update_fields=["version"])
        await record_change("report", str(report.id), report.version)
