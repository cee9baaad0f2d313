"""Checking and storing the PushSubscription a browser hands over."""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import socket
import uuid
from typing import Annotated, Any

from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import BaseModel, ConfigDict, Field
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.accounts.auth import Caller
from server.accounts.models import User
from server.areas.models import MapArea
from server.core.errors import BadRequest
from server.push.models import PushMessage, PushSubscription, PushTopic
from server.push.rules import EndpointRefused, address_allowed, parse_endpoint
from server.reports.models import Category

log = logging.getLogger("server.push")

# "followed_issues": voting starts, and voting ends within 24 hours, on proposal
# issues the person is interested in; "delegations": someone delegated to them.
TOPICS = ("my_reports", "new_reports", "followed_issues", "delegations")
# On for every new subscription; staff also get "new_reports".
MEMBER_TOPICS = ("my_reports", "followed_issues", "delegations")

# "new_reports" keeps one PushTopic row per category and map area chosen (their
# product), rewritten when the choice changes: 50 categories by 20 map areas is
# 1,000 rows for one device at most. A city has a few dozen categories and wards;
# ticking every box means the same as ticking none, and the device hears of all.
MAX_CATEGORIES = 50
MAX_MAP_AREAS = 20

CategoryId = Annotated[str, Field(min_length=1, max_length=64)]  # Category.id
MapAreaId = Annotated[str, Field(min_length=1, max_length=36)]  # MapArea.id, a UUID


class Keys(BaseModel):
    model_config = ConfigDict(extra="ignore")

    p256dh: str = Field(max_length=100)
    auth: str = Field(max_length=32)


class SubscriptionIn(BaseModel):
    """The browser's ``PushSubscription.toJSON()``, plus what this device wants."""

    model_config = ConfigDict(extra="ignore")

    endpoint: str = Field(max_length=1024)
    keys: Keys
    expirationTime: float | None = None  # noqa: N815 (the browser's spelling)
    client_id: str | None = Field(default=None, min_length=8, max_length=64)
    topics: list[str] | None = Field(default=None, max_length=16)
    # Bounds on what is read; the caps apply once duplicates are dropped
    # (``check_filters``).
    categories: list[CategoryId] | None = Field(default=None, max_length=200)
    map_areas: list[MapAreaId] | None = Field(default=None, max_length=200)
    area: tuple[float, float, float, float] | None = None


class EndpointIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    endpoint: str = Field(max_length=1024)


def decode_b64url(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise BadRequest("push.keys_invalid") from None


def check_keys(keys: Keys) -> None:
    """``p256dh`` must be a point on P-256 and ``auth`` 16 bytes (RFC 8291)."""
    point = decode_b64url(keys.p256dh)
    if len(decode_b64url(keys.auth)) != 16 or len(point) != 65:
        raise BadRequest("push.keys_invalid")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise BadRequest("push.keys_invalid") from None


async def check_endpoint(endpoint: str, allow_loopback: bool) -> None:
    """Refuse an endpoint that is not https or whose host is not a public address.

    Every address the name resolves to must be public: a name with one public and one
    private address could be steered to the private one. The worker checks the address
    again when it connects (DNS can change meanwhile).
    """
    try:
        parts = parse_endpoint(endpoint, allow_loopback)
    except EndpointRefused as refused:
        raise BadRequest(refused.code, {"endpoint": endpoint[:80]}) from None
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(parts.host, parts.port, type=socket.SOCK_STREAM), 5
        )
    except (OSError, asyncio.TimeoutError):
        raise BadRequest("push.endpoint_unresolvable", {"host": parts.host[:80]}) from None
    addresses = {info[4][0] for info in infos}
    if not addresses or not all(address_allowed(a, allow_loopback) for a in addresses):
        raise BadRequest("push.endpoint_not_public", {"host": parts.host[:80]})


def check_topics(body: SubscriptionIn) -> None:
    for topic in body.topics or []:
        if topic not in TOPICS:
            raise BadRequest("push.unknown_topic", {"topic": topic[:40]})
    if body.area is not None:
        min_lon, min_lat, max_lon, max_lat = body.area
        if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
            raise BadRequest("push.bad_area")


