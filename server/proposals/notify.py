"""The hook point for telling people who follow an issue that something happened.

``notify_issue_followers`` is the one place the Web Push module (server/push/, being
built in parallel) should plug into for the topics "voting starts" and "voting ends in
24 h". Until then it only writes an ``IssueEvent`` row and a log line; nobody is sent
anything yet. Followers are the members interested in the issue (``Interest``).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from tortoise.exceptions import IntegrityError

from server.proposals.models import Issue, IssueEvent

log = logging.getLogger("server.proposals")

VOTING_STARTED = "voting_started"
VOTING_ENDS_SOON = "voting_ends_soon"  # 24 hours before the end of voting


async def notify_issue_followers(issue: Issue, event: str) -> None:
    """Record that ``event`` happened to ``issue``, once; push will deliver it later."""
    try:
        await IssueEvent.create(
            issue_id=issue.id, event=event, created_at=datetime.now(timezone.utc)
        )
    except IntegrityError:
        return  # already recorded by another run
    log.info("proposal issue event issue=%s event=%s", issue.id, event)
