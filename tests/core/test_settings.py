from __future__ import annotations

import re
from pathlib import Path

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


def resolved(value: object) -> object:
    return value.resolve() if isinstance(value, Path) else value


def test_every_documented_value_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # The example file says "the value shown is the default": a default changed
    # in one place only (the saved-area zoom that keeps within OpenStreetMap's
    # tile policy, say) would mislead whoever deploys from the file.
    for key in documented_keys():
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(REPO_ROOT)  # the example's folders are relative to it
    documented = Settings(_env_file=EXAMPLE).model_dump()  # type: ignore[call-arg]
    defaults = Settings(_env_file=None).model_dump()  # type: ignore[call-arg]

    differ = {
        key: (documented[key], defaults[key])
        for key, default in defaults.items()
        if resolved(documented[key]) != resolved(default)
    }
    assert differ == {}
