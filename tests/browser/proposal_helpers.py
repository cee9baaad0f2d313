"""Proposals for browser tests: a unit, area and policy made through the API as an
admin would, members signed in through their sign-in links, and phase changes
through ``wegovnow proposals tick``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.pages import PHONE, wait_until_controlled, watch_console

# Short phases, so a test moves an issue along with a few ticks.
POLICY = {
    "name": "Quick",
    "min_admission_time": 0,
    "max_admission_time": "P1D",
    "discussion_time": "PT1H",
    "verification_time": "PT1H",
    "voting_time": "PT1H",
}


@dataclass
class Place:
    unit: dict[str, Any]
    area: dict[str, Any]
    policy: dict[str, Any]


@dataclass
class Member:
    user: dict[str, Any]
    context: Any
    page: Any

    @property
    def token(self) -> str:
        return str(self.user["token"])


def make_place(server: Server, unit: str = "Milano", area: str = "Mobility") -> Place:
    admin = server.create_user("admin", "Ada")["token"]
    policy = server.api("/api/proposals/policies", admin, POLICY)
    made_unit = server.api("/api/proposals/units", admin, {"name": unit})
    made_area = server.api(
        "/api/proposals/areas",
        admin,
        {"unit_id": made_unit["id"], "name": area, "policy_ids": [policy["id"]]},
    )
    return Place(made_unit, made_area, policy)


def propose(
    server: Server,
    token: str,
    place: Place,
    name: str = "Bike lanes on Via Roma",
    content: str = "Paint **bike lanes** on Via Roma.",
    issue_id: str | None = None,
) -> tuple[str, str]:
    """A new initiative (and issue) through the API; answer (issue id, initiative id)."""
    issue = issue_id or str(uuid.uuid4())
    initiative = str(uuid.uuid4())
    server.api(
        "/api/proposals/initiatives",
        token,
        {
            "id": initiative,
            "draft_id": str(uuid.uuid4()),
            "issue_id": issue,
            "area_id": place.area["id"],
            "policy_id": place.policy["id"],
            "name": name,
            "content": content,
        },
    )
    return issue, initiative


def initiative(server: Server, token: str, initiative_id: str) -> dict[str, Any]:
    return server.api(f"/api/proposals/initiatives/{initiative_id}", token)  # type: ignore[no-any-return]


def tick(server: Server, after: timedelta) -> str:
    """Run the phase scheduler as if `after` had passed."""
    now = (datetime.now(UTC) + after).isoformat()
    return server.cli("proposals", "tick", "--now", now)


def sign_in(
    server: Server, browser: Any, name: str, locale: str = "en-GB", **options: Any
) -> Member:
    """A member on a phone, signed in through their link, synced once."""
    user = server.create_user("resident", name)
    context = browser.new_context(**{"viewport": PHONE, "locale": locale, **options})
    page = context.new_page()
    watch_console(page, [])
    link = urlsplit(user["signin_url"])
    page.goto(server.base_url + link.path + (f"?{link.query}" if link.query else ""))
    page.get_by_test_id("nav-account").wait_for()
    wait_until_controlled(page)
    return Member(user, context, page)


def settled(page: Any) -> None:
    """The last sync has finished (its changes are on screen)."""
    expect(page.get_by_test_id("sync-status")).to_have_attribute(
        "data-phase", "idle", timeout=20_000
    )


def open_path(
    member: Member, server: Server, path: str, ready: str | None = None
) -> Any:
    """Open `path`; with `ready`, wait until that part shows (the pull has arrived)."""
    member.page.goto(server.base_url + path)
    if ready:
        member.page.get_by_test_id(ready).first.wait_for(timeout=20_000)
    settled(member.page)
    return member.page


def put(server: Server, path: str, token: str, body: Any) -> Any:
    """A PUT through the API, as another device of the member would send it."""
    import json
    import urllib.request

    request = urllib.request.Request(
        server.base_url + path,
        data=json.dumps(body).encode(),
        method="PUT",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())
