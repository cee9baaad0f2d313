"""Push subscriptions (one per browser), per-person preferences and the delivery queue."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class PushSubscription(Model):
    """A browser's PushSubscription, with the topics chosen on that device."""

    id = fields.UUIDField(primary_key=True)
    user: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name="push_subscriptions", on_delete=fields.CASCADE
    )
    # The sync client id of the installation, when the app sends it.
    client_id = fields.CharField(max_length=64, null=True)
    endpoint = fields.CharField(max_length=1024, unique=True)
    p256dh = fields.CharField(max_length=100)
    auth = fields.CharField(max_length=32)
    # "my_reports", "new_reports", "followed_issues", "delegations" (TOPICS).
    topics = fields.JSONField(default=list)
    # Filters of "new_reports": category ids (empty: all), map area ids (the
    # MapArea outlines admins load; empty: all) and an optional
    # [min_lon, min_lat, max_lon, max_lat] box.
    categories = fields.JSONField(default=list)
    map_areas = fields.JSONField(default=list)
    area = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    last_sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "push_subscriptions"


class PushPreference(Model):
    """Quiet hours of one person, in their own time zone."""

    user: fields.OneToOneRelation[Model] = fields.OneToOneField(
        "models.User", related_name="push_preference", on_delete=fields.CASCADE,
        primary_key=True,
    )
    # Minutes after local midnight; both null: no quiet hours.
    quiet_start = fields.IntField(null=True)
    quiet_end = fields.IntField(null=True)
    timezone = fields.CharField(max_length=64, default="UTC")

    class Meta:
        table = "push_preferences"


class PushMessage(Model):
    """One notification for one subscription: the persistent delivery queue.

    Times the worker compares in SQL (``due_at``, ``leased_until``) are epoch
    milliseconds, which order the same way on SQLite and PostgreSQL.
    """

    id = fields.BigIntField(primary_key=True)
    subscription: fields.ForeignKeyRelation[PushSubscription] = fields.ForeignKeyField(
        "models.PushSubscription", related_name="messages", on_delete=fields.CASCADE
    )
    # What caused it, e.g. "report:<id>:v3"; one message per event and device.
    event_key = fields.CharField(max_length=128)
    topic = fields.CharField(max_length=32)
    payload = fields.TextField()  # the JSON the service worker receives
    urgency = fields.CharField(max_length=8, default="normal")
    state = fields.CharField(max_length=8, default="queued", db_index=True)
    due_at = fields.BigIntField(db_index=True)
    leased_until = fields.BigIntField(default=0)
    lease_owner = fields.CharField(max_length=64, null=True)
    attempts = fields.IntField(default=0)
    last_status = fields.IntField(null=True)
    last_error = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "push_messages"
        unique_together = (("event_key", "subscription"),)
        # The worker's claim reads queued rows in due order: without state first,
        # every claim steps over all the rows already sent.
        indexes = (("state", "due_at", "id"),)


class PushTopic(Model):
    """What a subscription receives, one row per topic and category, for fan-out queries.

    Rebuilt from the subscription's ``topics``, ``categories``, ``map_areas`` and
    ``area`` whenever they change; a null category or map area means all, a null
    box means everywhere.
    """

    id = fields.BigIntField(primary_key=True)
    subscription: fields.ForeignKeyRelation[PushSubscription] = fields.ForeignKeyField(
        "models.PushSubscription", related_name="topic_rows", on_delete=fields.CASCADE
    )
    topic = fields.CharField(max_length=32, db_index=True)
    category = fields.CharField(max_length=64, null=True)
    map_area = fields.CharField(max_length=36, null=True)
    min_lon = fields.FloatField(null=True)
    min_lat = fields.FloatField(null=True)
    max_lon = fields.FloatField(null=True)
    max_lat = fields.FloatField(null=True)

    class Meta:
        table = "push_topics"
