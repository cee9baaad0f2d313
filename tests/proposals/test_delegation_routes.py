"""Reading delegations over HTTP: one's own at a scope with its chain, and finding
trustees among the members."""

from __future__ import annotations

import uuid
from typing import Any

from quart import Quart

from tests.conftest import Person, make_person
from tests.proposals.builders import act, make_guest, make_place, propose
from tests.proposals.test_voting import in_voting


async def error_code(answer: Any) -> str:
    return (await answer.get_json())["error"]["code"]  # type: ignore[no-any-return]


async def delegate(person: Person, scope: str, target: Any, trustee: Any) -> None:
    result = await act(
        person,
        "proposal.delegation.set",
        {
            "scope": scope,
            "target_id": str(target),
            "trustee_id": str(trustee) if trustee else None,
        },
    )
    assert result["status"] == "applied", result


async def test_member_search_finds_other_members_by_part_of_their_name(
    app: Quart, resident: Person
) -> None:
    place = await make_place()
    await make_person(app, "resident", "Giulia Verdi")
    await make_person(app, "volunteer", "Giulio Neri")
    await make_person(app, "resident", "Marco")

    answer = await resident.get(f"/api/proposals/units/{place.unit.id}/members?q=giuli")

    names = [m["name"] for m in (await answer.get_json())["members"]]
    assert names == ["Giulia Verdi", "Giulio Neri"]


async def test_member_search_leaves_out_guests_and_the_person_asking(
    app: Quart, resident: Person
) -> None:
    place = await make_place()
    await make_guest(resident)
    await make_person(app, "resident", "Otto")

    answer = await resident.get(f"/api/proposals/units/{place.unit.id}/members")

    assert [m["name"] for m in (await answer.get_json())["members"]] == ["Otto"]


async def test_member_search_pages_with_a_limit_and_a_next_offset(
    app: Quart, resident: Person
) -> None:
    place = await make_place()
    for name in ("Anna", "Bruno", "Carla"):
        await make_person(app, "resident", name)
    path = f"/api/proposals/units/{place.unit.id}/members?limit=2"

    first = await (await resident.get(path)).get_json()
    second = await (await resident.get(f"{path}&offset=2")).get_json()

    assert [m["name"] for m in first["members"]] == ["Anna", "Bruno"]
    assert (first["next_offset"], second["next_offset"]) == (2, None)
    assert [m["name"] for m in second["members"]] == ["Carla"]


async def test_member_search_is_for_members_only(resident: Person) -> None:
    place = await make_place()
    guest = await make_guest(resident)

    answer = await guest.get(f"/api/proposals/units/{place.unit.id}/members")

    assert (answer.status_code, await error_code(answer)) == (
        403,
        "proposal.members_only",
    )


async def test_member_search_in_an_unknown_unit_is_not_found(
    resident: Person,
) -> None:
    answer = await resident.get(f"/api/proposals/units/{uuid.uuid4()}/members")

    assert (answer.status_code, await error_code(answer)) == (
        404,
        "proposal.unit_not_found",
    )


async def test_an_unknown_delegation_scope_is_refused_with_its_name(
    resident: Person,
) -> None:
    answer = await resident.get(
        f"/api/proposals/delegations?scope=city&id={uuid.uuid4()}"
    )

    assert (answer.status_code, await error_code(answer)) == (
        400,
        "proposal.bad_scope",
    )


