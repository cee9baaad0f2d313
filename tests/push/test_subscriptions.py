from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from quart import Quart

from server.areas.models import MapArea
from server.push.models import PushMessage, PushSubscription, PushTopic
from tests.conftest import Person
from tests.push.conftest import subscribe
from tests.push.receiver import Receiver


async def post(person: Person, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = await person.post("/api/push/subscriptions", json=body)
    return response.status_code, await response.get_json()


@pytest.mark.parametrize(
    ("endpoint", "code"),
    [
        ("https://10.1.2.3/push/a", "push.endpoint_not_public"),
        ("https://192.168.0.10/push/a", "push.endpoint_not_public"),
        ("https://169.254.169.254/latest/meta-data", "push.endpoint_not_public"),
        ("https://[fd00::1]/push/a", "push.endpoint_not_public"),
        ("https://localhost/push/a", "push.endpoint_not_public"),
        ("https://224.0.0.1/push/a", "push.endpoint_not_public"),
        ("http://fcm.googleapis.com/fcm/send/a", "push.endpoint_not_https"),
        ("http://10.1.2.3/push/a", "push.endpoint_not_https"),
        ("file:///etc/passwd", "push.endpoint_invalid"),
        ("https://user:pw@push.example.org/a", "push.endpoint_invalid"),
        ("https://no-such-host.invalid/push/a", "push.endpoint_unresolvable"),
    ],
)
async def test_private_or_non_https_endpoint_is_refused_at_subscription(
    app: Quart, resident: Person, receiver: Receiver, endpoint: str, code: str
) -> None:
    app.config["SETTINGS"].push_allow_loopback = False
    body = {**receiver.new_device().subscription(receiver.base_url), "endpoint": endpoint}

    status, answer = await post(resident, body)

    assert (status, answer["error"]["code"]) == (400, code)
    assert await PushSubscription.all().count() == 0


async def test_loopback_http_endpoint_is_refused_unless_the_setting_allows_it(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    app.config["SETTINGS"].push_allow_loopback = False

    status, answer = await post(resident, receiver.new_device().subscription(receiver.base_url))

    assert (status, answer["error"]["code"]) == (400, "push.endpoint_not_https")


async def test_keys_that_are_not_a_p256_point_and_a_16_byte_secret_are_refused(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    body = receiver.new_device().subscription(receiver.base_url)
    body["keys"]["p256dh"] = body["keys"]["p256dh"][:-4] + "AAAA"

    status, answer = await post(resident, body)

    assert (status, answer["error"]["code"]) == (400, "push.keys_invalid")


async def test_staff_follow_new_reports_by_default_and_residents_their_own(
    app: Quart, resident: Person, staff: Person, receiver: Receiver
) -> None:
    await subscribe(resident, receiver)
    await subscribe(staff, receiver)

    mine = await (await resident.get("/api/push/subscriptions")).get_json()
    theirs = await (await staff.get("/api/push/subscriptions")).get_json()

    assert mine[0]["topics"] == ["delegations", "followed_issues", "my_reports"]
    assert theirs[0]["topics"] == ["delegations", "followed_issues", "my_reports", "new_reports"]


async def test_staff_without_an_area_follow_new_reports_in_the_whole_city(
    app: Quart, staff: Person, receiver: Receiver
) -> None:
    await subscribe(staff, receiver)

    theirs = await (await staff.get("/api/push/subscriptions")).get_json()

    assert (theirs[0]["map_areas"], theirs[0]["area"]) == ([], None)


async def test_a_map_area_no_admin_loaded_is_refused(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    body = {**receiver.new_device().subscription(receiver.base_url), "map_areas": ["nowhere"]}

    status, answer = await post(resident, body)

    assert (status, answer["error"]["code"]) == (400, "push.unknown_map_area")


async def make_map_area(name: str) -> str:
    box = {"min_lon": 12.5, "min_lat": 45.6, "max_lon": 12.6, "max_lat": 45.7}
    ring = [[12.5, 45.6], [12.6, 45.6], [12.6, 45.7], [12.5, 45.6]]
    area = await MapArea.create(
        id=uuid.uuid4(), name=name, geometry={"type": "Polygon", "coordinates": [ring]}, **box
    )
    return str(area.id)


async def test_repeated_categories_and_map_areas_are_followed_once(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    ward = await make_map_area("Ward 1")
    choices = {"topics": ["new_reports"], "categories": ["pothole"] * 30, "map_areas": [ward] * 30}

    status, answer = await post(resident, {**receiver.new_device().subscription(receiver.base_url), **choices})

    assert (status, answer["categories"], answer["map_areas"]) == (201, ["pothole"], [ward])
    assert await PushTopic.all().count() == 1


async def test_a_category_no_admin_made_is_refused(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    body = {**receiver.new_device().subscription(receiver.base_url), "categories": ["unicorns"]}

    status, answer = await post(resident, body)

    assert (status, answer["error"]["code"]) == (400, "push.unknown_category")
    assert answer["error"]["params"] == {"category": "unicorns"}


async def test_more_categories_than_a_device_can_follow_are_refused(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    body = {
        **receiver.new_device().subscription(receiver.base_url),
        "categories": [f"made-up-{n}" for n in range(51)],
    }

    status, answer = await post(resident, body)

    assert (status, answer["error"]["code"]) == (400, "push.too_many_categories")


async def test_more_map_areas_than_a_device_can_follow_are_refused(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    wards = [str(uuid.uuid4()) for _ in range(21)]
    body = {**receiver.new_device().subscription(receiver.base_url), "map_areas": wards}

    status, answer = await post(resident, body)

    assert (status, answer["error"]["code"]) == (400, "push.too_many_map_areas")


async def test_a_category_longer_than_any_category_id_is_a_bad_request(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    # PostgreSQL answered 500: the topic row's category column holds 64 characters.
    choices = {"topics": ["new_reports"], "categories": ["x" * 65]}

    status, answer = await post(resident, {**receiver.new_device().subscription(receiver.base_url), **choices})

    assert (status, answer["error"]["code"]) == (400, "request.invalid")


async def test_saving_the_same_choices_again_leaves_the_topic_rows_as_they_were(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    device = await subscribe(resident, receiver, topics=["new_reports"], categories=["pothole"])
    before = await PushTopic.all().values_list("id", flat=True)

    await post(resident, device.subscription(receiver.base_url))

    assert await PushTopic.all().values_list("id", flat=True) == before


async def test_a_device_past_the_limit_replaces_the_one_refreshed_longest_ago(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    app.config["SETTINGS"].push_max_devices = 3
    long_ago = datetime.now(UTC) - timedelta(days=400)
    for n in range(3):
        old = await PushSubscription.create(
            id=uuid.uuid4(), user_id=resident.user.id, endpoint=f"https://push.example.org/{n}",
            p256dh="x", auth="y",
        )
        await PushSubscription.filter(id=old.id).update(updated_at=long_ago + timedelta(days=n))

    await subscribe(resident, receiver)

    endpoints = await PushSubscription.filter(user_id=resident.user.id).values_list("endpoint", flat=True)
    assert len(endpoints) == 3
    assert "https://push.example.org/0" not in endpoints


async def test_proposal_topics_can_be_switched_off_on_one_device(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    await subscribe(resident, receiver)
    quiet = await subscribe(resident, receiver, topics=["my_reports"])

    devices = await (await resident.get("/api/push/subscriptions")).get_json()
    topics = {d["endpoint"]: d["topics"] for d in devices}

    assert topics.pop(receiver.base_url + quiet.path) == ["my_reports"]
    assert list(topics.values()) == [["delegations", "followed_issues", "my_reports"]]


async def test_subscribing_again_keeps_the_chosen_topics(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    device = await subscribe(resident, receiver, topics=["new_reports"], categories=["pothole"])

    status, answer = await post(resident, device.subscription(receiver.base_url))

    assert status == 200
    assert (answer["topics"], answer["categories"]) == (["new_reports"], ["pothole"])


async def test_an_endpoint_moves_to_the_account_now_signed_in_on_that_browser(
    app: Quart, resident: Person, other_resident: Person, receiver: Receiver
) -> None:
    device = await subscribe(resident, receiver)

    await post(other_resident, device.subscription(receiver.base_url))

    assert await PushSubscription.filter(user_id=other_resident.user.id).count() == 1
    assert await PushSubscription.filter(user_id=resident.user.id).count() == 0


async def test_messages_queued_for_the_person_signed_in_before_are_not_shown_to_the_next(
    app: Quart, resident: Person, other_resident: Person, receiver: Receiver
) -> None:
    device = await subscribe(resident, receiver)
    row = await PushSubscription.get(user_id=resident.user.id)
    # Held by Rita's quiet hours until the morning.
    await PushMessage.create(
        subscription_id=row.id, event_key="report:r1:v2", topic="my_reports",
        payload='{"title": "Your report: Pothole"}', due_at=2**42,
    )

    await post(other_resident, device.subscription(receiver.base_url))

    assert await PushMessage.filter(subscription_id=row.id, state="queued").count() == 0

DEVICE = "client-rita-phone-1"


async def test_a_new_endpoint_from_the_same_device_keeps_its_topics_and_filters(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    # The push service renewed the endpoint: the worker posts it with the device id
    # only, with no topics and no old subscription (Chrome gives none).
    choices = {"topics": ["new_reports"], "categories": ["pothole"], "area": [9.0, 45.3, 9.3, 45.6]}
    await subscribe(resident, receiver, client_id=DEVICE, **choices)
    renewed = {**receiver.new_device().subscription(receiver.base_url), "client_id": DEVICE}

    status, answer = await post(resident, renewed)

    assert status == 200
    assert {key: answer[key] for key in choices} == choices


async def test_a_new_endpoint_from_the_same_device_replaces_the_old_one(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    await subscribe(resident, receiver, client_id=DEVICE)
    renewed = receiver.new_device().subscription(receiver.base_url)

    await post(resident, {**renewed, "client_id": DEVICE})

    endpoints = await PushSubscription.all().values_list("endpoint", flat=True)
    assert endpoints == [renewed["endpoint"]]


async def test_one_endpoint_saved_for_the_first_time_twice_at_once_is_stored_once(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    body = receiver.new_device().subscription(receiver.base_url)

    answers = await asyncio.gather(*[post(resident, body) for _ in range(4)])

    assert sorted(status for status, _ in answers) == [200, 200, 200, 201]
    assert await PushSubscription.all().count() == 1


async def test_two_new_endpoints_of_one_device_saved_at_once_leave_one_of_them(
    app: Quart, resident: Person, receiver: Receiver
) -> None:
    bodies = [
        {**receiver.new_device().subscription(receiver.base_url), "client_id": DEVICE}
        for _ in range(2)
    ]

    answers = await asyncio.gather(*[post(resident, body) for body in bodies])

    # The second replaces the first in place, as a renewed endpoint does.
    assert sorted(status for status, _ in answers) == [200, 201]
    assert await PushSubscription.filter(client_id=DEVICE).count() == 1

async def test_another_persons_device_id_brings_them_none_of_its_choices(
    app: Quart, resident: Person, other_resident: Person, receiver: Receiver
) -> None:
    await subscribe(resident, receiver, client_id=DEVICE, topics=["new_reports"])
    body = {**receiver.new_device().subscription(receiver.base_url), "client_id": DEVICE}

    status, answer = await post(other_resident, body)

    assert (status, answer["topics"]) == (201, ["delegations", "followed_issues", "my_reports"])
    assert await PushSubscription.filter(user_id=resident.user.id).count() == 1


async def test_delete_removes_only_the_callers_own_subscription(
    app: Quart, resident: Person, other_resident: Person, receiver: Receiver
) -> None:
    device = await subscribe(resident, receiver)
    endpoint = {"endpoint": receiver.base_url + device.path}

    foreign = await other_resident.client().delete("/api/push/subscriptions", headers=other_resident.headers, json=endpoint)
    own = await resident.client().delete("/api/push/subscriptions", headers=resident.headers, json=endpoint)

    assert (foreign.status_code, own.status_code) == (404, 204)
    assert await PushSubscription.all().count() == 0


async def test_unknown_topic_is_refused(app: Quart, resident: Person, receiver: Receiver) -> None:
    body = {**receiver.new_device().subscription(receiver.base_url), "topics": ["everything"]}

    status, answer = await post(resident, body)

    assert (status, answer["error"]["code"]) == (400, "push.unknown_topic")


async def test_subscribing_needs_a_signed_in_person(app: Quart, receiver: Receiver) -> None:
    response = await app.test_client().post("/api/push/subscriptions", json=receiver.new_device().subscription(receiver.base_url))

    assert response.status_code == 401


async def test_quiet_hours_are_kept_per_person(app: Quart, resident: Person) -> None:
    body = {"quiet_hours": {"start": "22:00", "end": "07:00"}, "timezone": "Europe/Rome"}

    await resident.put("/api/push/preferences", json=body)
    answer = await (await resident.get("/api/push/preferences")).get_json()

    assert answer == body


async def test_quiet_hours_must_be_clock_times(app: Quart, resident: Person) -> None:
    response = await resident.put("/api/push/preferences", json={"quiet_hours": {"start": "25:00", "end": "07:00"}})

    assert (await response.get_json())["error"]["code"] == "push.bad_quiet_hours"


async def test_quiet_hours_that_start_when_they_end_are_refused(app: Quart, resident: Person) -> None:
    # Equal bounds hold nothing; stored, they showed as quiet hours "22:00 to 22:00".
    body = {"quiet_hours": {"start": "22:00", "end": "22:00"}, "timezone": "UTC"}

    response = await resident.put("/api/push/preferences", json=body)

    assert response.status_code == 400
    assert (await response.get_json())["error"]["code"] == "push.quiet_hours_empty"


async def test_quiet_hours_take_only_ascii_digits(app: Quart, resident: Person) -> None:
    body = {"quiet_hours": {"start": "1\u0669:00", "end": "07:00"}, "timezone": "UTC"}

    response = await resident.put("/api/push/preferences", json=body)

    assert (await response.get_json())["error"]["code"] == "push.bad_quiet_hours"


async def test_two_devices_setting_preferences_for_the_first_time_at_once_both_succeed(
    app: Quart, resident: Person
) -> None:
    body = {"quiet_hours": {"start": "22:00", "end": "07:00"}, "timezone": "Europe/Rome"}

    answers = await asyncio.gather(
        *[resident.put("/api/push/preferences", json=body) for _ in range(5)]
    )

    assert [a.status_code for a in answers] == [200] * 5


async def test_the_public_key_is_served_for_push_manager_subscribe(app: Quart) -> None:
    answer = await (await app.test_client().get("/api/push/key")).get_json()

    assert answer["public_key"] == app.config["VAPID"].public_key and len(answer["public_key"]) == 87


async def test_the_key_answer_lists_the_proposal_topics_a_device_may_choose(app: Quart) -> None:
    answer = await (await app.test_client().get("/api/push/key")).get_json()

    assert {"followed_issues", "delegations"} <= set(answer["topics"])


async def test_a_time_zone_that_is_no_place_is_refused(app: Quart, resident: Person) -> None:
    # ZoneInfo opens "localtime" (the server's own zone) and "Factory" too.
    body = {"quiet_hours": {"start": "22:00", "end": "07:00"}, "timezone": "localtime"}

    response = await resident.put("/api/push/preferences", json=body)

    assert (await response.get_json())["error"]["code"] == "push.bad_timezone"
