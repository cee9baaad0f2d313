"""Resumable photo uploads: the core of the tus 1.0 protocol, with its creation,
checksum and termination extensions (https://tus.io/protocols/resumable-upload).

A phone on a bad network sends a photo in chunks of about 1 MB. The server keeps the
committed offset and answers it on ``HEAD``, so an upload resumes after a cut
connection, an app kill or a change of network. Each chunk may carry its own checksum;
the whole file's SHA-256 is checked against the name the client gave before the photo
is processed. One upload exists per person and photo: asking to create it again answers
the same address, which is what lets a killed app find its upload again.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import os
import secrets
from pathlib import Path
from typing import Any

from quart import Blueprint, Response, current_app, request
from tortoise.transactions import in_transaction

from server.accounts.auth import require_caller
from server.core.errors import ApiError, BadRequest, Conflict, NotFound, PayloadTooLarge
from server.media.ingest import ingest_photo
from server.media.models import Media, Upload
from server.media.store import MediaStore
from server.settings import Settings

blueprint = Blueprint("uploads", __name__)

TUS_VERSION = "1.0.0"
CHECKSUMS = {"sha256": hashlib.sha256, "sha1": hashlib.sha1}


class ChecksumMismatch(ApiError):
    status = 460  # the tus checksum extension's own status


class PreconditionFailed(ApiError):
    status = 412


def tus_headers(response: Response, **extra: Any) -> Response:
    response.headers["Tus-Resumable"] = TUS_VERSION
    response.headers["Cache-Control"] = "no-store"
    for name, value in extra.items():
        response.headers[name.replace("_", "-")] = str(value)
    return response


def check_tus_version() -> None:
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        raise PreconditionFailed("upload.tus_version", {"version": TUS_VERSION})


def part_path(upload_id: str) -> Path:
    settings: Settings = current_app.config["SETTINGS"]
    return settings.data_dir / "uploads" / f"{upload_id}.part"


def parse_metadata(header: str) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64value`` pairs."""
    metadata: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in header.split(","))):
        key, _, encoded = pair.partition(" ")
        try:
            metadata[key] = base64.b64decode(encoded, validate=True).decode() if encoded else ""
        except (binascii.Error, UnicodeDecodeError):
            raise BadRequest("upload.bad_metadata", {"key": key[:40]})
    return metadata


@blueprint.route("/api/uploads", methods=["OPTIONS"])
async def discover() -> Any:
    settings: Settings = current_app.config["SETTINGS"]
    return tus_headers(
        Response(status=204),
        Tus_Version=TUS_VERSION,
        Tus_Extension="creation,checksum,termination",
        Tus_Max_Size=settings.media_max_bytes,
        Tus_Checksum_Algorithm=",".join(CHECKSUMS),
    )


