"""Tables of the proposals module (after LiquidFeedback 4's core schema).

Structure: units (a tree) hold areas; an area allows some policies. Work: an issue
in an area, under one policy, holds competing initiatives; each initiative has
versioned drafts, initiators, supporters and suggestions with opinions. Voting:
one ballot per member and issue. History: a snapshot of members, interest and
support at each phase change.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Unit(Model):
    id = fields.UUIDField(primary_key=True)
    parent: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "proposal_units"


class Policy(Model):
    """Timings, quorums and majorities of an issue, with durations in seconds."""

    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    active = fields.BooleanField(default=True)
    min_admission_time = fields.BigIntField()
    max_admission_time = fields.BigIntField()
    discussion_time = fields.BigIntField()
    verification_time = fields.BigIntField()
    voting_time = fields.BigIntField()
    issue_quorum = fields.IntField(default=1)
    issue_quorum_num = fields.IntField(default=0)
    issue_quorum_den = fields.IntField(default=1)
    initiative_quorum = fields.IntField(default=1)
    initiative_quorum_num = fields.IntField(default=0)
    initiative_quorum_den = fields.IntField(default=1)
    # The majority rules of ``majority.MajorityPolicy``, stored as one object.
    majority = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "proposal_policies"


class Area(Model):
    id = fields.UUIDField(primary_key=True)
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="areas", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    # The dynamic issue quorum (``admission.AreaQuorumParams``), LF 4's defaults.
    quorum_standard = fields.FloatField(default=2)
    quorum_issues = fields.FloatField(default=1)
    quorum_time = fields.BigIntField(default=86400)
    quorum_exponent = fields.FloatField(default=0.5)
    quorum_factor = fields.FloatField(default=2)
    quorum_den = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "proposal_areas"


class AllowedPolicy(Model):
    id = fields.BigIntField(primary_key=True)
    area: fields.ForeignKeyRelation[Area] = fields.ForeignKeyField(
        "models.Area", related_name="allowed_policies", on_delete=fields.CASCADE
    )
    policy: fields.ForeignKeyRelation[Policy] = fields.ForeignKeyField(
        "models.Policy", related_name="areas", on_delete=fields.CASCADE
    )

    class Meta:
        table = "proposal_allowed_policies"
        unique_together = (("area", "policy"),)


class Issue(Model):
    id = fields.UUIDField(primary_key=True)  # made on the device
    area: fields.ForeignKeyRelation[Area] = fields.ForeignKeyField(
        "models.Area", related_name="issues", on_delete=fields.RESTRICT
    )
    policy: fields.ForeignKeyRelation[Policy] = fields.ForeignKeyField(
        "models.Policy", related_name="issues", on_delete=fields.RESTRICT
    )
    # Only the scheduler changes it, always by a conditional UPDATE on this column.
    state = fields.CharField(max_length=48, default="admission", db_index=True)
    created_at = fields.DatetimeField()
    accepted_at = fields.DatetimeField(null=True)
    half_frozen_at = fields.DatetimeField(null=True)
    fully_frozen_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    voting_reminder_at = fields.DatetimeField(null=True)
    population = fields.IntField(default=0)
    initiative_quorum = fields.IntField(null=True)
    voter_count = fields.IntField(null=True)
    status_quo_schulze_rank = fields.IntField(null=True)
    # Candidates (status quo first) and the pairwise matrix of the count, once closed.
    result = fields.JSONField(null=True)
    version = fields.IntField(default=1)

    class Meta:
        table = "proposal_issues"


class Initiative(Model):
    id = fields.UUIDField(primary_key=True)  # made on the device
    issue: fields.ForeignKeyRelation[Issue] = fields.ForeignKeyField(
        "models.Issue", related_name="initiatives", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    created_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    admitted = fields.BooleanField(null=True)  # decided at full freeze
    positive_votes = fields.IntField(null=True)
    negative_votes = fields.IntField(null=True)
    direct_majority = fields.BooleanField(null=True)
    indirect_majority = fields.BooleanField(null=True)
    schulze_rank = fields.IntField(null=True)
    better_than_status_quo = fields.BooleanField(null=True)
    eligible = fields.BooleanField(null=True)
    winner = fields.BooleanField(null=True)
    rank = fields.IntField(null=True)
    version = fields.IntField(default=1)

    class Meta:
        table = "proposal_initiatives"


class Initiator(Model):
    id = fields.BigIntField(primary_key=True)
    initiative: fields.ForeignKeyRelation[Initiative] = fields.ForeignKeyField(
        "models.Initiative", related_name="initiators", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name="proposal_initiatives", on_delete=fields.CASCADE
    )

    class Meta:
        table = "proposal_initiators"
        unique_together = (("initiative", "member"),)


class Draft(Model):
    """One version of an initiative's text, in Markdown. Drafts are never edited."""

    id = fields.UUIDField(primary_key=True)
    initiative: fields.ForeignKeyRelation[Initiative] = fields.ForeignKeyField(
        "models.Initiative", related_name="drafts", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "models.User",
        related_name="proposal_drafts",
        null=True,
        on_delete=fields.SET_NULL,
    )
    content = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "proposal_drafts"


class Interest(Model):
    id = fields.BigIntField(primary_key=True)
    issue: fields.ForeignKeyRelation[Issue] = fields.ForeignKeyField(
        "models.Issue", related_name="interests", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name="proposal_interests", on_delete=fields.CASCADE
    )

    class Meta:
        table = "proposal_interests"
        unique_together = (("issue", "member"),)


