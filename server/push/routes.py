from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field
from quart import Blueprint, Response, current_app, jsonify

from server.accounts.auth import require_caller
from server.core.errors import BadRequest, NotFound
from server.core.validation import parse_body
from server.push.models import PushPreference, PushSubscription
from server.push.subscriptions import (
    TOPICS,
    EndpointIn,
    SubscriptionIn,
    check_endpoint,
    check_keys,
    check_topics,
    save_subscription,
    subscription_json,
)
from server.settings import Settings

blueprint = Blueprint("push", __name__)

CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class QuietHours(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: str = Field(max_length=5)
    end: str = Field(max_length=5)


class PreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quiet_hours: QuietHours | None = None
    timezone: str = Field(default="UTC", max_length=64)


@blueprint.get("/api/push/key")
async def public_key() -> Any:
    """The applicationServerKey for ``PushManager.subscribe`` and the topics offered."""
    return jsonify({"public_key": current_app.config["VAPID"].public_key, "topics": list(TOPICS)})


@blueprint.get("/api/push/subscriptions")
async def my_subscriptions() -> Any:
    caller = require_caller()
    rows = await PushSubscription.filter(user_id=caller.user.id).order_by("created_at")
    return jsonify([subscription_json(row) for row in rows])


@blueprint.post("/api/push/subscriptions")
async def subscribe() -> Any:
    caller = require_caller()
    settings: Settings = current_app.config["SETTINGS"]
    body = await parse_body(SubscriptionIn)
    check_keys(body.keys)
    check_topics(body)
    await check_endpoint(body.endpoint, settings.push_allow_loopback)
    subscription, created = await save_subscription(caller, body)
    response = jsonify(subscription_json(subscription))
    response.status_code = 201 if created else 200
    return response


@blueprint.delete("/api/push/subscriptions")
async def unsubscribe() -> Any:
    caller = require_caller()
    body = await parse_body(EndpointIn)
    deleted = await PushSubscription.filter(endpoint=body.endpoint, user_id=caller.user.id).delete()
    if not deleted:
        raise NotFound("push.subscription_not_found")
    return Response(status=204)


@blueprint.get("/api/push/preferences")
async def preferences() -> Any:
    caller = require_caller()
    preference = await PushPreference.get_or_none(user_id=caller.user.id)
    return jsonify(preference_json(preference))


@blueprint.put("/api/push/preferences")
async def set_preferences() -> Any:
    caller = require_caller()
    body = await parse_body(PreferencesIn)
    try:
        ZoneInfo(body.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadRequest("push.bad_timezone", {"timezone": body.timezone[:64]}) from None
    start = end = None
    if body.quiet_hours is not None:
        start, end = minutes(body.quiet_hours.start), minutes(body.quiet_hours.end)
    preference, _ = await PushPreference.update_or_create(
        user_id=caller.user.id,
        defaults={"quiet_start": start, "quiet_end": end, "timezone": body.timezone},
    )
    return jsonify(preference_json(preference))


def minutes(clock: str) -> int:
    found = CLOCK.match(clock)
    if found is None:
        raise BadRequest("push.bad_quiet_hours", {"value": clock[:5]})
    return int(found.group(1)) * 60 + int(found.group(2))


def clock(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


def preference_json(preference: PushPreference | None) -> dict[str, Any]:
    if preference is None or preference.quiet_start is None or preference.quiet_end is None:
        quiet = None
    else:
        quiet = {"start": clock(preference.quiet_start), "end": clock(preference.quiet_end)}
    return {"quiet_hours": quiet, "timezone": preference.timezone if preference else "UTC"}
