"""The life of an issue, as a transition table (after LiquidFeedback 4's ``check_issue``).

Theory of operation
-------------------
An issue is a question with competing initiatives. It moves through four open
states and ends in one of seven closed ones:

    admission --accepted--> discussion --discussion ended--> verification
    verification --verification ended--> voting --winner / no winner--> finished_*

``admission``: initiatives collect supporters. The issue leaves this state by
being *accepted* (``admission.admit_issues``, which compares issues of one
area with each other, so it is not decided here), or is canceled when
``max_admission_time`` passes (``canceled_issue_not_accepted``).

``discussion``: drafts may still change. When ``discussion_time`` has passed
the issue is *half frozen*: drafts are fixed and it moves to ``verification``.

``verification``: new initiatives are still possible. When
``verification_time`` has passed the issue is *fully frozen*: no new
initiatives, and each initiative is admitted to voting if its satisfied
supporters reach the initiative quorum. With none admitted the issue ends as
``canceled_no_initiative_admitted``.

``voting``: when ``voting_time`` has passed the votes are counted (``majority``);
the issue ends ``finished_with_winner`` or ``finished_without_winner``.

In every open state but voting, an issue whose initiatives are all revoked is
canceled (``canceled_revoked_before_accepted`` and the two
``canceled_after_revocation_*`` states). After acceptance LF waits until no
initiative was revoked within ``verification_time``, giving supporters time
to start a replacement. A revocation outranks a phase ending in the same run.

``next_state`` is pure: it reads a snapshot and the clock and returns the
transition with its effects; the caller stores the result. LF's transient
``calculation`` state is not modelled, since a count here is one step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from server.proposals.majority import MajorityPolicy


class IssueState(StrEnum):
    ADMISSION = "admission"
    DISCUSSION = "discussion"
    VERIFICATION = "verification"
    VOTING = "voting"
    CANCELED_REVOKED_BEFORE_ACCEPTED = "canceled_revoked_before_accepted"
    CANCELED_ISSUE_NOT_ACCEPTED = "canceled_issue_not_accepted"
    CANCELED_AFTER_REVOCATION_DURING_DISCUSSION = (
        "canceled_after_revocation_during_discussion"
    )
    CANCELED_AFTER_REVOCATION_DURING_VERIFICATION = (
        "canceled_after_revocation_during_verification"
    )
    CANCELED_NO_INITIATIVE_ADMITTED = "canceled_no_initiative_admitted"
    FINISHED_WITHOUT_WINNER = "finished_without_winner"
    FINISHED_WITH_WINNER = "finished_with_winner"


OPEN_STATES = frozenset(
    {
        IssueState.ADMISSION,
        IssueState.DISCUSSION,
        IssueState.VERIFICATION,
        IssueState.VOTING,
    }
)


class Event(StrEnum):
    ACCEPTED = "accepted"
    ADMISSION_EXPIRED = "admission_expired"
    ALL_REVOKED = "all_revoked"
    DISCUSSION_ENDED = "discussion_ended"
    VERIFICATION_ENDED = "verification_ended"
    NO_INITIATIVE_ADMITTED = "no_initiative_admitted"
    WINNER_FOUND = "winner_found"
    NO_WINNER = "no_winner"


S, E = IssueState, Event
TRANSITIONS: dict[tuple[IssueState, Event], IssueState] = {
    (S.ADMISSION, E.ACCEPTED): S.DISCUSSION,
    (S.ADMISSION, E.ADMISSION_EXPIRED): S.CANCELED_ISSUE_NOT_ACCEPTED,
    (S.ADMISSION, E.ALL_REVOKED): S.CANCELED_REVOKED_BEFORE_ACCEPTED,
    (S.DISCUSSION, E.DISCUSSION_ENDED): S.VERIFICATION,
    (S.DISCUSSION, E.ALL_REVOKED): S.CANCELED_AFTER_REVOCATION_DURING_DISCUSSION,
    (S.VERIFICATION, E.VERIFICATION_ENDED): S.VOTING,
    (S.VERIFICATION, E.NO_INITIATIVE_ADMITTED): S.CANCELED_NO_INITIATIVE_ADMITTED,
    (S.VERIFICATION, E.ALL_REVOKED): S.CANCELED_AFTER_REVOCATION_DURING_VERIFICATION,
    (S.VOTING, E.WINNER_FOUND): S.FINISHED_WITH_WINNER,
    (S.VOTING, E.NO_WINNER): S.FINISHED_WITHOUT_WINNER,
}


class Effect(StrEnum):
    HALF_FREEZE = "half_freeze"  # end of discussion: drafts can no longer change
    FULL_FREEZE = "full_freeze"  # end of verification: no new initiatives
    COUNT_VOTES = "count_votes"  # voting time is over: count, then ask again
    CLOSE = "close"  # the issue reached a final state


class TransitionError(ValueError):
    """An event that the table does not allow in the current state; the caller's fault."""


def apply(state: IssueState, event: Event) -> IssueState:
    """Look up the state ``event`` leads to from ``state``."""
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise TransitionError(
            f"event {event.value!r} is not allowed in state {state.value!r}"
        ) from None


