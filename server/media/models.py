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


class Upload(Model):
    """A resumable upload in progress (the tus protocol), one per person and photo."""

    id = fields.CharField(max_length=40, primary_key=True)
    user: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name="uploads", on_delete=fields.CASCADE
    )
    sha256 = fields.CharField(max_length=64)
    length = fields.BigIntField()
    offset = fields.BigIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "media_uploads"
        unique_together = (("user", "sha256"),)
