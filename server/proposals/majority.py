"""Decide an issue the way LiquidFeedback 4's ``calculate_ranks`` does.

Every initiative is measured against the virtual status quo. A voter grades
each initiative: a positive grade approves it (a higher grade is preferred), 0
abstains and ranks it level with the status quo, a negative grade rejects it.
Pairwise counts come from comparing grades (``battle_view`` in LF core), the
Schulze ranking includes the status quo, and an initiative must win a direct
and an indirect majority and beat the status quo to be eligible. The best
ranked eligible initiative wins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from server.proposals.schulze import (
    DEFAULT_TIE_BREAKING,
    BallotError,
    Strength,
    TieBreaking,
    link_strengths,
    order,
    pairwise_from_tiers,
    validate_candidates,
)

STATUS_QUO = 0  # index of the virtual status quo; it sorts first, as in LF


@dataclass(frozen=True)
class MajorityPolicy:
    """The majority settings of an LF policy, with LF core's column defaults."""

    direct_num: int = 1
    direct_den: int = 2
    direct_strict: bool = True
    direct_positive: int = 0
    direct_non_negative: int = 0
    indirect_num: int = 1
    indirect_den: int = 2
    indirect_strict: bool = True
    indirect_positive: int = 0
    indirect_non_negative: int = 0
    no_reverse_beat_path: bool = False
    no_multistage_majority: bool = False
    defeat_strength: Strength = "tuple"
    tie_breaking: TieBreaking = DEFAULT_TIE_BREAKING


@dataclass(frozen=True)
class GradedBallot:
    """One voter's grades by initiative id; a missing initiative counts as 0 (abstain)."""

    grades: Mapping[str, int] = field(default_factory=dict)
    weight: int = 1


@dataclass(frozen=True)
class InitiativeOutcome:
    initiative: str
    positive_votes: int
    negative_votes: int
    direct_majority: bool
    indirect_majority: bool
    schulze_rank: int
    better_than_status_quo: bool
    worse_than_status_quo: bool
    multistage_majority: bool
    reverse_beat_path: bool | None
    eligible: bool
    winner: bool
    rank: int


@dataclass(frozen=True)
class IssueOutcome:
    initiatives: tuple[InitiativeOutcome, ...]
    status_quo_schulze_rank: int
    voter_count: int
    winner: str | None


def ratio_reached(yes: int, no: int, num: int, den: int, strict: bool) -> bool:
    """``yes / (yes + no)`` compared with ``num / den`` in integers, as LF does."""
    if strict:
        return yes * den > num * (yes + no)
    return yes * den >= num * (yes + no)


def _tiers(
    ballot: GradedBallot, index: Mapping[str, int], size: int
) -> tuple[tuple[int, ...], ...]:
    if ballot.weight <= 0:
        raise BallotError(
            "non_positive_count",
            f"ballot weight must be positive, got {ballot.weight}",
            ballot.weight,
        )
    grade_of = [0] * size
    for name, grade in ballot.grades.items():
        position = index.get(name)
        if position is None:
            raise BallotError(
                "unknown_candidate", f"ballot grades unknown initiative {name!r}", name
            )
        grade_of[position + 1] = grade

    by_grade: dict[int, list[int]] = {}
    for position, grade in enumerate(grade_of):
        by_grade.setdefault(grade, []).append(position)
    return tuple(tuple(by_grade[g]) for g in sorted(by_grade, reverse=True))


def decide(
    initiatives: Sequence[str],
    ballots: Sequence[GradedBallot],
    policy: MajorityPolicy = MajorityPolicy(),
) -> IssueOutcome:
    """Rank the admitted ``initiatives`` (in id order) and find the winner, if any."""
    index = validate_candidates(initiatives)
    size = len(initiatives) + 1
    weighted: dict[tuple[tuple[int, ...], ...], int] = {}
    for ballot in ballots:
        key = _tiers(ballot, index, size)
        weighted[key] = weighted.get(key, 0) + ballot.weight
    voter_count = sum(weighted.values())

    d = pairwise_from_tiers(size, weighted)
    ranked = order(link_strengths(d, policy.defeat_strength), policy.tie_breaking)
    p = ranked.paths
    rank = [0] * size
    for position, candidate in enumerate(ranked.ranking, start=1):
        rank[candidate] = position

    outcomes = _outcomes(initiatives, d, p, rank, voter_count, policy)
    winner = next((o.initiative for o in outcomes if o.winner), None)
    return IssueOutcome(tuple(outcomes), rank[STATUS_QUO], voter_count, winner)


