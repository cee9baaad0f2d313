"""Sync mutations of the reports module.

What a resident captures (the report, its photos, location and time) is append-only:
it is created once and corrected by later mutations, never overwritten by a resend.
Staff edits merge field by field against the version they were based on.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from server.areas.routes import area_index
from server.core.sql import fetch
from server.push.events import enqueue_report_event
from server.reports.departments import department_is_listed
from server.reports.models import Category, Confirmation, Report, ReportPhoto, Update
from server.reports.states import can_transition, state_type
from server.reports.views import may_see, row_of
from server.syncing.changelog import record_change
from server.syncing.conflicts import announce
from server.syncing.models import ConflictRecord
from server.syncing.registry import MutationContext, Outcome, Rejected, mutation
from sync.rules import FieldOutcome, is_implausible_device_time, merge_field
from sync.wire import ConflictInfo

SHA256 = r"^[0-9a-f]{64}$"
EDITABLE_FIELDS = ("category", "description", "department")


class Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Location(Args):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    accuracy: float | None = Field(default=None, ge=0, le=100_000)
    manual: bool = False


class CreateArgs(Args):
    id: uuid.UUID
    category: str = Field(min_length=1, max_length=64)
    description: str = Field(default="", max_length=4000)
    location: Location
    observed_at: datetime | None = None
    photos: list[str] = Field(default_factory=list, max_length=20)
    show_name: bool = False
    private: bool = False


class SetStateArgs(Args):
    id: uuid.UUID
    state: str = Field(max_length=16)
    note: str = Field(default="", max_length=4000)


class EditFields(Args):
    category: str | None = Field(default=None, max_length=64)
    description: str | None = Field(default=None, max_length=4000)
    department: str | None = Field(default=None, max_length=64)


class EditArgs(Args):
    id: uuid.UUID
    fields: EditFields


class ReportIdArgs(Args):
    id: uuid.UUID


class AddUpdateArgs(Args):
    id: uuid.UUID
    report_id: uuid.UUID
    text: str = Field(min_length=1, max_length=4000)
    state: str | None = Field(default=None, max_length=16)


async def category_exists(ctx: MutationContext, category: str) -> bool:
    known: set[str] | None = ctx.cache.get("categories")
    if known is None:
        known = set(await Category.all().values_list("id", flat=True))
        ctx.cache["categories"] = known
    return category in known


def applied(report: Report, code: str = "ok") -> Outcome:
    return Outcome("applied", "report", str(report.id), report.version, code=code)


# SQLite allows 999 parameters in a statement in its oldest builds still in use.
PREFETCH_CHUNK = 500


async def prefetch_stored_reports(cache: dict[str, Any], raw_args: list[Any]) -> None:
    """Look up, in a few queries, which of a push's new report ids exist already."""
    ids: set[str] = set()
    for args in raw_args:
        try:
            ids.add(str(uuid.UUID(str(args["id"]))))
        except (TypeError, KeyError, ValueError):
            continue  # the handler refuses it with the validation error
    found: dict[str, tuple[str, int]] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), PREFETCH_CHUNK):
        chunk = ordered[start : start + PREFETCH_CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = await fetch(
            f"SELECT id, reporter_id, version FROM reports WHERE id IN ({marks})", *chunk
        )
        found.update({str(r["id"]): (str(r["reporter_id"]), r["version"]) for r in rows})
    cache["stored_reports"] = (ids, found)


async def stored_report(ctx: MutationContext, report_id: str) -> tuple[str, int] | None:
    """The reporter and version of a stored report, or None when there is none."""
    checked, found = ctx.cache.get("stored_reports", (set(), {}))
    if report_id in checked:
        return found.get(report_id)
    rows = await fetch("SELECT reporter_id, version FROM reports WHERE id = ?", report_id)
    return (str(rows[0]["reporter_id"]), rows[0]["version"]) if rows else None


@mutation(
    "report.create", CreateArgs, deferred=True, prefetch=prefetch_stored_reports
)
async def create_report(ctx: MutationContext, args: CreateArgs) -> Outcome:
    # Deferred (see MutationSpec): every check first, then rows queued, never written.
    queued: dict[str, str] = ctx.cache.setdefault("queued_reports", {})
    if str(args.id) in queued:  # the same new report twice in one batch
        if queued[str(args.id)] == str(ctx.caller.user.id):
            return Outcome("applied", "report", str(args.id), 1, code="report.already_created")
        raise Rejected("report.id_taken")
    existing = await stored_report(ctx, str(args.id))
    if existing:
        # The same report can come twice from one person (an exported outbox sent
        # again from a new install); a different person can never take over an id.
        reporter_id, version = existing
        if reporter_id == str(ctx.caller.user.id):
            return Outcome("applied", "report", str(args.id), version, code="report.already_created")
        raise Rejected("report.id_taken")
    if not await category_exists(ctx, args.category):
        raise Rejected("report.unknown_category", {"category": args.category})
    photos = list(dict.fromkeys(sha.lower() for sha in args.photos))
    if len(photos) > ctx.settings.photos_per_report:
        raise Rejected("report.too_many_photos", {"max": ctx.settings.photos_per_report})
    if any(len(sha) != 64 or not all(c in "0123456789abcdef" for c in sha) for sha in photos):
        raise Rejected("report.bad_photo_hash")
    if not args.description.strip() and not photos:
        raise Rejected("report.empty")

    tolerance = timedelta(minutes=ctx.settings.clock_skew_minutes)
    implausible = args.observed_at is not None and is_implausible_device_time(
        args.observed_at, ctx.now, tolerance
    )
    index = await area_index(ctx.cache)
    report = Report(
        id=args.id,
        area_id=index.area_of(args.location.lon, args.location.lat),
        category_id=args.category,
        description=args.description.strip(),
        lat=args.location.lat,
        lon=args.location.lon,
        accuracy=args.location.accuracy,
        location_manual=args.location.manual,
        observed_at=args.observed_at,
        observed_at_implausible=implausible,
        reporter_id=ctx.caller.user.id,
        show_name=args.show_name,
        private=args.private,
        field_versions={},
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.inserts.append(report)
    ctx.inserts.extend(
        ReportPhoto(report_id=report.id, sha256=sha, position=position)
        for position, sha in enumerate(photos)
    )
    queued[str(args.id)] = str(ctx.caller.user.id)
    await record_change("report", str(report.id), report.version)
    await enqueue_report_event("created", report, ctx.caller.user.id, cache=ctx.cache)
    code = "report.observed_at_implausible" if implausible else "ok"
    return applied(report, code=code)


async def report_for_edit(ctx: MutationContext, report_id: uuid.UUID, name: str, payload: dict[str, Any]) -> Report | Outcome:
    """Load a report to change, or the conflict outcome when it was deleted."""
    report = await Report.get_or_none(id=report_id)
    if report is None:
        raise Rejected("report.not_found")
    if report.deleted_at is not None:
        record = await ConflictRecord.create(
            id=uuid.uuid4(),
            entity="report",
            entity_id=str(report.id),
            kind="deleted",
            mutation={"name": name, "args": payload, "base_version": ctx.base_version},
            user_id=ctx.caller.user.id,
        )
        await announce(record)
        return Outcome(
            "conflict",
            "report",
            str(report.id),
            report.version,
            code="report.deleted",
            conflict=ConflictInfo(kind="deleted", id=str(report.id), yours=payload),
        )
    return report


async def field_conflict(
    ctx: MutationContext, report: Report, field: str, yours: Any, theirs: Any, name: str, payload: dict[str, Any]
) -> ConflictInfo:
    """Keep the losing value as a conflict record and describe it to the client."""
    record = await ConflictRecord.create(
        id=uuid.uuid4(),
        entity="report",
        entity_id=str(report.id),
        kind="field",
        field=field,
        # Wrapped: a JSON field given a bare string would try to parse it as JSON.
        yours={"value": yours},
        theirs={"value": theirs},
        mutation={"name": name, "args": payload, "base_version": ctx.base_version},
        user_id=ctx.caller.user.id,
    )
    await announce(record)
    return ConflictInfo(kind="field", id=str(report.id), field=field, yours=yours, theirs=theirs)


def bump(report: Report, fields: list[str]) -> None:
    report.version += 1
    versions = dict(report.field_versions or {})
    for field in fields:
        versions[field] = report.version
    report.field_versions = versions


@mutation("report.set_state", SetStateArgs)
async def set_state(ctx: MutationContext, args: SetStateArgs) -> Outcome:
    if not ctx.caller.is_staff:
        raise Rejected("auth.staff_only")
    payload = args.model_dump(mode="json")
    loaded = await report_for_edit(ctx, args.id, "report.set_state", payload)
    if isinstance(loaded, Outcome):
        return loaded
    report = loaded

    outcome = merge_field(
        ctx.base_version, (report.field_versions or {}).get("state", 0), report.state, args.state
    )
    if outcome is FieldOutcome.CONFLICT:
        conflict = await field_conflict(ctx, report, "state", args.state, report.state, "report.set_state", payload)
        return Outcome("conflict", "report", str(report.id), report.version, code="report.conflict", conflict=conflict)
    if outcome is FieldOutcome.SAME and not args.note.strip():
        return applied(report, code="report.state_unchanged")
    if outcome is FieldOutcome.APPLY and not can_transition(report.state, args.state):
        raise Rejected("report.invalid_transition", {"from": report.state, "to": args.state})

    changed = outcome is FieldOutcome.APPLY
    await Update.create(
        id=uuid.uuid4(),
        report=report,
        author_id=ctx.caller.user.id,
        author_is_staff=True,
        text=args.note.strip(),
        state_before=report.state if changed else None,
        state_after=args.state if changed else None,
    )
    if changed:
        report.state = args.state
    bump(report, ["state"] if changed else [])
    await report.save()
    await record_change("report", str(report.id), report.version)
    await enqueue_report_event("state" if changed else "update", report, ctx.caller.user.id)
    return applied(report)


async def check_department(ctx: MutationContext, department: str) -> None:
    listed = await department_is_listed(ctx.cache, department)
    if listed is None:
        raise Rejected("report.unknown_department", {"department": department})
    if listed is False:
        raise Rejected("report.retired_department", {"department": department})


@mutation("report.edit", EditArgs)
async def edit_report(ctx: MutationContext, args: EditArgs) -> Outcome:
    if not ctx.caller.is_staff:
        raise Rejected("auth.staff_only")
    payload = args.model_dump(mode="json")
    loaded = await report_for_edit(ctx, args.id, "report.edit", payload)
    if isinstance(loaded, Outcome):
        return loaded
    report = loaded

    wanted = args.fields.model_dump(exclude_none=True)
    if "category" in wanted and not await Category.exists(id=wanted["category"]):
        raise Rejected("report.unknown_category", {"category": wanted["category"]})
    if wanted.get("department"):  # "" takes the department off
        await check_department(ctx, wanted["department"])
    changed: list[str] = []
    conflict: ConflictInfo | None = None
    for field, value in wanted.items():
        current = getattr(report, "category_id" if field == "category" else field)
        outcome = merge_field(ctx.base_version, (report.field_versions or {}).get(field, 0), current, value)
        if outcome is FieldOutcome.APPLY:
            setattr(report, "category_id" if field == "category" else field, value)
            changed.append(field)
        elif outcome is FieldOutcome.CONFLICT:
            conflict = await field_conflict(ctx, report, field, value, current, "report.edit", payload)
    if changed:
        bump(report, changed)
        await report.save()
        await record_change("report", str(report.id), report.version)
    if conflict is not None:
        return Outcome("conflict", "report", str(report.id), report.version, code="report.conflict", conflict=conflict)
    return applied(report)


@mutation("report.confirm", ReportIdArgs)
async def confirm_report(ctx: MutationContext, args: ReportIdArgs) -> Outcome:
    report = await Report.get_or_none(id=args.id)
    # A report the person may not see (private, hidden) answers as if it did not exist.
    if report is None or not may_see(row_of(report), ctx.caller):
        raise Rejected("report.not_found")
    if state_type(report.state) != "open":
        raise Rejected("report.not_open")
    if await Confirmation.exists(report=report, user_id=ctx.caller.user.id):
        return applied(report, code="report.already_confirmed")
    await Confirmation.create(report=report, user_id=ctx.caller.user.id)
    report.confirmations = await Confirmation.filter(report=report).count()
    report.version += 1
    await report.save(update_fields=["confirmations", "version", "updated_at"])
    await record_change("report", str(report.id), report.version)
    return applied(report)


@mutation("report.delete", ReportIdArgs)
async def delete_report(ctx: MutationContext, args: ReportIdArgs) -> Outcome:
    report = await Report.get_or_none(id=args.id)
    if report is None:
        raise Rejected("report.not_found")
    is_reporter = report.reporter_id == ctx.caller.user.id  # type: ignore[attr-defined]
    if not ctx.caller.is_staff and not is_reporter:
        raise Rejected("auth.forbidden")
    if report.deleted_at is not None:
        return applied(report, code="report.already_deleted")
    if not ctx.caller.is_staff and report.state != "new":
        raise Rejected("auth.forbidden")
    report.deleted_at = ctx.now
    report.version += 1
    await report.save(update_fields=["deleted_at", "version", "updated_at"])
    await record_change("report", str(report.id), report.version, deleted=True)
    return applied(report)


@mutation("update.add", AddUpdateArgs)
async def add_update(ctx: MutationContext, args: AddUpdateArgs) -> Outcome:
    if await Update.exists(id=args.id):
        raise Rejected("update.id_taken")
    payload = args.model_dump(mode="json")
    loaded = await report_for_edit(ctx, args.report_id, "update.add", payload)
    if isinstance(loaded, Outcome):
        return loaded
    report = loaded
    is_reporter = report.reporter_id == ctx.caller.user.id  # type: ignore[attr-defined]
    if not (ctx.caller.is_staff or is_reporter):
        raise Rejected("auth.forbidden")

    new_state = args.state if args.state and args.state != report.state else None
    if new_state is not None:
        # Residents may only say their problem is fixed; the rest is the city's call.
        allowed = ctx.caller.is_staff or (new_state == "resolved" and state_type(report.state) == "open")
        if not allowed:
            raise Rejected("auth.staff_only")
        if not can_transition(report.state, new_state):
            raise Rejected("report.invalid_transition", {"from": report.state, "to": new_state})
    await Update.create(
        id=args.id,
        report=report,
        author_id=ctx.caller.user.id,
        author_is_staff=ctx.caller.is_staff,
        text=args.text.strip(),
        state_before=report.state if new_state else None,
        state_after=new_state,
    )
    if new_state:
        report.state = new_state
    bump(report, ["state"] if new_state else [])
    await report.save()
    await record_change("report", str(report.id), report.version)
    await enqueue_report_event("state" if new_state else "update", report, ctx.caller.user.id)
    return Outcome("applied", "report", str(report.id), report.version)


async def apply_resolved_value(ctx: MutationContext, report_id: str, field: str, value: Any) -> None:
    """Apply the value staff chose for a conflict, on the newest version."""
    report = await Report.get_or_none(id=report_id)
    if report is None or report.deleted_at is not None:
        raise Rejected("report.not_found")
    if field == "state":
        if value == report.state:
            return
        if not isinstance(value, str) or not can_transition(report.state, value):
            raise Rejected("report.invalid_transition", {"from": report.state, "to": str(value)})
        await Update.create(
            id=uuid.uuid4(), report=report, author_id=ctx.caller.user.id, author_is_staff=True,
            text="", state_before=report.state, state_after=value,
        )
        report.state = value
    elif field in EDITABLE_FIELDS:
        if field == "category" and not await category_exists(ctx, str(value)):
            raise Rejected("report.unknown_category", {"category": str(value)})
        setattr(report, "category_id" if field == "category" else field, str(value)[:4000])
    else:
        raise Rejected("args.invalid", {"field": field, "reason": "not editable"})
    bump(report, [field])
    await report.save()
    await record_change("report", str(report.id), report.version)


class AddPhotoArgs(Args):
    id: uuid.UUID
    sha256: str = Field(pattern=SHA256)
    kind: str = Field(default="report", pattern="^(report|fixed)$")


@mutation("report.add_photo", AddPhotoArgs)
async def add_photo(ctx: MutationContext, args: AddPhotoArgs) -> Outcome:
    """Add a photo later: the reporter's own, or staff's "fixed" photo."""
    report = await Report.get_or_none(id=args.id)
    if report is None or report.deleted_at is not None:
        raise Rejected("report.not_found")
    is_reporter = report.reporter_id == ctx.caller.user.id  # type: ignore[attr-defined]
    if args.kind == "fixed" and not ctx.caller.is_staff:
        raise Rejected("auth.staff_only")
    if args.kind == "report" and not (is_reporter or ctx.caller.is_staff):
        raise Rejected("auth.forbidden")
    if await ReportPhoto.exists(report=report, sha256=args.sha256):
        return applied(report, code="report.photo_already_added")
    count = await ReportPhoto.filter(report=report).count()
    if count >= ctx.settings.photos_per_report + 1:  # one "fixed" photo on top
        raise Rejected("report.too_many_photos", {"max": ctx.settings.photos_per_report})
    await ReportPhoto.create(report=report, sha256=args.sha256, position=count, kind=args.kind)
    report.version += 1
    await report.save(update_fields=["version", "updated_at"])
    await record_change("report", str(report.id), report.version)
    return applied(report)
