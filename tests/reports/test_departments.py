"""Departments: a list admins keep, pulled by staff devices, and the only values
triage may set; free text from before the list stays readable."""

from __future__ import annotations

from typing import Any

from quart import Quart

from server.reports.models import Report
from tests.conftest import Person, make_person
from tests.helpers import mutation, new_report_args, pull_all, push

BRIDGES = {"en": "Bridges", "it": "Ponti", "de": "Brücken", "el": "Γέφυρες"}


async def reported(resident: Person) -> str:
    args = new_report_args()
    await push(resident, "client-rita-0001", [mutation(1, "report.create", args)])
    return str(args["id"])


async def admin(app: Quart) -> Person:
    return await make_person(app, "admin", "Ada")


async def create(person: Person, body: dict[str, Any]) -> Any:
    return await person.post("/api/admin/departments", json=body)


async def patch(person: Person, department_id: str, body: dict[str, Any]) -> Any:
    return await person.client().patch(
        f"/api/admin/departments/{department_id}", headers=person.headers, json=body
    )


async def departments_pulled(person: Person, client_id: str) -> dict[str, Any]:
    records, _, _ = await pull_all(person, client_id)
    return {k: v for k, v in records.items() if "retired" in v}


async def edit_department(staff: Person, report_id: str, department: str) -> Any:
    answer = await push(
        staff,
        "client-sam-00001",
        [
            mutation(
                1,
                "report.edit",
                {"id": report_id, "fields": {"department": department}},
                1,
            )
        ],
    )
    return answer["results"][0]


async def test_admin_adds_a_department_named_in_the_four_languages(app: Quart) -> None:
    ada = await admin(app)

    response = await create(ada, {"id": "bridges", "names": BRIDGES})
    listing = await (await ada.get("/api/admin/departments")).get_json()

    assert response.status_code == 201
    assert {d["id"]: d["names"] for d in listing}["bridges"] == BRIDGES


async def test_a_department_id_already_listed_is_refused(app: Quart) -> None:
    ada = await admin(app)

    response = await create(ada, {"id": "roads", "names": {"en": "Roads again"}})

    assert response.status_code == 409
    assert (await response.get_json())["error"]["code"] == "departments.id_taken"


async def test_a_department_without_an_english_name_is_refused(app: Quart) -> None:
    response = await create(
        await admin(app), {"id": "bridges", "names": {"it": "Ponti"}}
    )

    assert response.status_code == 400
    assert (await response.get_json())["error"]["code"] == "request.invalid"


async def test_staff_devices_pull_the_departments_and_residents_never_see_them(
    resident: Person, staff: Person
) -> None:
    for_staff = await departments_pulled(staff, "client-sam-00001")
    for_resident = await departments_pulled(resident, "client-rita-0001")

    assert set(for_staff) == {"lighting", "roads", "waste", "parks"}
    assert for_resident == {}


async def test_a_renamed_department_reaches_staff_devices_in_the_next_pull(
    app: Quart, staff: Person
) -> None:
    _, cursor, _ = await pull_all(staff, "client-sam-00001")

    await patch(await admin(app), "roads", {"names": {"en": "Streets", "it": "Vie"}})
    records, _, _ = await pull_all(staff, "client-sam-00001", cursor)

    assert records["roads"]["names"] == {"en": "Streets", "it": "Vie"}


async def test_a_retired_department_stays_in_the_pull_marked_retired(
    app: Quart, staff: Person
) -> None:
    response = await patch(await admin(app), "parks", {"retired": True})
    pulled = await departments_pulled(staff, "client-sam-00001")

    assert response.status_code == 200
    assert pulled["parks"]["retired"] is True


async def test_renaming_a_department_that_is_not_listed_answers_404(app: Quart) -> None:
    response = await patch(await admin(app), "bridges", {"names": {"en": "Bridges"}})

    assert response.status_code == 404
    assert (await response.get_json())["error"]["code"] == "departments.not_found"


async def test_triage_sets_a_listed_department(resident: Person, staff: Person) -> None:
    report_id = await reported(resident)

    result = await edit_department(staff, report_id, "roads")

    assert result["status"] == "applied"
    assert (await Report.get(id=report_id)).department == "roads"


async def test_triage_with_a_department_not_in_the_list_is_rejected_with_its_code(
    resident: Person, staff: Person
) -> None:
    report_id = await reported(resident)

    result = await edit_department(staff, report_id, "Roads crew")

    assert (result["status"], result["code"]) == (
        "rejected",
        "report.unknown_department",
    )
    assert (await Report.get(id=report_id)).department == ""


async def test_triage_with_a_retired_department_is_rejected_with_its_code(
    app: Quart, resident: Person, staff: Person
) -> None:
    report_id = await reported(resident)
    await patch(await admin(app), "parks", {"retired": True})

    result = await edit_department(staff, report_id, "parks")

    assert (result["status"], result["code"]) == (
        "rejected",
        "report.retired_department",
    )


async def test_triage_may_take_the_department_off_a_report(
    resident: Person, staff: Person
) -> None:
    report_id = await reported(resident)
    await Report.filter(id=report_id).update(department="roads")

    result = await edit_department(staff, report_id, "")

    assert result["status"] == "applied"
    assert (await Report.get(id=report_id)).department == ""


async def test_a_free_text_department_from_before_the_list_stays_readable(
    resident: Person, staff: Person
) -> None:
    report_id = await reported(resident)
    await Report.filter(id=report_id).update(department="Roads crew")

    records, _, _ = await pull_all(staff, "client-sam-00001")

    assert records[report_id]["department"] == "Roads crew"