async def test_unit_delegation_chain_follows_trustees_to_who_would_take_part(
    app: Quart, resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    carla = await make_person(app, "resident", "Carla")
    await delegate(resident, "unit", place.unit.id, other_resident.user.id)
    await delegate(other_resident, "unit", place.unit.id, carla.user.id)

    mine = await (
        await resident.get(f"/api/proposals/delegations?scope=unit&id={place.unit.id}")
    ).get_json()

    assert mine["mine"]["trustee"]["name"] == "Otto"
    assert [m["name"] for m in mine["my_voice_reaches"]] == ["Otto", "Carla"]


async def test_trustee_at_the_end_of_a_chain_carries_every_voice_on_it(
    app: Quart, resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    carla = await make_person(app, "resident", "Carla")
    await delegate(resident, "unit", place.unit.id, other_resident.user.id)
    await delegate(other_resident, "unit", place.unit.id, carla.user.id)

    theirs = await (
        await carla.get(f"/api/proposals/delegations?scope=unit&id={place.unit.id}")
    ).get_json()

    assert (theirs["weight"], theirs["i_represent_count"]) == (3, 2)


async def test_area_delegation_shows_the_unit_delegation_it_overrides(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    await delegate(resident, "unit", place.unit.id, other_resident.user.id)
    await delegate(resident, "area", place.area.id, None)

    mine = await (
        await resident.get(f"/api/proposals/delegations?scope=area&id={place.area.id}")
    ).get_json()

    assert mine["mine"] == {"trustee": None}
    assert mine["inherited"]["trustee"]["name"] == "Otto"
    assert mine["my_voice_reaches"] == []


async def test_issue_delegation_reaches_an_interested_trustee(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    issue, _ = await propose(other_resident, place)
    await delegate(resident, "area", place.area.id, other_resident.user.id)

    theirs = await (
        await other_resident.get(f"/api/proposals/delegations?scope=issue&id={issue}")
    ).get_json()

    assert (theirs["participates"], theirs["weight"]) == (True, 2)
    assert theirs["i_represent"] == [{"id": str(resident.user.id), "name": "Rita"}]


async def chain_now(person: Person, issue: str) -> dict[str, Any]:
    answer = await person.get(f"/api/proposals/delegations?scope=issue&id={issue}")
    return await answer.get_json()  # type: ignore[no-any-return]


async def cast(person: Person, issue: str, initiative: str) -> None:
    result = await act(
        person, "proposal.ballot.cast", {"issue_id": issue, "grades": {initiative: 1}}
    )
    assert result["status"] == "applied", result


async def test_during_voting_a_chain_does_not_tell_whether_the_trustee_has_voted(
    resident: Person, other_resident: Person
) -> None:
    # LF's delegation_chain knows only the caller's own participation once voting
    # starts: otherwise delegating to anyone would tell whether they voted yet.
    place = await make_place()
    issue, (initiative,), _ = await in_voting(place, [other_resident], ["Trams"])
    await delegate(resident, "issue", issue, other_resident.user.id)

    before = await chain_now(resident, issue)
    await cast(other_resident, issue, initiative)
    after = await chain_now(resident, issue)

    assert before == after


async def test_during_voting_a_trustee_does_not_learn_which_delegators_have_voted(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    issue, (initiative,), _ = await in_voting(place, [other_resident], ["Trams"])
    await delegate(resident, "issue", issue, other_resident.user.id)
    await cast(other_resident, issue, initiative)

    before = await chain_now(other_resident, issue)
    await cast(resident, issue, initiative)
    after = await chain_now(other_resident, issue)

    assert before == after


async def test_during_voting_the_issue_delegation_view_does_not_tell_who_voted(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    issue, (initiative,), _ = await in_voting(place, [other_resident], ["Trams"])
    await delegate(resident, "issue", issue, other_resident.user.id)
    path = f"/api/proposals/issues/{issue}/delegation"

    before = await (await resident.get(path)).get_json()
    await cast(other_resident, issue, initiative)
    after = await (await resident.get(path)).get_json()

    assert before == after


async def test_during_voting_a_member_sees_that_their_own_ballot_counts(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    issue, (initiative,), _ = await in_voting(place, [other_resident], ["Trams"])
    await delegate(resident, "issue", issue, other_resident.user.id)
    await cast(resident, issue, initiative)

    mine = await chain_now(resident, issue)

    assert (mine["participates"], mine["my_voice_reaches"]) == (True, [])


async def test_member_search_with_a_nul_character_is_answered_not_a_server_error(
    app: Quart, resident: Person
) -> None:
    # PostgreSQL refuses a NUL in a query parameter; it answered 500.
    place = await make_place()
    await make_person(app, "resident", "Otto")
    path = f"/api/proposals/units/{place.unit.id}/members"

    answer = await resident.get(path, query_string={"q": "Ot\x00to"})

    assert answer.status_code == 200
    assert [m["name"] for m in (await answer.get_json())["members"]] == ["Otto"]


async def test_member_search_treats_like_wildcards_as_plain_characters(
    app: Quart, resident: Person
) -> None:
    place = await make_place()
    await make_person(app, "resident", "Anna")
    await make_person(app, "resident", "Car_la 100%")
    path = f"/api/proposals/units/{place.unit.id}/members"

    found = []
    for q in ("_", "%"):
        page = await (await resident.get(path, query_string={"q": q})).get_json()
        found.append([m["name"] for m in page["members"]])

    assert found == [["Car_la 100%"], ["Car_la 100%"]]
