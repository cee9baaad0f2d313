"""Tables of the sync protocol: registered clients, stored results, the change log."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class SyncClient(Model):
    id = fields.CharField(max_length=64, primary_key=True)
    user: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name="sync_clients", on_delete=fields.CASCADE
    )
    last_seq = fields.BigIntField(default=0)
    # The owner's scope epoch when this client last pulled from the beginning.
    scope_epoch = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField(null=True)

    class Meta:
        table = "sync_clients"


class StoredResult(Model):
    """The result of one applied mutation, kept so that a resend gets it again."""

    id = fields.BigIntField(primary_key=True)
    client: fields.ForeignKeyRelation[SyncClient] = fields.ForeignKeyField(
        "models.SyncClient", related_name="results", on_delete=fields.CASCADE
    )
    seq = fields.BigIntField()
    name = fields.CharField(max_length=64)
    result = fields.JSONField()
    # The arguments of a mutation that did not apply, kept so nothing is silently lost.
    refused_args = fields.JSONField(null=True)
    device_created_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "sync_results"
        unique_together = (("client", "seq"),)


class ChangeLog(Model):
    """The newest change of each record, numbered in commit order.

    One row per record: a new change replaces the row with a larger ``seq``, so a pull
    reads each record once however often it changed.
    """

    seq = fields.BigIntField(primary_key=True)
    entity = fields.CharField(max_length=32)
    entity_id = fields.CharField(max_length=64)
    version = fields.IntField()
    deleted = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "change_log"
        unique_together = (("entity", "entity_id"),)


class ConflictRecord(Model):
    """A value that lost a conflict, kept for staff to review."""

    id = fields.UUIDField(primary_key=True)
    entity = fields.CharField(max_length=32)
    entity_id = fields.CharField(max_length=64)
    kind = fields.CharField(max_length=16)  # "field" or "deleted"
    field = fields.CharField(max_length=64, null=True)
    yours = fields.JSONField(null=True)
    theirs = fields.JSONField(null=True)
    mutation = fields.JSONField()
    user: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name="conflicts", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    resolved_at = fields.DatetimeField(null=True)
    resolution = fields.JSONField(null=True)

    class Meta:
        table = "sync_conflicts"


class SyncWatermark(Model):
    """One row: the oldest cursor still answerable once old tombstones are pruned."""

    id = fields.IntField(primary_key=True)
    min_cursor = fields.BigIntField(default=0)

    class Meta:
        table = "sync_watermark"
