"""What a phase change writes down: interest and support with their weights."""

from __future__ import annotations

from server.proposals.models import Snapshot, SnapshotInterest, SnapshotSupport
from server.proposals.scheduler import tick
from tests.conftest import Person
from tests.proposals.builders import HOUR, Place, act, created_at, make_place, propose


async def accepted_with_a_delegator_and_a_follower(
    place: Place, initiator: Person, delegator: Person, follower: Person
) -> tuple[str, str]:
    """``delegator`` hands their voice to ``initiator``; ``follower`` is only interested."""
    await act(
        delegator,
        "proposal.delegation.set",
        {
            "scope": "unit",
            "target_id": str(place.unit.id),
            "trustee_id": str(initiator.user.id),
        },
    )
    issue, initiative = await propose(initiator, place)
    await act(follower, "proposal.interest", {"issue_id": issue})
    report = await tick(await created_at(issue) + 2 * HOUR)
    assert [c["to"] for c in report.changes] == ["discussion"]
    return issue, initiative


async def test_acceptance_snapshot_weighs_each_interested_member_with_their_delegators(
    resident: Person, other_resident: Person, staff: Person
) -> None:
    place = await make_place()
    issue, _ = await accepted_with_a_delegator_and_a_follower(
        place, resident, other_resident, staff
    )

    snapshot = await Snapshot.get(issue_id=issue, event="accepted")
    rows = await SnapshotInterest.filter(snapshot_id=snapshot.id).values_list(
        "member_id", "weight"
    )

    assert sorted(rows, key=lambda r: -r[1]) == [
        (resident.user.id, 2),
        (staff.user.id, 1),
    ]


async def test_acceptance_snapshot_weighs_support_with_the_delegators_voice(
    resident: Person, other_resident: Person, staff: Person
) -> None:
    place = await make_place()
    issue, initiative = await accepted_with_a_delegator_and_a_follower(
        place, resident, other_resident, staff
    )

    snapshot = await Snapshot.get(issue_id=issue, event="accepted")
    rows = await SnapshotSupport.filter(snapshot_id=snapshot.id).values_list(
        "initiative_id", "member_id", "weight", "satisfied"
    )

    assert [(str(i), m, w, s) for i, m, w, s in rows] == [
        (initiative, resident.user.id, 2, True)
    ]
