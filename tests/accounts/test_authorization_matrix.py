"""Every route, every role, objects owned by each: the expected answer, in one table.

Columns: anonymous, resident A, resident B, volunteer, staff, admin. The objects in
the paths (``{report}``, ``{passkey}``, ...) belong to resident A. Rows for sync
mutations give the mutation's status instead of the HTTP status. A route that is not
in the table fails ``test_every_route_is_in_the_matrix``: add its row.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from quart import Quart
from quart.testing import QuartClient

from server.accounts.auth import create_api_token, digest, new_secret, utcnow
from server.accounts.models import Invitation, Passkey, Session, User
from server.media.models import Upload
from server.proposals.models import Initiative, Suggestion
from server.push.models import PushSubscription
from server.reports.models import Report
from server.syncing.models import ConflictRecord
from tests.helpers import new_report_args
from tests.proposals.builders import make_place
from tests.softauthn import b64url

ROLES = ("anonymous", "resident_a", "resident_b", "volunteer", "staff", "admin")
ORIGIN = "http://localhost"

SAME = "same for everyone"
PUSH_ENDPOINT = "https://push.example.org/send/resident-a"
# (method, path, body, answers in ROLES order); "mutation:<name>" runs a sync mutation.
# fmt: off
MATRIX: list[tuple[str, str, Any, tuple[Any, ...] | str]] = [
    ("GET", "/", None, SAME),
    ("GET", "/some/page", None, SAME),
    ("GET", "/api/health", None, (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/config", None, (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/no/such/route", None, (404, 404, 404, 404, 404, 404)),
    ("GET", "/api/categories", None, (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/reports", None, (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/reports/{report}", None, (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/reports/{private_report}", None, (404, 200, 404, 404, 200, 200)),
    ("GET", "/api/reports/{hidden_report}", None, (404, 200, 404, 404, 200, 200)),
    ("GET", "/api/sync/schema", None, (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/sync/refused?client_id={client}", None, (401, 200, 403, 403, 403, 403)),
    ("GET", "/api/areas", None, (200, 200, 200, 200, 200, 200)),
    ("POST", "/api/admin/areas", b"{}", (401, 403, 403, 403, 403, 400)),
    ("DELETE", "/api/admin/areas/{area}", None, (401, 403, 403, 403, 403, 404)),
    ("GET", "/api/admin/departments", None, (401, 403, 403, 403, 403, 200)),
    ("POST", "/api/admin/departments", {"id": "bridges", "names": {"en": "Bridges"}}, (401, 403, 403, 403, 403, 201)),
    ("PATCH", "/api/admin/departments/roads", {"retired": False}, (401, 403, 403, 403, 403, 200)),
    ("GET", "/api/sync/pull?protocol=1&client_id={client}", None, (401, 200, 403, 403, 403, 403)),
    ("POST", "/api/sync/push", {"protocol": 1, "client_id": "{client}", "mutations": []}, (401, 200, 403, 403, 403, 403)),
    ("POST", "mutation:report.create", None, (401, "applied", "applied", "applied", "applied", "applied")),
    ("POST", "mutation:report.confirm", None, (401, "applied", "applied", "applied", "applied", "applied")),
    ("POST", "mutation:report.confirm@private", None, (401, "applied", "rejected", "rejected", "applied", "applied")),
    ("POST", "mutation:update.add", None, (401, "applied", "rejected", "rejected", "applied", "applied")),
    ("POST", "mutation:report.set_state", None, (401, "rejected", "rejected", "rejected", "applied", "applied")),
    ("POST", "mutation:report.edit", None, (401, "rejected", "rejected", "rejected", "applied", "applied")),
    ("POST", "mutation:report.delete", None, (401, "applied", "rejected", "rejected", "applied", "applied")),
    ("POST", "mutation:report.add_photo", None, (401, "applied", "rejected", "rejected", "applied", "applied")),
    ("POST", "mutation:conflict.resolve", None, (401, "rejected", "rejected", "rejected", "applied", "applied")),
    ("GET", "/api/proposals/units", None, (200, 200, 200, 200, 200, 200)),
    ("POST", "/api/proposals/units", {"name": "Venezia"}, (401, 403, 403, 403, 403, 201)),
    ("POST", "/api/proposals/areas", {"unit_id": "{unit}", "name": "Parks", "policy_ids": ["{policy}"]}, (401, 403, 403, 403, 403, 400)),
    ("GET", "/api/proposals/policies", None, (200, 200, 200, 200, 200, 200)),
    ("POST", "/api/proposals/policies", {}, (401, 403, 403, 403, 403, 400)),
    ("GET", "/api/proposals/issues", None, (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/proposals/issues/{issue}", None, (200, 200, 200, 200, 200, 200)),
    ("PUT", "/api/proposals/issues/{issue}/interest", {"interested": True}, (401, 200, 200, 200, 200, 200)),
    ("PUT", "/api/proposals/issues/{issue}/ballot", {"grades": {}}, (401, 409, 409, 409, 409, 409)),
    ("GET", "/api/proposals/issues/{issue}/ballot", None, (401, 200, 200, 200, 200, 200)),
    ("GET", "/api/proposals/issues/{issue}/ballots", None, (409, 409, 409, 409, 409, 409)),
    ("GET", "/api/proposals/issues/{issue}/ballots.json", None, (409, 409, 409, 409, 409, 409)),
    ("GET", "/api/proposals/issues/{issue}/delegation", None, (401, 200, 200, 200, 200, 200)),
    ("PUT", "/api/proposals/delegations", {"scope": "unit", "target_id": "{unit}", "trustee_id": "{user}"}, (401, 409, 200, 200, 200, 200)),
    ("GET", "/api/proposals/delegations?scope=unit&id={unit}", None, (401, 200, 200, 200, 200, 200)),
    ("GET", "/api/proposals/units/{unit}/members?q=a", None, (401, 200, 200, 200, 200, 200)),
    ("POST", "/api/proposals/initiatives", {"area_id": "{proposal_area}", "policy_id": "{policy}", "name": "Trees", "content": "Plant trees"}, (401, 201, 201, 201, 201, 201)),
    ("GET", "/api/proposals/initiatives/{initiative}", None, (200, 200, 200, 200, 200, 200)),
    ("POST", "/api/proposals/initiatives/{initiative}/drafts", {"content": "Plant more trees"}, (401, 201, 403, 403, 403, 403)),
    ("POST", "/api/proposals/initiatives/{initiative}/revoke", {}, (401, 200, 403, 403, 403, 403)),
    ("PUT", "/api/proposals/initiatives/{initiative}/support", {"supported": True}, (401, 200, 200, 200, 200, 200)),
    ("POST", "/api/proposals/initiatives/{initiative}/suggestions", {"name": "Shade", "content": "Plant oaks"}, (401, 201, 201, 201, 201, 201)),
    ("PUT", "/api/proposals/suggestions/{suggestion}/opinion", {"degree": 1}, (401, 200, 200, 200, 200, 200)),
    ("HEAD", "/api/media/{sha}", None, (401, 404, 404, 404, 404, 404)),
    ("PUT", "/api/media/{sha}", b"not the photo", (401, 400, 400, 400, 400, 400)),
    ("GET", "/api/media/{sha}/display", None, (404, 404, 404, 404, 404, 404)),
    ("POST", "/api/uploads", b"", (401, 201, 201, 201, 201, 201)),
    ("HEAD", "/api/uploads/{upload}", None, (401, 200, 404, 404, 404, 404)),
    ("PATCH", "/api/uploads/{upload}", b"01234", (401, 204, 404, 404, 404, 404)),
    ("DELETE", "/api/uploads/{upload}", None, (401, 204, 404, 404, 404, 404)),
    ("POST", "/api/auth/guest", {}, (201, 409, 409, 409, 409, 409)),
    ("POST", "/api/auth/passkeys/register/options", {}, (200, 200, 200, 200, 200, 200)),
    ("POST", "/api/auth/passkeys/register/verify", {"credential": {}}, (400, 400, 400, 400, 400, 400)),
    ("POST", "/api/auth/passkeys/login/options", {}, (200, 200, 200, 200, 200, 200)),
    ("POST", "/api/auth/passkeys/login/verify", {"credential": {}}, (400, 400, 400, 400, 400, 400)),
    ("POST", "/api/auth/recovery", {"code": "aaaa-bbbb-cccc"}, (401, 401, 401, 401, 401, 401)),
    ("POST", "/api/auth/logout", {}, (401, 204, 204, 204, 204, 204)),
    ("GET", "/signin/{secret}", None, (302, 302, 302, 302, 302, 302)),
    ("GET", "/api/push/key", None, (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/push/subscriptions", None, (401, 200, 200, 200, 200, 200)),
    ("POST", "/api/push/subscriptions", {"endpoint": "https://push.example.org/x", "keys": {"p256dh": "AAAA", "auth": "AAAA"}}, (401, 400, 400, 400, 400, 400)),
    ("DELETE", "/api/push/subscriptions", {"endpoint": "{push_endpoint}"}, (401, 204, 404, 404, 404, 404)),
    ("GET", "/api/push/preferences", None, (401, 200, 200, 200, 200, 200)),
    ("PUT", "/api/push/preferences", {"timezone": "Europe/Rome"}, (401, 200, 200, 200, 200, 200)),
    ("GET", "/api/me", None, (401, 200, 200, 200, 200, 200)),
    ("PATCH", "/api/me", {"name": "New name"}, (401, 200, 200, 200, 200, 200)),
    ("DELETE", "/api/me", {"confirm": True}, (401, 204, 204, 204, 204, 204)),
    ("GET", "/api/me/export", None, (401, 200, 200, 200, 200, 200)),
    ("GET", "/api/me/passkeys", None, (401, 200, 200, 200, 200, 200)),
    ("PATCH", "/api/me/passkeys/{passkey}", {"label": "mine"}, (401, 200, 404, 404, 404, 404)),
    ("DELETE", "/api/me/passkeys/{passkey}", None, (401, 204, 404, 404, 404, 404)),
    ("POST", "/api/me/recovery-codes", {}, (401, 201, 201, 201, 201, 201)),
    ("GET", "/api/me/sessions", None, (401, 200, 200, 200, 200, 200)),
    ("DELETE", "/api/me/sessions/{session}", None, (401, 204, 404, 404, 404, 404)),
    ("GET", "/api/me/tokens", None, (401, 200, 200, 200, 200, 200)),
    ("POST", "/api/me/tokens", {"label": "script"}, (401, 201, 201, 201, 201, 201)),
    ("DELETE", "/api/me/tokens/{token}", None, (401, 204, 404, 404, 404, 404)),
    ("GET", "/api/admin/users", None, (401, 403, 403, 403, 403, 200)),
    ("PUT", "/api/admin/users/{user}/role", {"role": "volunteer"}, (401, 403, 403, 403, 403, 200)),
    ("POST", "/api/admin/invitations", {}, (401, 403, 403, 403, 403, 201)),
    ("GET", "/api/admin/invitations", None, (401, 403, 403, 403, 403, 200)),
    ("DELETE", "/api/admin/invitations/{invitation}", None, (401, 403, 403, 403, 403, 204)),
]
# fmt: on


TUS_HEADERS = {
    ("POST", "uploads"): {
        "Upload-Length": "10",
        "Upload-Metadata": "sha256 " + base64.b64encode(b"1" * 64).decode(),
    },
    ("PATCH", "uploads"): {
        "Content-Type": "application/offset+octet-stream",
        "Upload-Offset": "0",
    },
}


# Sync mutations that the table covers through the HTTP route running them.
MUTATIONS_BEHIND_ROUTES = {
    "proposal.initiative.create": "POST /api/proposals/initiatives",
    "proposal.draft.add": "POST /api/proposals/initiatives/{initiative}/drafts",
    "proposal.initiative.revoke": "POST /api/proposals/initiatives/{initiative}/revoke",
    "proposal.support.set": "PUT /api/proposals/initiatives/{initiative}/support",
    "proposal.suggestion.add": "POST /api/proposals/initiatives/{initiative}/suggestions",
    "proposal.opinion.set": "PUT /api/proposals/suggestions/{suggestion}/opinion",
    "proposal.interest": "PUT /api/proposals/issues/{issue}/interest",
    "proposal.delegation.set": "PUT /api/proposals/delegations",
    "proposal.ballot.cast": "PUT /api/proposals/issues/{issue}/ballot",
}


@dataclass
class Actor:
    client: QuartClient
    user: User | None = None
    csrf: str | None = None
    secret: str | None = None
    client_seq: dict[str, int] = field(default_factory=dict)

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        headers = {
            "Origin": ORIGIN,
            **TUS_HEADERS.get((method, (path.split("/") + ["", ""])[2]), {}),
        }
        if path.startswith("/api/uploads"):
            headers["Tus-Resumable"] = "1.0.0"
        if self.secret:
            headers["Cookie"] = f"wgn_session={self.secret}"
        if self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        kwargs: dict[str, Any] = {"method": method, "headers": headers}
        if isinstance(body, bytes):
            kwargs["data"] = body
        elif body is not None:
            kwargs["json"] = body
        return await self.client.open(path, **kwargs)


async def signed_in(app: Quart, user: User) -> Actor:
    secret, csrf = new_secret(), new_secret()
    await Session.create(
        id=digest(secret), user=user, csrf_token=csrf, last_seen_at=utcnow()
    )
    return Actor(app.test_client(), user, csrf, secret)


async def make_user(role: str, name: str) -> User:
    user = await User.create(id=uuid.uuid4(), name=name, role=role)
    await Passkey.create(id=b64url(name.encode()), user=user, public_key=b"-")
    return user


@pytest.fixture
async def world(app: Quart) -> dict[str, Any]:
    actors = {"anonymous": Actor(app.test_client())}
    for role in ROLES[1:]:
        user = await make_user(role.split("_")[0], role)
        actors[role] = await signed_in(app, user)
    a = actors["resident_a"].user
    assert a is not None
    await Passkey.create(id=b64url(b"a-second"), user=a, public_key=b"-")
    other_session = new_secret()
    await Session.create(
        id=digest(other_session), user=a, csrf_token="x", last_seen_at=utcnow()
    )
    token = await create_api_token(a, label="script")
    await actors["resident_a"].call(
        "POST",
        "/api/sync/push",
        {"protocol": 1, "client_id": "client-a-000001", "mutations": []},
    )
    await PushSubscription.create(
        id=uuid.uuid4(), user=a, endpoint=PUSH_ENDPOINT, p256dh="-", auth="-"
    )
    invitation = new_secret()
    await Invitation.create(
        id=digest(invitation), expires_at=utcnow() + timedelta(hours=1)
    )
    place = await make_place()
    proposal = await (
        await actors["resident_a"].call(
            "POST",
            "/api/proposals/initiatives",
            {
                "area_id": str(place.area.id),
                "policy_id": str(place.policy.id),
                "name": "Trees",
                "content": "Plant",
            },
        )
    ).get_json()
    await (
        await actors["resident_a"].call(
            "POST",
            f"/api/proposals/initiatives/{proposal['id']}/suggestions",
            {"name": "Oaks"},
        )
    ).get_json()
    objects = {
        "report": await a_report(a),
        "private_report": await a_report(a, private=True),
        "hidden_report": await a_report(a, hidden=True),
        "passkey": b64url(b"a-second"),
        "session": digest(other_session)[:16],
        "token": digest(token)[:16],
        "user": str(a.id),
        "client": "client-a-000001",
        "sha": "0" * 64,
        "secret": "not-a-link",
        "area": str(uuid.uuid4()),
        "push_endpoint": PUSH_ENDPOINT,
        "invitation": digest(invitation)[:16],
        "unit": str(place.unit.id),
        "policy": str(place.policy.id),
        "proposal_area": str(place.area.id),
        "initiative": proposal["id"],
        "issue": str((await Initiative.get(id=proposal["id"])).issue_id),  # type: ignore[attr-defined]
        "suggestion": str((await Suggestion.get(initiative_id=proposal["id"])).id),
        "upload": (
            await Upload.create(id="a" * 32, user=a, sha256="2" * 64, length=10)
        ).id,
    }
    return {"actors": actors, "objects": objects}


async def a_report(owner: User, **flags: bool) -> str:
    args = new_report_args()
    await Report.create(
        id=args["id"],
        category_id="streetlight",
        description="Lamp out",
        lat=45.46,
        lon=9.19,
        reporter=owner,
        **flags,
    )
    return str(args["id"])


def mutation_args(name: str, report_id: str) -> dict[str, Any]:
    if name == "report.create":
        return new_report_args()
    if name == "update.add":
        return {"id": str(uuid.uuid4()), "report_id": report_id, "text": "Still broken"}
    if name == "report.set_state":
        return {"id": report_id, "state": "acknowledged"}
    if name == "report.edit":
        return {"id": report_id, "fields": {"department": "roads"}}
    if name == "report.add_photo":
        return {"id": report_id, "sha256": "3" * 64}
    return {"id": report_id}


async def run_mutation(actor: Actor, name: str, owner: User) -> Any:
    name, _, variant = name.partition("@")
    report_id = await a_report(owner, private=variant == "private")
    args = mutation_args(name, report_id)
    if name == "conflict.resolve":
        conflict = await ConflictRecord.create(
            id=uuid.uuid4(),
            entity="report",
            entity_id=report_id,
            kind="deleted",
            mutation={"name": "report.edit", "args": {}},
            user=owner,
        )
        args = {"id": str(conflict.id), "choice": "dismiss"}
    client_id = f"client-{uuid.uuid4().hex[:12]}"
    response = await actor.call(
        "POST",
        "/api/sync/push",
        {
            "protocol": 1,
            "client_id": client_id,
            "mutations": [
                {
                    "seq": 1,
                    "name": name,
                    "args": args,
                    "base_version": 1,
                }
            ],
        },
    )
    if response.status_code != 200:
        return response.status_code
    return (await response.get_json())["results"][0]["status"]


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    MATRIX,
    ids=[f"{m} {p}" for m, p, _, _ in MATRIX],
)
async def test_authorization_matrix(
    world: dict[str, Any], method: str, path: str, body: Any, expected: Any
) -> None:
    actors, objects = world["actors"], world["objects"]
    answers = []
    for role in ROLES:
        actor = actors[role]
        if path.startswith("mutation:"):
            answers.append(
                await run_mutation(
                    actor, path.removeprefix("mutation:"), actors["resident_a"].user
                )
            )
            continue
        filled = fill(body, objects)
        response = await actor.call(method, path.format(**objects), filled)
        answers.append(response.status_code)

    if expected == SAME:
        assert len(set(answers)) == 1, dict(zip(ROLES, answers))
    else:
        assert dict(zip(ROLES, answers)) == dict(zip(ROLES, expected))


def fill(body: Any, objects: dict[str, str]) -> Any:
    if isinstance(body, dict):
        return {k: fill(v, objects) for k, v in body.items()}
    if isinstance(body, str):
        return body.format(**objects)
    return body


def test_every_route_is_in_the_matrix(app: Quart) -> None:
    from server.syncing.registry import MUTATIONS

    covered = {(m, p.split("?")[0]) for m, p, _, _ in MATRIX}
    concrete = {
        "/": "/",
        "/<path:path>": "/some/page",
        "/api/<path:rest>": "/api/no/such/route",
    }
    missing = []
    for rule in app.url_map.iter_rules():
        template = concrete.get(rule.rule) or rule.rule.replace("<", "{").replace(
            ">", "}"
        )
        for method in (rule.methods or set()) - {"OPTIONS"}:
            if rule.rule == "/api/<path:rest>" or (
                method == "HEAD" and "GET" in (rule.methods or set())
            ):
                continue
            if not any(m == method and same_route(p, template) for m, p in covered):
                missing.append(f"{method} {rule.rule}")
    mutations = set(MUTATIONS_BEHIND_ROUTES) | {
        p.removeprefix("mutation:").split("@")[0]
        for _, p, _, _ in MATRIX
        if p.startswith("mutation:")
    }

    assert missing == []
    assert set(MUTATIONS_BEHIND_ROUTES.values()) <= {
        f"{m} {p}" for m, p, _, _ in MATRIX
    }
    assert set(MUTATIONS) <= mutations


def same_route(covered: str, template: str) -> bool:
    left, right = covered.strip("/").split("/"), template.strip("/").split("/")
    return len(left) == len(right) and all(
        a == b or b.startswith("{") for a, b in zip(left, right)
    )
