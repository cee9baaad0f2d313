"""Browser fixtures: the real server in a subprocess and Debian's Chromium.

The PWA must be built first (``cd pwa && npm ci && npm run build``); the server
serves ``pwa/dist``. Pages use ``http://localhost:PORT``: Chromium treats it as
a secure context (service workers, crypto.subtle), as it would HTTPS.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DIST = REPO / "pwa" / "dist"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def wegovnow_executable() -> str:
    path = Path(sys.executable).parent / "wegovnow"
    if not path.exists():
        pytest.skip(f"no wegovnow executable next to {sys.executable}")
    return str(path)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    base_url: str
    data_dir: Path
    env: dict[str, str]

    def cli(self, *args: str) -> str:
        """Run a ``wegovnow`` command against this server's data folder."""
        result = subprocess.run(
            [wegovnow_executable(), *args, "--data-dir", str(self.data_dir)],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            # Say what the command said: a bare exit status tells nothing.
            raise AssertionError(
                f"wegovnow {' '.join(args)} exited {result.returncode}:\n{result.stderr}"
            )
        return result.stdout

    def create_user(self, role: str, name: str) -> dict[str, Any]:
        out = self.cli("users", "create", "--role", role, "--name", name, "--json")
        return json.loads(out)  # type: ignore[no-any-return]

    def api(self, path: str, token: str, body: Any = None) -> Any:
        """Call the API as a script would: a bearer token, JSON in and out."""
        headers = {"Authorization": f"Bearer {token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())


    def fetch(self, path: str, token: str) -> bytes:
        """Read what the API answers as bytes (a photo), with a bearer token."""
        headers = {"Authorization": f"Bearer {token}"}
        request = urllib.request.Request(self.base_url + path, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            return bytes(response.read())


def wait_for_health(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base_url + "/api/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server not healthy in 30 s:\n{log.read_text()[-3000:]}")


@contextmanager
def running_server(tmp_path: Path, pwa_dir: Path = DIST) -> Iterator[Server]:
    """Run ``wegovnow serve`` on a free port until the block ends."""
    if not (pwa_dir / "index.html").exists():
        pytest.skip("pwa/dist is missing: run `cd pwa && npm ci && npm run build`")
    port = free_port()
    base_url = f"http://localhost:{port}"
    data_dir = tmp_path / "data"
    env = {
        **os.environ,
        "WEGOVNOW_PUBLIC_URL": base_url,
        "WEGOVNOW_RATE_LIMITS": "off",
        "WEGOVNOW_PWA_DIR": str(pwa_dir),
        # The server refuses to start without a contact for push services.
        "WEGOVNOW_VAPID_SUBJECT": "mailto:tests@wegovnow.example.org",
    }
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                wegovnow_executable(),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--data-dir",
                str(data_dir),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_health(base_url, process, log)
        yield Server(base_url, data_dir, env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with running_server(tmp_path) as running:
        yield running


@pytest.fixture
def tiled_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """A server whose map tiles come from its own origin; tests answer /tiles/
    with ``context.route``. Tiles from another origin: ``test_map_tiles.py``."""
    monkeypatch.setenv("WEGOVNOW_TILE_URL", "/tiles/{z}/{x}/{y}.png")
    with running_server(tmp_path) as running:
        yield running


@pytest.fixture
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (make chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield instance
        finally:
            instance.close()
