"""A NUL character in a JSON body is refused with 400 before it reaches the database."""

from __future__ import annotations

from tests.conftest import Person


async def test_a_nul_character_in_a_push_preference_is_answered_400(resident: Person) -> None:
    answer = await resident.put(
        "/api/push/preferences",
        json={"quiet_hours": {"start": "22:00", "end": "07:00"}, "timezone": "Europe/Rome\u0000"},
    )

    assert answer.status_code == 400
    assert (await answer.get_json())["error"]["details"][0]["type"] == "string_nul"


async def test_a_nul_character_in_a_geojson_upload_is_answered_400(app) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_person

    admin = await make_person(app, "admin", "Ada")
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"name": "Centro\u0000"},
                      "geometry": {"type": "Polygon",
                                   "coordinates": [[[12, 45], [12.1, 45], [12.1, 45.1], [12, 45]]]}}],
    }

    answer = await admin.post("/api/admin/areas", json=collection)

    assert answer.status_code == 400