async def check_filters(body: SubscriptionIn) -> None:
    """Drop repeated categories and map areas, cap them, and refuse unknown ones.

    An id no admin made would silently leave the device hearing of nothing.
    """
    if body.categories is not None:
        body.categories = list(dict.fromkeys(body.categories))
        if len(body.categories) > MAX_CATEGORIES:
            raise BadRequest("push.too_many_categories", {"max": MAX_CATEGORIES})
        known = set(
            await Category.filter(id__in=body.categories).values_list("id", flat=True)
        )
        for category in body.categories:
            if category not in known:
                raise BadRequest("push.unknown_category", {"category": category[:40]})
    if body.map_areas is not None:
        body.map_areas = list(dict.fromkeys(body.map_areas))
        if len(body.map_areas) > MAX_MAP_AREAS:
            raise BadRequest("push.too_many_map_areas", {"max": MAX_MAP_AREAS})
        areas = {str(key) for key in await MapArea.all().values_list("id", flat=True)}
        for area_id in body.map_areas:
            if area_id not in areas:
                raise BadRequest("push.unknown_map_area", {"map_area": area_id[:40]})


async def default_map_areas(caller: Caller) -> list[str]:
    """The map areas staff work in (``User.areas``, by id or code); none for others.

    None means the whole city: staff with no area, and staff whose areas name no
    outline loaded yet, hear of every new report rather than of nothing.

    Known shortcoming: the default is taken when a device first subscribes; when
    an admin later changes someone's areas, their devices keep the earlier ones
    until the person picks others in the notification settings.
    """
    wanted = {name for name in caller.user.areas or [] if name}
    if not caller.is_staff or not wanted:
        return []
    rows = await MapArea.all().values_list("id", "code")
    return sorted(str(key) for key, code in rows if str(key) in wanted or code in wanted)


def default_topics(caller: Caller) -> list[str]:
    """Staff hear of new reports (in their areas, ``default_map_areas``) unless they
    say otherwise; everybody of their own
    reports, of the proposals they follow and of delegations they receive.

    Known shortcoming: subscriptions saved before the proposal topics existed keep
    the topics they had (a refresh without ``topics`` keeps them), so those devices
    hear of proposals only once their owner ticks the box in the settings.
    """
    return list(TOPICS) if caller.is_staff else list(MEMBER_TOPICS)


async def earlier_subscription(caller: Caller, body: SubscriptionIn) -> PushSubscription | None:
    """The row this browser saved before: by endpoint, else by this device's id.

    A push service may change a browser's endpoint at any time, and Chrome fires
    ``pushsubscriptionchange`` with no old subscription, or not at all (the app
    start then brings the new endpoint). The device id, the sync client id of the
    installation, is what stays: the person's own row for it is this device's
    earlier endpoint, whose choices the new one inherits.
    """
    existing = await PushSubscription.get_or_none(endpoint=body.endpoint)
    if existing is not None or body.client_id is None:
        return existing
    return (
        await PushSubscription.filter(user_id=caller.user.id, client_id=body.client_id)
        .order_by("-updated_at")
        .first()
    )


async def save_subscription(
    caller: Caller, body: SubscriptionIn, max_devices: int
) -> tuple[PushSubscription, bool]:
    """Create or refresh the subscription of this browser; answer it and whether it is new.

    An endpoint belongs to one browser: when another account signs in there, the
    subscription moves to that account with the topics it chooses. A device has one
    subscription: a new endpoint replaces the device's earlier one in place, so the
    topics, filters and queued messages carry over to it.

    A person reaches ``max_devices`` with devices they no longer use (an old phone,
    a reinstalled browser), so a new device is not refused: it replaces the one
    that has not refreshed its subscription for longest, which is most likely gone.
    """
    try:
        return await save_once(caller, body, max_devices)
    except IntegrityError:
        # Another account saved this endpoint a moment ago (the lock below is the
        # caller's own): the row is there now, and saving again updates it.
        return await save_once(caller, body, max_devices)


async def save_once(
    caller: Caller, body: SubscriptionIn, max_devices: int
) -> tuple[PushSubscription, bool]:
    async with in_transaction():
        # One save per account at a time, so one endpoint sent twice at once is
        # made once, and two endpoints of one device do not each delete the other.
        # PostgreSQL locks the account's row; SQLite runs one transaction at a time.
        await User.filter(id=caller.user.id).select_for_update().first()
        return await save_locked(caller, body, max_devices)


