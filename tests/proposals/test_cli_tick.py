"""``wegovnow proposals tick``: one scheduler run from the command line."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

from server.accounts.models import User
from server.cli import main
from server.core.db import is_postgres, open_database
from server.proposals.models import (
    Draft,
    Initiative,
    Initiator,
    Interest,
    Issue,
    Supporter,
)
from tests.conftest import reset_postgres
from tests.proposals.builders import HOUR, make_place


def test_tick_command_runs_once_and_prints_what_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WEGOVNOW_DATABASE_URL", raising=False)

    status = main(
        [
            "proposals",
            "tick",
            "--data-dir",
            str(tmp_path),
            "--now",
            "2031-01-01T00:00:00",
        ]
    )

    assert status == 0
    assert json.loads(capsys.readouterr().out) == {"changes": [], "reminders": 0}


async def seed_supported_issue(url: str, created_at: datetime) -> str:
    """An issue in admission whose one initiative its author supports; its id."""
    if is_postgres(url):
        await reset_postgres(url)
    context = await open_database(url)
    try:
        author = await User.create(id=uuid.uuid4(), name="Rita")
        place = await make_place()
        issue = await Issue.create(
            id=uuid.uuid4(), area=place.area, policy=place.policy, created_at=created_at
        )
        initiative = await Initiative.create(
            id=uuid.uuid4(), issue=issue, name="Bike lanes", created_at=created_at
        )
        draft = await Draft.create(
            id=uuid.uuid4(),
            initiative=initiative,
            author=author,
            content="Paint bike lanes.",
            created_at=created_at,
        )
        await Initiator.create(initiative=initiative, member=author)
        await Interest.create(issue=issue, member=author)
        await Supporter.create(initiative=initiative, member=author, draft=draft)
    finally:
        await context.close_connections()
    return str(issue.id)


def test_tick_command_admits_an_issue_past_its_admission_time_and_prints_it(
    tmp_path: Path,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEGOVNOW_DATABASE_URL", database_url)
    created_at = datetime.now(timezone.utc)
    issue = asyncio.run(seed_supported_issue(database_url, created_at))
    now = (created_at + 2 * HOUR).isoformat()

    status = main(["proposals", "tick", "--data-dir", str(tmp_path), "--now", now])

    assert status == 0
    assert json.loads(capsys.readouterr().out)["changes"] == [
        {"issue": issue, "from": "admission", "to": "discussion"}
    ]
