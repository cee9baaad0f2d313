"""Faults of the server process and the database, against the real ``wegovnow serve``."""

from __future__ import annotations

import asyncio
import hashlib
import random
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import FIXTURES, POSTGRES_URL, reset_postgres
from tests.live_server import LiveServer

PHOTOS = sorted((FIXTURES / "photos").glob("*.jpg"))


def report(photos: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "category": "pothole",
        "description": "hole",
        "location": {"lat": 45.0, "lon": 9.0},
        "photos": photos or [],
    }


def push_body(client_id: str, mutations: list[dict[str, Any]]) -> dict[str, Any]:
    return {"protocol": 1, "client_id": client_id, "mutations": mutations}


@pytest.fixture
def server(tmp_path: Path):  # type: ignore[no-untyped-def]
    live = LiveServer(tmp_path / "data").start()
    live.seed()
    yield live
    live.stop()


async def test_fifty_concurrent_pushes_on_sqlite_never_answer_database_is_locked(server: LiveServer) -> None:
    token = server.create_user("resident", "Many")["token"]
    headers = {"Authorization": f"Bearer {token}"}

    async def one_device(number: int, http: httpx.AsyncClient) -> httpx.Response:
        batch = [{"seq": s, "name": "report.create", "args": report()} for s in range(1, 21)]
        return await http.post("/api/sync/push", json=push_body(f"device-{number:04d}", batch), headers=headers)

    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        answers = await asyncio.gather(*(one_device(n, http) for n in range(50)))
        listing = (await http.get("/api/reports?limit=1000&bbox=8.9,44.9,9.1,45.1")).json()

    assert [a.status_code for a in answers] == [200] * 50
    assert not [a for a in answers if "locked" in a.text]
    assert len(listing["features"]) == 50 * 20


def test_sigkill_during_a_thousand_writes_loses_nothing_acknowledged(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = LiveServer(data).start()
    server.seed()
    token = server.create_user("resident", "Kill")["token"]
    headers = {"Authorization": f"Bearer {token}"}
    rng = random.Random(14)
    acknowledged: dict[int, str] = {}
    photos_acknowledged: set[str] = set()
    pending: dict[int, dict[str, Any]] = {}
    seq = 0

    while len(acknowledged) < 1000:
        if not pending:
            seq += 1
            photo = PHOTOS[seq % len(PHOTOS)].read_bytes() if seq % 100 == 0 else None
            sha = hashlib.sha256(photo).hexdigest() if photo else None
            if photo and sha:
                try:
                    put = httpx.put(f"{server.url}/api/media/{sha}", content=photo, headers=headers, timeout=30)
                    if put.status_code in (200, 201, 422):
                        photos_acknowledged.add(sha) if put.status_code != 422 else None
                except httpx.HTTPError:
                    pass
            pending[seq] = {"seq": seq, "name": "report.create", "args": report([sha] if sha else [])}
        try:
            answer = httpx.post(
                f"{server.url}/api/sync/push",
                json=push_body("kill-device-001", list(pending.values())),
                headers=headers,
                timeout=30,
            ).json()
            for result in answer["results"]:
                acknowledged[result["seq"]] = pending.pop(result["seq"])["args"]["id"]
        except httpx.HTTPError:
            server.start()  # it was killed under us: start it again and resend
        if rng.random() < 0.006:
            server.kill()
    server.stop()

    db = sqlite3.connect(data / "wegovnow.sqlite3")
    stored = {row[0] for row in db.execute("SELECT id FROM reports")}
    media_rows = {row[0] for row in db.execute("SELECT sha256 FROM media")}
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    db.close()
    asyncio.run(prune_orphans(data))
    files = {path.name.split(".")[0] for path in (data / "media").glob("*/*.jpg")}

    assert integrity == "ok"
    assert set(acknowledged.values()) <= {str(uuid.UUID(i)) for i in stored}
    assert photos_acknowledged <= media_rows
    assert files == media_rows  # no photo without its row, no row without its photo


async def prune_orphans(data: Path) -> None:
    from server.core.db import open_database
    from server.core.housekeeping import prune_orphan_files
    from server.media.store import MediaStore

    context = await open_database(f"sqlite://{data / 'wegovnow.sqlite3'}")
    try:
        await prune_orphan_files(MediaStore(data / "media"), min_age_seconds=0)
    finally:
        await context.close_connections()


@pytest.mark.skipif(not POSTGRES_URL, reason="needs WEGOVNOW_TEST_DATABASE_URL")
async def test_two_instances_on_one_postgres_converge_for_every_client(tmp_path: Path) -> None:
    await reset_postgres(POSTGRES_URL)
    env = {"WEGOVNOW_DATABASE_URL": POSTGRES_URL}
    first = LiveServer(tmp_path / "one", env).start()
    second = LiveServer(tmp_path / "two", env).start()
    try:
        first.seed()
        tokens = [first.create_user("resident", f"R{n}")["token"] for n in range(4)]
        staff = second.create_user("staff", "S")["token"]

        async def device(number: int, http: httpx.AsyncClient) -> None:
            headers = {"Authorization": f"Bearer {tokens[number]}"}
            for seq in range(1, 31):
                target = (first, second)[(seq + number) % 2]
                body = push_body(f"pg-device-{number}", [{"seq": seq, "name": "report.create", "args": report()}])
                response = await http.post(f"{target.url}/api/sync/push", json=body, headers=headers)
                assert response.status_code == 200

        async with httpx.AsyncClient(timeout=60) as http:
            await asyncio.gather(*(device(n, http) for n in range(4)))
            views = [await pull_everything(http, server.url, staff, f"staff-view-{i}") for i, server in enumerate((first, second))]
    finally:
        first.stop()
        second.stop()

    assert len(views[0]) == 4 * 30 + 3
    assert views[0] == views[1]


async def pull_everything(http: httpx.AsyncClient, url: str, token: str, client_id: str) -> dict[str, int]:
    cursor, seen = 0, {}
    while True:
        page = (await http.get(
            f"{url}/api/sync/pull", params={"protocol": 1, "client_id": client_id, "cursor": cursor, "limit": 50},
            headers={"Authorization": f"Bearer {token}"},
        )).json()
        for change in page["changes"]:
            if change["entity"] == "report":
                seen[change["id"]] = change["version"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return seen
