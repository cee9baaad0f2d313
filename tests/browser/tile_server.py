"""A map tile server on an origin of its own (``http://127.0.0.1:PORT``, while
the app runs on ``http://localhost:PORT``), with or without CORS headers, fast
or slow."""

from __future__ import annotations

import io
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image, PngImagePlugin

TILE_PATH = re.compile(r"^/(\d+)/(\d+)/(\d+)\.png$")


def png_tile(padding: int = 0) -> bytes:
    """A 1x1 grey PNG, made `padding` bytes bigger with a text chunk."""
    info = PngImagePlugin.PngInfo()
    if padding:
        info.add_text("padding", "x" * padding)
    out = io.BytesIO()
    Image.new("L", (1, 1), 128).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


@dataclass
class TileServer:
    origin: str
    body: bytes
    stop: Callable[[], None]
    requests: list[str] = field(default_factory=list)

    @property
    def template(self) -> str:
        return self.origin + "/{z}/{x}/{y}.png"

    def url(self, z: int, x: int, y: int) -> str:
        return f"{self.origin}/{z}/{x}/{y}.png"


@contextmanager
def serving_tiles(
    cors: bool, padding: int = 0, delay: float = 0.0
) -> Iterator[TileServer]:
    """Answer every /{z}/{x}/{y}.png with the same PNG until the block ends,
    each after `delay` seconds (a slow connection, for watching progress)."""
    body = png_tile(padding)
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            time.sleep(delay)
            if not TILE_PATH.match(self.path):
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            if cors:
                self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    stopped = False

    def stop() -> None:
        nonlocal stopped
        if not stopped:
            stopped = True
            httpd.shutdown()
            httpd.server_close()

    try:
        yield TileServer(f"http://127.0.0.1:{httpd.server_port}", body, stop, seen)
    finally:
        stop()
