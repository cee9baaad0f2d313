"""The app and its service worker keep the server's copy of this device's push
subscription right, with the topics the person chose.

No push service answers here (TESTING.md), so ``PushManager`` is replaced at its
narrowest point: ``subscribe`` answers a subscription whose keys the test made,
pointing at a loopback address the server is told to accept, and
``getSubscription`` answers the last one made. In the page it is an init script;
in the service worker, code run there with Playwright's ``Worker.evaluate``.
``Notification.requestPermission`` is replaced too, to count the prompts the app
opens and to agree to them. Everything else (the app, the worker's listeners, the
server) runs unchanged.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server, running_server
from tests.browser.pages import PHONE, wait_until_controlled, watch_console
from tests.push.receiver import Receiver

pytestmark = pytest.mark.browser

FAKE_PUSH_MANAGER = """(made) => {
  // A page keeps its subscription across reloads, as a browser does; the
  // worker, which has no sessionStorage, starts with none.
  const kept = typeof sessionStorage === 'undefined' ? null : sessionStorage;
  let current = kept?.getItem('fake-push') === made.endpoint;
  const subscription = () => ({
    endpoint: made.endpoint,
    expirationTime: null,
    toJSON: () => made,
    unsubscribe: async () => {
      kept?.removeItem('fake-push');
      current = false;
      return true;
    },
  });
  PushManager.prototype.subscribe = async () => {
    kept?.setItem('fake-push', made.endpoint);
    current = true;
    return subscription();
  };
  PushManager.prototype.getSubscription = async () =>
    current ? subscription() : null;
}"""

# Counts the permission prompts the app opens, across page loads, and answers
# as a person who agrees would.
COUNT_PERMISSION_PROMPTS = """(() => {
  Notification.requestPermission = async () => {
    const asked = Number(sessionStorage.getItem('asked') ?? 0);
    sessionStorage.setItem('asked', String(asked + 1));
    return 'granted';
  };
})()"""
PROMPTS = "Number(sessionStorage.getItem('asked') ?? 0)"
CURRENT_ENDPOINT = """navigator.serviceWorker.ready
    .then((r) => r.pushManager.getSubscription())
    .then((s) => s && s.endpoint)"""

# Chrome fires the event with no old and no new subscription. Being untrusted,
# its waitUntil throws in the listener after the renewal has started; the test
# then watches the server, not the event.
SUBSCRIPTION_CHANGED = """(made) => {
  (%s)(made);
  self.dispatchEvent(new ExtendableEvent('pushsubscriptionchange'));
}""" % FAKE_PUSH_MANAGER


@pytest.fixture
def push_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """A server that takes push endpoints on loopback, where the fakes point."""
    monkeypatch.setenv("WEGOVNOW_PUSH_ALLOW_LOOPBACK", "on")
    with running_server(tmp_path) as running:
        yield running


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver("mailto:tests@wegovnow.example.org").start()
    yield running
    running.stop()


def app_page(
    server: Server,
    browser: Any,
    person: dict[str, Any],
    made: dict[str, Any],
    problems: list[str],
    permissions: list[str] | None = None,
) -> Any:
    """A signed-in page whose browser subscribes to `made`."""
    context = browser.new_context(
        viewport=PHONE, locale="en-GB", permissions=permissions or []
    )
    context.add_init_script(script=f"({FAKE_PUSH_MANAGER})({json.dumps(made)})")
    context.add_init_script(script=COUNT_PERMISSION_PROMPTS)
    page = context.new_page()
    watch_console(page, problems)
    page.goto(server.base_url + urlsplit(person["signin_url"]).path)
    wait_until_controlled(page)
    return page


def service_worker(page: Any) -> Any:
    workers = page.context.service_workers
    return workers[0] if workers else page.context.wait_for_event("serviceworker")


def server_devices(server: Server, person: dict[str, Any]) -> list[dict[str, Any]]:
    return server.api("/api/push/subscriptions", person["token"])  # type: ignore[no-any-return]


def wait_for_endpoint(
    page: Any, server: Server, person: dict[str, Any], endpoint: str
) -> list[dict[str, Any]]:
    """The person's devices once the server holds `endpoint`."""
    devices: list[dict[str, Any]] = []
    for _ in range(100):
        devices = server_devices(server, person)
        if any(d["endpoint"] == endpoint for d in devices):
            return devices
        page.wait_for_timeout(100)
    raise AssertionError(f"the server never got {endpoint}: {devices}")


def forget_device(server: Server, person: dict[str, Any], endpoint: str) -> None:
    request = urllib.request.Request(
        server.base_url + "/api/push/subscriptions",
        data=json.dumps({"endpoint": endpoint}).encode(),
        headers={
            "Authorization": f"Bearer {person['token']}",
            "Content-Type": "application/json",
        },
        method="DELETE",
    )
    urllib.request.urlopen(request, timeout=10).close()


def choose_topics(page: Any, server: Server, wanted: set[str]) -> None:
    page.goto(server.base_url + "/settings/notifications")
    expect(page.get_by_test_id("push-save")).to_be_visible()
    for box in page.locator('input[type="checkbox"]').all():
        box.set_checked(box.get_attribute("name") in wanted)
    page.get_by_test_id("push-save").click()
    expect(page.get_by_test_id("push-status")).to_have_text("Saved.")


