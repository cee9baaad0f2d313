"""A state machine of several devices and the server: offline edits, deletes,
duplicated and reordered deliveries, and server restarts.

Invariants: each mutation applies once; a deleted report never comes back on any
device; every refused value can still be read back; all devices converge."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from server.app import create_app
from server.core.db import activate
from server.demo import seed_categories
from server.reports.models import Report
from server.settings import Settings
from tests.conftest import make_person
from tests.sync_protocol.test_convergence_properties import Device, shared

STATES = ["acknowledged", "in_progress", "resolved", "closed", "rejected"]


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.folder = Path(tempfile.mkdtemp())
        self.settings = Settings(
            data_dir=self.folder / "data",
            database_url=f"sqlite://{self.folder / 'machine.sqlite3'}",
            rate_limits="off",
            vapid_subject="mailto:push-tests@wegovnow.example.org",
        )
        self.created: list[str] = []
        self.deleted: set[str] = set()
        self.deleted_before_pull: dict[int, set[str]] = {}
        self.run(self.boot(first=True))

    def run(self, coroutine: Any) -> Any:
        # Each call runs in a new task that copies this thread's context, so the
        # database must be current here, not only inside the task that opened it.
        if hasattr(self, "app") and "DB" in self.app.config:
            activate(self.app.config["DB"])
        return self.loop.run_until_complete(coroutine)

    async def boot(self, first: bool = False) -> None:
        self.app = create_app(self.settings)
        self.serving = self.app.test_app()
        await self.serving.__aenter__()
        activate(self.app.config["DB"])
        if first:
            await seed_categories()
            self.devices = [
                Device(await make_person(self.app, role, name), f"{name}-{uuid.uuid4().hex[:8]}")
                for role, name in (("resident", "ann"), ("resident", "bob"), ("staff", "sue"), ("staff", "tom"))
            ]
        else:
            for device in self.devices:
                device.person.app = self.app

    async def shutdown(self) -> None:
        await self.serving.__aexit__(None, None, None)

    @rule(who=st.integers(0, 1))
    def resident_reports_offline(self, who: int) -> None:
        report_id = str(uuid.uuid4())
        self.created.append(report_id)
        self.devices[who].enqueue("report.create", {
            "id": report_id, "category": "waste", "description": "bags",
            "location": {"lat": 45.0, "lon": 9.0},
        })

    @precondition(lambda self: self.created)
    @rule(who=st.integers(2, 3), pick=st.integers(0, 50), state=st.sampled_from(STATES))
    def staff_changes_state_offline(self, who: int, pick: int, state: str) -> None:
        device = self.devices[who]
        report_id = self.created[pick % len(self.created)]
        version = device.replica.get(report_id, {}).get("version")
        device.enqueue("report.set_state", {"id": report_id, "state": state, "note": "field visit"}, version)

    @precondition(lambda self: self.created)
    @rule(who=st.integers(2, 3), pick=st.integers(0, 50), text=st.sampled_from(["two bags", "a sofa", "glass"]))
    def staff_edits_description_offline(self, who: int, pick: int, text: str) -> None:
        device = self.devices[who]
        report_id = self.created[pick % len(self.created)]
        version = device.replica.get(report_id, {}).get("version")
        device.enqueue("report.edit", {"id": report_id, "fields": {"description": text}}, version)

    @precondition(lambda self: self.created)
    @rule(who=st.integers(2, 3), pick=st.integers(0, 50))
    def staff_deletes_offline(self, who: int, pick: int) -> None:
        self.devices[who].enqueue("report.delete", {"id": self.created[pick % len(self.created)]})

    @rule(who=st.integers(0, 3), skip=st.integers(0, 3), count=st.integers(1, 5), twice=st.booleans(), reverse=st.booleans())
    def device_delivers_some(self, who: int, skip: int, count: int, twice: bool, reverse: bool) -> None:
        device = self.devices[who]
        batch = device.unsent()[skip: skip + count]
        if reverse:
            batch = batch[::-1]
        for _ in range(2 if twice else 1):
            self.run(device.deliver(batch))
        self.note_deletions(device)

    @rule(who=st.integers(0, 3))
    def device_pulls(self, who: int) -> None:
        deleted_before = set(self.deleted)
        self.run(self.devices[who].pull())
        self.deleted_before_pull[who] = deleted_before

    @rule()
    def server_restarts(self) -> None:
        self.run(self.shutdown())
        self.run(self.boot())

    def note_deletions(self, device: Device) -> None:
        for seq, result in device.results.items():
            sent = device.queue[seq - 1]
            if sent["name"] == "report.delete" and result["status"] == "applied":
                self.deleted.add(sent["args"]["id"])

    @invariant()
    def deleted_reports_never_come_back(self) -> None:
        # A device learns of a deletion at its next pull; from then on, never again.
        for who, device in enumerate(getattr(self, "devices", [])):
            assert not (set(device.replica) & self.deleted_before_pull.get(who, set()))

    @invariant()
    def every_refused_value_can_be_read_back(self) -> None:
        for device in getattr(self, "devices", []):
            refused = {r["seq"] for r in device.results.values() if r["status"] != "applied"}
            if not refused:
                continue
            response = self.run(device.person.get(f"/api/sync/refused?client_id={device.client_id}&limit=500"))
            kept = {row["seq"]: row["args"] for row in self.run(response.get_json())}
            for seq in refused:
                assert kept[seq] == device.queue[seq - 1]["args"]

    def teardown(self) -> None:
        try:
            for device in self.devices:
                while device.unsent():
                    self.run(device.deliver(device.unsent()))
                self.note_deletions(device)
            for who, device in enumerate(self.devices):
                self.deleted_before_pull[who] = set(self.deleted)
                self.run(device.pull())
            for device in self.devices:
                assert set(device.results) == {m["seq"] for m in device.queue}
                fresh = Device(device.person, device.client_id)
                self.run(fresh.pull())
                assert shared(device.replica) == shared(fresh.replica)
            views = [shared(device.replica) for device in self.devices]
            assert all(view == views[0] for view in views)
            stored = self.run(Report.filter(id__in=self.created).count())
            assert stored == len(self.created)
            self.deleted_reports_never_come_back()
        finally:
            self.run(self.shutdown())
            self.loop.close()
            shutil.rmtree(self.folder, ignore_errors=True)


SyncMachine.TestCase.settings = settings(
    max_examples=15, stateful_step_count=30, deadline=None, suppress_health_check=list(HealthCheck)
)
TestSyncStateMachine = SyncMachine.TestCase
