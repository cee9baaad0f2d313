from __future__ import annotations

from datetime import datetime, timedelta, timezone

from server.accounts.models import User
from server.syncing.maintenance import prune_tombstones
from tests.conftest import Person
from tests.helpers import mutation, new_report_args, pull_all, push


async def pull_page(person: Person, client_id: str, cursor: int) -> dict:  # type: ignore[type-arg]
    response = await person.get(f"/api/sync/pull?protocol=1&client_id={client_id}&cursor={cursor}")
    return await response.get_json()  # type: ignore[no-any-return]


async def test_cursor_older_than_the_kept_tombstones_answers_reset_required(resident: Person, staff: Person) -> None:
    doomed, kept = new_report_args(), new_report_args()
    await push(resident, "client-rita-0001", [mutation(1, "report.create", doomed), mutation(2, "report.create", kept)])
    _, old_cursor, _ = await pull_all(resident, "client-rita-0001")
    await push(staff, "client-sam-00001", [mutation(1, "report.delete", {"id": doomed["id"]})])

    await prune_tombstones(keep_days=1, now=datetime.now(timezone.utc) + timedelta(days=2))
    page = await pull_page(resident, "client-rita-0001", old_cursor)

    assert page["reset_required"] is True
    assert page["changes"] == []


async def test_pull_from_zero_after_a_reset_holds_only_what_exists(resident: Person, staff: Person) -> None:
    doomed, kept = new_report_args(), new_report_args()
    await push(resident, "client-rita-0001", [mutation(1, "report.create", doomed), mutation(2, "report.create", kept)])
    await push(staff, "client-sam-00001", [mutation(1, "report.delete", {"id": doomed["id"]})])
    await prune_tombstones(keep_days=1, now=datetime.now(timezone.utc) + timedelta(days=2))

    records, _, last_seq = await pull_all(resident, "client-rita-0001", cursor=0)

    assert set(records) == {kept["id"]}
    assert last_seq == 2


async def test_cursor_newer_than_the_pruned_tombstones_goes_on_normally(resident: Person, staff: Person) -> None:
    doomed = new_report_args()
    await push(resident, "client-rita-0001", [mutation(1, "report.create", doomed)])
    await push(staff, "client-sam-00001", [mutation(1, "report.delete", {"id": doomed["id"]})])
    _, cursor, _ = await pull_all(resident, "client-rita-0001")
    await prune_tombstones(keep_days=1, now=datetime.now(timezone.utc) + timedelta(days=2))

    page = await pull_page(resident, "client-rita-0001", cursor)

    assert page["reset_required"] is False


async def test_change_in_what_a_person_may_see_answers_reset_required(resident: Person) -> None:
    await push(resident, "client-rita-0001", [mutation(1, "report.create", new_report_args())])
    _, cursor, _ = await pull_all(resident, "client-rita-0001")
    await User.filter(id=resident.user.id).update(role="staff", scope_epoch=1)

    page = await pull_page(resident, "client-rita-0001", cursor)

    assert page["reset_required"] is True


async def test_reset_never_touches_what_the_device_has_not_sent(resident: Person) -> None:
    # The server keeps no outbox: after a reset the device resends its pending
    # mutations with their numbers, and they apply once.
    args = new_report_args()
    await push(resident, "client-rita-0001", [mutation(1, "report.create", new_report_args())])
    await User.filter(id=resident.user.id).update(scope_epoch=5)

    answer = await push(resident, "client-rita-0001", [mutation(2, "report.create", args)])
    records, _, _ = await pull_all(resident, "client-rita-0001", cursor=0)

    assert answer["results"][0]["status"] == "applied"
    assert args["id"] in records
