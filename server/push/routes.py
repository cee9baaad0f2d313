from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, ConfigDict, Field
from quart import Blueprint, Response, current_app, jsonify
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.accounts.auth import require_caller
from server.core.errors import BadRequest, NotFound
from server.core.validation import parse_body
from server.push.models import PushPreference, PushSubscription
from server.push.notices import wake_worker
from server.push.queue import reschedule_for_quiet_hours
from server.push.rules import quiet_until
from server.push.subscriptions import (
    TOPICS,
    EndpointIn,
    SubscriptionIn,
    check_endpoint,
    check_filters,
    check_keys,
    check_topics,
    save_subscription,
    subscription_json,
)
from server.settings import Settings

blueprint = Blueprint("push", __name__)
log = logging.getLogger("server.push")

CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")

# Empty where the machine has no time zone database: ZoneInfo alone then decides.
IANA_ZONES = frozenset(available_timezones()) - {"localtime", "Factory"}


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
    await check_filters(body)
    await check_endpoint(body.endpoint, settings.push_allow_loopback)
    subscription, created = await save_subscription(caller, body, settings.push_max_devices)
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
        # ZoneInfo also opens files such as "localtime" and "Factory", which are no
        # place a person lives in; only IANA's names are.
        if IANA_ZONES and body.timezone not in IANA_ZONES and body.timezone != "UTC":
            raise ValueError(body.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadRequest("push.bad_timezone", {"timezone": body.timezone[:64]}) from None
    start = end = None
    if body.quiet_hours is not None:
        start, end = minutes(body.quiet_hours.start), minutes(body.quiet_hours.end)
        if start == end:
            # They would hold nothing (rules.quiet_until) yet show as set.
            raise BadRequest(
                "push.quiet_hours_empty", {"value": body.quiet_hours.start}
            )
    values = {"quiet_start": start, "quiet_end": end, "timezone": body.timezone}
    resume = quiet_until(datetime.now(UTC), start, end, body.timezone)
    async with in_transaction():
        # Not update_or_create nor save(): tortoise 1.1 binds this UUID primary
        # key to SQLite as it is in an UPDATE and fails (a second change
        # answered 500); the key is converted here by the field.
        key = PushPreference._meta.fields_map["user_id"].to_db_value(
            caller.user.id, PushPreference
        )
        if not await PushPreference.filter(user_id=key).update(**values):
            try:
                async with in_transaction():  # a savepoint: PostgreSQL goes on after it
                    await PushPreference.create(user_id=caller.user.id, **values)
            except IntegrityError:
                # Another device of the person made the row a moment ago.
                await PushPreference.filter(user_id=key).update(**values)
        preference = await PushPreference.get(user_id=caller.user.id)
        moved = await reschedule_for_quiet_hours(caller.user.id, resume)
    if moved:
        log.info("quiet hours moved %d push messages user=%s", moved, caller.user.id)
        wake_worker()
    return jsonify(preference_json(preference))


def minutes(clock: str) -> int:
    found = CLOCK.fullmatch(clock)
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
