from __future__ import annotations

from server.syncing.models import ConflictRecord
from tests.conftest import Person
from tests.helpers import mutation, new_report_args, pull_all, push


async def reported(resident: Person) -> str:
    args = new_report_args()
    await push(resident, "client-rita-0001", [mutation(1, "report.create", args)])
    return str(args["id"])


async def test_staff_change_of_state_reaches_the_reporter(resident: Person, staff: Person) -> None:
    report_id = await reported(resident)

    await push(staff, "client-sam-00001", [mutation(1, "report.set_state", {"id": report_id, "state": "acknowledged", "note": "On our list"}, 1)])
    records, _, _ = await pull_all(resident, "client-rita-0001")

    assert records[report_id]["state"] == "acknowledged"
    assert records[report_id]["updates"][0]["text"] == "On our list"


async def test_resident_cannot_change_the_state(resident: Person) -> None:
    report_id = await reported(resident)

    answer = await push(resident, "client-rita-0001", [mutation(2, "report.set_state", {"id": report_id, "state": "closed"})])

    assert answer["results"][0]["code"] == "auth.staff_only"


async def test_closed_report_cannot_be_reopened(resident: Person, staff: Person) -> None:
    report_id = await reported(resident)
    steps = ["acknowledged", "in_progress", "resolved", "closed", "in_progress"]
    batch = [mutation(i + 1, "report.set_state", {"id": report_id, "state": state}) for i, state in enumerate(steps)]

    answer = await push(staff, "client-sam-00001", batch)

    assert [r["status"] for r in answer["results"]] == ["applied"] * 4 + ["rejected"]
    assert answer["results"][-1]["code"] == "report.invalid_transition"


async def test_two_staff_changing_the_state_from_one_version_make_a_conflict(resident: Person, staff: Person, other_staff: Person) -> None:
    report_id = await reported(resident)

    await push(staff, "client-sam-00001", [mutation(1, "report.set_state", {"id": report_id, "state": "in_progress"}, 1)])
    answer = await push(other_staff, "client-stella-01", [mutation(1, "report.set_state", {"id": report_id, "state": "rejected"}, 1)])
    records, _, _ = await pull_all(staff, "client-sam-00001")

    assert answer["results"][0]["status"] == "conflict"
    assert answer["results"][0]["conflict"]["theirs"] == "in_progress"
    assert records[report_id]["state"] == "in_progress"
    assert await ConflictRecord.filter(entity_id=report_id, kind="field").count() == 1


async def test_two_staff_editing_different_fields_both_apply(resident: Person, staff: Person, other_staff: Person) -> None:
    report_id = await reported(resident)

    await push(staff, "client-sam-00001", [mutation(1, "report.edit", {"id": report_id, "fields": {"department": "lighting"}}, 1)])
    answer = await push(other_staff, "client-stella-01", [mutation(1, "report.edit", {"id": report_id, "fields": {"description": "Two lamps out"}}, 1)])
    records, _, _ = await pull_all(staff, "client-sam-00001")

    assert answer["results"][0]["status"] == "applied"
    assert (records[report_id]["department"], records[report_id]["description"]) == ("lighting", "Two lamps out")


async def test_edit_of_a_deleted_report_is_a_deleted_conflict_kept_for_review(resident: Person, staff: Person, other_staff: Person) -> None:
    report_id = await reported(resident)
    await push(staff, "client-sam-00001", [mutation(1, "report.delete", {"id": report_id})])

    answer = await push(other_staff, "client-stella-01", [mutation(1, "report.set_state", {"id": report_id, "state": "acknowledged", "note": "seen"}, 1)])
    kept = await ConflictRecord.get(entity_id=report_id, kind="deleted")
    records, _, _ = await pull_all(other_staff, "client-stella-01")

    assert answer["results"][0]["conflict"]["kind"] == "deleted"
    assert kept.mutation["args"]["note"] == "seen"
    assert report_id not in records


async def test_me_too_counts_each_person_once(resident: Person, other_resident: Person) -> None:
    report_id = await reported(resident)

    twice = [mutation(1, "report.confirm", {"id": report_id}), mutation(2, "report.confirm", {"id": report_id})]
    answer = await push(other_resident, "client-otto-0001", twice)
    records, _, _ = await pull_all(other_resident, "client-otto-0001")

    assert [r["code"] for r in answer["results"]] == ["ok", "report.already_confirmed"]
    assert records[report_id]["confirmations"] == 1


async def test_reporter_may_comment_on_their_report(resident: Person) -> None:
    report_id = await reported(resident)
    import uuid

    answer = await push(resident, "client-rita-0001", [mutation(2, "update.add", {"id": str(uuid.uuid4()), "report_id": report_id, "text": "Still broken"})])

    assert answer["results"][0]["status"] == "applied"


async def test_other_resident_may_not_comment_on_a_report(resident: Person, other_resident: Person) -> None:
    report_id = await reported(resident)
    import uuid

    answer = await push(other_resident, "client-otto-0001", [mutation(1, "update.add", {"id": str(uuid.uuid4()), "report_id": report_id, "text": "spam"})])

    assert answer["results"][0]["code"] == "auth.forbidden"


async def test_staff_resolve_a_conflict_by_taking_the_losing_value(resident: Person, staff: Person, other_staff: Person) -> None:
    report_id = await reported(resident)
    await push(staff, "client-sam-00001", [mutation(1, "report.set_state", {"id": report_id, "state": "in_progress"}, 1)])
    await push(other_staff, "client-stella-01", [mutation(1, "report.set_state", {"id": report_id, "state": "rejected"}, 1)])
    records, _, _ = await pull_all(other_staff, "client-stella-01")
    conflict = next(r for r in records.values() if r.get("kind") == "field")

    answer = await push(other_staff, "client-stella-01", [mutation(2, "conflict.resolve", {"id": conflict["id"], "choice": "yours"})])
    records, _, _ = await pull_all(other_staff, "client-stella-01")

    assert answer["results"][0]["status"] == "applied"
    assert records[report_id]["state"] == "rejected"
    assert records[conflict["id"]]["resolution"]["choice"] == "yours"


async def test_residents_never_see_conflict_records(resident: Person, staff: Person, other_staff: Person) -> None:
    report_id = await reported(resident)
    await push(staff, "client-sam-00001", [mutation(1, "report.set_state", {"id": report_id, "state": "in_progress"}, 1)])
    await push(other_staff, "client-stella-01", [mutation(1, "report.set_state", {"id": report_id, "state": "rejected"}, 1)])

    records, _, _ = await pull_all(resident, "client-rita-0001")

    assert not [r for r in records.values() if "kind" in r]


async def test_staff_add_a_fixed_photo_to_a_report(resident: Person, staff: Person) -> None:
    report_id = await reported(resident)

    answer = await push(staff, "client-sam-00001", [mutation(1, "report.add_photo", {"id": report_id, "sha256": "cd" * 32, "kind": "fixed"})])
    records, _, _ = await pull_all(resident, "client-rita-0001")

    assert answer["results"][0]["status"] == "applied"
    assert records[report_id]["photos"][-1]["kind"] == "fixed"


async def test_resident_may_not_add_a_fixed_photo(resident: Person) -> None:
    report_id = await reported(resident)

    answer = await push(resident, "client-rita-0001", [mutation(2, "report.add_photo", {"id": report_id, "sha256": "cd" * 32, "kind": "fixed"})])

    assert answer["results"][0]["code"] == "auth.staff_only"
