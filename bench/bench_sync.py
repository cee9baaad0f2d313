"""Sync benchmark: push 1,000 ``report.create`` mutations and pull 1,000 changes.

Baseline, measured in the same run on the same disk: a raw ``sqlite3`` insert of the
same 1,000 rows in one transaction. The figures are ratios to that baseline, so they
can be compared across machines. The app runs with the garbage-collector tuning that
``wegovnow serve`` applies (``server.core.runtime``). Run:
``.venv/bin/python bench/bench_sync.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.accounts.auth import create_api_token  # noqa: E402
from server.accounts.models import User  # noqa: E402
from server.app import create_app  # noqa: E402
from server.core.db import activate  # noqa: E402
from server.demo import seed_categories  # noqa: E402
from server.core.runtime import tune_garbage_collector  # noqa: E402
from server.settings import Settings  # noqa: E402

N = 1000


def report_args() -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "category": "pothole",
        "description": "Deep pothole in the cycle lane",
        "location": {"lat": 45.46, "lon": 9.19, "accuracy": 8.0},
        "observed_at": "2026-12-03T09:00:00+00:00",
        "photos": [],
    }


def raw_sqlite_insert(folder: Path) -> float:
    """The same rows, inserted with the sqlite3 module in one transaction."""
    db = sqlite3.connect(folder / "raw.sqlite3", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(
        "CREATE TABLE reports (id TEXT PRIMARY KEY, category TEXT, description TEXT,"
        " lat REAL, lon REAL, accuracy REAL, observed_at TEXT, state TEXT)"
    )
    rows = [
        (a["id"], a["category"], a["description"], 45.46, 9.19, 8.0, a["observed_at"], "new")
        for a in (report_args() for _ in range(N))
    ]
    started = time.perf_counter()
    db.execute("BEGIN")
    db.executemany("INSERT INTO reports VALUES (?,?,?,?,?,?,?,?)", rows)
    db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


async def app_push_and_pull(folder: Path, database_url: str) -> tuple[float, float]:
    settings = Settings(
        data_dir=folder / "data",
        database_url=database_url,
        rate_limits="off",
        vapid_subject="mailto:bench@wegovnow.example.org",
    )
    app = create_app(settings)
    async with app.test_app():
        activate(app.config["DB"])
        await seed_categories()
        user = await User.create(id=uuid.uuid4(), name="Bench", role="staff")
        headers = {"Authorization": f"Bearer {await create_api_token(user)}"}
        client = app.test_client()
        client_id = f"bench-{uuid.uuid4().hex[:12]}"
        batch = [
            {"seq": seq, "name": "report.create", "args": report_args()}
            for seq in range(1, N + 1)
        ]
        body = {"protocol": 1, "client_id": client_id, "mutations": batch}

        started = time.perf_counter()
        response = await client.post("/api/sync/push", json=body, headers=headers)
        push_time = time.perf_counter() - started
        assert response.status_code == 200, await response.get_data()

        started = time.perf_counter()
        response = await client.get(
            f"/api/sync/pull?protocol=1&client_id={client_id}&cursor=0&limit={N}",
            headers=headers,
        )
        pull_time = time.perf_counter() - started
        page = await response.get_json()
        assert len(page["changes"]) == N, len(page["changes"])
    return push_time, pull_time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    args = parser.parse_args()
    tune_garbage_collector()  # as `wegovnow serve` does

    raw, push, pull = [], [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            raw.append(raw_sqlite_insert(folder))
            url = args.database_url or f"sqlite://{folder / 'app.sqlite3'}"
            push_time, pull_time = asyncio.run(app_push_and_pull(folder, url))
            push.append(push_time)
            pull.append(pull_time)

    baseline = statistics.median(raw)
    print(f"raw sqlite3 insert of {N} rows : {baseline * 1000:8.1f} ms (baseline)")
    for label, times in (("push of 1,000 report.create", push), ("pull of 1,000 changes", pull)):
        median = statistics.median(times)
        print(f"{label:30}: {median * 1000:8.1f} ms  ratio {median / baseline:6.1f}x baseline")


if __name__ == "__main__":
    main()
