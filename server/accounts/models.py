"""People, their sessions, API tokens and single-use sign-in links."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

ROLES = ("resident", "volunteer", "staff", "admin")
STAFF_ROLES = ("staff", "admin")


class User(Model):
    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=120)
    role = fields.CharField(max_length=16, default="resident")
    is_guest = fields.BooleanField(default=False)
    locale = fields.CharField(max_length=8, default="en")
    # Raised whenever what this person may see changes (a new role): their devices'
    # sync cursors then answer "reset required".
    scope_epoch = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    deleted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "users"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


class Session(Model):
    # The cookie holds a random secret; only its SHA-256 is stored.
    id = fields.CharField(max_length=64, primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sessions", on_delete=fields.CASCADE
    )
    csrf_token = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "sessions"


class ApiToken(Model):
    id = fields.CharField(max_length=64, primary_key=True)  # SHA-256 of the token
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    role = fields.CharField(max_length=16)
    label = fields.CharField(max_length=120, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_tokens"


class SigninLink(Model):
    id = fields.CharField(max_length=64, primary_key=True)  # SHA-256 of the link secret
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="signin_links", on_delete=fields.CASCADE
    )
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "signin_links"