class Supporter(Model):
    id = fields.BigIntField(primary_key=True)
    initiative: fields.ForeignKeyRelation[Initiative] = fields.ForeignKeyField(
        "models.Initiative", related_name="supporters", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name="proposal_support", on_delete=fields.CASCADE
    )
    # The draft the member supported; a newer draft shows their support as outdated.
    draft: fields.ForeignKeyRelation[Draft] = fields.ForeignKeyField(
        "models.Draft", related_name="supporters", on_delete=fields.CASCADE
    )

    class Meta:
        table = "proposal_supporters"
        unique_together = (("initiative", "member"),)


class Suggestion(Model):
    id = fields.UUIDField(primary_key=True)
    initiative: fields.ForeignKeyRelation[Initiative] = fields.ForeignKeyField(
        "models.Initiative", related_name="suggestions", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "models.User",
        related_name="proposal_suggestions",
        null=True,
        on_delete=fields.SET_NULL,
    )
    name = fields.CharField(max_length=200)
    content = fields.TextField(default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "proposal_suggestions"


class Opinion(Model):
    """A supporter's view of a suggestion: degree -2 must not ... 2 must."""

    id = fields.BigIntField(primary_key=True)
    suggestion: fields.ForeignKeyRelation[Suggestion] = fields.ForeignKeyField(
        "models.Suggestion", related_name="opinions", on_delete=fields.CASCADE
    )
    initiative: fields.ForeignKeyRelation[Initiative] = fields.ForeignKeyField(
        "models.Initiative", related_name="opinions", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name="proposal_opinions", on_delete=fields.CASCADE
    )
    degree = fields.SmallIntField()
    fulfilled = fields.BooleanField(default=False)

    class Meta:
        table = "proposal_opinions"
        unique_together = (("suggestion", "member"),)


class Delegation(Model):
    """A member's delegation at unit, area or issue scope, where no trustee blocks one."""

    id = fields.UUIDField(primary_key=True)
    truster: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name="proposal_delegations", on_delete=fields.CASCADE
    )
    trustee: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "models.User",
        related_name="proposal_trusts",
        null=True,
        on_delete=fields.CASCADE,
    )
    scope = fields.CharField(max_length=8)  # "unit", "area" or "issue"
    # "<scope>:<id>": one column so that the unique constraint works with NULLs.
    scope_key = fields.CharField(max_length=64)
    unit_id = fields.UUIDField(null=True, db_index=True)
    area_id = fields.UUIDField(null=True, db_index=True)
    issue_id = fields.UUIDField(null=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "proposal_delegations"
        unique_together = (("truster", "scope_key"),)


class Ballot(Model):
    """A member's grades for the admitted initiatives of one issue."""

    id = fields.BigIntField(primary_key=True)
    issue: fields.ForeignKeyRelation[Issue] = fields.ForeignKeyField(
        "models.Issue", related_name="ballots", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name="proposal_ballots", on_delete=fields.CASCADE
    )
    grades = fields.JSONField()  # {initiative id: grade}
    # Filled at the end of voting: 1 + the members whose voice this ballot carries.
    weight = fields.IntField(null=True)
    delegators = fields.JSONField(null=True)
    cast_at = fields.DatetimeField()

    class Meta:
        table = "proposal_ballots"
        unique_together = (("issue", "member"),)


class Snapshot(Model):
    """Members, interest and support of an issue when it changed phase."""

    id = fields.UUIDField(primary_key=True)
    issue: fields.ForeignKeyRelation[Issue] = fields.ForeignKeyField(
        "models.Issue", related_name="snapshots", on_delete=fields.CASCADE
    )
    event = fields.CharField(max_length=48)
    state_before = fields.CharField(max_length=48)
    state_after = fields.CharField(max_length=48)
    population = fields.IntField()
    taken_at = fields.DatetimeField()

    class Meta:
        table = "proposal_snapshots"
        unique_together = (("issue", "event"),)


class SnapshotInterest(Model):
    id = fields.BigIntField(primary_key=True)
    snapshot: fields.ForeignKeyRelation[Snapshot] = fields.ForeignKeyField(
        "models.Snapshot", related_name="interests", on_delete=fields.CASCADE
    )
    member_id = fields.UUIDField()
    weight = fields.IntField()

    class Meta:
        table = "proposal_snapshot_interests"


class SnapshotSupport(Model):
    id = fields.BigIntField(primary_key=True)
    snapshot: fields.ForeignKeyRelation[Snapshot] = fields.ForeignKeyField(
        "models.Snapshot", related_name="supporters", on_delete=fields.CASCADE
    )
    initiative_id = fields.UUIDField()
    member_id = fields.UUIDField()
    weight = fields.IntField()
    satisfied = fields.BooleanField()

    class Meta:
        table = "proposal_snapshot_supporters"


class IssueEvent(Model):
    """A moment people following an issue are told about (see ``notify``)."""

    id = fields.BigIntField(primary_key=True)
    issue: fields.ForeignKeyRelation[Issue] = fields.ForeignKeyField(
        "models.Issue", related_name="events", on_delete=fields.CASCADE
    )
    event = fields.CharField(max_length=32)
    created_at = fields.DatetimeField()

    class Meta:
        table = "proposal_issue_events"
        unique_together = (("issue", "event"),)
