"""Serving the built PWA: caching by kind of file, compression, and the CSP."""

from __future__ import annotations

import asyncio
import gzip
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

import brotli
from quart import Request, Response

# Files under assets/ carry a content hash in their name: a new build makes new names.
IMMUTABLE = "public, max-age=31536000, immutable"
# The shell and the service worker must be checked on every load to pick up an update.
REVALIDATE = ("sw.js", "index.html", "manifest.webmanifest")
COMPRESSIBLE = {
    "application/javascript", "text/javascript", "text/css", "text/html",
    "application/json", "image/svg+xml", "application/manifest+json", "text/plain",
}
MIN_COMPRESS_BYTES = 256

mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/javascript", ".mjs")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob: https:{tiles}; connect-src 'self'{tiles}; "
    "worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def tile_origin(tile_url: str) -> str:
    """The CSP source of a tile URL template: its origin, with a ``{s}``-style
    subdomain as a wildcard; empty when the tiles come from this server."""
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return ""
    host = parts.netloc
    if host.startswith("{") and "}." in host:
        host = "*." + host.split("}.", 1)[1]
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str) -> str:
    origin = tile_origin(tile_url)
    return CSP.format(tiles=f" {origin}" if origin else "")


def cache_control(path: str) -> str | None:
    if path.startswith("assets/"):
        return IMMUTABLE
    if path in REVALIDATE:
        return "no-cache"
    return None


class Compressed:
    """Compressed copies of the PWA's files, made once per file version."""

    def __init__(self) -> None:
        self.copies: dict[tuple[Path, str], tuple[float, int, bytes]] = {}

    async def get(self, file: Path, encoding: str) -> bytes:
        stat = file.stat()
        cached = self.copies.get((file, encoding))
        if cached and cached[:2] == (stat.st_mtime, stat.st_size):
            return cached[2]
        data = await asyncio.to_thread(compress, file.read_bytes(), encoding)
        self.copies[(file, encoding)] = (stat.st_mtime, stat.st_size, data)
        return data


def compress(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(data, quality=11)  # type: ignore[no-any-return]
    return gzip.compress(data, compresslevel=9, mtime=0)


def chosen_encoding(request: Request) -> str | None:
    accepted = request.accept_encodings
    for encoding in ("br", "gzip"):
        if accepted.quality(encoding) > 0:
            return encoding
    return None


async def text_response(request: Request, file: Path, copies: Compressed) -> Response | None:
    """``file`` as a text response, compressed when the client takes it; None when
    it is not text worth compressing (leave it to ``send_from_directory``)."""
    mimetype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    stat = file.stat()
    if mimetype not in COMPRESSIBLE or stat.st_size < MIN_COMPRESS_BYTES:
        return None
    encoding = chosen_encoding(request)
    data = await copies.get(file, encoding) if encoding else file.read_bytes()
    response = Response(data, mimetype=mimetype)
    tag = f"{int(stat.st_mtime * 1000):x}-{stat.st_size:x}"
    if encoding:
        response.headers["Content-Encoding"] = encoding
        tag += f"-{encoding}"
    response.headers["Vary"] = "Accept-Encoding"
    response.set_etag(tag)
    await response.make_conditional(request)
    return response
