"""How a report looks to a given viewer: in a pull, the map and the detail page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from server.accounts.auth import Caller
from server.accounts.models import User
from server.media.models import Media
from server.reports.models import Report, ReportPhoto, Update
from server.reports.states import next_states, state_type
from server.syncing.registry import renderer


def may_see(report: Report, viewer: Caller | None) -> bool:
    if report.deleted_at is not None:
        return False
    if viewer is not None and (viewer.is_staff or report.reporter_id == viewer.user.id):  # type: ignore[attr-defined]
        return True
    return not report.hidden and not report.private


async def render_reports(
    reports: Sequence[Report], viewer: Caller | None
) -> dict[str, dict[str, Any] | None]:
    """Render many reports with three queries in all, whatever their number."""
    visible = [report for report in reports if may_see(report, viewer)]
    ids = [report.id for report in visible]
    photos = await ReportPhoto.filter(report_id__in=ids).order_by("position") if ids else []
    updates = await Update.filter(report_id__in=ids).order_by("created_at") if ids else []
    shas = {photo.sha256 for photo in photos}
    ready = set(await Media.filter(sha256__in=shas).values_list("sha256", flat=True)) if shas else set()
    user_ids = {r.reporter_id for r in visible if r.reporter_id} | {u.author_id for u in updates if u.author_id}  # type: ignore[attr-defined]
    names = dict(await User.filter(id__in=user_ids).values_list("id", "name")) if user_ids else {}

    photos_by_report: dict[Any, list[ReportPhoto]] = {}
    for photo in photos:
        photos_by_report.setdefault(photo.report_id, []).append(photo)  # type: ignore[attr-defined]
    updates_by_report: dict[Any, list[Update]] = {}
    for update in updates:
        updates_by_report.setdefault(update.report_id, []).append(update)  # type: ignore[attr-defined]

    rendered: dict[str, dict[str, Any] | None] = {str(r.id): None for r in reports}
    for report in visible:
        rendered[str(report.id)] = report_json(
            report,
            viewer,
            photos_by_report.get(report.id, []),
            updates_by_report.get(report.id, []),
            ready,
            names,
        )
    return rendered


def report_json(
    report: Report,
    viewer: Caller | None,
    photos: list[ReportPhoto],
    updates: list[Update],
    ready: set[str],
    names: dict[Any, str],
) -> dict[str, Any]:
    is_staff = viewer is not None and viewer.is_staff
    mine = viewer is not None and report.reporter_id == viewer.user.id  # type: ignore[attr-defined]
    show_reporter = report.show_name or is_staff
    return {
        "id": str(report.id),
        "category": report.category_id,  # type: ignore[attr-defined]
        "description": report.description,
        "location": {"lat": report.lat, "lon": report.lon, "accuracy": report.accuracy},
        "location_manual": report.location_manual,
        "observed_at": iso(report.observed_at),
        "observed_at_implausible": report.observed_at_implausible,
        "created_at": iso(report.created_at),
        "updated_at": iso(report.updated_at),
        "state": report.state,
        "state_type": state_type(report.state),
        "next_states": next_states(report.state) if is_staff else [],
        "department": report.department,
        "area": str(report.area_id) if report.area_id else None,  # type: ignore[attr-defined]
        "hidden": report.hidden,
        "private": report.private,
        "version": report.version,
        "mine": mine,
        "confirmations": report.confirmations,
        "reporter_name": names.get(report.reporter_id) if show_reporter else None,  # type: ignore[attr-defined]
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
        "author_name": names.get(update.author_id) if update.author_is_staff else None,  # type: ignore[attr-defined]
        "created_at": iso(update.created_at),
    }


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@renderer("report")
async def render_for_pull(
    ids: Sequence[str], caller: Caller
) -> dict[str, dict[str, Any] | None]:
    reports = await Report.filter(id__in=list(ids))
    rendered = await render_reports(reports, caller)
    for report_id in ids:
        rendered.setdefault(report_id, None)
    return rendered
