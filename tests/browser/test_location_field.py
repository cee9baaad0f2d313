"""The report's location: refined until it is within 20 m or the person accepts
it, its accuracy shown all along, and a pin placed by hand saved as manual."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.pages import resident_context

pytestmark = pytest.mark.browser

# Chromium's own emulation gives one fixed position; a phone's fix improves
# over a minute. This stands in for navigator.geolocation so that a test sends
# each reading itself and can see whether the page still watches.
FAKE_GEOLOCATION = """(() => {
  const watchers = new Map();
  let next = 1;
  const geolocation = {
    watchPosition(success) {
      watchers.set(next, success);
      return next++;
    },
    clearWatch(id) {
      watchers.delete(id);
    },
    getCurrentPosition() {},
  };
  Object.defineProperty(navigator, 'geolocation', { get: () => geolocation });
  window.fakeGeolocation = {
    send(latitude, longitude, accuracy) {
      const coords = { latitude, longitude, accuracy };
      for (const success of [...watchers.values()]) {
        success({ coords, timestamp: Date.now() });
      }
    },
    watching: () => watchers.size,
  };
})()"""

READ_QUEUED_LOCATION = """async () => {
  const open = indexedDB.open('wegovnow');
  await new Promise((ok) => (open.onsuccess = ok));
  const read = open.result.transaction('outbox').objectStore('outbox').getAll();
  await new Promise((ok) => (read.onsuccess = ok));
  return read.result.map((item) => item.mutation.args.location);
}"""


def open_form(server: Server, browser: Any) -> Any:
    server.cli("seed-demo")
    context = resident_context(browser)
    context.add_init_script(FAKE_GEOLOCATION)
    # No map tiles from the internet in tests; the pin works without them.
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    page.goto(server.base_url + "/")
    page.get_by_test_id("location-status").filter(has_text="Finding").wait_for()
    return page


def send(page: Any, latitude: float, longitude: float, accuracy: float) -> None:
    page.evaluate(
        "([lat, lon, accuracy]) => window.fakeGeolocation.send(lat, lon, accuracy)",
        [latitude, longitude, accuracy],
    )


def watching(page: Any) -> int:
    return int(page.evaluate("window.fakeGeolocation.watching()"))


def save_offline(page: Any) -> dict[str, Any]:
    """Save the report with the network gone (so it stays in the outbox) and
    answer the location it was queued with."""
    page.context.set_offline(True)
    page.get_by_test_id("category-streetlight").click()
    page.get_by_test_id("description").fill("Lamp out")
    page.get_by_test_id("save-report").click()
    expect(page.get_by_test_id("report-message")).to_contain_text("Saved")
    (location,) = page.evaluate(READ_QUEUED_LOCATION)
    return location  # type: ignore[no-any-return]


def test_the_accuracy_is_shown_while_the_position_is_refined(
    server: Server, browser: Any
) -> None:
    page = open_form(server, browser)

    send(page, 45.4642, 9.19, 65)

    expect(page.get_by_test_id("location-status")).to_have_text(
        "Location accurate to 65 m, improving…"
    )


def test_the_position_is_still_watched_while_poorer_than_20_m(
    server: Server, browser: Any
) -> None:
    page = open_form(server, browser)

    send(page, 45.4642, 9.19, 65)
    send(page, 45.4643, 9.19, 21)

    expect(page.get_by_test_id("location-status")).to_contain_text("21 m")
    assert watching(page) == 1


def test_watching_stops_once_the_position_is_within_20_m(
    server: Server, browser: Any
) -> None:
    page = open_form(server, browser)

    send(page, 45.4642, 9.19, 65)
    send(page, 45.4643, 9.19, 20)

    expect(page.get_by_test_id("location-status")).to_have_text(
        "Location accurate to 20 m"
    )
    assert watching(page) == 0


def test_the_person_can_accept_a_poorer_position(
    server: Server, browser: Any
) -> None:
    page = open_form(server, browser)
    send(page, 45.4642, 9.19, 65)

    page.get_by_test_id("location-accept").click()

    assert watching(page) == 0
    assert save_offline(page)["accuracy"] == 65


def test_a_pin_placed_by_hand_is_queued_as_manual(
    server: Server, browser: Any
) -> None:
    page = open_form(server, browser)
    send(page, 45.4642, 9.19, 8)
    expect(page.locator(".map-pin")).to_be_visible(timeout=20_000)

    # A tap on the map, away from the pin, moves the pin there.
    page.get_by_test_id("location-map").click(position={"x": 60, "y": 60})
    expect(page.get_by_test_id("location-status")).to_have_text(
        "Location set on the map"
    )

    location = save_offline(page)
    assert location["manual"] is True
    assert location["lat"] != 45.4642