def _outcomes(
    names: Sequence[str],
    d: Sequence[Sequence[int]],
    p: Sequence[Sequence[int]],
    rank: Sequence[int],
    voter_count: int,
    policy: MajorityPolicy,
) -> list[InitiativeOutcome]:
    members = range(1, len(names) + 1)
    positive = {i: d[i][STATUS_QUO] for i in members}
    negative = {i: d[STATUS_QUO][i] for i in members}
    direct = {
        i: _majority(positive[i], negative[i], voter_count, policy, indirect=False)
        for i in members
    }
    indirect = _indirect_majorities(d, members, positive, negative, voter_count, policy)
    multistage = _multistage(d, members, rank, positive, negative)
    reverse = {
        i: (p[STATUS_QUO][i] >= 0 if policy.defeat_strength == "tuple" else None)
        for i in members
    }
    eligible = {
        i: direct[i]
        and indirect[i]
        and rank[i] < rank[STATUS_QUO]
        and not (policy.no_multistage_majority and multistage[i])
        and not (policy.no_reverse_beat_path and bool(reverse[i]))
        for i in members
    }
    winner = min(
        (i for i in members if eligible[i]), key=lambda i: rank[i], default=None
    )
    final_order = sorted(
        members, key=lambda i: (i != winner, not eligible[i], rank[i], i)
    )
    final_rank = {i: position for position, i in enumerate(final_order, start=1)}

    return [
        InitiativeOutcome(
            initiative=names[i - 1],
            positive_votes=positive[i],
            negative_votes=negative[i],
            direct_majority=direct[i],
            indirect_majority=indirect[i],
            schulze_rank=rank[i],
            better_than_status_quo=rank[i] < rank[STATUS_QUO],
            worse_than_status_quo=rank[i] > rank[STATUS_QUO],
            multistage_majority=multistage[i],
            reverse_beat_path=reverse[i],
            eligible=eligible[i],
            winner=i == winner,
            rank=final_rank[i],
        )
        for i in members
    ]


def _majority(
    yes: int, no: int, voter_count: int, policy: MajorityPolicy, *, indirect: bool
) -> bool:
    if indirect:
        num, den, strict = (
            policy.indirect_num,
            policy.indirect_den,
            policy.indirect_strict,
        )
        least, non_negative = policy.indirect_positive, policy.indirect_non_negative
    else:
        num, den, strict = policy.direct_num, policy.direct_den, policy.direct_strict
        least, non_negative = policy.direct_positive, policy.direct_non_negative
    return (
        ratio_reached(yes, no, num, den, strict)
        and yes >= least
        and voter_count - no >= non_negative
    )


def _indirect_majorities(
    d: Sequence[Sequence[int]],
    members: range,
    positive: Mapping[int, int],
    negative: Mapping[int, int],
    voter_count: int,
    policy: MajorityPolicy,
) -> dict[int, bool]:
    """Grow the set of initiatives reachable from the status quo by majority beats."""
    reached = {
        i: _majority(positive[i], negative[i], voter_count, policy, indirect=True)
        for i in members
    }
    changed = True
    while changed:
        changed = False
        for new in members:
            if reached[new]:
                continue
            if any(
                reached[old]
                and old != new
                and _majority(
                    d[new][old], d[old][new], voter_count, policy, indirect=True
                )
                for old in members
            ):
                reached[new] = changed = True
    return reached


def _multistage(
    d: Sequence[Sequence[int]],
    members: range,
    rank: Sequence[int],
    positive: Mapping[int, int],
    negative: Mapping[int, int],
) -> dict[int, bool]:
    """Flag initiatives beaten by a better ranked one more strongly than by the status quo."""
    flagged = {i: rank[i] >= rank[STATUS_QUO] for i in members}
    for loser in members:
        for better in members:
            if (
                rank[better] < rank[loser]
                and d[better][loser] > d[loser][better]
                and (
                    d[better][loser] > positive[better]
                    or d[loser][better] < negative[loser]
                )
            ):
                flagged[loser] = True
    return flagged