async def save_locked(
    caller: Caller, body: SubscriptionIn, max_devices: int
) -> tuple[PushSubscription, bool]:
    existing = await earlier_subscription(caller, body)
    moved = existing is not None and existing.user_id != caller.user.id  # type: ignore[attr-defined]
    keep = existing is not None and not moved
    topics = body.topics if body.topics is not None else (
        existing.topics if keep and existing else default_topics(caller)
    )
    fields: dict[str, Any] = {
        "user_id": caller.user.id,
        "endpoint": body.endpoint,
        "client_id": body.client_id or (existing.client_id if keep and existing else None),
        "p256dh": body.keys.p256dh,
        "auth": body.keys.auth,
        "topics": sorted(set(topics)),
        "categories": body.categories if body.categories is not None else (
            existing.categories if keep and existing else []
        ),
        "map_areas": body.map_areas if body.map_areas is not None else (
            existing.map_areas if keep and existing else await default_map_areas(caller)
        ),
        "area": list(body.area) if body.area is not None else (
            existing.area if keep and existing and body.topics is None else None
        ),
    }
    chosen_before = None if existing is None else filters_of(existing)
    if existing is None:
        subscription = await PushSubscription.create(id=uuid.uuid4(), **fields)
    else:
        subscription = existing
        subscription.update_from_dict(fields)
        await subscription.save()
    if moved:
        # What was queued for the person signed in before (held by their quiet
        # hours, say) is theirs: it must not show on the screen of the next one.
        await PushMessage.filter(subscription_id=subscription.id, state="queued").delete()
    if subscription.client_id is not None:
        # Endpoints this device had before are dead: nothing sent there arrives.
        await PushSubscription.filter(
            user_id=caller.user.id, client_id=subscription.client_id
        ).exclude(id=subscription.id).delete()
    if filters_of(subscription) != chosen_before:
        await index_topics(subscription)
    if existing is None or moved:
        await retire_unused_devices(caller, subscription, max_devices)
    return subscription, existing is None


def filters_of(subscription: PushSubscription) -> tuple[Any, ...]:
    """What the PushTopic rows are made of: the rows change only when this does."""
    return (
        subscription.topics, subscription.categories, subscription.map_areas,
        subscription.area,
    )


async def retire_unused_devices(
    caller: Caller, kept: PushSubscription, max_devices: int
) -> None:
    """Past ``max_devices``, drop the caller's devices refreshed longest ago.

    The app refreshes its subscription at every start, so the one least recently
    refreshed is the device least likely to be used still.
    """
    others = await PushSubscription.filter(user_id=caller.user.id).exclude(
        id=kept.id
    ).order_by("-updated_at", "-created_at").values_list("id", flat=True)
    retired = list(others[max_devices - 1 :])
    if not retired:
        return
    await PushSubscription.filter(id__in=retired).delete()
    log.info("retired %d push subscriptions user=%s", len(retired), caller.user.id)


async def index_topics(subscription: PushSubscription) -> None:
    await PushTopic.filter(subscription=subscription).delete()
    rows = []
    for topic in subscription.topics:
        rows.extend(topic_rows(subscription, topic))
    if rows:
        await PushTopic.bulk_create(rows)


def topic_rows(subscription: PushSubscription, topic: str) -> list[PushTopic]:
    """One row per category and map area chosen: "new_reports" alone is filtered."""
    if topic != "new_reports":
        return [PushTopic(subscription=subscription, topic=topic)]
    box = subscription.area or [None, None, None, None]
    categories: list[str | None] = list(subscription.categories) or [None]
    map_areas: list[str | None] = list(subscription.map_areas or []) or [None]
    return [
        PushTopic(
            subscription=subscription, topic=topic, category=category, map_area=map_area,
            min_lon=box[0], min_lat=box[1], max_lon=box[2], max_lat=box[3],
        )
        for category in categories
        for map_area in map_areas
    ]


def subscription_json(subscription: PushSubscription) -> dict[str, Any]:
    return {
        "id": str(subscription.id),
        "endpoint": subscription.endpoint,
        "client_id": subscription.client_id,
        "topics": subscription.topics,
        "categories": subscription.categories,
        "map_areas": subscription.map_areas,
        "area": subscription.area,
        "created_at": subscription.created_at.isoformat(),
        "last_sent_at": subscription.last_sent_at.isoformat() if subscription.last_sent_at else None,
    }
