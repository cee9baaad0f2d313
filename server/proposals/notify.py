"""Telling people about proposals by Web Push: issue followers and new trustees.

Who follows an issue. A follower is a member *interested* in the issue
(``Interest``), LF's meaning. Supporters and initiators follow it too, because
supporting (and so initiating) makes a member interested, and dropping interest
drops support (``mutations``), as in LF. Casting a ballot also makes a member
interested. Members who only delegate, and trustees, do not follow an issue for
that alone. **We differ:** LF mails every issue state change to all members with
voting right in the unit who do not ignore the area; a push is more intrusive
than a digest mail, so we push only to followers.

What they hear, on the device topic ``followed_issues``:

* ``voting_started``: when the issue enters voting, to every follower;
* ``voting_ends_soon``: once, 24 hours before voting ends, to followers who have
  not cast a ballot yet (the others have nothing left to do). Policies whose
  voting lasts 24 hours or less get no reminder: "voting started" says it all.

Trustees hear on the topic ``delegations`` when a member delegates to them: once
per new delegation, not when the same delegation is set again.

Every function here runs inside the transaction of the change that caused it,
so the messages commit with the change or not at all. An ``IssueEvent`` row,
unique per issue and event, makes each issue event happen once even when
several app instances run the scheduler.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import datetime, timezone

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from server.proposals.models import (
    Area,
    Ballot,
    Delegation,
    Initiative,
    Interest,
    Issue,
    IssueEvent,
    Unit,
)
from server.push.notices import Notice, enqueue_notice

log = logging.getLogger("server.proposals")

VOTING_STARTED = "voting_started"
VOTING_ENDS_SOON = "voting_ends_soon"  # 24 hours before the end of voting
FOLLOWED_TOPIC = "followed_issues"
DELEGATION_TOPIC = "delegations"
# Initiative names in a notice are cut here; the app shows the whole issue.
NAMES_MAX = 120


def issue_url(issue_id: object) -> str:
    """Where a notice about an issue leads in the app (the PWA's route)."""
    return f"/proposals/issues/{issue_id}"


async def notify_issue_followers(
    issue: Issue, event: str, ends_at: datetime | None = None
) -> int:
    """Record ``event`` for ``issue`` once and queue a push to its followers.

    ``ends_at`` is when voting ends: a message that quiet hours would hold past
    it is dropped. Answers the number of messages queued (0 if the event was
    already recorded).
    """
    try:
        # A savepoint: on PostgreSQL a failed INSERT would spoil the caller's
        # whole transaction, phase change included.
        async with in_transaction():
            await IssueEvent.create(
                issue_id=issue.id, event=event, created_at=datetime.now(timezone.utc)
            )
    except IntegrityError:
        return 0  # already recorded by another run

    recipients = await followers(issue, event)
    notice = Notice(
        topic=FOLLOWED_TOPIC,
        event_key=f"issue:{issue.id}:{event}",
        title_key=f"push.proposal.{event}.title",
        body_key=f"push.proposal.{event}.body",
        url=issue_url(issue.id),
        tag=f"issue-{issue.id}",
        params=await issue_params(issue),
        expires_at=ends_at,
    )
    queued = await enqueue_notice(notice, recipients)
    log.info(
        "proposal issue event issue=%s event=%s followers=%d messages=%d",
        issue.id,
        event,
        len(recipients),
        queued,
    )
    return queued


async def followers(issue: Issue, event: str) -> list[uuid.UUID]:
    """Interested members; for the reminder, only those without a ballot."""
    rows = await Interest.filter(issue_id=issue.id).values_list("member_id", flat=True)
    interested: set[uuid.UUID] = set(rows)  # type: ignore[arg-type]
    if event == VOTING_ENDS_SOON:
        voted = await Ballot.filter(issue_id=issue.id).values_list(
            "member_id", flat=True
        )
        interested -= set(voted)
    return sorted(interested, key=str)


async def issue_params(issue: Issue) -> dict[str, object]:
    """The public names a notice shows: the initiatives put to the vote and the area."""
    area = await Area.get(id=issue.area_id)  # type: ignore[attr-defined]
    # Before the full freeze nothing is admitted yet (NULL): name them all.
    names: list[str] = await (  # type: ignore[assignment]
        Initiative.filter(
            Q(admitted=True) | Q(admitted__isnull=True),
            issue_id=issue.id,
            revoked_at=None,
        )
        .order_by("created_at", "id")
        .values_list("name", flat=True)
    )
    joined = ", ".join(names)
    if len(joined) > NAMES_MAX:
        joined = joined[: NAMES_MAX - 1].rstrip(", ") + "…"
    return {"initiatives": joined, "area": area.name}


async def notify_new_trustee(delegation: Delegation) -> int:
    """Queue a push to the trustee of a delegation that was just made or redirected.

    The message is keyed by truster, scope and trustee, not by the delegation row:
    giving and taking back a delegation a thousand times (one push of mutations)
    rings the trustee's phone once. Known shortcoming: a delegation given again
    later is not told again while the first message is kept
    (``WEGOVNOW_PUSH_KEEP_DAYS``).
    """
    trustee = delegation.trustee_id  # type: ignore[attr-defined]
    if trustee is None:
        return 0
    pair = f"{delegation.truster_id}|{delegation.scope_key}|{trustee}"  # type: ignore[attr-defined]
    key = hashlib.sha256(pair.encode()).hexdigest()[:32]
    name, url = await delegation_scope(delegation)
    notice = Notice(
        topic=DELEGATION_TOPIC,
        event_key=f"delegation:{key}",
        title_key="push.proposal.delegation.title",
        body_key=f"push.proposal.delegation.{delegation.scope}.body",
        url=url,
        tag=f"delegation-{key}",
        params={"name": name},
    )
    # The truster's name stays out of the payload: it shows on the lock screen.
    # The app shows who delegated (GET /api/proposals/issues/<id>/delegation).
    return await enqueue_notice(notice, [trustee])


async def delegation_scope(delegation: Delegation) -> tuple[str, str]:
    """The public name of what is delegated, and where the app shows it.

    Known shortcoming: the PWA has agreed routes only for issues so far; a unit or
    area delegation links to the proposals start page, not to the area itself.
    """
    if delegation.scope == "issue":
        issue = await Issue.get(id=delegation.issue_id)
        params = await issue_params(issue)
        # Every initiative revoked: the area is the only public name left.
        name = params["initiatives"] or params["area"]
        return str(name), issue_url(issue.id)
    if delegation.scope == "area":
        area = await Area.get(id=delegation.area_id)
        return area.name, "/proposals"
    unit = await Unit.get(id=delegation.unit_id)
    return unit.name, "/proposals"
