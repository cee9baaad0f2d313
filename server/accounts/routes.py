from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, jsonify, redirect

from server.accounts.auth import (
    Caller,
    create_guest,
    create_session,
    end_session,
    redeem_signin_link,
    require_caller,
)
from server.core.errors import Conflict

blueprint = Blueprint("accounts", __name__)


def me_json(caller: Caller) -> dict[str, Any]:
    user = caller.user
    return {
        "id": str(user.id),
        "name": user.name,
        "role": caller.role,
        "is_guest": user.is_guest,
        "locale": user.locale,
        "csrf_token": caller.session.csrf_token if caller.session else None,
    }


@blueprint.get("/api/me")
async def me() -> Any:
    return jsonify(me_json(require_caller()))


@blueprint.post("/api/auth/guest")
async def start_as_guest() -> Any:
    """Give a browser without an account a guest account bound to it."""
    from quart import g

    if g.get("caller") is not None:
        raise Conflict("auth.already_signed_in")
    user = await create_guest()
    response = jsonify({})
    session = await create_session(user, response)
    response.set_data(
        await jsonify(me_json(Caller(user=user, via="session", session=session))).get_data()
    )
    response.status_code = 201
    return response


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
    await create_session(user, response)
    return response
