from __future__ import annotations

import uuid

from server.reports.models import Report
from tests.conftest import Person
from tests.helpers import mutation, new_report_args, push, pull_all

CLIENT = "client-aaaa-0001"


async def test_batch_sent_twice_creates_each_report_once(resident: Person) -> None:
    batch = [mutation(seq, "report.create", new_report_args()) for seq in (1, 2, 3)]

    first = await push(resident, CLIENT, batch)
    second = await push(resident, CLIENT, batch)

    assert await Report.all().count() == 3
    assert first["results"] == second["results"]


async def test_resent_mutation_is_acknowledged_not_applied_twice(resident: Person) -> None:
    args = new_report_args()
    await push(resident, CLIENT, [mutation(1, "report.create", args)])

    answer = await push(resident, CLIENT, [mutation(1, "report.create", args)])

    assert answer["results"][0]["status"] == "applied"
    assert answer["last_seq"] == 1
    assert await Report.all().count() == 1


async def test_gap_stops_the_batch_at_the_gap(resident: Person) -> None:
    batch = [mutation(1, "report.create", new_report_args()), mutation(3, "report.create", new_report_args())]

    answer = await push(resident, CLIENT, batch)

    assert [result["seq"] for result in answer["results"]] == [1]
    assert answer["last_seq"] == 1
    assert await Report.all().count() == 1


async def test_later_mutation_waits_until_the_missing_one_arrives(resident: Person) -> None:
    four = mutation(1, "report.create", new_report_args())
    five = mutation(2, "report.create", new_report_args())

    early = await push(resident, CLIENT, [five])
    both = await push(resident, CLIENT, [five, four])

    assert early["results"] == [] and early["last_seq"] == 0
    assert [result["seq"] for result in both["results"]] == [1, 2]


async def test_rejected_mutation_advances_the_number(resident: Person) -> None:
    batch = [
        mutation(1, "report.create", new_report_args(category="no-such-category")),
        mutation(2, "report.create", new_report_args()),
    ]

    answer = await push(resident, CLIENT, batch)

    assert [r["status"] for r in answer["results"]] == ["rejected", "applied"]
    assert answer["results"][0]["code"] == "report.unknown_category"
    assert answer["last_seq"] == 2


async def test_rejection_reason_is_in_the_callers_language(resident: Person) -> None:
    batch = [mutation(1, "report.create", new_report_args(category="nope"))]

    response = await resident.post(
        "/api/sync/push",
        json={"protocol": 1, "client_id": CLIENT, "mutations": batch},
        headers={"Accept-Language": "it-IT,it;q=0.9"},
    )

    result = (await response.get_json())["results"][0]
    assert "nope" in result["message"]
    assert result["message"] != result["message_key"]


async def test_unknown_mutation_is_rejected_with_its_name(resident: Person) -> None:
    answer = await push(resident, CLIENT, [mutation(1, "report.explode", {})])

    assert answer["results"][0]["status"] == "rejected"
    assert answer["results"][0]["code"] == "mutation.unknown"


async def test_client_of_another_account_is_refused(resident: Person, other_resident: Person) -> None:
    await push(resident, CLIENT, [mutation(1, "report.create", new_report_args())])

    response = await other_resident.post(
        "/api/sync/push",
        json={"protocol": 1, "client_id": CLIENT, "mutations": []},
    )

    assert response.status_code == 403
    assert (await response.get_json())["error"]["code"] == "sync.client_foreign"


async def test_unknown_fields_in_a_push_are_refused(resident: Person) -> None:
    response = await resident.post(
        "/api/sync/push",
        json={"protocol": 1, "client_id": CLIENT, "mutations": [], "extra": 1},
    )

    assert response.status_code == 400
    assert (await response.get_json())["error"]["code"] == "request.invalid"


async def test_push_without_protocol_version_is_refused(resident: Person) -> None:
    response = await resident.post("/api/sync/push", json={"client_id": CLIENT, "mutations": []})

    assert response.status_code == 400


async def test_too_old_protocol_answers_upgrade_required(resident: Person) -> None:
    response = await resident.post(
        "/api/sync/push", json={"protocol": 0, "client_id": CLIENT, "mutations": []}
    )

    assert response.status_code == 426
    assert (await response.get_json())["error"]["code"] == "protocol.too_old"


async def test_push_without_account_answers_401(app) -> None:  # type: ignore[no-untyped-def]
    response = await app.test_client().post(
        "/api/sync/push", json={"protocol": 1, "client_id": CLIENT, "mutations": []}
    )

    assert response.status_code == 401


async def test_report_taken_from_another_person_is_refused(resident: Person, other_resident: Person) -> None:
    args = new_report_args()
    await push(resident, CLIENT, [mutation(1, "report.create", args)])

    answer = await push(other_resident, "client-bbbb-0002", [mutation(1, "report.create", args)])

    assert answer["results"][0]["code"] == "report.id_taken"


async def test_pull_after_lost_answer_tells_what_was_applied(resident: Person) -> None:
    await push(resident, CLIENT, [mutation(1, "report.create", new_report_args())])

    records, _, last_seq = await pull_all(resident, CLIENT)

    assert last_seq == 1
    assert len(records) == 1


async def test_device_clock_far_ahead_is_flagged_not_trusted(resident: Person) -> None:
    args = new_report_args(observed_at="2099-01-01T00:00:00+00:00")

    answer = await push(resident, CLIENT, [mutation(1, "report.create", args)])
    report = await Report.get(id=uuid.UUID(args["id"]))

    assert answer["results"][0]["code"] == "report.observed_at_implausible"
    assert report.observed_at_implausible


async def test_report_sent_again_from_a_new_install_is_acknowledged_once(
    resident: Person,
) -> None:
    args = new_report_args()
    await push(resident, CLIENT, [mutation(1, "report.create", args)])

    answer = await push(resident, "client-cccc-0003", [mutation(1, "report.create", args)])

    assert answer["results"][0]["code"] == "report.already_created"
    assert await Report.all().count() == 1


async def test_batch_mixing_stored_and_new_reports_creates_only_the_new_ones(
    resident: Person,
) -> None:
    stored = [new_report_args() for _ in range(3)]
    await push(resident, CLIENT, [mutation(n, "report.create", a) for n, a in enumerate(stored, 1)])
    fresh = [new_report_args() for _ in range(2)]
    mixed = [stored[0], fresh[0], stored[2], fresh[1]]

    answer = await push(
        resident, "client-cccc-0003", [mutation(n, "report.create", a) for n, a in enumerate(mixed, 1)]
    )

    codes = [result["code"] for result in answer["results"]]
    assert codes == ["report.already_created", "ok", "report.already_created", "ok"]
    assert await Report.all().count() == 5
