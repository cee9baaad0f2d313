from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Media(Model):
    """A stored photo, named by the SHA-256 of the bytes the device sent."""

    sha256 = fields.CharField(max_length=64, primary_key=True)
    source_type = fields.CharField(max_length=16)  # JPEG, PNG, WEBP, HEIF
    width = fields.IntField()
    height = fields.IntField()
    bytes = fields.BigIntField()
    uploader: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name="media", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "media"
