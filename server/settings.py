"""The one typed settings object, read from ``WEGOVNOW_*`` environment variables.

Every key is documented in ``settings.example.env`` at the top of the repository; a test
fails when the two disagree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WEGOVNOW_", extra="ignore")

    data_dir: Path = Path("./var")
    database_url: str = ""
    public_url: str = "http://localhost:8000"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    pwa_dir: Path = REPO_ROOT / "pwa" / "dist"
    locales_dir: Path = REPO_ROOT / "locales"
    default_locale: str = "en"

    session_idle_minutes: int = Field(default=60 * 24 * 14, ge=5)
    session_absolute_days: int = Field(default=90, ge=1)
    signin_link_minutes: int = Field(default=60 * 24, ge=1)

    media_max_bytes: int = Field(default=25 * 1024 * 1024, ge=1024)
    media_max_pixels: int = Field(default=50_000_000, ge=1)
    upload_chunk_max_bytes: int = Field(default=8 * 1024 * 1024, ge=64 * 1024)
    upload_grace_hours: int = Field(default=48, ge=1)
    photos_per_report: int = Field(default=5, ge=1, le=20)

    sync_batch_max: int = Field(default=1000, ge=1, le=1000)
    sync_pull_max: int = Field(default=1000, ge=1)
    sync_tombstone_days: int = Field(default=90, ge=1)
    clock_skew_minutes: int = Field(default=10, ge=1)

    proposals_tick_seconds: int = Field(default=60, ge=0)

    rate_limits: Literal["on", "off"] = "on"
    trusted_proxies: str = ""

    vapid_subject: str = ""
    push_allow_loopback: bool = False
    push_worker: bool = True
    push_concurrency: int = Field(default=16, ge=1, le=256)
    push_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    push_ttl_seconds: int = Field(default=24 * 3600, ge=1, le=28 * 24 * 3600)
    push_max_attempts: int = Field(default=8, ge=1, le=50)

    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = (
        '&copy; <a href="https://www.openstreetmap.org/copyright">'
        "OpenStreetMap</a> contributors"
    )

    @field_validator("public_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("vapid_subject")
    @classmethod
    def _real_vapid_subject(cls, value: str) -> str:
        """Empty is caught when the app starts; a wrong value as soon as it is read."""
        from server.push.rules import check_vapid_subject

        return check_vapid_subject(value) if value else value

    @property
    def resolved_database_url(self) -> str:
        """Use the configured URL, or the SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite://{(self.data_dir / 'wegovnow.sqlite3').resolve()}"

    @property
    def is_https(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"
