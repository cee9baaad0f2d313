"""Steps shared by the browser tests, in the words of the app's screens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

PHOTO = Path(__file__).resolve().parents[1] / "fixtures" / "photos" / "htc_desire_gps_parking_lot.jpg"
MILAN = {"latitude": 45.4642, "longitude": 9.19, "accuracy": 8}
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}


def resident_context(browser: Any, **options: Any) -> Any:
    return browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
        permissions=["geolocation"],
        geolocation=MILAN,
        **options,
    )


def wait_until_controlled(page: Any) -> None:
    """The service worker controls the page: a reload offline will work.

    Polled with evaluate: the app's CSP forbids the eval that
    wait_for_function would need, and the tests keep that CSP on.
    """
    for _ in range(100):
        if page.evaluate("navigator.serviceWorker.controller !== null"):
            return
        page.wait_for_timeout(200)
    raise AssertionError("the service worker never took control of the page")


def expect_outbox(page: Any, count: int) -> None:
    expect(page.get_by_test_id("outbox-count")).to_have_text(str(count), timeout=20_000)


def synced(page: Any) -> None:
    """The first sync is done: the reports and areas are on the device."""
    page.get_by_test_id("sync-status").filter(has_text="Synced").wait_for(
        timeout=30_000
    )


def fill_report(page: Any, description: str, photo: Path | None = PHOTO) -> None:
    """Fill the new report form once the position is known, and save it."""
    page.get_by_test_id("location-coords").filter(has_text="45.46").wait_for()
    page.get_by_test_id("category-streetlight").click()
    if photo is not None:
        page.get_by_test_id("photo-input").set_input_files(str(photo))
        page.get_by_test_id("photo-previews").locator("li").wait_for()
    page.get_by_test_id("description").fill(description)
    page.get_by_test_id("save-report").click()
    expect(page.get_by_test_id("report-message")).to_contain_text("Saved")


def watch_console(page: Any, problems: list[str]) -> None:
    """Print the page's console (pytest shows it on failure); collect CSP
    violations and uncaught errors into `problems`."""

    def on_console(message: Any) -> None:
        print(f"[{message.type}] {message.text}")
        if "Content Security Policy" in message.text:
            problems.append(message.text)

    def on_error(error: Any) -> None:
        print(f"[pageerror] {error}")
        problems.append(str(error))

    page.on("console", on_console)
    page.on("pageerror", on_error)
    # The app's debug log says why each sync ran; shown when a test fails.
    page.add_init_script("localStorage.setItem('wgn-debug', '1')")
