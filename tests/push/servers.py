"""Real ``wegovnow serve`` processes for the restart and multi-instance tests."""

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

from tests.push.conftest import SUBJECT

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEGOVNOW_")}
    env.update(
        WEGOVNOW_VAPID_SUBJECT=SUBJECT,
        WEGOVNOW_PUSH_ALLOW_LOOPBACK="on",
        WEGOVNOW_PUSH_CONCURRENCY="4",
        # The delivery tests give one person hundreds of devices.
        WEGOVNOW_PUSH_MAX_DEVICES="1000",
        WEGOVNOW_RATE_LIMITS="off",
        WEGOVNOW_DATABASE_URL=database_url,
        **extra,
    )
    return env


def wegovnow(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "wegovnow"), *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def create_user(env: dict[str, str], data_dir: Path, role: str) -> str:
    out = wegovnow(env, "users", "create", "--role", role, "--name", role, "--json", "--data-dir", str(data_dir))
    return str(json.loads(out)["token"])


class Server:
    def __init__(self, env: dict[str, str], data_dir: Path, log: Path) -> None:
        self.port = free_port()
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [str(BIN / "wegovnow"), "serve", "--port", str(self.port), "--data-dir", str(data_dir)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.wait_healthy()

    def wait_healthy(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "the server exited"
            try:
                if httpx.get(self.url + "/api/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError("server did not start")

    def call(self, method: str, path: str, token: str, body: Any) -> httpx.Response:
        return httpx.request(
            method, self.url + path, json=body, timeout=30,
            headers={"Authorization": f"Bearer {token}"},
        )

    def terminate(self, timeout: float = 30) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout)
        self.log.close()
        return code


def wait_for(check: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)
