"""The background run: a serving app moves issues every
``WEGOVNOW_PROPOSALS_TICK_SECONDS`` without anyone calling ``tick``."""

from __future__ import annotations

import asyncio

import pytest

from server.proposals.models import Issue
from server.settings import Settings
from tests.conftest import Person
from tests.proposals.builders import HOUR, created_at, make_place, propose, state


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"proposals_tick_seconds": 1})


async def test_a_serving_app_admits_a_supported_issue_on_its_own(
    resident: Person,
) -> None:
    place = await make_place()
    issue, _ = await propose(resident, place)
    # Made two hours ago: past the policy's one-hour minimum admission time.
    await Issue.filter(id=issue).update(created_at=await created_at(issue) - 2 * HOUR)

    for _ in range(50):  # the loop runs every second; wait at most 5
        if await state(issue) != "admission":
            break
        await asyncio.sleep(0.1)

    assert await state(issue) == "discussion"
