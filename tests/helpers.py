"""Small builders shared by the API tests."""

from __future__ import annotations

import uuid
from typing import Any

from tests.conftest import Person


def new_report_args(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "category": "streetlight",
        "description": "Lamp out at the corner",
        "location": {"lat": 45.4642, "lon": 9.19, "accuracy": 8.0},
        "observed_at": "2026-12-03T09:00:00+00:00",
        "photos": [],
    }
    args.update(overrides)
    return args


def mutation(seq: int, name: str, args: dict[str, Any], base_version: int | None = None) -> dict[str, Any]:
    return {"seq": seq, "name": name, "args": args, "base_version": base_version}


async def push(person: Person, client_id: str, mutations: list[dict[str, Any]]) -> dict[str, Any]:
    response = await person.post(
        "/api/sync/push",
        json={"protocol": 1, "client_id": client_id, "mutations": mutations},
    )
    assert response.status_code == 200, await response.get_data(as_text=True)
    return await response.get_json()  # type: ignore[no-any-return]


async def pull_all(person: Person, client_id: str, cursor: int = 0) -> tuple[dict[str, dict[str, Any]], int, int]:
    """Pull every page; answer the records by id, the final cursor and last_seq."""
    records: dict[str, dict[str, Any]] = {}
    while True:
        response = await person.get(
            f"/api/sync/pull?protocol=1&client_id={client_id}&cursor={cursor}&limit=100"
        )
        assert response.status_code == 200, await response.get_data(as_text=True)
        page = await response.get_json()
        for change in page["changes"]:
            if change["deleted"]:
                records.pop(change["id"], None)
            else:
                records[change["id"]] = change["data"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return records, cursor, page["last_seq"]
