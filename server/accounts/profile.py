"""A person's own account: profile, passkeys, sessions, API tokens, export, deletion."""

from __future__ import annotations

import importlib
import inspect
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import Field
from quart import Response, current_app, jsonify
from tortoise.models import Model
from tortoise.transactions import in_transaction

from server.accounts.auth import (
    ROLE_RANK,
    cookie_name,
    create_api_token,
    require_caller,
    require_session,
    utcnow,
)
from server.accounts.models import ApiToken, Passkey, RecoveryCode, Session, User
from server.accounts.passkeys import issue_recovery_codes
from server.accounts.routes import Body, blueprint, me_json, passkey_json
from server.core.db import MODEL_MODULES
from server.core.errors import BadRequest, Conflict, Forbidden, NotFound
from server.core.validation import parse_body
from server.reports.models import Confirmation, Report, Update
from server.syncing.changelog import record_change

PUBLIC_ID_LENGTH = 16


def caller_settings() -> Any:
    return current_app.config["SETTINGS"]


class Home(Body):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class ProfileEdit(Body):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    locale: str | None = Field(default=None, pattern=r"^(en|it|de|el)$")
    skills: list[str] | None = Field(default=None, max_length=30)
    home: Home | None = None
    radius_m: int | None = Field(default=None, ge=100, le=100_000)


class PasskeyEdit(Body):
    label: str = Field(max_length=120)


class TokenCreate(Body):
    label: str = Field(default="", max_length=120)
    role: str | None = Field(
        default=None, pattern=r"^(resident|volunteer|staff|admin)$"
    )


class AccountDelete(Body):
    confirm: bool


@blueprint.patch("/api/me")
async def edit_profile() -> Any:
    caller = require_session()
    body = await parse_body(ProfileEdit)
    user = caller.user
    changes = body.model_dump(exclude_unset=True)
    if "skills" in changes:
        user.skills = [
            skill.strip()[:64] for skill in body.skills or [] if skill.strip()
        ]
    if "home" in changes:
        user.home_lat = body.home.lat if body.home else None
        user.home_lon = body.home.lon if body.home else None
    for field in ("name", "locale", "radius_m"):
        if field in changes and changes[field] is not None:
            setattr(user, field, changes[field])
    await user.save()
    return jsonify(me_json(caller, await Passkey.filter(user_id=user.id).count()))


@blueprint.get("/api/me/passkeys")
async def list_passkeys() -> Any:
    caller = require_caller()
    rows = await Passkey.filter(user_id=caller.user.id).order_by("created_at")
    return jsonify([passkey_json(row) for row in rows])


async def own_passkey(user: User, passkey_id: str) -> Passkey:
    passkey = await Passkey.get_or_none(id=passkey_id[:255], user_id=user.id)
    if passkey is None:  # another person's passkey answers as if it did not exist
        raise NotFound("passkey.not_found")
    return passkey


@blueprint.patch("/api/me/passkeys/<passkey_id>")
async def rename_passkey(passkey_id: str) -> Any:
    caller = require_session()
    body = await parse_body(PasskeyEdit)
    passkey = await own_passkey(caller.user, passkey_id)
    passkey.label = body.label
    await passkey.save(update_fields=["label"])
    return jsonify(passkey_json(passkey))


@blueprint.delete("/api/me/passkeys/<passkey_id>")
async def revoke_passkey(passkey_id: str) -> Any:
    caller = require_session()
    passkey = await own_passkey(caller.user, passkey_id)
    if await Passkey.filter(user_id=caller.user.id).count() <= 1:
        raise Conflict("passkey.last")
    await passkey.delete()
    return Response(status=204)


@blueprint.post("/api/me/recovery-codes")
async def renew_recovery_codes() -> Any:
    """Replace the recovery codes; the old ones stop working at once."""
    caller = require_session()
    if caller.user.is_guest:
        raise Forbidden("auth.guest")
    return jsonify({"recovery_codes": await issue_recovery_codes(caller.user)}), 201


@blueprint.get("/api/me/sessions")
async def list_sessions() -> Any:
    caller = require_caller()
    rows = await Session.filter(user_id=caller.user.id, revoked_at=None).order_by(
        "-last_seen_at"
    )
    current = caller.session.id if caller.session else None
    return jsonify(
        [
            {
                "id": row.id[:PUBLIC_ID_LENGTH],
                "created_at": row.created_at.isoformat(),
                "last_seen_at": row.last_seen_at.isoformat(),
                "current": row.id == current,
            }
            for row in rows
        ]
    )


@blueprint.delete("/api/me/sessions/<session_id>")
async def revoke_session(session_id: str) -> Any:
    caller = require_session()
    if len(session_id) != PUBLIC_ID_LENGTH:
        raise NotFound("session.not_found")
    revoked = await Session.filter(
        user_id=caller.user.id, id__startswith=session_id, revoked_at=None
    ).update(revoked_at=utcnow())
    if revoked == 0:
        raise NotFound("session.not_found")
    return Response(status=204)


@blueprint.get("/api/me/tokens")
async def list_tokens() -> Any:
    caller = require_caller()
    rows = await ApiToken.filter(user_id=caller.user.id, revoked_at=None).order_by(
        "created_at"
    )
    return jsonify([token_json(row) for row in rows])


def token_json(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id[:PUBLIC_ID_LENGTH],
        "label": token.label,
        "role": token.role,
        "created_at": token.created_at.isoformat(),
    }


