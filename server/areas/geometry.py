"""Checking admin-loaded outlines and finding the area of a point, with shapely."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

MAX_FEATURES = 1000
MAX_VERTICES = 200_000


class GeometryError(ValueError):
    def __init__(self, code: str, params: dict[str, Any]) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Outline:
    name: str
    code: str
    geometry: dict[str, Any]
    bounds: tuple[float, float, float, float]


def outlines_from_geojson(collection: Any, name_property: str, code_property: str | None) -> list[Outline]:
    """Read a FeatureCollection of Polygons and MultiPolygons in lon/lat."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise GeometryError("areas.not_a_feature_collection", {})
    features = collection.get("features") or []
    if len(features) > MAX_FEATURES:
        raise GeometryError("areas.too_many", {"max": MAX_FEATURES})
    outlines, vertices = [], 0
    for number, feature in enumerate(features, start=1):
        geometry = (feature or {}).get("geometry") or {}
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            raise GeometryError("areas.not_a_polygon", {"feature": number})
        try:
            polygon = shape(geometry)
        except (ValueError, TypeError, AttributeError, IndexError):
            raise GeometryError("areas.invalid_geometry", {"feature": number, "reason": "unreadable"})
        if not polygon.is_valid:
            raise GeometryError("areas.invalid_geometry", {"feature": number, "reason": explain_validity(polygon)[:120]})
        min_lon, min_lat, max_lon, max_lat = polygon.bounds
        if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
            raise GeometryError("areas.not_lon_lat", {"feature": number})
        vertices += len(polygon.exterior.coords) if polygon.geom_type == "Polygon" else sum(len(p.exterior.coords) for p in polygon.geoms)
        if vertices > MAX_VERTICES:
            raise GeometryError("areas.too_detailed", {"max": MAX_VERTICES})
        properties = feature.get("properties") or {}
        name = str(properties.get(name_property) or f"Area {number}")[:200]
        code = str(properties.get(code_property) or "")[:64] if code_property else ""
        outlines.append(Outline(name, code, geometry, polygon.bounds))
    return outlines


class AreaIndex:
    """Finds which loaded area holds a point (bounding boxes first, then the shape)."""

    def __init__(self, areas: list[tuple[str, dict[str, Any]]]) -> None:
        shapes = [(area_id, shape(geometry)) for area_id, geometry in areas]
        self.boxed: list[tuple[str, tuple[float, float, float, float], BaseGeometry]] = [
            (area_id, polygon.bounds, polygon) for area_id, polygon in shapes
        ]

    def area_of(self, lon: float, lat: float) -> str | None:
        point = None  # made only when a bounding box matches: shapely objects cost
        for area_id, (min_lon, min_lat, max_lon, max_lat), polygon in self.boxed:
            if min_lon <= lon <= max_lon and min_lat <= lat <= max_lat:
                point = point or Point(lon, lat)
                if polygon.covers(point):
                    return area_id
        return None
