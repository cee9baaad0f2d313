from __future__ import annotations

import asyncio
import time

from quart import Quart

from server.accounts.models import User
from server.areas.geometry import Outline
from server.areas.routes import create_areas
from server.push.models import PushMessage, PushSubscription
from tests.conftest import Person
from tests.helpers import mutation, new_report_args, push
from tests.push.conftest import SUBJECT, subscribe, wait_until
from tests.push.receiver import Receiver


async def reported(resident: Person, seq: int = 1, **overrides: object) -> str:
    args = new_report_args(**overrides)
    answer = await push(resident, "client-rita-0001", [mutation(seq, "report.create", args)])
    assert answer["results"][0]["status"] == "applied", answer
    return str(args["id"])


# Two wards of Milan: the centre holds new_report_args' default location.
CENTRE = (9.15, 45.44, 9.23, 45.49)
NORTH = (9.15, 45.50, 9.23, 45.55)
IN_THE_NORTH = {"lat": 45.52, "lon": 9.19, "accuracy": 8.0}


async def load_wards() -> dict[str, str]:
    """Load the two wards as an admin would; answer their ids by code."""
    outlines = []
    for code, (w, s, e, n) in (("C1", CENTRE), ("N9", NORTH)):
        ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
        outlines.append(Outline(code, code, {"type": "Polygon", "coordinates": [ring]}, (w, s, e, n)))
    return {area.code: str(area.id) for area in await create_areas(outlines)}


async def set_state(staff: Person, report_id: str, state: str, seq: int = 1) -> None:
    answer = await push(staff, "client-sam-00001", [mutation(seq, "report.set_state", {"id": report_id, "state": state})])
    assert answer["results"][0]["status"] == "applied", answer


async def test_state_change_reaches_each_reporter_device_once_decrypted_in_their_language(
    app: Quart, resident: Person, staff: Person, receiver: Receiver
) -> None:
    await User.filter(id=resident.user.id).update(locale="it")
    phone, tablet = await subscribe(resident, receiver), await subscribe(resident, receiver)
    report_id = await reported(resident)

    await set_state(staff, report_id, "in_progress")
    await wait_until(lambda: len(receiver.deliveries) >= 2)
    await asyncio.sleep(0.3)  # anything more would be a duplicate

    assert sorted(d.path for d in receiver.deliveries) == sorted([phone.path, tablet.path])
    assert {d.message["title"] for d in receiver.deliveries} == {"La tua segnalazione: Illuminazione pubblica"}
    assert {d.message["body"] for d in receiver.deliveries} == {"Ora: in lavorazione."}
    assert {d.message["url"] for d in receiver.deliveries} == {f"/mine?report={report_id}"}


async def test_push_carries_a_vapid_token_for_this_push_service_valid_under_a_day(
    app: Quart, resident: Person, staff: Person, receiver: Receiver
) -> None:
    await subscribe(resident, receiver)
    report_id = await reported(resident)

    await set_state(staff, report_id, "acknowledged")
    await wait_until(lambda: len(receiver.deliveries) == 1)
    claims = receiver.deliveries[0].claims

    assert (claims["aud"], claims["sub"]) == (receiver.base_url, SUBJECT)
    assert claims["k"] == app.config["VAPID"].public_key
    assert claims["exp"] - time.time() <= 24 * 3600
    assert int(receiver.deliveries[0].headers["ttl"]) == 24 * 3600


async def test_payload_is_small_and_carries_no_description_or_location(
    app: Quart, resident: Person, staff: Person, receiver: Receiver
) -> None:
    await subscribe(resident, receiver)
    report_id = await reported(resident, description="Secret: my flat is at Via Roma 12")

    await set_state(staff, report_id, "acknowledged")
    await wait_until(lambda: len(receiver.deliveries) == 1)
    message = receiver.deliveries[0].message

    assert message["bytes"] < 3000
    assert "Via Roma" not in str(message) and "45.46" not in str(message)


async def test_new_report_reaches_staff_by_default_but_not_other_residents(
    app: Quart, resident: Person, other_resident: Person, staff: Person, receiver: Receiver
) -> None:
    staff_tablet = await subscribe(staff, receiver)
    await subscribe(other_resident, receiver)

    report_id = await reported(resident)
    await wait_until(lambda: len(receiver.deliveries) >= 1)
    await asyncio.sleep(0.3)

    assert [(d.path, d.message["url"]) for d in receiver.deliveries] == [
        (staff_tablet.path, f"/staff/reports/{report_id}")
    ]
    assert receiver.deliveries[0].message["title"] == "New report: Street light"


async def test_new_report_topic_follows_the_chosen_category_and_area(
    app: Quart, resident: Person, other_resident: Person, receiver: Receiver
) -> None:
    milan = await subscribe(other_resident, receiver, topics=["new_reports"], area=[9.0, 45.3, 9.3, 45.6])
    await subscribe(other_resident, receiver, topics=["new_reports"], area=[12.3, 41.8, 12.6, 42.0])
    await subscribe(other_resident, receiver, topics=["new_reports"], categories=["pothole"])

    await reported(resident)  # a street light in Milan
    await wait_until(lambda: len(receiver.deliveries) >= 1)
    await asyncio.sleep(0.3)

    assert [d.path for d in receiver.deliveries] == [milan.path]


