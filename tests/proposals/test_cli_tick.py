"""``wegovnow proposals tick``: one scheduler run from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.cli import main


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
