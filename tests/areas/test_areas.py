from __future__ import annotations

import json

from tests.conftest import FIXTURES, Person, make_person
from tests.helpers import mutation, new_report_args, pull_all, push

SOUTHWARK = (FIXTURES / "geo" / "southwark_wards_wd13.geojson").read_bytes()
PECKHAM_RYE_PARK = {"lat": 51.4635, "lon": -0.0595}


async def load(person: Person, body: bytes = SOUTHWARK):  # type: ignore[no-untyped-def]
    return await person.post("/api/admin/areas?name_property=WD13NM&code_property=WD13CD", data=body)


async def test_admin_loads_ward_outlines_from_geojson(app) -> None:  # type: ignore[no-untyped-def]
    admin = await make_person(app, "admin", "Ada")

    response = await load(admin)
    listing = await (await app.test_client().get("/api/areas")).get_json()

    assert response.status_code == 201
    assert len(listing["features"]) == 21
    assert "Peckham Rye" in {f["properties"]["name"] for f in listing["features"]}


async def test_only_admins_load_areas(staff: Person) -> None:
    response = await load(staff)

    assert response.status_code == 403


async def test_report_is_placed_in_the_ward_that_holds_it(app, resident: Person) -> None:  # type: ignore[no-untyped-def]
    await load(await make_person(app, "admin", "Ada"))
    args = new_report_args(location=PECKHAM_RYE_PARK)

    await push(resident, "client-rita-0001", [mutation(1, "report.create", args)])
    records, _, _ = await pull_all(resident, "client-rita-0001")
    areas = {r["id"]: r["name"] for r in records.values() if "bbox" in r}

    assert areas[records[args["id"]]["area"]] == "Peckham Rye"


async def test_reports_made_before_the_areas_are_placed_when_they_load(app, resident: Person) -> None:  # type: ignore[no-untyped-def]
    args = new_report_args(location=PECKHAM_RYE_PARK)
    await push(resident, "client-rita-0001", [mutation(1, "report.create", args)])

    await load(await make_person(app, "admin", "Ada"))
    records, _, _ = await pull_all(resident, "client-rita-0001")

    assert records[args["id"]]["area"] is not None


async def test_self_crossing_outline_is_refused_with_its_feature_number(app) -> None:  # type: ignore[no-untyped-def]
    bowtie = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {
        "type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}}]}

    response = await load(await make_person(app, "admin", "Ada"), json.dumps(bowtie).encode())
    error = (await response.get_json())["error"]

    assert (response.status_code, error["code"], error["params"]["feature"]) == (400, "areas.invalid_geometry", 1)