@blueprint.post("/api/uploads")
async def create_upload() -> Any:
    caller = require_caller()
    check_tus_version()
    settings: Settings = current_app.config["SETTINGS"]
    length = header_int("Upload-Length")
    if length <= 0:
        raise BadRequest("media.empty")
    if length > settings.media_max_bytes:
        raise PayloadTooLarge("media.too_large", {"max_mb": settings.media_max_bytes // 2**20})
    sha256 = parse_metadata(request.headers.get("Upload-Metadata", "")).get("sha256", "")
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise BadRequest("media.bad_hash", {"sha256": sha256[:80]})

    upload = await Upload.get_or_none(user_id=caller.user.id, sha256=sha256)
    if upload is None or upload.length != length:
        if upload is not None:
            await discard(upload)
        upload = await Upload.create(
            id=secrets.token_hex(16), user_id=caller.user.id, sha256=sha256, length=length
        )
    if await Media.exists(sha256=sha256):
        # Already on the server (from this person or another): nothing to send.
        upload.offset = upload.length
        await upload.save(update_fields=["offset", "updated_at"])
    return tus_headers(
        Response(status=201),
        Location=f"/api/uploads/{upload.id}",
        Upload_Offset=upload.offset,
    )


@blueprint.route("/api/uploads/<upload_id>", methods=["HEAD"])
async def upload_offset(upload_id: str) -> Any:
    upload = await own_upload(upload_id)
    return tus_headers(Response(status=200), Upload_Offset=upload.offset, Upload_Length=upload.length)


@blueprint.route("/api/uploads/<upload_id>", methods=["PATCH"])
async def append_chunk(upload_id: str) -> Any:
    """Append one chunk at the committed offset; finish the photo on the last one."""
    upload = await own_upload(upload_id)
    check_tus_version()
    settings: Settings = current_app.config["SETTINGS"]
    if request.headers.get("Content-Type") != "application/offset+octet-stream":
        raise BadRequest("upload.bad_content_type")
    offset = header_int("Upload-Offset")
    if offset != upload.offset:
        raise Conflict("upload.offset_mismatch", {"expected": upload.offset, "sent": offset})

    chunk = await read_chunk(settings.upload_chunk_max_bytes)
    if offset + len(chunk) > upload.length:
        raise PayloadTooLarge("upload.past_length", {"length": upload.length})
    verify_chunk_checksum(chunk, request.headers.get("Upload-Checksum"))

    await asyncio.to_thread(write_at, part_path(upload.id), offset, chunk)
    # Only the request whose offset still matches commits, so two tabs sending the
    # same chunk at once cannot both move the offset.
    moved = await Upload.filter(id=upload.id, offset=offset).update(offset=offset + len(chunk))
    if moved != 1:
        raise Conflict("upload.offset_mismatch", {"expected": upload.offset, "sent": offset})
    upload.offset = offset + len(chunk)
    if upload.offset == upload.length:
        await finish(upload, settings)
    return tus_headers(Response(status=204), Upload_Offset=upload.offset)


@blueprint.route("/api/uploads/<upload_id>", methods=["DELETE"])
async def terminate(upload_id: str) -> Any:
    upload = await own_upload(upload_id)
    check_tus_version()
    await discard(upload)
    return tus_headers(Response(status=204))


async def own_upload(upload_id: str) -> Upload:
    caller = require_caller()
    upload = await Upload.get_or_none(id=upload_id[:40])
    # Another person's upload answers exactly like a missing one.
    if upload is None or upload.user_id != caller.user.id:  # type: ignore[attr-defined]
        raise NotFound("upload.not_found")
    return upload


async def finish(upload: Upload, settings: Settings) -> None:
    path = part_path(upload.id)
    data = await asyncio.to_thread(path.read_bytes)
    if hashlib.sha256(data).hexdigest() != upload.sha256:
        # The chunks were each fine but the whole is not the photo that was named:
        # start again from zero rather than keep a wrong file.
        await Upload.filter(id=upload.id).update(offset=0)
        path.unlink(missing_ok=True)
        raise Conflict("media.hash_mismatch")
    store: MediaStore = current_app.config["MEDIA_STORE"]
    await ingest_photo(data, upload.sha256, upload.user_id, store, settings.media_max_pixels)  # type: ignore[attr-defined]
    path.unlink(missing_ok=True)


async def discard(upload: Upload) -> None:
    async with in_transaction():
        await Upload.filter(id=upload.id).delete()
    part_path(upload.id).unlink(missing_ok=True)


def verify_chunk_checksum(chunk: bytes, header: str | None) -> None:
    if not header:
        return
    algorithm, _, encoded = header.partition(" ")
    make = CHECKSUMS.get(algorithm.lower())
    if make is None:
        raise BadRequest("upload.checksum_algorithm", {"algorithm": algorithm[:20]})
    try:
        expected = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise BadRequest("upload.checksum_algorithm", {"algorithm": algorithm[:20]})
    if make(chunk).digest() != expected:
        raise ChecksumMismatch("upload.checksum_mismatch")


def write_at(path: Path, offset: int, chunk: bytes) -> None:
    """Write a chunk at ``offset`` and make it durable before the offset is committed.

    Bytes past ``offset`` from an earlier attempt whose commit never happened are cut
    off first, so the file always equals what the committed offset says.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.ftruncate(fd, offset)
        os.pwrite(fd, chunk, offset)
        os.fsync(fd)
    finally:
        os.close(fd)


def header_int(name: str) -> int:
    raw = request.headers.get(name, "")
    if not raw.isdigit():
        raise BadRequest("upload.bad_header", {"name": name, "value": raw[:40]})
    return int(raw)


async def read_chunk(max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for part in request.body:
        size += len(part)
        if size > max_bytes:
            raise PayloadTooLarge("upload.chunk_too_large", {"max_bytes": max_bytes})
        chunks.append(part)
    return b"".join(chunks)
