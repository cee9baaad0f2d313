"""Proposals test data through the real HTTP API and CLI, for the voting screens.

An admin sets up a unit, an area and a policy whose phases before voting take no
time; ``to_voting`` then ticks the scheduler until the issue is in voting. The
tests turn the server's own scheduler off, so only they move issues.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import Server, wegovnow_executable


def call(
    server: Server, method: str, path: str, token: str | None, body: Any = None
) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(
        server.base_url + path, data=data, headers=headers, method=method
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@dataclass
class Place:
    unit_id: str
    area_id: str
    policy_id: str


def make_place(server: Server, voting_seconds: int) -> Place:
    admin = server.create_user("admin", "Ada")["token"]
    unit = call(server, "POST", "/api/proposals/units", admin, {"name": "Milano"})
    policy = call(
        server,
        "POST",
        "/api/proposals/policies",
        admin,
        {
            "name": "Quick",
            "min_admission_time": 0,
            "max_admission_time": "P1D",
            "discussion_time": 0,
            "verification_time": 0,
            "voting_time": voting_seconds,
        },
    )
    area = call(
        server,
        "POST",
        "/api/proposals/areas",
        admin,
        {"unit_id": unit["id"], "name": "Mobility", "policy_ids": [policy["id"]]},
    )
    return Place(unit["id"], area["id"], policy["id"])


def propose(
    server: Server, token: str, place: Place, name: str, issue_id: str | None = None
) -> tuple[str, str]:
    """Create an initiative (and a new issue unless ``issue_id``); answer both ids."""
    issue = issue_id or str(uuid.uuid4())
    initiative = str(uuid.uuid4())
    call(
        server,
        "POST",
        "/api/proposals/initiatives",
        token,
        {
            "id": initiative,
            "draft_id": str(uuid.uuid4()),
            "issue_id": issue,
            "area_id": place.area_id,
            "policy_id": place.policy_id,
            "name": name,
            "content": f"{name}, as described.",
        },
    )
    return issue, initiative


def issue_state(server: Server, issue_id: str) -> dict[str, Any]:
    return call(server, "GET", f"/api/proposals/issues/{issue_id}", None)  # type: ignore[no-any-return]


def tick_until(
    server: Server, issue_id: str, state: str, ticks: int = 6
) -> dict[str, Any]:
    for _ in range(ticks):
        issue = issue_state(server, issue_id)
        if issue["state"] == state:
            return issue
        server.cli("proposals", "tick")
    issue = issue_state(server, issue_id)
    assert issue["state"] == state, issue
    return issue


def issue_with_three(
    server: Server,
    voting_seconds: int,
    names: tuple[str, ...] = ("Bike lanes", "Trees", "Benches"),
) -> tuple[Place, str, list[str]]:
    """An issue with three initiatives by Rita, still before voting."""
    place = make_place(server, voting_seconds)
    rita = server.create_user("resident", "Rita")["token"]
    issue, first = propose(server, rita, place, names[0])
    others = [propose(server, rita, place, name, issue)[1] for name in names[1:]]
    return place, issue, [first, *others]


def wait_until_voting_ends(issue: dict[str, Any]) -> None:
    from datetime import UTC, datetime

    ends = datetime.fromisoformat(issue["phase_ends_at"])
    if ends.tzinfo is None:
        ends = ends.replace(tzinfo=UTC)
    pause = (ends - datetime.now(UTC)).total_seconds() + 0.5
    if pause > 0:
        time.sleep(pause)


def sign_in(page: Any, server: Server, person: dict[str, Any]) -> None:
    page.goto(server.base_url + urlsplit(person["signin_url"]).path)
    settle(page)


def settle(page: Any) -> None:
    expect(page.get_by_test_id("sync-status")).to_have_attribute(
        "data-phase", "idle", timeout=20_000
    )


def tab_to(page: Any, selector: str, presses: int = 120) -> None:
    """Press Tab (as a keyboard user would) until ``selector`` has the focus."""
    for _ in range(presses):
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def move_button(initiative: str, move: str) -> str:
    return f'button[data-initiative="{initiative}"][data-move="{move}"]'


def tally(path: Path) -> dict[str, Any]:
    """``wegovnow proposals tally FILE --json``, as anyone recounting would run it."""
    out = subprocess.run(
        [wegovnow_executable(), "proposals", "tally", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return json.loads(out)  # type: ignore[no-any-return]