@blueprint.post("/api/me/tokens")
async def make_token() -> Any:
    """Make an API token for scripts, scoped to a role no higher than the account's."""
    caller = require_session()
    body = await parse_body(TokenCreate)
    if caller.user.is_guest:
        raise Forbidden("auth.guest")
    role = body.role or caller.role
    if ROLE_RANK[role] > ROLE_RANK[caller.role]:
        raise Forbidden("token.role_too_high", {"role": role})
    secret = await create_api_token(caller.user, role=role, label=body.label)
    return jsonify({"token": secret, "role": role, "label": body.label}), 201


@blueprint.delete("/api/me/tokens/<token_id>")
async def revoke_token(token_id: str) -> Any:
    caller = require_session()
    if len(token_id) != PUBLIC_ID_LENGTH:
        raise NotFound("token.not_found")
    revoked = await ApiToken.filter(
        user_id=caller.user.id, id__startswith=token_id, revoked_at=None
    ).update(revoked_at=utcnow())
    if revoked == 0:
        raise NotFound("token.not_found")
    return Response(status=204)


@blueprint.get("/api/me/export")
async def export() -> Any:
    """Everything the server holds about the caller, as one JSON document."""
    caller = require_session()
    user = caller.user
    reports = await Report.filter(reporter_id=user.id).order_by("created_at")
    updates = await Update.filter(author_id=user.id).order_by("created_at")
    confirmations = await Confirmation.filter(user_id=user.id)
    body = {
        "account": {
            **me_json(caller),
            "csrf_token": None,
            "created_at": user.created_at.isoformat(),
        },
        "passkeys": [passkey_json(p) for p in await Passkey.filter(user_id=user.id)],
        "recovery_codes_left": await RecoveryCode.filter(
            user_id=user.id, used_at=None
        ).count(),
        "sessions": [
            {
                "created_at": s.created_at.isoformat(),
                "last_seen_at": s.last_seen_at.isoformat(),
            }
            for s in await Session.filter(user_id=user.id, revoked_at=None)
        ],
        "api_tokens": [token_json(t) for t in await ApiToken.filter(user_id=user.id)],
        "reports": [
            {
                "id": str(r.id),
                "category": r.category_id,  # type: ignore[attr-defined]
                "description": r.description,
                "location": {"lat": r.lat, "lon": r.lon, "accuracy": r.accuracy},
                "observed_at": r.observed_at.isoformat() if r.observed_at else None,
                "created_at": r.created_at.isoformat(),
                "state": r.state,
                "private": r.private,
                "show_name": r.show_name,
                "deleted": r.deleted_at is not None,
            }
            for r in reports
        ],
        "updates": [
            {
                "id": str(u.id),
                "report_id": str(u.report_id),  # type: ignore[attr-defined]
                "text": u.text,
                "created_at": u.created_at.isoformat(),
            }
            for u in updates
        ],
        "confirmations": [str(c.report_id) for c in confirmations],  # type: ignore[attr-defined]
    }
    body["records"] = await records_about(user)
    response = jsonify(body)
    response.headers["Content-Disposition"] = (
        'attachment; filename="wegovnow-my-data.json"'
    )
    return response


# Shown above in their own sections: the generic walk leaves them out.
CURATED = {
    ("reports", "reporter"),
    ("report_updates", "author"),
    ("report_confirmations", "user"),
}


def models_pointing_at_users() -> list[tuple[type[Model], str]]:
    """Every (model, foreign key) outside accounts that names a person."""
    found = []
    for module_name in MODEL_MODULES:
        if module_name == "server.accounts.models":
            continue
        module = importlib.import_module(module_name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, Model) or cls.__module__ != module_name:
                continue
            for fk in cls._meta.fk_fields:
                field = cls._meta.fields_map[fk]
                if getattr(field, "model_name", "") == "models.User":
                    found.append((cls, fk))
    return found


async def records_about(user: User) -> dict[str, list[dict[str, Any]]]:
    """Rows of every module that name the person, keyed ``table.field``.

    Walking the models keeps the export complete as modules are added, without
    this module knowing them.
    """
    records: dict[str, list[dict[str, Any]]] = {}
    for cls, fk in models_pointing_at_users():
        table = cls._meta.db_table
        if (table, fk) in CURATED:
            continue
        rows = await cls.filter(**{f"{fk}_id": user.id}).values()
        if rows:
            records[f"{table}.{fk}"] = [plain(row) for row in rows]
    return records


def plain(row: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready values; bytes (keys, hashes) are left out."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, bytes | bytearray):
            continue
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, uuid.UUID | Decimal):
            value = str(value)
        out[key] = value
    return out


@blueprint.delete("/api/me")
async def delete_account() -> Any:
    """Delete the account: public reports stay without a name, private ones go."""
    caller = require_session()
    body = await parse_body(AccountDelete)
    if not body.confirm:
        raise BadRequest("account.confirm_delete")
    user = caller.user
    now = utcnow()
    async with in_transaction():
        for report in await Report.filter(reporter_id=user.id):
            report.version += 1
            if report.private and report.deleted_at is None:
                report.deleted_at = now
            await report.save(update_fields=["version", "deleted_at"])
            await record_change(
                "report",
                str(report.id),
                report.version,
                deleted=report.deleted_at is not None,
            )
        await Report.filter(reporter_id=user.id).update(
            reporter_id=None, show_name=False
        )
        await Update.filter(author_id=user.id).update(author_id=None)
        await user.delete()
    response = Response(status=204)
    response.delete_cookie(cookie_name(caller_settings()), path="/")
    return response
