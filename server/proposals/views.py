"""How issues and initiatives look to a viewer: in a pull and on the API.

Issues and initiatives are public, as in LiquidFeedback, so every member's pull
carries them and they stay readable offline. Per-viewer parts (interest, support,
own opinion, own ballot) are rendered for the viewer who pulls.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from quart import current_app, has_app_context

from server.accounts.auth import Caller
from server.accounts.models import User
from server.proposals import admission
from server.proposals.access import (
    active_members_query,
    engine_policy,
    member_ttl,
)
from server.proposals.counting import MUST, MUST_NOT, SHOULD, SHOULD_NOT, unsatisfied
from server.proposals.lifecycle import OPEN_STATES, IssueState, initiative_quorum
from server.proposals.models import (
    Ballot,
    Draft,
    Initiative,
    Initiator,
    Interest,
    Issue,
    Opinion,
    Suggestion,
    Supporter,
)
from server.proposals.scheduler import open_issues_by_area, quorum_params
from server.proposals.text import render_markdown
from server.syncing.registry import renderer

DEGREES = {
    MUST: "must",
    SHOULD: "should",
    SHOULD_NOT: "should_not",
    MUST_NOT: "must_not",
}


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def phase_ends_at(issue: Issue) -> datetime | None:
    policy = issue.policy
    start, seconds = {
        IssueState.ADMISSION: (issue.created_at, policy.max_admission_time),
        IssueState.DISCUSSION: (issue.accepted_at, policy.discussion_time),
        IssueState.VERIFICATION: (issue.half_frozen_at, policy.verification_time),
        IssueState.VOTING: (issue.fully_frozen_at, policy.voting_time),
    }.get(IssueState(issue.state), (None, 0))
    return start + timedelta(seconds=seconds) if start is not None else None


async def names_of(ids: set[Any]) -> dict[str, str]:
    if not ids:
        return {}
    return {
        str(i): n
        for i, n in await User.filter(id__in=list(ids)).values_list("id", "name")
    }


async def quorum_json(issue: Issue) -> dict[str, int | None]:
    """The supporters an initiative needs now: to get the issue accepted, to be voted on.

    In admission the issue quorum depends on the other open issues of the area, so
    the figure is as of this render; a pulled record keeps it until the issue next
    changes, which can leave it behind by one accepted or closed neighbour.
    """
    policy = engine_policy(issue.policy)
    population = issue.population
    issue_quorum = None
    if issue.state == IssueState.ADMISSION:
        settings = current_app.config["SETTINGS"] if has_app_context() else None
        now = datetime.now(UTC)
        population = await active_members_query(now, member_ttl(settings)).count()
        area = issue.area.id
        open_issues = (await open_issues_by_area([area])).get(area, [])
        params = (await quorum_params([area]))[area]
        area_quorum = admission.area_issue_quorum(open_issues, params, population)
        issue_quorum = admission.effective_issue_quorum(policy, population, area_quorum)
    needed = issue.initiative_quorum
    if needed is None:
        needed = initiative_quorum(policy, population)
    return {"issue": issue_quorum, "initiative": needed}


async def issue_json(issue: Issue, viewer: Caller | None) -> dict[str, Any]:
    await issue.fetch_related("policy", "area")
    initiative_ids = (
        await Initiative.filter(issue_id=issue.id)
        .order_by("created_at", "id")
        .values_list("id", flat=True)
    )
    me = viewer.user.id if viewer else None
    ballot = await Ballot.get_or_none(issue_id=issue.id, member_id=me) if me else None
    closed = issue.state not in OPEN_STATES
    return {
        "id": str(issue.id),
        "area": {
            "id": str(issue.area.id),
            "name": issue.area.name,
            "unit_id": str(issue.area.unit_id),
        },  # type: ignore[attr-defined]
        "policy": {"id": str(issue.policy.id), "name": issue.policy.name},
        "state": issue.state,
        "closed": closed,
        "created_at": iso(issue.created_at),
        "accepted_at": iso(issue.accepted_at),
        "half_frozen_at": iso(issue.half_frozen_at),
        "fully_frozen_at": iso(issue.fully_frozen_at),
        "closed_at": iso(issue.closed_at),
        "phase_ends_at": iso(phase_ends_at(issue)),
        "population": issue.population,
        "initiative_quorum": issue.initiative_quorum,
        "quorum": await quorum_json(issue),
        "initiative_ids": [str(i) for i in initiative_ids],
        "interest_count": await Interest.filter(issue_id=issue.id).count(),
        "interested": bool(me)
        and await Interest.exists(issue_id=issue.id, member_id=me),
        "my_ballot": ballot.grades if ballot else None,
        "ballots_public_after_close": True,
        "voter_count": issue.voter_count,
        "result": issue.result if closed else None,
        "version": issue.version,
    }


async def initiative_json(
    initiative: Initiative, viewer: Caller | None
) -> dict[str, Any]:
    drafts = await Draft.filter(initiative_id=initiative.id).order_by(
        "created_at", "id"
    )
    current = drafts[-1]
    initiators = await Initiator.filter(initiative_id=initiative.id).values_list(
        "member_id", flat=True
    )
    supporters = await Supporter.filter(initiative_id=initiative.id).values_list(
        "member_id", "draft_id"
    )
    not_satisfied = {m for _, m in await unsatisfied([initiative.id])}
    suggestions = await Suggestion.filter(initiative_id=initiative.id).order_by(
        "created_at", "id"
    )
    opinions = await Opinion.filter(initiative_id=initiative.id).values_list(
        "suggestion_id", "member_id", "degree", "fulfilled"
    )
    names = await names_of(
        set(initiators)
        | {s.author_id for s in suggestions}
        | {d.author_id for d in drafts}
    )  # type: ignore[attr-defined]
    me = str(viewer.user.id) if viewer else None
    my_support = next((d for m, d in supporters if str(m) == me), None)
    return {
        "id": str(initiative.id),
        "issue_id": str(initiative.issue_id),  # type: ignore[attr-defined]
        "name": initiative.name,
        "created_at": iso(initiative.created_at),
        "revoked_at": iso(initiative.revoked_at),
        "initiators": [{"id": str(m), "name": names.get(str(m))} for m in initiators],
        "draft": draft_json(current, names),
        "drafts": [{"id": str(d.id), "created_at": iso(d.created_at)} for d in drafts],
        "supporter_count": len(supporters),
        "satisfied_supporter_count": sum(
            1 for m, _ in supporters if str(m) not in not_satisfied
        ),
        "supported": my_support is not None,
        "support_outdated": my_support is not None and my_support != current.id,
        "suggestions": [suggestion_json(s, opinions, names, me) for s in suggestions],
        "admitted": initiative.admitted,
        "positive_votes": initiative.positive_votes,
        "negative_votes": initiative.negative_votes,
        "direct_majority": initiative.direct_majority,
        "indirect_majority": initiative.indirect_majority,
        "schulze_rank": initiative.schulze_rank,
        "better_than_status_quo": initiative.better_than_status_quo,
        "eligible": initiative.eligible,
        "winner": initiative.winner,
        "rank": initiative.rank,
        "version": initiative.version,
    }


def draft_json(draft: Draft, names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": str(draft.id),
        "content": draft.content,
        "html": render_markdown(draft.content),
        "author": names.get(str(draft.author_id)),  # type: ignore[attr-defined]
        "created_at": iso(draft.created_at),
    }


def suggestion_json(
    suggestion: Suggestion,
    opinions: Sequence[tuple[Any, Any, int, bool]],
    names: dict[str, str],
    me: str | None,
) -> dict[str, Any]:
    counts = {name: {"fulfilled": 0, "unfulfilled": 0} for name in DEGREES.values()}
    mine = None
    for suggestion_id, member, degree, fulfilled in opinions:
        if suggestion_id != suggestion.id:
            continue
        counts[DEGREES[degree]]["fulfilled" if fulfilled else "unfulfilled"] += 1
        if str(member) == me:
            mine = {"degree": degree, "fulfilled": fulfilled}
    return {
        "id": str(suggestion.id),
        "name": suggestion.name,
        "content": suggestion.content,
        "html": render_markdown(suggestion.content),
        "author": names.get(str(suggestion.author_id)),  # type: ignore[attr-defined]
        "created_at": iso(suggestion.created_at),
        "opinions": counts,
        "my_opinion": mine,
    }


def as_uuids(ids: Sequence[str]) -> list[uuid.UUID]:
    found = []
    for raw in ids:
        try:
            found.append(uuid.UUID(raw))
        except ValueError:
            continue
    return found


@renderer("proposal_issue")
async def render_issues(
    ids: Sequence[str], caller: Caller
) -> dict[str, dict[str, Any] | None]:
    rendered: dict[str, dict[str, Any] | None] = {i: None for i in ids}
    for issue in await Issue.filter(id__in=as_uuids(ids)):
        rendered[str(issue.id)] = await issue_json(issue, caller)
    return rendered


@renderer("proposal_initiative")
async def render_initiatives(
    ids: Sequence[str], caller: Caller
) -> dict[str, dict[str, Any] | None]:
    rendered: dict[str, dict[str, Any] | None] = {i: None for i in ids}
    for initiative in await Initiative.filter(id__in=as_uuids(ids)):
        rendered[str(initiative.id)] = await initiative_json(initiative, caller)
    return rendered
