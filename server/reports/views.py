"""How a report looks to a given viewer: in a pull, the map and the detail page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from server.accounts.auth import Caller
from server.accounts.models import User
from server.core.sql import fetch
from server.media.models import Media
from server.reports.models import Report, ReportPhoto, Update
from server.reports.states import next_states, state_type
from server.syncing.registry import renderer


# The columns a rendering needs, by their attribute names on ``Report``.
COLUMNS = (
    "id", "category_id", "description", "lat", "lon", "accuracy", "location_manual",
    "observed_at", "observed_at_implausible", "created_at", "updated_at", "reporter_id",
    "show_name", "state", "department", "area_id", "hidden", "deleted_at", "version",
    "confirmations", "private",
)
Row = dict[str, Any]


def row_of(report: Report) -> Row:
    return {name: getattr(report, name) for name in COLUMNS}


async def rows_by_id(ids: Sequence[str]) -> list[Row]:
    """Read reports as plain rows: building 1,000 ORM objects and parsing their
    timestamps would cost more than the rest of a pull together."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return await fetch(f"SELECT {', '.join(COLUMNS)} FROM reports WHERE id IN ({marks})", *ids)


def may_see(row: Row, viewer: Caller | None) -> bool:
    if row["deleted_at"] is not None:
        return False
    if viewer is not None and (viewer.is_staff or same_id(row["reporter_id"], viewer.user.id)):
        return True
    return not row["hidden"] and not row["private"]


def same_id(left: Any, right: Any) -> bool:
    return left is not None and str(left) == str(right)


async def render_reports(
    rows: Sequence[Row], viewer: Caller | None
) -> dict[str, dict[str, Any] | None]:
    """Render many reports with four queries in all, whatever their number."""
    visible = [row for row in rows if may_see(row, viewer)]
    ids = [str(row["id"]) for row in visible]
    photos = await ReportPhoto.filter(report_id__in=ids).order_by("position") if ids else []
    updates = await Update.filter(report_id__in=ids).order_by("created_at") if ids else []
    shas = {photo.sha256 for photo in photos}
    ready = set(await Media.filter(sha256__in=shas).values_list("sha256", flat=True)) if shas else set()
    user_ids = {str(r["reporter_id"]) for r in visible if r["reporter_id"]}
    user_ids |= {str(u.author_id) for u in updates if u.author_id}  # type: ignore[attr-defined]
    names = {str(k): v for k, v in await User.filter(id__in=user_ids).values_list("id", "name")} if user_ids else {}

    photos_by_report: dict[str, list[ReportPhoto]] = {}
    for photo in photos:
        photos_by_report.setdefault(str(photo.report_id), []).append(photo)  # type: ignore[attr-defined]
    updates_by_report: dict[str, list[Update]] = {}
    for update in updates:
        updates_by_report.setdefault(str(update.report_id), []).append(update)  # type: ignore[attr-defined]

    rendered: dict[str, dict[str, Any] | None] = {str(r["id"]): None for r in rows}
    for row in visible:
        key = str(row["id"])
        rendered[key] = report_json(
            row, viewer, photos_by_report.get(key, []), updates_by_report.get(key, []), ready, names
        )
    return rendered


def report_json(
    row: Row,
    viewer: Caller | None,
    photos: list[ReportPhoto],
    updates: list[Update],
    ready: set[str],
    names: dict[str, str],
) -> dict[str, Any]:
    is_staff = viewer is not None and viewer.is_staff
    mine = viewer is not None and same_id(row["reporter_id"], viewer.user.id)
    show_reporter = bool(row["show_name"]) or is_staff
    reporter = str(row["reporter_id"]) if row["reporter_id"] else None
    return {
        "id": str(row["id"]),
        "category": row["category_id"],
        "description": row["description"],
        "location": {"lat": row["lat"], "lon": row["lon"], "accuracy": row["accuracy"]},
        "location_manual": bool(row["location_manual"]),
        "observed_at": iso(row["observed_at"]),
        "observed_at_implausible": bool(row["observed_at_implausible"]),
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
        "state": row["state"],
        "state_type": state_type(row["state"]),
        "next_states": next_states(row["state"]) if is_staff else [],
        "department": row["department"],
        "area": str(row["area_id"]) if row["area_id"] else None,
        "hidden": bool(row["hidden"]),
        "private": bool(row["private"]),
        "version": row["version"],
        "mine": mine,
        "confirmations": row["confirmations"],
        "reporter_name": names.get(reporter) if show_reporter and reporter else None,
        "photos": [photo_json(photo, ready) for photo in photos],
        "updates": [update_json(update, names) for update in updates],
    }


def photo_json(photo: ReportPhoto, ready: set[str]) -> dict[str, Any]:
    is_ready = photo.sha256 in ready
    return {
        "sha256": photo.sha256,
        "kind": photo.kind,
        "status": "ready" if is_ready else "pending",
        "display_url": f"/api/media/{photo.sha256}/display" if is_ready else None,
        "thumb_url": f"/api/media/{photo.sha256}/thumb" if is_ready else None,
    }


def update_json(update: Update, names: dict[Any, str]) -> dict[str, Any]:
    # Staff speak for the city; a resident's name on a public update is their choice
    # of the report, which updates do not have, so residents stay anonymous here.
    return {
        "id": str(update.id),
        "text": update.text,
        "state": update.state_after,
        "state_before": update.state_before,
        "is_staff": update.author_is_staff,
        "author_name": names.get(str(update.author_id)) if update.author_is_staff else None,  # type: ignore[attr-defined]
        "created_at": iso(update.created_at),
    }


def iso(value: Any) -> str | None:
    """ISO 8601, from a datetime (PostgreSQL, the ORM) or SQLite's stored text."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.replace(" ", "T", 1)
    return value.isoformat()  # type: ignore[no-any-return]


@renderer("report")
async def render_for_pull(
    ids: Sequence[str], caller: Caller
) -> dict[str, dict[str, Any] | None]:
    rendered = await render_reports(await rows_by_id(ids), caller)
    for report_id in ids:
        rendered.setdefault(report_id, None)
    return rendered
