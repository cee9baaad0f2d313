"""Who may act in proposals, and the loaders and phase guards the actions share.

For now every signed-in account that is not a guest is a member with voting right
in every unit; only members seen lately count (``active_members_query``). Admins
(role ``admin``) set up units, areas and policies.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from server.accounts.auth import SEEN_PRECISION, Caller
from tortoise.expressions import Q

from server.accounts.models import User
from server.proposals import lifecycle
from server.proposals.lifecycle import OPEN_STATES, IssueState
from server.proposals.majority import MajorityPolicy
from server.proposals.models import Initiative, Issue, Policy, Suggestion
from server.settings import Settings
from server.syncing.registry import Rejected

# Phases in which the texts of initiatives may still change (before the half freeze).
DRAFTING_STATES = frozenset({IssueState.ADMISSION, IssueState.DISCUSSION})
# Phases in which initiatives may be added and supported (before the full freeze).
SUPPORT_STATES = DRAFTING_STATES | {IssueState.VERIFICATION}


def require_member(caller: Caller) -> None:
    if caller.user.is_guest or caller.user.deleted_at is not None:
        raise Rejected("proposal.members_only")


def is_admin(caller: Caller) -> bool:
    return caller.role == "admin"


def member_ids_query():  # type: ignore[no-untyped-def]
    """Members with voting right: every account that is not a guest or deleted."""
    return User.filter(is_guest=False, deleted_at=None)


def member_ttl(settings: Settings | None = None) -> timedelta:
    """How long a member counts after last being seen (the setting, or its default)."""
    if settings is None:
        days = Settings.model_fields["proposals_member_ttl_days"].default
    else:
        days = settings.proposals_member_ttl_days
    return timedelta(days=days)


def active_members_query(now: datetime, ttl: timedelta):  # type: ignore[no-untyped-def]
    """Members with voting right seen within ``ttl`` before ``now`` (LF's ``active``).

    An account never seen counts from when it was made. ``last_seen_at`` is written
    at most once per ``SEEN_PRECISION`` (``note_seen``), so it may lag the member's
    latest request by that much: a ballot, support or delegation accepted within
    ``ttl`` must not count for nothing because of it, and the window is widened by
    that precision.
    """
    since = now - ttl
    return member_ids_query().filter(
        Q(last_seen_at__gte=since - SEEN_PRECISION)
        | Q(last_seen_at=None, created_at__gte=since)
    )


async def member_ids() -> list[uuid.UUID]:
    return list(await member_ids_query().values_list("id", flat=True))


async def active_member_ids(now: datetime, ttl: timedelta) -> list[uuid.UUID]:
    """The members who count at ``now``: in quorums, support and the count."""
    return list(await active_members_query(now, ttl).values_list("id", flat=True))


async def issue_or_reject(issue_id: uuid.UUID) -> Issue:
    issue = await Issue.get_or_none(id=issue_id)
    if issue is None:
        raise Rejected("proposal.issue_not_found")
    return issue


async def initiative_or_reject(initiative_id: uuid.UUID) -> Initiative:
    initiative = await Initiative.get_or_none(id=initiative_id).prefetch_related(
        "issue"
    )
    if initiative is None:
        raise Rejected("proposal.initiative_not_found")
    return initiative


async def suggestion_or_reject(suggestion_id: uuid.UUID) -> Suggestion:
    suggestion = await Suggestion.get_or_none(id=suggestion_id).prefetch_related(
        "initiative__issue"
    )
    if suggestion is None:
        raise Rejected("proposal.suggestion_not_found")
    return suggestion


def require_state(issue: Issue, allowed: frozenset[IssueState], code: str) -> None:
    """Refuse with ``code``, or with ``proposal.issue_closed`` once the issue ended."""
    if issue.state in allowed:
        return
    if issue.state not in OPEN_STATES:
        raise Rejected("proposal.issue_closed", {"state": issue.state})
    raise Rejected(code, {"state": issue.state})


def engine_policy(policy: Policy) -> lifecycle.Policy:
    """The pure engine's view of a stored policy."""
    return lifecycle.Policy(
        min_admission_time=timedelta(seconds=policy.min_admission_time),
        max_admission_time=timedelta(seconds=policy.max_admission_time),
        discussion_time=timedelta(seconds=policy.discussion_time),
        verification_time=timedelta(seconds=policy.verification_time),
        voting_time=timedelta(seconds=policy.voting_time),
        issue_quorum=policy.issue_quorum,
        issue_quorum_num=policy.issue_quorum_num,
        issue_quorum_den=policy.issue_quorum_den,
        initiative_quorum=policy.initiative_quorum,
        initiative_quorum_num=policy.initiative_quorum_num,
        initiative_quorum_den=policy.initiative_quorum_den,
        majority=MajorityPolicy(**(policy.majority or {})),
    )


def voting_ends_at(issue: Issue, policy: Policy) -> datetime | None:
    if issue.fully_frozen_at is None:
        return None
    return issue.fully_frozen_at + timedelta(seconds=policy.voting_time)
