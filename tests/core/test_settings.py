from __future__ import annotations

import re

import pytest

from server.settings import REPO_ROOT, Settings

EXAMPLE = REPO_ROOT / "settings.example.env"


def documented_keys() -> set[str]:
    pattern = re.compile(r"^(WEGOVNOW_[A-Z_]+)=", re.MULTILINE)
    return set(pattern.findall(EXAMPLE.read_text(encoding="utf-8")))


def test_every_setting_is_documented_in_the_example_file_and_nothing_else() -> None:
    expected = {f"WEGOVNOW_{name.upper()}" for name in Settings.model_fields}

    assert documented_keys() == expected


def test_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEGOVNOW_PHOTOS_PER_REPORT", "3")

    assert Settings().photos_per_report == 3


def test_bad_setting_names_the_key_and_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEGOVNOW_PORT", "eighty")

    with pytest.raises(ValueError, match="port"):
        Settings()
