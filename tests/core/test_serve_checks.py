"""``wegovnow serve`` refuses to start, with one clear line, where it could not work."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.cli import main


def test_serve_refuses_a_data_folder_it_cannot_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Root writes anywhere, so a folder under a plain file stands in for a read-only one.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("WEGOVNOW_VAPID_SUBJECT", "mailto:tests@wegovnow.example.org")

    code = main(["serve", "--data-dir", str(blocker / "data")])

    assert code == 2
    assert "cannot be written" in capsys.readouterr().err
