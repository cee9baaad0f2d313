"""Run the real ``wegovnow serve`` as a child process, for tests that need real HTTP,
several instances, or a process that dies."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wegovnow(*args: str, env: dict[str, str] | None = None) -> str:
    """Run a ``wegovnow`` command and answer what it printed."""
    result = subprocess.run(
        [str(BIN / "wegovnow"), *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


class LiveServer:
    def __init__(self, data_dir: Path, env: dict[str, str] | None = None, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.env = {
            **os.environ,
            "WEGOVNOW_PUBLIC_URL": f"http://localhost:{self.port}",
            "WEGOVNOW_RATE_LIMITS": "off",
            "WEGOVNOW_VAPID_SUBJECT": "mailto:tests@wegovnow.example.org",
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "wegovnow"), "serve", "--port", str(self.port), "--data-dir", str(self.data_dir)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """Die at once, as a power cut or the OOM killer would do it."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def create_user(self, role: str, name: str) -> dict[str, Any]:
        out = wegovnow(
            "users", "create", "--role", role, "--name", name, "--json",
            "--data-dir", str(self.data_dir), env=self.env_for_cli(),
        )
        return json.loads(out)  # type: ignore[no-any-return]

    def seed(self) -> None:
        wegovnow("seed-demo", "--data-dir", str(self.data_dir), env=self.env_for_cli())

    def env_for_cli(self) -> dict[str, str]:
        return {k: v for k, v in self.env.items() if k.startswith("WEGOVNOW_")}
