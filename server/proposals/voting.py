"""Ballots: cast one per member and issue, count them with delegations, export them.

A ballot grades each admitted initiative: a positive grade approves it (a higher
grade is preferred), 0 or leaving it out abstains, a negative grade rejects it.
The status quo is a virtual candidate with grade 0. At the end of voting the
issue's delegations are resolved with the voters as direct participants, and each
ballot weighs 1 plus the members whose voice reaches its voter.

After an issue closes its ballots are public, as in LiquidFeedback; the voter is
told so when casting (``ballots_public_after_close``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server.proposals import lifecycle, majority, schulze
from server.proposals.counting import resolve_for
from server.proposals.models import Ballot, Initiative, Issue

STATUS_QUO = "status_quo"


@dataclass(frozen=True)
class Counted:
    candidates: tuple[str, ...]  # initiative ids, in initiative order
    outcome: majority.IssueOutcome
    schulze: schulze.SchulzeResult  # with the status quo first
    weights: dict[str, int]  # by member id
    delegators: dict[str, list[str]]


async def cast(
    issue: Issue, member_id: uuid.UUID, grades: dict[str, int], now: datetime
) -> None:
    """Store the member's ballot, replacing their earlier one.

    One INSERT ... ON CONFLICT DO UPDATE on the (issue, member) key, so parallel
    requests of one member leave exactly one ballot, on SQLite and PostgreSQL.
    """
    await Ballot.bulk_create(
        [Ballot(issue_id=issue.id, member_id=member_id, grades=grades, cast_at=now)],
        on_conflict=["issue_id", "member_id"],
        update_fields=["grades", "cast_at"],
    )


def ranking(grades: dict[str, int], candidates: Sequence[str]) -> list[list[str]]:
    """Tiers of the tally file: best grade first, the status quo at grade 0."""
    by_grade: dict[int, list[str]] = {0: [STATUS_QUO]}
    for candidate in candidates:
        by_grade.setdefault(grades.get(candidate, 0), []).append(candidate)
    return [by_grade[grade] for grade in sorted(by_grade, reverse=True)]


async def admitted_ids(issue: Issue) -> list[str]:
    rows = await Initiative.filter(issue_id=issue.id, admitted=True).order_by(
        "created_at", "id"
    )
    return [str(row.id) for row in rows]


async def count_issue(
    issue: Issue,
    policy: lifecycle.Policy,
    members: Sequence[uuid.UUID],
    initiatives: Sequence[Initiative],
) -> Counted:
    """Count the issue's ballots with delegations resolved at this moment."""
    candidates = tuple(str(i.id) for i in initiatives if i.admitted)
    ballots = await Ballot.filter(issue_id=issue.id)
    resolution = await resolve_for(issue, members, [b.member_id for b in ballots])  # type: ignore[attr-defined]
    graded = []
    tally = []
    for ballot in ballots:
        weight = resolution.weights.get(str(ballot.member_id), 0)  # type: ignore[attr-defined]
        if weight == 0:
            continue  # the voter is no longer a member
        grades = {k: v for k, v in (ballot.grades or {}).items() if k in candidates}
        graded.append(majority.GradedBallot(grades=grades, weight=weight))
        tiers = tuple(tuple(tier) for tier in ranking(grades, candidates))
        tally.append(schulze.Ballot(ranking=tiers, count=weight))
    outcome = majority.decide(candidates, graded, policy.majority)
    result = schulze.count(
        (STATUS_QUO, *candidates),
        tally,
        policy.majority.defeat_strength,
        policy.majority.tie_breaking,
    )
    return Counted(
        candidates=candidates,
        outcome=outcome,
        schulze=result,
        weights={str(m): w for m, w in resolution.weights.items()},
        delegators={
            str(p): [str(m) for m in ms] for p, ms in resolution.delegators.items()
        },
    )


async def store_count(issue: Issue, counted: Counted) -> None:
    """Write the result on the issue, its initiatives and its ballots."""
    outcome = counted.outcome
    for item in outcome.initiatives:
        await Initiative.filter(id=item.initiative).update(
            positive_votes=item.positive_votes,
            negative_votes=item.negative_votes,
            direct_majority=item.direct_majority,
            indirect_majority=item.indirect_majority,
            schulze_rank=item.schulze_rank,
            better_than_status_quo=item.better_than_status_quo,
            eligible=item.eligible,
            winner=item.winner,
            rank=item.rank,
        )
    for ballot in await Ballot.filter(issue_id=issue.id):
        member = str(ballot.member_id)  # type: ignore[attr-defined]
        ballot.weight = counted.weights.get(member, 0)
        ballot.delegators = counted.delegators.get(member, [])
        await ballot.save(update_fields=["weight", "delegators"])
    await Issue.filter(id=issue.id).update(
        voter_count=outcome.voter_count,
        status_quo_schulze_rank=outcome.status_quo_schulze_rank,
        result=result_json(counted),
    )
    # Every initiative changes: bump versions so pulls carry the result.
    for initiative in await Initiative.filter(issue_id=issue.id):
        initiative.version += 1
        await initiative.save(update_fields=["version"])


def result_json(counted: Counted) -> dict[str, Any]:
    result = counted.schulze
    return {
        "candidates": list(result.candidates),
        "pairwise": result.pairwise_by_name(),
        "schulze_ranking": list(result.ranking),
        "tie_breaking": result.tie_breaking,
        "winner": counted.outcome.winner,
        "voter_count": counted.outcome.voter_count,
    }


async def export_tally(issue: Issue) -> dict[str, Any]:
    """The closed issue's ballots in the format ``wegovnow proposals tally`` reads."""
    candidates = await admitted_ids(issue)
    merged: dict[tuple[tuple[str, ...], ...], int] = {}
    for ballot in await Ballot.filter(issue_id=issue.id).order_by("id"):
        if not ballot.weight:
            continue
        grades = {k: v for k, v in (ballot.grades or {}).items() if k in candidates}
        key = tuple(tuple(tier) for tier in ranking(grades, candidates))
        merged[key] = merged.get(key, 0) + ballot.weight
    return {
        "candidates": [STATUS_QUO, *candidates],
        "ballots": [
            {"count": count, "ranking": [list(tier) for tier in key]}
            for key, count in merged.items()
        ],
    }