def test_a_renewed_subscription_keeps_the_topics_chosen_on_the_device(
    push_server: Server, browser: Any, receiver: Receiver
) -> None:
    rita = push_server.create_user("resident", "Rita")
    first = receiver.new_device().subscription(receiver.base_url)
    renewed = receiver.new_device().subscription(receiver.base_url)
    problems: list[str] = []
    page = app_page(push_server, browser, rita, first, problems, ["notifications"])
    choose_topics(page, push_server, {"my_reports", "new_reports"})

    service_worker(page).evaluate(SUBSCRIPTION_CHANGED, renewed)
    devices = wait_for_endpoint(page, push_server, rita, renewed["endpoint"])

    assert [(d["endpoint"], d["topics"]) for d in devices] == [
        (renewed["endpoint"], ["my_reports", "new_reports"])
    ]
    assert problems == []


def demo_areas(server: Server) -> list[dict[str, Any]]:
    """The demo's map areas (id, name, code), loaded by ``seed-demo``."""
    with urllib.request.urlopen(server.base_url + "/api/areas", timeout=10) as answer:
        return [f["properties"] for f in json.loads(answer.read())["features"]]


def assign_areas(server: Server, person: dict[str, Any], codes: list[str]) -> None:
    """An admin says which areas a staff member works in, as the admin screen does."""
    admin = server.create_user("admin", "Ada")
    request = urllib.request.Request(
        f"{server.base_url}/api/admin/users/{person['id']}/role",
        data=json.dumps({"role": "staff", "areas": codes}).encode(),
        headers={
            "Authorization": f"Bearer {admin['token']}",
            "Content-Type": "application/json",
        },
        method="PUT",
    )
    urllib.request.urlopen(request, timeout=10).close()


def test_staff_who_tap_notify_me_hear_of_new_reports_in_the_areas_they_work_in(
    push_server: Server, browser: Any, receiver: Receiver
) -> None:
    push_server.cli("seed-demo")
    ward = demo_areas(push_server)[0]
    sam = push_server.create_user("staff", "Sam")
    assign_areas(push_server, sam, [ward["code"]])
    problems: list[str] = []
    made = receiver.new_device().subscription(receiver.base_url)
    page = app_page(push_server, browser, sam, made, problems, ["notifications"])

    # Untouched, the screen must save what the server would give a new device,
    # not an empty (city-wide) choice.
    page.goto(push_server.base_url + "/settings/notifications")
    expect(page.get_by_test_id(f"map_area-{ward['id']}")).to_be_checked()
    page.get_by_test_id("push-save").click()
    expect(page.get_by_test_id("push-status")).to_have_text("Saved.")

    [device] = server_devices(push_server, sam)
    assert ("new_reports" in device["topics"], device["map_areas"]) == (True, [ward["id"]])
    assert problems == []


def test_a_resident_can_choose_new_reports_in_one_area_and_one_category(
    push_server: Server, browser: Any, receiver: Receiver
) -> None:
    push_server.cli("seed-demo")
    ward = demo_areas(push_server)[-1]
    rita = push_server.create_user("resident", "Rita")
    problems: list[str] = []
    made = receiver.new_device().subscription(receiver.base_url)
    page = app_page(push_server, browser, rita, made, problems, ["notifications"])

    page.goto(push_server.base_url + "/settings/notifications")
    page.get_by_test_id("topic-new_reports").check()
    page.get_by_test_id(f"map_area-{ward['id']}").check()
    page.get_by_test_id("category-pothole").check()
    page.get_by_test_id("push-save").click()
    expect(page.get_by_test_id("push-status")).to_have_text("Saved.")

    [device] = server_devices(push_server, rita)
    assert (device["map_areas"], device["categories"]) == ([ward["id"]], ["pothole"])
    assert problems == []


def test_the_app_asks_for_notification_permission_only_when_the_person_taps_notify_me(
    push_server: Server, browser: Any, receiver: Receiver
) -> None:
    rita = push_server.create_user("resident", "Rita")
    problems: list[str] = []
    made = receiver.new_device().subscription(receiver.base_url)
    page = app_page(push_server, browser, rita, made, problems)
    page.goto(push_server.base_url + "/settings/notifications")
    expect(page.get_by_test_id("push-save")).to_have_text("Notify me")
    before = page.evaluate(PROMPTS)

    page.get_by_test_id("push-save").click()
    expect(page.get_by_test_id("push-status")).to_have_text("Saved.")

    # Two app starts (sign-in and settings) asked nothing; the tap asked once.
    assert (before, page.evaluate(PROMPTS)) == (0, 1)
    assert problems == []


def test_every_app_start_gives_the_server_the_browsers_subscription_even_one_it_lost(
    push_server: Server, browser: Any, receiver: Receiver
) -> None:
    rita = push_server.create_user("resident", "Rita")
    problems: list[str] = []
    made = receiver.new_device().subscription(receiver.base_url)
    page = app_page(push_server, browser, rita, made, problems, ["notifications"])
    wait_for_endpoint(page, push_server, rita, made["endpoint"])
    forget_device(push_server, rita, made["endpoint"])
    assert server_devices(push_server, rita) == []

    page.reload()
    devices = wait_for_endpoint(page, push_server, rita, made["endpoint"])

    assert [d["endpoint"] for d in devices] == [page.evaluate(CURRENT_ENDPOINT)]
    assert problems == []
