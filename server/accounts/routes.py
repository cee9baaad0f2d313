"""Signing in and out: guests, passkeys, recovery codes, single-use links."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from quart import Blueprint, Response, current_app, jsonify, redirect

from server.accounts import passkeys
from server.accounts.auth import (
    Caller,
    caller_or_none,
    create_guest,
    end_session,
    redeem_signin_link,
    require_caller,
    sign_in,
)
from server.accounts.models import Passkey, User
from server.core.errors import AuthRequired, Conflict
from server.core.validation import parse_body
from server.settings import Settings

blueprint = Blueprint("accounts", __name__)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegisterOptions(Body):
    name: str = Field(default="", max_length=120)
    invitation: str | None = Field(default=None, max_length=200)


class RegisterVerify(Body):
    credential: dict[str, Any]
    label: str = Field(default="", max_length=120)


class LoginOptions(Body):
    pass


class LoginVerify(Body):
    credential: dict[str, Any]


class Recovery(Body):
    code: str = Field(min_length=1, max_length=40)


def settings() -> Settings:
    return current_app.config["SETTINGS"]  # type: ignore[no-any-return]


def me_json(caller: Caller, passkey_count: int | None = None) -> dict[str, Any]:
    user = caller.user
    return {
        "id": str(user.id),
        "name": user.name,
        "role": caller.role,
        "is_guest": user.is_guest,
        "locale": user.locale,
        "skills": user.skills or [],
        "home": {"lat": user.home_lat, "lon": user.home_lon}
        if user.home_lat is not None
        else None,
        "radius_m": user.radius_m,
        "departments": user.departments or [],
        "areas": user.areas or [],
        "passkeys": passkey_count,
        "csrf_token": caller.session.csrf_token if caller.session else None,
    }


async def signed_in(
    user: User, status: int, extra: dict[str, Any] | None = None
) -> Response:
    """Answer with a new session for ``user`` and who they now are."""
    response = Response(status=status, mimetype="application/json")
    session = await sign_in(user, response)
    count = await Passkey.filter(user_id=user.id).count()
    body = {
        **me_json(Caller(user=user, via="session", session=session), count),
        **(extra or {}),
    }
    response.set_data(await jsonify(body).get_data())
    return response


@blueprint.get("/api/me")
async def me() -> Any:
    caller = require_caller()
    count = await Passkey.filter(user_id=caller.user.id).count()
    return jsonify(me_json(caller, count))


@blueprint.post("/api/auth/guest")
async def start_as_guest() -> Any:
    """Give a browser without an account a guest account bound to it."""
    await parse_body(LoginOptions)
    if caller_or_none() is not None:
        raise Conflict("auth.already_signed_in")
    return await signed_in(await create_guest(), 201)


@blueprint.post("/api/auth/passkeys/register/options")
async def register_options() -> Any:
    """Start adding a passkey: to the signed-in account (a guest too) or a new one."""
    body = await parse_body(RegisterOptions)
    caller = caller_or_none()
    user = caller.user if caller else None
    if caller is not None and caller.via != "session":
        raise AuthRequired("auth.session_required")
    options = await passkeys.registration_options(
        user, body.name, body.invitation, settings()
    )
    return jsonify(options)


@blueprint.post("/api/auth/passkeys/register/verify")
async def register_verify() -> Any:
    body = await parse_body(RegisterVerify)
    caller = caller_or_none()
    before = caller.user if caller else None
    was_full_account = before is not None and not before.is_guest
    done = await passkeys.finish_registration(
        before, body.credential, body.label, settings()
    )
    extra = {
        "passkey": passkey_json(done.passkey),
        "recovery_codes": done.recovery_codes,
    }
    if was_full_account and caller is not None:
        # Another passkey on the same account: the session stays as it is.
        count = await Passkey.filter(user_id=done.user.id).count()
        return jsonify({**me_json(caller, count), **extra}), 201
    return await signed_in(done.user, 201, extra)


@blueprint.post("/api/auth/passkeys/login/options")
async def login_options() -> Any:
    """Options for a usernameless sign-in: the body is empty."""
    await parse_body(LoginOptions)
    return jsonify(await passkeys.login_options(settings()))


@blueprint.post("/api/auth/passkeys/login/verify")
async def login_verify() -> Any:
    body = await parse_body(LoginVerify)
    user = await passkeys.finish_login(body.credential, settings())
    return await signed_in(user, 200)


@blueprint.post("/api/auth/recovery")
async def recover() -> Any:
    """Sign in with a one-time recovery code, to add a new passkey."""
    body = await parse_body(Recovery)
    user = await passkeys.redeem_recovery_code(body.code)
    if user is None:
        raise AuthRequired("auth.recovery_failed")
    return await signed_in(user, 200, {"recovered": True})


@blueprint.post("/api/auth/logout")
async def logout() -> Any:
    require_caller()
    response = Response(status=204)
    await end_session(response)
    return response


@blueprint.get("/signin/<secret>")
async def signin_with_link(secret: str) -> Any:
    user = await redeem_signin_link(secret)
    if user is None:
        return redirect("/?signin=failed")
    response = redirect("/")
    await sign_in(user, response)  # type: ignore[arg-type]
    return response


def passkey_json(passkey: Passkey) -> dict[str, Any]:
    return {
        "id": passkey.id,
        "label": passkey.label,
        "created_at": passkey.created_at.isoformat() if passkey.created_at else None,
        "last_used_at": passkey.last_used_at.isoformat()
        if passkey.last_used_at
        else None,
        "backed_up": passkey.backed_up,
        "flagged": passkey.flagged_at is not None,
    }


# The account's own pages and the admin's routes share this blueprint.
import server.accounts.admin
import server.accounts.profile  # noqa: F401
