from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from quart import Blueprint, jsonify, request

from server.accounts.auth import Caller, require_caller
from server.areas.geometry import AreaIndex, GeometryError, outlines_from_geojson
from server.areas.models import MapArea
from server.core.errors import BadRequest, Forbidden, NotFound, PayloadTooLarge
from server.core.validation import refuse_nul
from server.reports.models import Report
from server.syncing.changelog import record_change
from server.syncing.registry import renderer

blueprint = Blueprint("areas", __name__)

UPLOAD_MAX_BYTES = 5 * 1024 * 1024


def area_json(area: MapArea) -> dict[str, Any]:
    return {
        "id": str(area.id),
        "name": area.name,
        "code": area.code,
        "bbox": [area.min_lon, area.min_lat, area.max_lon, area.max_lat],
        "geometry": area.geometry,
    }


@blueprint.get("/api/areas")
async def list_areas() -> Any:
    areas = await MapArea.all().order_by("name")
    return jsonify({
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": str(a.id), "geometry": a.geometry,
             "properties": {k: v for k, v in area_json(a).items() if k != "geometry"}}
            for a in areas
        ],
    })


@blueprint.post("/api/admin/areas")
async def load_areas() -> Any:
    """Load outlines from a GeoJSON FeatureCollection (admins only)."""
    require_admin()
    raw = await request.get_data()
    if len(raw) > UPLOAD_MAX_BYTES:
        raise PayloadTooLarge("request.too_large", {"max_bytes": UPLOAD_MAX_BYTES})
    try:
        collection = json.loads(raw)
    except ValueError:
        raise BadRequest("areas.not_a_feature_collection")
    refuse_nul(collection)
    name_property = request.args.get("name_property", "name")
    code_property = request.args.get("code_property") or None
    try:
        outlines = outlines_from_geojson(collection, name_property, code_property)
    except GeometryError as error:
        raise BadRequest(error.code, error.params) from error
    created = await create_areas(outlines)
    return jsonify([area_json(area) for area in created]), 201


async def create_areas(outlines: Sequence[Any]) -> list[MapArea]:
    from tortoise.transactions import in_transaction

    async with in_transaction():
        created = []
        for outline in outlines:
            min_lon, min_lat, max_lon, max_lat = outline.bounds
            area = await MapArea.create(
                id=uuid.uuid4(), name=outline.name, code=outline.code, geometry=outline.geometry,
                min_lon=min_lon, min_lat=min_lat, max_lon=max_lon, max_lat=max_lat,
            )
            await record_change("area", str(area.id), 1)
            created.append(area)
        await assign_reports(created)
    return created


async def assign_reports(areas: list[MapArea]) -> None:
    """Put the reports that fall inside newly loaded areas into them."""
    for area in areas:
        index = AreaIndex([(str(area.id), area.geometry)])
        candidates = await Report.filter(
            area_id=None, lon__gte=area.min_lon, lon__lte=area.max_lon,
            lat__gte=area.min_lat, lat__lte=area.max_lat,
        )
        for report in candidates:
            if index.area_of(report.lon, report.lat):
                report.area_id = area.id  # type: ignore[attr-defined]
                report.version += 1
                await report.save(update_fields=["area_id", "version"])
                await record_change("report", str(report.id), report.version)


@blueprint.delete("/api/admin/areas/<area_id>")
async def delete_area(area_id: str) -> Any:
    require_admin()
    try:
        key = uuid.UUID(area_id)
    except ValueError:
        raise NotFound("areas.not_found")
    deleted = await MapArea.filter(id=key).delete()
    if not deleted:
        raise NotFound("areas.not_found")
    await record_change("area", str(key), 2, deleted=True)
    return "", 204


def require_admin() -> Caller:
    caller = require_caller()
    if caller.role != "admin":
        raise Forbidden("auth.admin_only")
    return caller


async def area_index(cache: dict[str, Any]) -> AreaIndex:
    """All areas as an index, built once per push batch."""
    index = cache.get("area_index")
    if index is None:
        rows = await MapArea.all().values_list("id", "geometry")
        index = AreaIndex([(str(area_id), geometry) for area_id, geometry in rows])
        cache["area_index"] = index
    return index


@renderer("area")
async def render_areas(ids: Sequence[str], caller: Caller) -> dict[str, dict[str, Any] | None]:
    areas = {str(a.id): area_json(a) for a in await MapArea.filter(id__in=list(ids))}
    return {area_id: areas.get(area_id) for area_id in ids}
