"""People, their passkeys, sessions, API tokens, invitations and single-use links."""

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
    # Volunteers: what they can do, and where (a home point and a radius in metres).
    skills: fields.JSONField[list[str]] = fields.JSONField(default=list)
    home_lat = fields.FloatField(null=True)
    home_lon = fields.FloatField(null=True)
    radius_m = fields.IntField(null=True)
    # Staff: the departments and areas they work for.
    departments: fields.JSONField[list[str]] = fields.JSONField(default=list)
    areas: fields.JSONField[list[str]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    deleted_at = fields.DatetimeField(null=True)
    # When a request last came from this person (sign-in, session or token), to the
    # hour: proposals count only members seen lately (``access.active_members``).
    # None until then; an account never seen counts from ``created_at``.
    last_seen_at = fields.DatetimeField(null=True)

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


class Passkey(Model):
    """A WebAuthn credential: the id is the credential id in base64url."""

    id = fields.CharField(max_length=255, primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="passkeys", on_delete=fields.CASCADE
    )
    public_key = fields.BinaryField()
    sign_count = fields.BigIntField(default=0)
    transports: fields.JSONField[list[str]] = fields.JSONField(default=list)
    aaguid = fields.CharField(max_length=36, default="")
    backed_up = fields.BooleanField(default=False)
    label = fields.CharField(max_length=120, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    # Set when a sign count went backwards: the key may have been cloned.
    flagged_at = fields.DatetimeField(null=True)

    class Meta:
        table = "passkeys"


class Challenge(Model):
    """A WebAuthn challenge kept on the server, found again by its SHA-256."""

    id = fields.CharField(max_length=64, primary_key=True)
    purpose = fields.CharField(max_length=16)  # "register" or "login"
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="challenges", null=True, on_delete=fields.CASCADE
    )
    # The WebAuthn user handle (hex of the account id, existing or to be created).
    user_handle = fields.CharField(max_length=32)
    name = fields.CharField(max_length=120, default="")
    invitation_id = fields.CharField(max_length=64, null=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webauthn_challenges"


class RecoveryCode(Model):
    id = fields.CharField(max_length=64, primary_key=True)  # SHA-256 of the code
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="recovery_codes", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "recovery_codes"


class Invitation(Model):
    """A single-use link that makes whoever signs up with it staff."""

    id = fields.CharField(max_length=64, primary_key=True)  # SHA-256 of the secret
    role = fields.CharField(max_length=16, default="staff")
    departments: fields.JSONField[list[str]] = fields.JSONField(default=list)
    areas: fields.JSONField[list[str]] = fields.JSONField(default=list)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User",
        related_name="invitations_made",
        null=True,
        on_delete=fields.SET_NULL,
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    used_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User",
        related_name="invitations_used",
        null=True,
        on_delete=fields.SET_NULL,
    )

    class Meta:
        table = "invitations"


class RateCounter(Model):
    """The theoretical arrival time of one rate-limit key (GCRA), shared by instances."""

    key = fields.CharField(max_length=255, primary_key=True)
    tat = fields.DatetimeField()

    class Meta:
        table = "rate_counters"
