from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from server.settings import Settings
from tests.conftest import Person
from tests.push.receiver import Device, Receiver

SUBJECT = "mailto:push-tests@wegovnow.example.org"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test receiver listens on http://127.0.0.1."""
    return settings.model_copy(update={"push_allow_loopback": True, "push_concurrency": 4})


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver(SUBJECT).start()
    yield running
    running.stop()
    assert running.errors == []


async def subscribe(person: Person, receiver: Receiver, **extra: Any) -> Device:
    device = receiver.new_device()
    response = await person.post(
        "/api/push/subscriptions", json={**device.subscription(receiver.base_url), **extra}
    )
    assert response.status_code == 201, await response.get_data(as_text=True)
    return device


async def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.02)
