"""Forgetting what is no longer needed: spent challenges, old counters, ended sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.accounts.models import Challenge, RateCounter, Session
from server.settings import Settings


async def prune_account_records(settings: Settings, now: datetime | None = None) -> int:
    """Delete expired challenges, idle rate counters and long-ended sessions."""
    now = now or datetime.now(UTC)
    removed = await Challenge.filter(expires_at__lt=now).delete()
    removed += await RateCounter.filter(tat__lt=now).delete()
    ended = now - timedelta(days=settings.session_absolute_days)
    removed += await Session.filter(last_seen_at__lt=ended).delete()
    return removed
