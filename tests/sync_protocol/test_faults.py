"""Faults of the network and of device clocks (issue cases 1, 3 and 4)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from server.reports.models import Report
from tests.conftest import Person
from tests.helpers import mutation, new_report_args, pull_all, push


async def test_same_batch_delivered_three_times_has_one_effect_and_the_same_results(resident: Person) -> None:
    batch = [mutation(seq, "report.create", new_report_args()) for seq in (1, 2)]
    batch.append(mutation(3, "report.create", new_report_args(category="gone")))

    answers = [await push(resident, "client-rita-0001", batch) for _ in range(3)]

    assert await Report.all().count() == 2
    assert answers[0] == {**answers[1], "server_time": answers[0]["server_time"]}
    assert answers[1]["results"] == answers[2]["results"]


async def test_answer_lost_after_commit_the_retry_applies_nothing_and_tells_the_result(resident: Person) -> None:
    args = new_report_args()
    await push(resident, "client-rita-0001", [mutation(1, "report.create", args)])  # answer "lost"

    retry = await push(resident, "client-rita-0001", [mutation(1, "report.create", args)])

    assert retry["results"][0]["status"] == "applied"
    assert retry["results"][0]["id"] == args["id"]
    assert await Report.all().count() == 1


async def test_order_follows_the_server_whatever_the_device_clocks_say(resident: Person, other_resident: Person) -> None:
    now = datetime.now(timezone.utc)
    ahead = new_report_args(observed_at=(now + timedelta(days=3)).isoformat())
    behind = new_report_args(observed_at=(now - timedelta(hours=2)).isoformat())

    await push(resident, "client-rita-0001", [mutation(1, "report.create", ahead)])
    await push(other_resident, "client-otto-0001", [mutation(1, "report.create", behind)])
    response = await resident.get("/api/reports")
    listed = [feature["id"] for feature in (await response.get_json())["features"]]
    records, _, _ = await pull_all(resident, "client-rita-0001")

    assert listed == [behind["id"], ahead["id"]]  # newest arrival first
    assert records[ahead["id"]]["observed_at_implausible"] is True
    assert records[behind["id"]]["observed_at_implausible"] is False


async def test_a_nul_character_in_a_mutation_rejects_that_mutation_and_the_queue_goes_on(
    resident: Person,
) -> None:
    # PostgreSQL stores no NUL in text or JSON: unchecked, the whole push failed
    # with 500 at every retry and the device's queue never moved again.
    batch = [
        mutation(1, "report.create", new_report_args(description="Lamp\x00out")),
        mutation(2, "report.create", new_report_args()),
    ]

    answer = await push(resident, "client-rita-0001", batch)

    assert [(r["status"], r["code"]) for r in answer["results"]] == [
        ("rejected", "args.invalid"),
        ("applied", "ok"),
    ]
    assert answer["results"][0]["params"]["field"] == "description"


async def test_a_nul_character_in_a_mutation_name_is_answered_not_a_server_error(
    resident: Person,
) -> None:
    answer = await push(
        resident, "client-rita-0001", [mutation(1, "report\x00create", new_report_args())]
    )

    assert answer["results"][0]["status"] == "rejected"
    assert answer["last_seq"] == 1
