from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class MapArea(Model):
    """An outline on the city map (a ward, a district) that admins load as GeoJSON.

    Named ``MapArea`` because proposals have areas of their own (LiquidFeedback's
    subject areas), which are not places.
    """

    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=200)
    code = fields.CharField(max_length=64, default="")
    geometry = fields.JSONField()  # a GeoJSON Polygon or MultiPolygon, lon/lat
    min_lon = fields.FloatField()
    min_lat = fields.FloatField()
    max_lon = fields.FloatField()
    max_lat = fields.FloatField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "map_areas"
