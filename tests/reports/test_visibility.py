from __future__ import annotations

import uuid

from server.reports.models import Report
from tests.conftest import Person
from tests.helpers import mutation, new_report_args, pull_all, push


async def test_residents_pull_holds_their_own_reports(resident: Person) -> None:
    args = new_report_args()
    await push(resident, "client-rita-0001", [mutation(1, "report.create", args)])

    records, _, _ = await pull_all(resident, "client-rita-0001")

    assert records[args["id"]]["mine"] is True


async def test_new_report_is_public_at_once_without_the_reporters_name(resident: Person, other_resident: Person) -> None:
    args = new_report_args()
    await push(resident, "client-rita-0001", [mutation(1, "report.create", args)])

    records, _, _ = await pull_all(other_resident, "client-otto-0001")

    assert records[args["id"]]["reporter_name"] is None
    assert records[args["id"]]["mine"] is False


async def test_hidden_report_never_reaches_another_resident(resident: Person, other_resident: Person) -> None:
    args = new_report_args()
    await push(resident, "client-rita-0001", [mutation(1, "report.create", args)])
    await Report.filter(id=uuid.UUID(args["id"])).update(hidden=True)

    records, _, _ = await pull_all(other_resident, "client-otto-0001")
    listing = await (await other_resident.get("/api/reports")).get_json()
    detail = await other_resident.get(f"/api/reports/{args['id']}")

    assert args["id"] not in records
    assert listing["features"] == []
    assert detail.status_code == 404


async def test_report_hidden_later_becomes_a_tombstone_for_others(resident: Person, other_resident: Person, staff: Person) -> None:
    args = new_report_args()
    await push(resident, "client-rita-0001", [mutation(1, "report.create", args)])
    _, cursor, _ = await pull_all(other_resident, "client-otto-0001")
    report = await Report.get(id=uuid.UUID(args["id"]))
    report.hidden = True
    await report.save()
    from server.syncing.changelog import record_change

    await record_change("report", args["id"], report.version + 1)

    response = await other_resident.get(f"/api/sync/pull?protocol=1&client_id=client-otto-0001&cursor={cursor}")
    change = (await response.get_json())["changes"][0]

    assert change == {"entity": "report", "id": args["id"], "version": report.version + 1, "deleted": True, "data": None}


async def test_staff_see_the_reporters_name(resident: Person, staff: Person) -> None:
    args = new_report_args()
    await push(resident, "client-rita-0001", [mutation(1, "report.create", args)])

    records, _, _ = await pull_all(staff, "client-sam-00001")

    assert records[args["id"]]["reporter_name"] == "Rita"


async def test_public_map_lists_reports_in_the_bounding_box_as_geojson(app, resident: Person) -> None:  # type: ignore[no-untyped-def]
    inside = new_report_args(location={"lat": 45.46, "lon": 9.19})
    outside = new_report_args(location={"lat": 41.9, "lon": 12.5})
    await push(resident, "client-rita-0001", [mutation(1, "report.create", inside), mutation(2, "report.create", outside)])

    response = await app.test_client().get("/api/reports?bbox=9.0,45.3,9.3,45.6")
    body = await response.get_json()

    assert body["type"] == "FeatureCollection"
    assert [feature["id"] for feature in body["features"]] == [inside["id"]]
    assert body["features"][0]["geometry"]["coordinates"] == [9.19, 45.46]


async def test_bad_bounding_box_is_a_clear_400(app) -> None:  # type: ignore[no-untyped-def]
    response = await app.test_client().get("/api/reports?bbox=9,45,oops")

    assert response.status_code == 400
    assert (await response.get_json())["error"]["code"] == "reports.bad_bbox"


async def test_photo_named_before_it_arrives_shows_as_pending(resident: Person) -> None:
    args = new_report_args(photos=["ab" * 32])
    await push(resident, "client-rita-0001", [mutation(1, "report.create", args)])

    records, _, _ = await pull_all(resident, "client-rita-0001")

    assert records[args["id"]]["photos"][0]["status"] == "pending"
