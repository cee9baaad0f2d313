"""Reports (the Improve My City job): categories, reports, photos, updates, "me too"."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Category(Model):
    id = fields.CharField(max_length=64, primary_key=True)
    group = fields.CharField(max_length=64)
    icon = fields.CharField(max_length=64, default="pin")
    names = fields.JSONField()  # {"en": "Street light", "it": "Illuminazione", ...}
    department = fields.CharField(max_length=64, default="")
    position = fields.IntField(default=0)

    class Meta:
        table = "categories"


class Department(Model):
    """A part of the city's administration that works on reports, from a list admins manage.

    A department is retired, never deleted, so the reports that name it stay readable.
    Known shortcoming: reports and categories keep the department as text (its id), with
    no foreign key. Free-text values from before the list existed stay on their reports
    as they were and show as written; nothing maps them to a listed department, so staff
    pick one from the list the next time they triage such a report.
    """

    id = fields.CharField(max_length=64, primary_key=True)
    names = fields.JSONField()  # {"en": "Roads", "it": "Strade", ...}; "en" always
    retired_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "departments"


class Report(Model):
    id = fields.UUIDField(primary_key=True)  # made on the device
    category: fields.ForeignKeyRelation[Category] = fields.ForeignKeyField(
        "models.Category", related_name="reports", on_delete=fields.RESTRICT
    )
    description = fields.TextField()
    lat = fields.FloatField(db_index=True)
    lon = fields.FloatField(db_index=True)
    accuracy = fields.FloatField(null=True)
    location_manual = fields.BooleanField(default=False)
    observed_at = fields.DatetimeField(null=True)
    # Device time that cannot be right (far future, far past) is kept but flagged.
    observed_at_implausible = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    reporter: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name="reports", null=True, on_delete=fields.SET_NULL
    )
    show_name = fields.BooleanField(default=False)
    state = fields.CharField(max_length=16, default="new", db_index=True)
    department = fields.CharField(max_length=64, default="")
    area: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "models.MapArea", related_name="reports", null=True, on_delete=fields.SET_NULL
    )
    hidden = fields.BooleanField(default=False)
    # Chosen by the reporter: only they and staff ever see a private report.
    private = fields.BooleanField(default=False)
    deleted_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=1)
    # Record version at which each editable field last changed, for field merges.
    field_versions = fields.JSONField(default=dict)
    confirmations = fields.IntField(default=0)

    class Meta:
        table = "reports"


class ReportPhoto(Model):
    id = fields.BigIntField(primary_key=True)
    report: fields.ForeignKeyRelation[Report] = fields.ForeignKeyField(
        "models.Report", related_name="photos", on_delete=fields.CASCADE
    )
    sha256 = fields.CharField(max_length=64, db_index=True)
    position = fields.IntField()
    kind = fields.CharField(max_length=16, default="report")  # or "fixed"

    class Meta:
        table = "report_photos"
        unique_together = (("report", "sha256"),)


class Update(Model):
    """A public comment on a report, by its reporter or staff, which may change the state."""

    id = fields.UUIDField(primary_key=True)
    report: fields.ForeignKeyRelation[Report] = fields.ForeignKeyField(
        "models.Report", related_name="updates", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name="updates", null=True, on_delete=fields.SET_NULL
    )
    author_is_staff = fields.BooleanField(default=False)
    text = fields.TextField()
    state_before = fields.CharField(max_length=16, null=True)
    state_after = fields.CharField(max_length=16, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "report_updates"


class Confirmation(Model):
    """One person's "me too" on a report."""

    id = fields.BigIntField(primary_key=True)
    report: fields.ForeignKeyRelation[Report] = fields.ForeignKeyField(
        "models.Report", related_name="confirmation_rows", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name="confirmations", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "report_confirmations"
        unique_together = (("report", "user"),)
