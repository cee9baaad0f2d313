"""The one typed settings object, read from ``WEGOVNOW_*`` environment variables.

Every key is documented in ``settings.example.env`` at the top of the repository; a test
fails when the two disagree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

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
    # Members count toward quorums only when seen within this many days (LF's
    # member_ttl). Half a year keeps people who take part a few times a year, such as
    # in a yearly budget round, and outlasts the longest issue many times over, so a
    # supporter seen at admission still counts at the vote; an account left alone
    # since last year no longer raises every share quorum.
    proposals_member_ttl_days: int = Field(default=180, ge=1)

    rate_limits: Literal["on", "off"] = "on"
    trusted_proxies: str = ""
    rate_limit_signin: str = "10/60"
    rate_limit_reports: str = "30/60"
    rate_limit_uploads: str = "60/60"
    rate_limit_push_subscriptions: str = "10/60"

    rp_id: str = ""
    rp_name: str = "WeGovNow"
    webauthn_origins: str = ""
    challenge_seconds: int = Field(default=300, ge=10, le=300)
    invitation_hours: int = Field(default=72, ge=1, le=24 * 30)

    vapid_subject: str = ""
    push_allow_loopback: bool = False
    push_worker: bool = True
    push_concurrency: int = Field(default=16, ge=1, le=256)
    push_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    push_ttl_seconds: int = Field(default=24 * 3600, ge=1, le=28 * 24 * 3600)
    push_max_attempts: int = Field(default=8, ge=1, le=50)
    push_keep_days: int = Field(default=30, ge=1)
    push_max_devices: int = Field(default=20, ge=1, le=10_000)

    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = (
        '&copy; <a href="https://www.openstreetmap.org/copyright">'
        "OpenStreetMap</a> contributors"
    )
    tile_cache_max_tiles: int = Field(default=1000, ge=1, le=100_000)
    tile_cache_max_bytes: int = Field(default=30 * 1024 * 1024, ge=1024)
    # OpenStreetMap's tile usage policy forbids bulk downloading, naming offline
    # copies of significant areas at zoom 17 and above without consent
    # (https://operations.osmfoundation.org/policies/tiles/): saved areas stop at
    # 16 unless a deployment with its own tile server raises this.
    tile_save_max_zoom: int = Field(default=16, ge=0, le=22)

    @field_validator("public_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator(
        "rate_limit_signin",
        "rate_limit_reports",
        "rate_limit_uploads",
        "rate_limit_push_subscriptions",
    )
    @classmethod
    def _count_per_seconds(cls, value: str) -> str:
        count, _, seconds = value.partition("/")
        if not (count.strip().isdigit() and seconds.strip().isdigit()):
            raise ValueError(f"{value!r} is not COUNT/SECONDS, for example 10/60")
        if int(count) < 1 or int(seconds) < 1:
            raise ValueError(f"{value!r} needs a count and a period of at least 1")
        return value

    @property
    def relying_party_id(self) -> str:
        """The WebAuthn RP id: the setting, or the host of the public URL."""
        return self.rp_id or (urlsplit(self.public_url).hostname or "localhost")

    @property
    def allowed_origins(self) -> list[str]:
        """Origins passkey ceremonies and state changes may come from."""
        extra = [o.strip().rstrip("/") for o in self.webauthn_origins.split(",")]
        return [self.public_url, *[o for o in extra if o and o != self.public_url]]

    @property
    def trusted_proxy_addresses(self) -> frozenset[str]:
        return frozenset(p.strip() for p in self.trusted_proxies.split(",") if p.strip())

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
