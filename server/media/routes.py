from __future__ import annotations

import hashlib
import re
from typing import Any

from quart import Blueprint, Response, current_app, request, send_file

from server.accounts.auth import require_caller
from server.core.errors import BadRequest, NotFound, PayloadTooLarge
from server.media.ingest import ingest_photo
from server.media.models import Media
from server.media.store import VARIANTS, MediaStore
from server.settings import Settings

blueprint = Blueprint("media", __name__)

SHA256 = re.compile(r"^[0-9a-f]{64}$")


def checked_sha(sha256: str) -> str:
    if not SHA256.match(sha256):
        raise BadRequest("media.bad_hash", {"sha256": sha256[:80]})
    return sha256


@blueprint.route("/api/media/<sha256>", methods=["HEAD"])
async def media_exists(sha256: str) -> Any:
    require_caller()
    found = await Media.exists(sha256=checked_sha(sha256))
    return Response(status=200 if found else 404)


@blueprint.put("/api/media/<sha256>")
async def upload(sha256: str) -> Any:
    """Take a photo's bytes, named by their SHA-256."""
    caller = require_caller()
    settings: Settings = current_app.config["SETTINGS"]
    sha256 = checked_sha(sha256)
    if await Media.exists(sha256=sha256):
        return Response(status=200)

    data = await read_limited(settings.media_max_bytes)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise BadRequest("media.hash_mismatch")
    store: MediaStore = current_app.config["MEDIA_STORE"]
    created = await ingest_photo(data, sha256, caller.user.id, store, settings.media_max_pixels)
    return Response(status=201 if created else 200)


async def read_limited(max_bytes: int) -> bytes:
    length = request.content_length
    if length is not None and length > max_bytes:
        raise PayloadTooLarge("media.too_large", {"max_mb": max_bytes // (1024 * 1024)})
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.body:
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge("media.too_large", {"max_mb": max_bytes // (1024 * 1024)})
        chunks.append(chunk)
    if size == 0:
        raise BadRequest("media.empty")
    return b"".join(chunks)


@blueprint.get("/api/media/<sha256>/<variant>")
async def serve(sha256: str, variant: str) -> Any:
    sha256 = checked_sha(sha256)
    if variant not in VARIANTS or not await Media.exists(sha256=sha256):
        raise NotFound("media.not_found")
    # Photos are only reachable by their hash, which only people who can see a report
    # learn. Known shortcoming: a hash that leaked stays valid for a hidden report.
    store: MediaStore = current_app.config["MEDIA_STORE"]
    response = await send_file(store.path(sha256, variant), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
