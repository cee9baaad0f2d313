"""Whole servers, stopped mid-queue and run side by side: each message arrives once."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest

from server.core.db import is_postgres
from tests.conftest import POSTGRES_URL, reset_postgres
from tests.helpers import new_report_args
from tests.push.receiver import Receiver
from tests.push.servers import Server, create_user, server_env, wait_for, wegovnow
from tests.push.conftest import SUBJECT


def prepare(database_url: str, data_dir: Path) -> tuple[dict[str, str], str, str]:
    if is_postgres(database_url):
        asyncio.run(reset_postgres(database_url))
    env = server_env(database_url)
    wegovnow(env, "seed-demo", "--data-dir", str(data_dir))
    return env, create_user(env, data_dir, "resident"), create_user(env, data_dir, "staff")


def queue_messages(server: Server, receiver: Receiver, resident: str, staff: str, devices: int) -> None:
    """Give the resident ``devices`` subscriptions, then change their report's state."""
    for _ in range(devices):
        body = receiver.new_device().subscription(receiver.base_url)
        assert server.call("POST", "/api/push/subscriptions", resident, body).status_code == 201
    report = new_report_args()
    create = {"seq": 1, "name": "report.create", "args": report}
    assert server.call("POST", "/api/sync/push", resident, {"protocol": 1, "client_id": "client-resident-1", "mutations": [create]}).status_code == 200
    change = {"seq": 1, "name": "report.set_state", "args": {"id": report["id"], "state": "in_progress"}}
    answer = server.call("POST", "/api/sync/push", staff, {"protocol": 1, "client_id": "client-staff-001", "mutations": [change]})
    assert answer.json()["results"][0]["status"] == "applied"


@pytest.fixture(params=["sqlite"] + (["postgres"] if POSTGRES_URL else []))
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return POSTGRES_URL if request.param == "postgres" else f"sqlite://{tmp_path / 'data' / 'wegovnow.sqlite3'}"


def test_sigterm_with_200_queued_then_a_restart_delivers_all_200_once(tmp_path: Path, database: str) -> None:
    data_dir = tmp_path / "data"
    env, resident, staff = prepare(database, data_dir)
    receiver = Receiver(SUBJECT, delay=0.04).start()
    first = Server(env, data_dir, tmp_path / "first.log")

    queue_messages(first, receiver, resident, staff, 200)
    wait_for(lambda: len(receiver.deliveries) >= 30)
    assert first.terminate() == 0
    before_restart = len(receiver.deliveries)
    second = Server(env, data_dir, tmp_path / "second.log")
    wait_for(lambda: len(receiver.deliveries) >= 200)
    asyncio.run(asyncio.sleep(1.0))  # time for any duplicate to show up
    second.terminate()
    receiver.stop()

    assert 30 <= before_restart < 200
    assert len(receiver.counts()) == 200 and set(receiver.counts().values()) == {1}
    assert receiver.errors == []


@pytest.mark.skipif(not POSTGRES_URL, reason="needs WEGOVNOW_TEST_DATABASE_URL")
def test_two_instances_on_one_postgresql_deliver_each_message_once(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env, resident, staff = prepare(POSTGRES_URL, data_dir)
    receiver = Receiver(SUBJECT, delay=0.03).start()
    one = Server(env, data_dir, tmp_path / "one.log")
    two = Server(env, data_dir, tmp_path / "two.log")

    queue_messages(one, receiver, resident, staff, 300)
    wait_for(lambda: len(receiver.deliveries) >= 300)
    asyncio.run(asyncio.sleep(1.0))
    owners = asyncio.run(senders(POSTGRES_URL))
    one.terminate(), two.terminate()
    receiver.stop()

    assert len(receiver.counts()) == 300 and set(receiver.counts().values()) == {1}
    assert len(owners) == 2 and sum(owners.values()) == 300
    assert receiver.errors == []


async def senders(url: str) -> dict[str, int]:
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        rows = await connection.fetch(
            "SELECT lease_owner, count(*) AS n FROM push_messages WHERE state = 'sent' GROUP BY lease_owner"
        )
    finally:
        await connection.close()
    return {row["lease_owner"].rsplit(":", 2)[1]: row["n"] for row in rows}
