"""Every control on the main screens is at least 44 by 44 CSS px, on a phone
for residents and on a tablet for staff: a field worker taps with a thumb,
often in gloves or on the move (WCAG 2.5.5, target size).

A link inside running text is excepted, as WCAG 2.5.8 excepts inline targets:
its height is the line's, and making it taller would pull the lines apart.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import Server
from tests.browser.pages import MILAN, PHONE, TABLET

pytestmark = pytest.mark.browser

MIN_PX = 44

# Answers the visible controls smaller than `min` CSS px either way.
SMALL_TARGETS = """(min) => {
  const controls = document.querySelectorAll(
    'button, a[href], input:not([type=hidden]), select, [role=button], summary'
  );
  const small = [];
  for (const el of controls) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    // Not shown: hidden, or visually hidden for screen readers only, or
    // parked off screen until focused (the skip link).
    if (box.width <= 1 || box.height <= 1) continue;
    if (style.visibility === 'hidden' || el.closest('[hidden]')) continue;
    if (box.bottom <= 0 || box.right <= 0) continue;
    // A link within a sentence: the inline exception.
    if (el.tagName === 'A' && style.display === 'inline') {
      const text = el.parentElement?.textContent.replace(el.textContent, '');
      if (text && text.trim()) continue;
    }
    // A checkbox or radio is tapped through its label as well.
    let target = box;
    if (el.labels?.length) {
      const label = el.labels[0].getBoundingClientRect();
      target = {
        width: Math.max(box.right, label.right) - Math.min(box.left, label.left),
        height: Math.max(box.bottom, label.bottom) - Math.min(box.top, label.top),
      };
    }
    if (target.width < min - 0.5 || target.height < min - 0.5) {
      const name = el.dataset.testid ?? el.className ?? '';
      small.push(`${el.tagName.toLowerCase()}[${name}] ` +
        `${Math.round(target.width)}x${Math.round(target.height)}`);
    }
  }
  return small;
}"""


def small_targets(page: Any) -> list[str]:
    return page.evaluate(SMALL_TARGETS, MIN_PX)  # type: ignore[no-any-return]


def test_every_control_on_the_residents_screens_is_44_px_on_a_phone(
    server: Server, browser: Any
) -> None:
    server.cli("seed-demo")
    context = browser.new_context(
        viewport=PHONE, permissions=["geolocation"], geolocation=MILAN, locale="en-GB"
    )
    page = context.new_page()
    page.goto(server.base_url + "/")
    found: dict[str, list[str]] = {}

    page.get_by_test_id("location-coords").filter(has_text="45.46").wait_for()
    found["new report"] = small_targets(page)
    for link, screen in [("nav-mine", "my-reports"), ("nav-map", "report-map")]:
        page.get_by_test_id(link).click()
        page.get_by_test_id(screen).wait_for()
        found[screen] = small_targets(page)
    page.get_by_test_id("nav-proposals").click()
    page.get_by_test_id("issue-list").or_(
        page.get_by_test_id("issues-empty")
    ).wait_for()
    found["proposals"] = small_targets(page)
    page.get_by_test_id("nav-mine").click()
    page.get_by_test_id("notify-link").click()
    page.get_by_test_id("push-save").wait_for()
    found["notifications"] = small_targets(page)

    assert {screen: small for screen, small in found.items() if small} == {}


def test_every_control_on_the_staff_screens_is_44_px_on_a_tablet(
    server: Server, browser: Any
) -> None:
    server.cli("seed-demo")
    sam = server.create_user("staff", "Sam")
    page = browser.new_context(viewport=TABLET, locale="en-GB").new_page()
    page.goto(server.base_url + urlsplit(sam["signin_url"]).path)
    found: dict[str, list[str]] = {}

    page.get_by_test_id("nav-staff").click()
    page.get_by_test_id("staff-pick").first.check()
    page.get_by_test_id("bulk-apply").wait_for()
    found["staff list"] = small_targets(page)
    page.get_by_test_id("staff-report").first.click()
    page.get_by_test_id("report-detail").wait_for()
    found["staff report"] = small_targets(page)
    page.get_by_test_id("nav-map").click()
    page.get_by_test_id("report-map").wait_for()
    found["staff map"] = small_targets(page)

    assert {screen: small for screen, small in found.items() if small} == {}