@dataclass(frozen=True)
class Policy:
    """An LF policy's timings and quorums; the majority part lives in ``majority``."""

    min_admission_time: timedelta
    max_admission_time: timedelta
    discussion_time: timedelta
    verification_time: timedelta
    voting_time: timedelta
    issue_quorum: int
    issue_quorum_num: int
    issue_quorum_den: int
    initiative_quorum: int
    initiative_quorum_num: int
    initiative_quorum_den: int
    majority: MajorityPolicy = field(default_factory=MajorityPolicy)

    def __post_init__(self) -> None:
        if self.min_admission_time >= self.max_admission_time:
            raise ValueError(
                "min_admission_time must be shorter than max_admission_time"
            )
        if self.issue_quorum < 1 or self.initiative_quorum < 1:
            raise ValueError("issue_quorum and initiative_quorum must be at least 1")
        if self.issue_quorum_den <= 0 or self.initiative_quorum_den <= 0:
            raise ValueError("quorum denominators must be positive")


@dataclass(frozen=True)
class InitiativeSnapshot:
    initiative_id: str
    revoked_at: datetime | None = None
    supporter_count: int = 0
    satisfied_supporter_count: int = 0
    polling: bool = False


@dataclass(frozen=True)
class IssueSnapshot:
    state: IssueState
    created_at: datetime
    initiatives: tuple[InitiativeSnapshot, ...]
    population: int
    accepted_at: datetime | None = None
    half_frozen_at: datetime | None = None
    fully_frozen_at: datetime | None = None
    winner_found: bool | None = None  # set once the votes are counted


@dataclass(frozen=True)
class Transition:
    """What ``next_state`` decided; ``event`` is None when nothing changes yet."""

    state: IssueState
    event: Event | None = None
    effects: tuple[Effect, ...] = ()
    admitted: tuple[str, ...] = ()
    initiative_quorum: int | None = None

    @property
    def changed(self) -> bool:
        return self.event is not None


def initiative_quorum(policy: Policy, population: int) -> int:
    """Satisfied supporters an initiative needs at full freeze to be put to the vote."""
    share = -(
        -population * policy.initiative_quorum_num // policy.initiative_quorum_den
    )
    return max(policy.initiative_quorum, share)


def admitted_initiatives(issue: IssueSnapshot, policy: Policy) -> tuple[str, ...]:
    """Ids of non-revoked initiatives that reach the initiative quorum (or are polls)."""
    quorum = initiative_quorum(policy, issue.population)
    return tuple(
        i.initiative_id
        for i in issue.initiatives
        if i.revoked_at is None and (i.polling or i.satisfied_supporter_count >= quorum)
    )


def next_state(issue: IssueSnapshot, policy: Policy, now: datetime) -> Transition:
    """Decide the issue's next transition at time ``now``."""
    if issue.state not in OPEN_STATES:
        return Transition(issue.state)
    finished = _phase_finished(issue, policy, now)

    if issue.state is not S.VOTING and _issue_revoked(issue, policy, now, finished):
        return _move(issue.state, E.ALL_REVOKED, (Effect.CLOSE,))
    if not finished:
        return Transition(issue.state)
    if issue.state is S.ADMISSION:
        return _move(issue.state, E.ADMISSION_EXPIRED, (Effect.CLOSE,))
    if issue.state is S.DISCUSSION:
        return _move(issue.state, E.DISCUSSION_ENDED, (Effect.HALF_FREEZE,))
    if issue.state is S.VERIFICATION:
        return _end_verification(issue, policy)
    return _end_voting(issue)


def _move(state: IssueState, event: Event, effects: tuple[Effect, ...]) -> Transition:
    return Transition(apply(state, event), event, effects)


def _phase_finished(issue: IssueSnapshot, policy: Policy, now: datetime) -> bool:
    started, length = {
        S.ADMISSION: (issue.created_at, policy.max_admission_time),
        S.DISCUSSION: (issue.accepted_at, policy.discussion_time),
        S.VERIFICATION: (issue.half_frozen_at, policy.verification_time),
        S.VOTING: (issue.fully_frozen_at, policy.voting_time),
    }[issue.state]
    if started is None:
        raise ValueError(
            f"issue in state {issue.state.value!r} lacks the time it entered it"
        )
    return now >= started + length


def _issue_revoked(
    issue: IssueSnapshot, policy: Policy, now: datetime, finished: bool
) -> bool:
    if any(i.revoked_at is None for i in issue.initiatives):
        return False
    if issue.state is S.ADMISSION or (issue.state is S.VERIFICATION and finished):
        return True
    return not any(
        i.revoked_at is not None and now < i.revoked_at + policy.verification_time
        for i in issue.initiatives
    )


def _end_verification(issue: IssueSnapshot, policy: Policy) -> Transition:
    admitted = admitted_initiatives(issue, policy)
    quorum = initiative_quorum(policy, issue.population)
    if admitted:
        event, effects = E.VERIFICATION_ENDED, (Effect.FULL_FREEZE,)
    else:
        event, effects = E.NO_INITIATIVE_ADMITTED, (Effect.FULL_FREEZE, Effect.CLOSE)
    return Transition(apply(issue.state, event), event, effects, admitted, quorum)


def _end_voting(issue: IssueSnapshot) -> Transition:
    if issue.winner_found is None:
        return Transition(issue.state, effects=(Effect.COUNT_VOTES,))
    event = E.WINNER_FOUND if issue.winner_found else E.NO_WINNER
    return _move(issue.state, event, (Effect.CLOSE,))
