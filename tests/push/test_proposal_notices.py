"""Proposal notices end to end: scheduler or mutation -> queue -> worker -> a real
receiver that checks VAPID and decrypts with the device's own key."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta, timezone

from quart import Quart

from server.accounts.models import User
from server.proposals.models import Initiative
from server.proposals.scheduler import tick
from server.push.models import PushMessage
from server.push.notices import Notice, enqueue_notice
from tests.conftest import Person
from tests.helpers import mutation, push
from tests.proposals.builders import (
    DAY,
    HOUR,
    Place,
    act,
    created_at,
    make_place,
    propose,
)
from tests.push.conftest import subscribe, wait_until
from tests.push.receiver import Receiver

# Anything arriving this long after the expected messages would be a duplicate.
SETTLE_S = 0.5


async def followed_issue(initiator: Person, follower: Person) -> tuple[str, datetime]:
    """An issue that ``follower`` supports (and so follows); answer it and its start."""
    place = await make_place()
    issue, initiative = await propose(initiator, place)
    supported = await act(
        follower, "proposal.support.set", {"initiative_id": initiative}
    )
    assert supported["status"] == "applied", supported
    return issue, await created_at(issue) + 2 * HOUR


async def to_voting(start: datetime) -> None:
    """Accepted, half frozen, fully frozen: voting runs from start + 7 d to + 10 d."""
    for moment in (start, start + 5 * DAY, start + 7 * DAY):
        await tick(moment)


def titles(receiver: Receiver, device_path: str) -> list[str]:
    return [d.message["title"] for d in receiver.deliveries if d.path == device_path]


async def test_voting_start_reaches_a_followers_device_once_decrypted_in_their_language(
    app: Quart, resident: Person, other_resident: Person, receiver: Receiver
) -> None:
    await User.filter(id=other_resident.user.id).update(locale="it")
    phone = await subscribe(other_resident, receiver)
    issue, start = await followed_issue(resident, other_resident)

    await to_voting(start)
    await wait_until(lambda: len(receiver.deliveries) >= 1)
    await asyncio.sleep(SETTLE_S)
    [delivery] = receiver.deliveries

    assert delivery.path == phone.path
    assert delivery.message["title"] == "La votazione è aperta"
    assert delivery.message["body"] == "Bike lanes (Mobility). Ora puoi votare."
    assert delivery.message["url"] == f"/proposals/issues/{issue}"


async def test_instances_ticking_into_voting_at_once_queue_one_message_per_device(
    app: Quart, resident: Person, other_resident: Person, receiver: Receiver
) -> None:
    await subscribe(other_resident, receiver)
    await subscribe(other_resident, receiver)
    _, start = await followed_issue(resident, other_resident)
    for moment in (start, start + 5 * DAY):
        await tick(moment)

    await asyncio.gather(*(tick(start + 7 * DAY) for _ in range(3)))
    await wait_until(lambda: len(receiver.deliveries) >= 2)
    await asyncio.sleep(SETTLE_S)

    assert sorted(receiver.counts().values()) == [1, 1]


async def test_a_member_who_does_not_follow_the_issue_hears_nothing_when_voting_starts(
    app: Quart,
    resident: Person,
    other_resident: Person,
    staff: Person,
    receiver: Receiver,
) -> None:
    follower = await subscribe(other_resident, receiver)
    await subscribe(staff, receiver)  # staff get every topic by default
    _, start = await followed_issue(resident, other_resident)

    await to_voting(start)
    await wait_until(lambda: len(receiver.deliveries) >= 1)
    await asyncio.sleep(SETTLE_S)

    assert [d.path for d in receiver.deliveries] == [follower.path]


async def test_interest_alone_makes_a_member_hear_that_voting_started(
    app: Quart, resident: Person, other_resident: Person, receiver: Receiver
) -> None:
    phone = await subscribe(other_resident, receiver)
    place = await make_place()
    issue, _ = await propose(resident, place)
    shown = await act(other_resident, "proposal.interest", {"issue_id": issue})
    assert shown["status"] == "applied", shown

    await to_voting(await created_at(issue) + 2 * HOUR)
    await wait_until(lambda: len(receiver.deliveries) >= 1)
    await asyncio.sleep(SETTLE_S)

    assert titles(receiver, phone.path) == ["Voting has started"]


async def test_voting_ends_soon_is_sent_once_over_repeated_ticks(
    app: Quart, resident: Person, other_resident: Person, receiver: Receiver
) -> None:
    phone = await subscribe(other_resident, receiver)
    _, start = await followed_issue(resident, other_resident)
    await to_voting(start)
    await wait_until(lambda: len(receiver.deliveries) >= 1)

    await tick(start + 9 * DAY - HOUR)  # more than a day left: no reminder yet
    last_day = start + 9 * DAY + HOUR
    await asyncio.gather(tick(last_day), tick(last_day), tick(last_day))
    for later in (2 * HOUR, 5 * HOUR, 20 * HOUR):
        await tick(start + 9 * DAY + later)
    await wait_until(lambda: len(receiver.deliveries) >= 2)
    await asyncio.sleep(SETTLE_S)

    assert titles(receiver, phone.path) == [
        "Voting has started",
        "Voting ends within 24 hours",
    ]


async def test_a_follower_who_already_voted_gets_no_reminder(
    app: Quart, resident: Person, other_resident: Person, receiver: Receiver
) -> None:
    voter = await subscribe(resident, receiver)
    waiting = await subscribe(other_resident, receiver)
    issue, start = await followed_issue(resident, other_resident)
    await to_voting(start)
    ballot = await act(
        resident,
        "proposal.ballot.cast",
        {"issue_id": issue, "grades": {await admitted_initiative(issue): 1}},
    )
    assert ballot["status"] == "applied", ballot

    await tick(start + 9 * DAY + HOUR)
    await wait_until(lambda: len(titles(receiver, waiting.path)) >= 2)
    await asyncio.sleep(SETTLE_S)

    assert titles(receiver, voter.path) == ["Voting has started"]


async def test_a_device_with_the_proposal_topic_switched_off_gets_nothing(
    app: Quart, resident: Person, other_resident: Person, receiver: Receiver
) -> None:
    phone = await subscribe(other_resident, receiver)
    await subscribe(other_resident, receiver, topics=["my_reports"])
    _, start = await followed_issue(resident, other_resident)

    await to_voting(start)
    await wait_until(lambda: len(receiver.deliveries) >= 1)
    await asyncio.sleep(SETTLE_S)

    assert [d.path for d in receiver.deliveries] == [phone.path]


async def test_quiet_hours_hold_a_voting_notice_until_they_end(
    app: Quart, resident: Person, other_resident: Person, receiver: Receiver
) -> None:
    await other_resident.put(
        "/api/push/preferences", json={"quiet_hours": quiet_now(), "timezone": "UTC"}
    )
    await subscribe(other_resident, receiver)
    _, start = await followed_issue(resident, other_resident)

    await to_voting(start)
    await asyncio.sleep(1.5)  # the worker polls every second
    message = await PushMessage.get()

    assert receiver.deliveries == []
    assert message.due_at > int(datetime.now(timezone.utc).timestamp() * 1000)


async def test_a_notice_that_quiet_hours_would_hold_past_its_moment_is_dropped(
    app: Quart, other_resident: Person, receiver: Receiver
) -> None:
    await other_resident.put(
        "/api/push/preferences", json={"quiet_hours": quiet_now(), "timezone": "UTC"}
    )
    await subscribe(other_resident, receiver)
    notice = Notice(
        topic="followed_issues",
        event_key="issue:test:voting_ends_soon",
        title_key="push.proposal.voting_ends_soon.title",
        body_key="push.proposal.voting_ends_soon.body",
        url="/proposals/issues/test",
        tag="issue-test",
        params={"initiatives": "Bike lanes", "area": "Mobility"},
        expires_at=datetime.now(timezone.utc) + timedelta(minutes=5),
    )

    queued = await enqueue_notice(notice, [other_resident.user.id])

    assert queued == 0


async def test_a_trustee_hears_once_of_a_new_delegation_in_their_language(
    app: Quart, resident: Person, other_resident: Person, receiver: Receiver
) -> None:
    await User.filter(id=other_resident.user.id).update(locale="de")
    trustee_phone = await subscribe(other_resident, receiver)
    place = await make_place()

    await delegate(resident, place, other_resident)
    await wait_until(lambda: len(receiver.deliveries) >= 1)
    await asyncio.sleep(SETTLE_S)
    [delivery] = receiver.deliveries

    assert delivery.path == trustee_phone.path
    assert delivery.message["title"] == "Du hast eine Delegation erhalten"
    assert delivery.message["body"] == (
        "Ein Mitglied vertraut dir jetzt seine Stimme im Bereich Mobility an."
    )


async def test_an_issue_delegation_links_the_trustee_to_the_issue(
    app: Quart, resident: Person, other_resident: Person, receiver: Receiver
) -> None:
    await subscribe(other_resident, receiver)
    issue, _ = await propose(resident, await make_place())
    args = {
        "scope": "issue",
        "target_id": issue,
        "trustee_id": str(other_resident.user.id),
    }

    result = await act(resident, "proposal.delegation.set", args)
    await wait_until(lambda: len(receiver.deliveries) >= 1)
    message = receiver.deliveries[0].message

    assert result["status"] == "applied", result
    assert message["body"] == "A member now trusts you with their vote on “Bike lanes”."
    assert message["url"] == f"/proposals/issues/{issue}"


async def test_setting_the_same_delegation_again_sends_nothing_new(
    app: Quart, resident: Person, other_resident: Person, receiver: Receiver
) -> None:
    await subscribe(other_resident, receiver)
    place = await make_place()
    await delegate(resident, place, other_resident)
    await wait_until(lambda: len(receiver.deliveries) >= 1)

    await delegate(resident, place, other_resident)
    await delegate(resident, place, other_resident)
    await asyncio.sleep(1.5)  # the worker polls every second

    assert len(receiver.deliveries) == 1


async def test_a_resent_delegation_mutation_notifies_the_trustee_once(
    app: Quart, resident: Person, other_resident: Person, receiver: Receiver
) -> None:
    await subscribe(other_resident, receiver)
    place = await make_place()
    batch = [
        mutation(1, "proposal.delegation.set", delegation_args(place, other_resident))
    ]

    await push(resident, "client-rita-0001", batch)
    await push(resident, "client-rita-0001", batch)  # the reply was lost; sent again
    await wait_until(lambda: len(receiver.deliveries) >= 1)
    await asyncio.sleep(1.5)

    assert len(receiver.deliveries) == 1


async def test_redirecting_a_delegation_tells_the_new_trustee(
    app: Quart,
    resident: Person,
    other_resident: Person,
    staff: Person,
    receiver: Receiver,
) -> None:
    first = await subscribe(other_resident, receiver)
    second = await subscribe(staff, receiver)
    place = await make_place()
    await delegate(resident, place, other_resident)

    await delegate(resident, place, staff)
    await wait_until(lambda: len(receiver.deliveries) >= 2)
    await asyncio.sleep(SETTLE_S)

    assert sorted(d.path for d in receiver.deliveries) == sorted(
        [first.path, second.path]
    )


async def test_giving_and_taking_back_a_delegation_again_and_again_tells_the_trustee_once(
    app: Quart, resident: Person, other_resident: Person, receiver: Receiver
) -> None:
    # Each new delegation used to key a new message: one push of 1,000 mutations
    # could make a trustee's phone ring 500 times.
    await subscribe(other_resident, receiver)
    place = await make_place()
    given = delegation_args(place, other_resident)
    taken_back = {**given, "active": False}
    batch = [
        mutation(seq, "proposal.delegation.set", given if seq % 2 else taken_back)
        for seq in range(1, 21)
    ]

    await push(resident, "client-rita-0001", batch)

    assert await PushMessage.all().count() == 1


# Helpers ---------------------------------------------------------------------------


def quiet_now() -> dict[str, str]:
    """Quiet hours from an hour ago to an hour from now, in UTC."""
    now = datetime.now(timezone.utc)
    start, end = now - timedelta(hours=1), now + timedelta(hours=1)
    return {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}


def delegation_args(place: Place, trustee: Person) -> dict[str, object]:
    return {
        "scope": "area",
        "target_id": str(place.area.id),
        "trustee_id": str(trustee.user.id),
    }


async def delegate(truster: Person, place: Place, trustee: Person) -> None:
    result = await act(
        truster, "proposal.delegation.set", delegation_args(place, trustee)
    )
    assert result["status"] == "applied", result


async def admitted_initiative(issue: str) -> str:
    row = await Initiative.get(issue_id=uuid.UUID(issue), admitted=True)
    return str(row.id)
