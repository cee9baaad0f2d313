"""Accept issues for discussion, after LiquidFeedback 4's ``issue_admission``.

LF limits how many issues an area discusses at once with a dynamic quorum
(the ``area_quorum`` view): every open accepted issue raises the number of
supporters the next issue needs, and issues with short phases raise it more.
Issues are accepted one at a time, best supported first, and the quorum is
recomputed after each, until no issue in the area qualifies.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from server.proposals.lifecycle import Policy


@dataclass(frozen=True)
class AreaQuorumParams:
    """Dynamic issue quorum settings of an area, with LF 4's column defaults."""

    quorum_standard: float = 2
    quorum_issues: float = 1
    quorum_time: timedelta = timedelta(days=1)
    quorum_exponent: float = 0.5
    quorum_factor: float = 2
    quorum_den: int | None = None


@dataclass(frozen=True)
class OpenIssue:
    """An accepted, not yet closed issue, as the area quorum sees it."""

    issue_id: Hashable
    admission_duration: timedelta  # accepted_at - created_at
    discussion_time: timedelta
    verification_time: timedelta
    voting_time: timedelta
    polling: bool = False

    @property
    def total_duration(self) -> timedelta:
        return (
            self.admission_duration
            + self.discussion_time
            + self.verification_time
            + self.voting_time
        )


@dataclass(frozen=True)
class AdmissionCandidate:
    """An issue in admission with the supporter counts of its non-revoked initiatives."""

    issue_id: Hashable
    created_at: datetime
    population: int
    policy: Policy
    supporter_counts: tuple[int, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Admission:
    area_id: Hashable
    issue_id: Hashable
    area_quorum: int
    max_supporter_count: int


def area_issue_quorum(
    open_issues: Sequence[OpenIssue],
    params: AreaQuorumParams = AreaQuorumParams(),
    area_population: int | None = None,
) -> int:
    """The area part of the issue quorum (LF 4 ``area_quorum`` view).

    quorum = ceil(standard * factor ** (sum((quorum_time / duration) ** exponent)
                                        / quorum_issues - 1))
    summed over open accepted non-polling issues, where duration is the time the
    issue spent in admission plus its discussion, verification and voting time.
    With ``quorum_den`` set, the result is scaled by area population / quorum_den.
    """
    load = sum(
        (params.quorum_time / issue.total_duration) ** params.quorum_exponent
        for issue in open_issues
        if not issue.polling
    )
    value = params.quorum_standard * params.quorum_factor ** (
        load / params.quorum_issues - 1
    )
    if params.quorum_den is not None:
        if area_population is None:
            raise ValueError("area_population is needed when quorum_den is set")
        value = value * area_population / params.quorum_den
    return math.ceil(value)


def effective_issue_quorum(policy: Policy, population: int, area_quorum: int) -> int:
    """The supporters one initiative needs: the largest of the three LF quorums."""
    # Integer ceiling: s >= share exactly when s * den >= population * num, as in LF.
    share = -(-population * policy.issue_quorum_num // policy.issue_quorum_den)
    return max(policy.issue_quorum, share, area_quorum)


def admit_issues(
    candidates_by_area: Mapping[Hashable, Sequence[AdmissionCandidate]],
    open_by_area: Mapping[Hashable, Sequence[OpenIssue]],
    now: datetime,
    params_by_area: Mapping[Hashable, AreaQuorumParams] | None = None,
    area_population: Mapping[Hashable, int] | None = None,
    limit_per_area: int | None = None,
) -> list[Admission]:
    """Decide which issues in admission are accepted for discussion in this run.

    ``limit_per_area=None`` follows LF (repeat until nothing qualifies); a number
    caps how many issues one area may accept per run.
    """
    admissions: list[Admission] = []
    for area_id, candidates in candidates_by_area.items():
        params = (params_by_area or {}).get(area_id, AreaQuorumParams())
        population = (area_population or {}).get(area_id)
        admissions.extend(
            _admit_in_area(
                area_id,
                list(candidates),
                list(open_by_area.get(area_id, ())),
                now,
                params,
                population,
                limit_per_area,
            )
        )
    return admissions


def _admit_in_area(
    area_id: Hashable,
    waiting: list[AdmissionCandidate],
    open_issues: list[OpenIssue],
    now: datetime,
    params: AreaQuorumParams,
    population: int | None,
    limit: int | None,
) -> list[Admission]:
    accepted: list[Admission] = []
    while waiting and (limit is None or len(accepted) < limit):
        quorum = area_issue_quorum(open_issues, params, population)
        best = _best_candidate(waiting, now, quorum)
        if best is None:
            break
        candidate, support = best
        accepted.append(Admission(area_id, candidate.issue_id, quorum, support))
        waiting.remove(candidate)
        open_issues.append(_opened(candidate, now))
    return accepted


def _best_candidate(
    waiting: Sequence[AdmissionCandidate], now: datetime, area_quorum: int
) -> tuple[AdmissionCandidate, int] | None:
    """Highest supported qualifying issue; ties go to the older issue, then input order."""
    ranked: list[tuple[int, datetime, int, AdmissionCandidate]] = []
    for position, candidate in enumerate(waiting):
        support = _qualifying_support(candidate, now, area_quorum)
        if support is not None:
            ranked.append((-support, candidate.created_at, position, candidate))
    if not ranked:
        return None
    negative_support, _, _, candidate = min(ranked, key=lambda row: row[:3])
    return candidate, -negative_support


def _qualifying_support(
    candidate: AdmissionCandidate, now: datetime, area_quorum: int
) -> int | None:
    policy = candidate.policy
    if now < candidate.created_at + policy.min_admission_time:
        return None
    needed = effective_issue_quorum(policy, candidate.population, area_quorum)
    qualifying = [s for s in candidate.supporter_counts if s >= needed]
    return max(qualifying) if qualifying else None


def _opened(candidate: AdmissionCandidate, now: datetime) -> OpenIssue:
    policy = candidate.policy
    return OpenIssue(
        issue_id=candidate.issue_id,
        admission_duration=now - candidate.created_at,
        discussion_time=policy.discussion_time,
        verification_time=policy.verification_time,
        voting_time=policy.voting_time,
    )
