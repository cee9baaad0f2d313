from __future__ import annotations

import uuid
from typing import Any

from quart import Blueprint, g, jsonify, request

from server.accounts.auth import caller_or_none
from server.core.errors import BadRequest, NotFound
from server.reports.models import Category, Report
from server.reports.states import STATES
from server.reports.views import render_reports, row_of

blueprint = Blueprint("reports", __name__)

LIST_MAX = 1000


@blueprint.get("/api/categories")
async def categories() -> Any:
    rows = await Category.all().order_by("position", "id")
    return jsonify([category_json(row, g.lang) for row in rows])


def category_json(category: Category, lang: str) -> dict[str, Any]:
    names: dict[str, str] = category.names or {}
    return {
        "id": category.id,
        "name": names.get(lang) or names.get("en") or category.id,
        "names": names,
        "group": category.group,
        "icon": category.icon,
        "department": category.department,
    }


def parse_bbox(raw: str) -> tuple[float, float, float, float]:
    """``min_lon,min_lat,max_lon,max_lat``, the GeoJSON order."""
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in raw.split(","))
    except ValueError:
        raise BadRequest("reports.bad_bbox", {"bbox": raw[:80]})
    valid = (
        -180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90
    )
    if not valid:
        raise BadRequest("reports.bad_bbox", {"bbox": raw[:80]})
    return min_lon, min_lat, max_lon, max_lat


@blueprint.get("/api/reports")
async def list_reports() -> Any:
    """Reports as a GeoJSON FeatureCollection, newest first."""
    viewer = caller_or_none()
    query = Report.filter(deleted_at=None)
    if not (viewer and viewer.is_staff):
        query = query.filter(hidden=False, private=False)
    if bbox := request.args.get("bbox"):
        min_lon, min_lat, max_lon, max_lat = parse_bbox(bbox)
        query = query.filter(
            lon__gte=min_lon, lon__lte=max_lon, lat__gte=min_lat, lat__lte=max_lat
        )
    if state := request.args.get("state"):
        wanted = [s for s in state.split(",") if s]
        if any(s not in STATES for s in wanted):
            raise BadRequest("reports.bad_state", {"state": state[:40]})
        query = query.filter(state__in=wanted)
    if category := request.args.get("category"):
        query = query.filter(category_id__in=category.split(","))
    try:
        limit = min(max(int(request.args.get("limit", 500)), 1), LIST_MAX)
    except ValueError:
        raise BadRequest("query.not_a_number", {"name": "limit", "value": request.args["limit"][:40]})

    reports = await query.order_by("-created_at").limit(limit)
    rendered = await render_reports([row_of(r) for r in reports], viewer)
    features = [
        {
            "type": "Feature",
            "id": report_id,
            "geometry": {
                "type": "Point",
                "coordinates": [data["location"]["lon"], data["location"]["lat"]],
            },
            "properties": data,
        }
        for report_id, data in rendered.items()
        if data is not None
    ]
    return jsonify({"type": "FeatureCollection", "features": features})


@blueprint.get("/api/reports/<report_id>")
async def show_report(report_id: str) -> Any:
    try:
        key = uuid.UUID(report_id)
    except ValueError:
        raise NotFound("report.not_found")
    report = await Report.get_or_none(id=key)
    if report is None:
        raise NotFound("report.not_found")
    data = (await render_reports([row_of(report)], caller_or_none()))[str(report.id)]
    if data is None:
        # Deleted and hidden reports answer as if they never were.
        raise NotFound("report.not_found")
    return jsonify(data)
