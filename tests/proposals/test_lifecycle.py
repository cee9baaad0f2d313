"""The issue state machine: phase changes, freezes and cancellations."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from server.proposals.lifecycle import (
    OPEN_STATES,
    TRANSITIONS,
    Effect,
    Event,
    InitiativeSnapshot,
    IssueSnapshot,
    IssueState,
    Policy,
    TransitionError,
    apply,
    next_state,
)

DAY = timedelta(days=1)
T0 = datetime(2024, 5, 1, 12, 0)
POLICY = Policy(
    min_admission_time=DAY,
    max_admission_time=8 * DAY,
    discussion_time=15 * DAY,
    verification_time=8 * DAY,
    voting_time=15 * DAY,
    issue_quorum=1,
    issue_quorum_num=10,
    issue_quorum_den=100,
    initiative_quorum=1,
    initiative_quorum_num=10,
    initiative_quorum_den=100,
)


def issue(state: IssueState, **changes: object) -> IssueSnapshot:
    base = IssueSnapshot(
        state=state,
        created_at=T0,
        population=100,
        initiatives=(InitiativeSnapshot("a", satisfied_supporter_count=20),),
        accepted_at=T0 + DAY,
        half_frozen_at=T0 + 16 * DAY,
        fully_frozen_at=T0 + 24 * DAY,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_admission_expires_into_not_accepted() -> None:
    result = next_state(issue(IssueState.ADMISSION), POLICY, T0 + 8 * DAY)

    assert result.state is IssueState.CANCELED_ISSUE_NOT_ACCEPTED


def test_admission_waits_before_max_admission_time() -> None:
    assert not next_state(issue(IssueState.ADMISSION), POLICY, T0 + 7 * DAY).changed


def test_revoking_every_initiative_in_admission_cancels_at_once() -> None:
    revoked = (InitiativeSnapshot("a", revoked_at=T0 + DAY),)
    result = next_state(
        issue(IssueState.ADMISSION, initiatives=revoked), POLICY, T0 + DAY
    )

    assert result.state is IssueState.CANCELED_REVOKED_BEFORE_ACCEPTED


def test_end_of_discussion_half_freezes_the_issue() -> None:
    result = next_state(issue(IssueState.DISCUSSION), POLICY, T0 + 16 * DAY)

    assert (result.state, result.effects) == (
        IssueState.VERIFICATION,
        (Effect.HALF_FREEZE,),
    )


def test_revocation_during_discussion_waits_for_a_replacement() -> None:
    revoked = (InitiativeSnapshot("a", revoked_at=T0 + 2 * DAY),)
    snapshot = issue(IssueState.DISCUSSION, initiatives=revoked)

    assert not next_state(snapshot, POLICY, T0 + 9 * DAY).changed
    assert next_state(snapshot, POLICY, T0 + 10 * DAY).state is (
        IssueState.CANCELED_AFTER_REVOCATION_DURING_DISCUSSION
    )


def test_revocation_during_verification_cancels_the_issue_when_the_phase_ends() -> None:
    # Revoked 4 days before verification ends, so the replacement window is still open.
    revoked = (InitiativeSnapshot("a", revoked_at=T0 + 20 * DAY),)
    snapshot = issue(IssueState.VERIFICATION, initiatives=revoked)

    just_before = T0 + 24 * DAY - timedelta(seconds=1)

    assert not next_state(snapshot, POLICY, just_before).changed
    assert next_state(snapshot, POLICY, T0 + 24 * DAY).state is (
        IssueState.CANCELED_AFTER_REVOCATION_DURING_VERIFICATION
    )


def test_verification_cancels_once_a_revocation_finds_no_replacement_in_time() -> None:
    # Revoked in discussion at day 12: the half freeze at day 16 came inside the
    # window, which closes at day 20, before the phase ends at day 24.
    revoked = (InitiativeSnapshot("a", revoked_at=T0 + 12 * DAY),)
    snapshot = issue(IssueState.VERIFICATION, initiatives=revoked)

    just_before = T0 + 20 * DAY - timedelta(seconds=1)

    assert not next_state(snapshot, POLICY, just_before).changed
    assert next_state(snapshot, POLICY, T0 + 20 * DAY).state is (
        IssueState.CANCELED_AFTER_REVOCATION_DURING_VERIFICATION
    )


def test_end_of_verification_admits_initiatives_reaching_the_quorum() -> None:
    initiatives = (
        InitiativeSnapshot("a", satisfied_supporter_count=10),
        InitiativeSnapshot("b", satisfied_supporter_count=9),
    )
    result = next_state(
        issue(IssueState.VERIFICATION, initiatives=initiatives), POLICY, T0 + 24 * DAY
    )

    assert (result.state, result.admitted, result.initiative_quorum) == (
        IssueState.VOTING,
        ("a",),
        10,
    )


def test_verification_without_admitted_initiative_cancels_the_issue() -> None:
    weak = (InitiativeSnapshot("a", satisfied_supporter_count=3),)
    result = next_state(
        issue(IssueState.VERIFICATION, initiatives=weak), POLICY, T0 + 24 * DAY
    )

    assert result.state is IssueState.CANCELED_NO_INITIATIVE_ADMITTED


def test_voting_end_asks_for_a_count_first() -> None:
    result = next_state(issue(IssueState.VOTING), POLICY, T0 + 39 * DAY)

    assert (result.changed, result.effects) == (False, (Effect.COUNT_VOTES,))


@pytest.mark.parametrize(
    ("winner_found", "state"),
    [
        (True, IssueState.FINISHED_WITH_WINNER),
        (False, IssueState.FINISHED_WITHOUT_WINNER),
    ],
)
def test_a_counted_vote_finishes_the_issue(
    winner_found: bool, state: IssueState
) -> None:
    snapshot = issue(IssueState.VOTING, winner_found=winner_found)

    assert next_state(snapshot, POLICY, T0 + 39 * DAY).state is state


def test_events_outside_the_table_are_refused() -> None:
    with pytest.raises(TransitionError):
        apply(IssueState.VOTING, Event.ACCEPTED)


def test_policy_refuses_min_admission_not_shorter_than_max() -> None:
    with pytest.raises(ValueError):
        replace(POLICY, min_admission_time=8 * DAY)


class IssueLife(RuleBasedStateMachine):
    """Drive one issue with random time steps, support and revocations."""

    def __init__(self) -> None:
        super().__init__()
        self.now = T0
        self.snapshot = IssueSnapshot(
            IssueState.ADMISSION,
            T0,
            (InitiativeSnapshot("a"), InitiativeSnapshot("b")),
            50,
        )
        self.history = [IssueState.ADMISSION]

    @rule(hours=st.integers(min_value=1, max_value=24 * 10))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule(which=st.sampled_from(["a", "b"]), satisfied=st.integers(0, 20))
    def support_changes(self, which: str, satisfied: int) -> None:
        initiatives = tuple(
            replace(i, satisfied_supporter_count=satisfied)
            if i.initiative_id == which
            else i
            for i in self.snapshot.initiatives
        )
        self.snapshot = replace(self.snapshot, initiatives=initiatives)

    @precondition(lambda self: self.snapshot.state is not IssueState.VOTING)
    @rule(which=st.sampled_from(["a", "b"]))
    def initiative_is_revoked(self, which: str) -> None:
        initiatives = tuple(
            replace(i, revoked_at=i.revoked_at or self.now)
            if i.initiative_id == which
            else i
            for i in self.snapshot.initiatives
        )
        self.snapshot = replace(self.snapshot, initiatives=initiatives)

    @precondition(lambda self: self.snapshot.state is IssueState.ADMISSION)
    @rule()
    def issue_is_accepted(self) -> None:
        state = apply(IssueState.ADMISSION, Event.ACCEPTED)
        self._enter(state)

    @rule(winner=st.booleans())
    def update_runs(self, winner: bool) -> None:
        result = next_state(self.snapshot, POLICY, self.now)
        if Effect.COUNT_VOTES in result.effects:
            self.snapshot = replace(self.snapshot, winner_found=winner)
        if result.changed:
            assert (self.snapshot.state, result.event) in TRANSITIONS
            if result.state is IssueState.VOTING:
                assert result.admitted
            self._enter(result.state)

    def _enter(self, state: IssueState) -> None:
        stamp = {
            IssueState.DISCUSSION: "accepted_at",
            IssueState.VERIFICATION: "half_frozen_at",
            IssueState.VOTING: "fully_frozen_at",
        }.get(state)
        changes = {"state": state} | ({stamp: self.now} if stamp else {})
        self.snapshot = replace(self.snapshot, **changes)  # type: ignore[arg-type]
        self.history.append(state)

    @invariant()
    def closed_issues_never_change(self) -> None:
        closed = [s for s in self.history if s not in OPEN_STATES]
        assert len(closed) <= 1
        if closed:
            assert self.history[-1] == closed[0]

    @invariant()
    def states_only_move_forward(self) -> None:
        order = [
            IssueState.ADMISSION,
            IssueState.DISCUSSION,
            IssueState.VERIFICATION,
            IssueState.VOTING,
        ]
        open_seen = [order.index(s) for s in self.history if s in OPEN_STATES]
        assert open_seen == sorted(open_seen)


TestIssueLife = IssueLife.TestCase