async def test_new_report_in_a_staff_members_area_reaches_them_and_one_outside_does_not(
    app: Quart, resident: Person, staff: Person, receiver: Receiver
) -> None:
    await load_wards()
    # Admins name a staff member's areas by the code of the outline they loaded.
    await User.filter(id=staff.user.id).update(areas=["C1"])
    tablet = await subscribe(staff, receiver)

    in_centre = await reported(resident)
    await reported(resident, seq=2, location=IN_THE_NORTH)
    await wait_until(lambda: len(receiver.deliveries) >= 1)
    await asyncio.sleep(0.3)  # time enough for the report in the north to arrive too

    assert [(d.path, d.message["url"]) for d in receiver.deliveries] == [
        (tablet.path, f"/staff/reports/{in_centre}")
    ]


async def test_new_report_topic_follows_the_chosen_map_area(
    app: Quart, resident: Person, other_resident: Person, receiver: Receiver
) -> None:
    wards = await load_wards()
    north = await subscribe(other_resident, receiver, topics=["new_reports"], map_areas=[wards["N9"]])

    await reported(resident)
    in_north = await reported(resident, seq=2, location=IN_THE_NORTH)
    await wait_until(lambda: len(receiver.deliveries) >= 1)
    await asyncio.sleep(0.3)

    assert [(d.path, d.message["url"]) for d in receiver.deliveries] == [
        (north.path, f"/mine?report={in_north}")
    ]


async def test_reporter_marking_their_own_report_fixed_is_not_notified(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    await subscribe(resident, receiver)
    report_id = await reported(resident)

    await push(resident, "client-rita-0001", [mutation(2, "update.add", {"id": "0190d0a4-0000-7000-8000-000000000001", "report_id": report_id, "text": "Fixed now", "state": "resolved"})])
    await asyncio.sleep(0.5)

    assert receiver.deliveries == []


async def test_gone_subscription_is_deleted_with_its_messages(
    app: Quart, resident: Person, staff: Person, receiver: Receiver
) -> None:
    device = await subscribe(resident, receiver)
    device.answers.append((410, {}))
    report_id = await reported(resident)

    await set_state(staff, report_id, "acknowledged")
    await wait_until(lambda: len(receiver.requests) == 1)
    await asyncio.sleep(0.3)

    assert await PushSubscription.filter(user_id=resident.user.id).count() == 0
    assert await PushMessage.all().count() == 0


async def test_too_many_requests_is_retried_after_the_time_asked(
    app: Quart, resident: Person, staff: Person, receiver: Receiver
) -> None:
    device = await subscribe(resident, receiver)
    device.answers.append((429, {"Retry-After": "1"}))
    report_id = await reported(resident)

    await set_state(staff, report_id, "acknowledged")
    await wait_until(lambda: len(receiver.requests) == 1)
    refused_at = time.time()
    await wait_until(lambda: len(receiver.deliveries) == 1, timeout=5)
    await asyncio.sleep(0.3)  # the worker records the result

    assert receiver.deliveries[0].received_at - refused_at >= 0.9
    assert (await PushMessage.get()).attempts == 2


async def test_server_errors_are_retried_up_to_the_limit_then_given_up(
    app: Quart, resident: Person, staff: Person, receiver: Receiver
) -> None:
    app.config["SETTINGS"].push_max_attempts = 3
    device = await subscribe(resident, receiver)
    device.answers.extend([(503, {"Retry-After": "0"})] * 5)
    report_id = await reported(resident)

    await set_state(staff, report_id, "acknowledged")
    await wait_until(lambda: len(receiver.requests) == 3)
    await asyncio.sleep(0.3)
    message = await PushMessage.get()

    assert (message.state, message.attempts, message.last_status) == ("failed", 3, 503)
    assert len(receiver.requests) == 3


async def test_other_client_error_is_logged_and_the_subscription_kept(
    app: Quart, resident: Person, staff: Person, receiver: Receiver
) -> None:
    device = await subscribe(resident, receiver)
    device.answers.append((400, {}))
    report_id = await reported(resident)

    await set_state(staff, report_id, "acknowledged")
    await wait_until(lambda: len(receiver.requests) == 1)
    await asyncio.sleep(0.3)

    assert (await PushMessage.get()).state == "failed"
    assert await PushSubscription.filter(user_id=resident.user.id).count() == 1


async def test_redirect_from_a_push_service_is_not_followed(
    app: Quart, resident: Person, staff: Person, receiver: Receiver
) -> None:
    device = await subscribe(resident, receiver)
    elsewhere = receiver.new_device()
    device.answers.append((307, {"Location": receiver.base_url + elsewhere.path}))
    report_id = await reported(resident)

    await set_state(staff, report_id, "acknowledged")
    await wait_until(lambda: len(receiver.requests) == 1)
    await asyncio.sleep(0.3)

    assert [path for path, _ in receiver.requests] == [device.path]
    assert ((await PushMessage.get()).state, (await PushMessage.get()).last_status) == ("failed", 307)
