"""What admins do with accounts: assign roles, invite staff."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from pydantic import Field
from quart import current_app, jsonify

from server.accounts.auth import digest, new_secret, require_admin, utcnow
from server.accounts.models import Invitation, User
from server.accounts.routes import Body, blueprint
from server.core.errors import NotFound
from server.core.validation import parse_body
from server.settings import Settings

NAME = r"^[\w .-]{1,64}$"


class InvitationCreate(Body):
    role: str = Field(default="staff", pattern=r"^(staff|admin)$")
    departments: list[str] = Field(default_factory=list, max_length=20)
    areas: list[str] = Field(default_factory=list, max_length=50)


class RoleChange(Body):
    role: str = Field(pattern=r"^(resident|volunteer|staff|admin)$")
    departments: list[str] | None = Field(default=None, max_length=20)
    areas: list[str] | None = Field(default=None, max_length=50)


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "name": user.name,
        "role": user.role,
        "is_guest": user.is_guest,
        "departments": user.departments or [],
        "areas": user.areas or [],
        "created_at": user.created_at.isoformat(),
    }


@blueprint.post("/api/admin/invitations")
async def invite() -> Any:
    """Make a single-use staff invitation link that expires; it is shown once."""
    admin = require_admin()
    body = await parse_body(InvitationCreate)
    settings: Settings = current_app.config["SETTINGS"]
    secret = new_secret()
    expires_at = utcnow() + timedelta(hours=settings.invitation_hours)
    await Invitation.create(
        id=digest(secret),
        role=body.role,
        departments=[d.strip()[:64] for d in body.departments if d.strip()],
        areas=[a.strip()[:64] for a in body.areas if a.strip()],
        created_by_id=admin.user.id,
        expires_at=expires_at,
    )
    return (
        jsonify(
            {
                "url": f"{settings.public_url}/invitation/{secret}",
                "invitation": secret,
                "role": body.role,
                "expires_at": expires_at.isoformat(),
            }
        ),
        201,
    )


@blueprint.get("/api/admin/invitations")
async def list_invitations() -> Any:
    """Invitations still open: neither used nor expired nor withdrawn."""
    require_admin()
    rows = await Invitation.filter(used_at=None, expires_at__gt=utcnow()).order_by(
        "expires_at"
    )
    return jsonify(
        [
            {
                "id": row.id[:16],
                "role": row.role,
                "departments": row.departments,
                "areas": row.areas,
                "expires_at": row.expires_at.isoformat(),
            }
            for row in rows
        ]
    )


@blueprint.delete("/api/admin/invitations/<invitation_id>")
async def withdraw_invitation(invitation_id: str) -> Any:
    """Withdraw an open invitation: its link stops working at once."""
    require_admin()
    if len(invitation_id) != 16:
        raise NotFound("invitation.not_found")
    withdrawn = await Invitation.filter(
        id__startswith=invitation_id, used_at=None, expires_at__gt=utcnow()
    ).update(expires_at=utcnow())
    if withdrawn == 0:
        raise NotFound("invitation.not_found")
    return "", 204


@blueprint.get("/api/admin/users")
async def list_users() -> Any:
    require_admin()
    users = (
        await User.filter(is_guest=False, deleted_at=None).order_by("name").limit(1000)
    )
    return jsonify([user_json(user) for user in users])


@blueprint.put("/api/admin/users/<user_id>/role")
async def assign_role(user_id: str) -> Any:
    require_admin()
    body = await parse_body(RoleChange)
    try:
        key = uuid.UUID(user_id)
    except ValueError:
        raise NotFound("user.not_found")
    user = await User.get_or_none(id=key, deleted_at=None)
    if user is None or user.is_guest:
        raise NotFound("user.not_found")
    user.role = body.role
    if body.departments is not None:
        user.departments = body.departments
    if body.areas is not None:
        user.areas = body.areas
    # What this person may see changed: their devices re-read from the start.
    user.scope_epoch += 1
    await user.save()
    return jsonify(user_json(user))
