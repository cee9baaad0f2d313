"""Property: whatever the interleaving, duplication and reordering of deliveries, each
mutation applies once and every client's incremental replica converges."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from server.reports.models import Report, Update
from tests.conftest import Person, make_person
from tests.helpers import mutation

STATES = ["acknowledged", "in_progress", "resolved", "closed", "rejected", "new"]
SHARED_FIELDS = ("id", "state", "version", "description", "category")


@dataclass
class Device:
    person: Person
    client_id: str
    queue: list[dict[str, Any]] = field(default_factory=list)
    acknowledged: int = 0  # highest seq the server said it applied
    replica: dict[str, dict[str, Any]] = field(default_factory=dict)
    cursor: int = 0
    results: dict[int, dict[str, Any]] = field(default_factory=dict)

    def enqueue(self, name: str, args: dict[str, Any], base_version: int | None = None) -> None:
        self.queue.append(mutation(len(self.queue) + 1, name, args, base_version))

    def unsent(self) -> list[dict[str, Any]]:
        return [m for m in self.queue if m["seq"] > self.acknowledged]

    async def deliver(self, batch: list[dict[str, Any]]) -> None:
        body = {"protocol": 1, "client_id": self.client_id, "mutations": batch}
        answer = await (await self.person.post("/api/sync/push", json=body)).get_json()
        for result in answer["results"]:
            previous = self.results.setdefault(result["seq"], result)
            assert previous == result, "a resend must get the same result"
        self.acknowledged = max(self.acknowledged, answer["last_seq"])

    async def pull(self) -> None:
        while True:
            path = f"/api/sync/pull?protocol=1&client_id={self.client_id}&cursor={self.cursor}&limit=7"
            page = await (await self.person.get(path)).get_json()
            for change in page["changes"]:
                if change["entity"] != "report":
                    continue
                if change["deleted"]:
                    self.replica.pop(change["id"], None)
                else:
                    self.replica[change["id"]] = change["data"]
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return


operations = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.integers(0, 1)),
        st.tuples(st.just("set_state"), st.integers(0, 20), st.sampled_from(STATES)),
        st.tuples(
            st.just("deliver"),
            st.integers(0, 2),
            st.integers(0, 5),  # how many unsent to skip at the start (a reorder)
            st.integers(1, 6),  # how many to send
            st.booleans(),  # send the batch twice
            st.booleans(),  # reverse it
        ),
        st.tuples(st.just("pull"), st.integers(0, 2)),
    ),
    max_size=30,
)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=operations)
async def test_any_delivery_order_applies_each_mutation_once_and_converges(app, ops) -> None:  # type: ignore[no-untyped-def]
    run = uuid.uuid4().hex[:8]
    devices = [
        Device(await make_person(app, "resident", "A"), f"a-{run}"),
        Device(await make_person(app, "resident", "B"), f"b-{run}"),
        Device(await make_person(app, "staff", "S"), f"s-{run}"),
    ]
    created: list[str] = []

    for op in ops:
        if op[0] == "create":
            report_id = str(uuid.uuid4())
            created.append(report_id)
            devices[op[1]].enqueue("report.create", {
                "id": report_id, "category": "pothole", "description": f"hole {len(created)}",
                "location": {"lat": 45.0, "lon": 9.0},
            })
        elif op[0] == "set_state" and created:
            staff = devices[2]
            report_id = created[op[1] % len(created)]
            known = staff.replica.get(report_id, {}).get("version")
            staff.enqueue("report.set_state", {"id": report_id, "state": op[2]}, known)
        elif op[0] == "deliver":
            _, who, skip, count, twice, reverse = op
            device = devices[who]
            batch = device.unsent()[skip: skip + count]
            if reverse:
                batch = batch[::-1]
            await device.deliver(batch)
            if twice:
                await device.deliver(batch)
        elif op[0] == "pull":
            await devices[op[1]].pull()

    for device in devices:  # back online for good: everything goes through
        while device.unsent():
            await device.deliver(device.unsent())
    for device in devices:
        await device.pull()

    stored = await Report.filter(id__in=created).count()
    assert stored == len(set(created))
    for device in devices:
        assert set(device.results) == {m["seq"] for m in device.queue}
        fresh = Device(device.person, device.client_id)
        await fresh.pull()
        assert shared(device.replica) == shared(fresh.replica)
    assert shared(devices[0].replica) == shared(devices[1].replica) == shared(devices[2].replica)
    applied_changes = sum(
        1 for r in devices[2].results.values() if r["status"] == "applied" and r["code"] == "ok"
    )
    assert await Update.filter(report_id__in=created).count() == applied_changes


def shared(replica: dict[str, dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    """The part of each record that every viewer sees alike."""
    return {key: tuple(data[name] for name in SHARED_FIELDS) for key, data in replica.items()}
