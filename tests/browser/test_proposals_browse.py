"""The proposals screens in Chromium against a real server: browsing from a unit
to an initiative, support and suggestions made offline and sent once, ratings,
new drafts and initiatives, refusals in the person's language, safe texts,
accessibility and complete translations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.pages import expect_outbox
from tests.browser.proposal_helpers import (
    initiative,
    make_place,
    open_path,
    propose,
    put,
    settled,
    sign_in,
    tick,
)
from tests.browser.test_accessibility import AXE, axe_violations

pytestmark = pytest.mark.browser
HOUR = timedelta(hours=1)


def test_member_browses_from_unit_to_area_to_issue_to_initiative_also_offline(
    server: Server, browser: Any
) -> None:
    place = make_place(server)
    author = server.create_user("resident", "Ada Initiator")
    propose(server, author["token"], place, name="Bike lanes on Via Roma")
    member = sign_in(server, browser, "Rita")
    page = open_path(member, server, "/")

    page.get_by_test_id("nav-proposals").click()
    expect(page.get_by_test_id("unit")).to_contain_text("Milano")
    page.get_by_test_id("area-link").filter(has_text="Mobility").click()
    page.get_by_test_id("issue-link").filter(has_text="Bike lanes").click()
    expect(page.get_by_test_id("issue-phase")).to_have_text("Admission")
    expect(page.get_by_test_id("quorum")).to_contain_text("1 of 1 supporters")
    page.get_by_test_id("initiative-link").click()
    expect(page.get_by_test_id("initiators")).to_contain_text("Ada Initiator")
    expect(page.get_by_test_id("support-counts")).to_contain_text(
        "1 supporter, 1 of them satisfied"
    )

    member.context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("draft").locator("strong")).to_have_text("bike lanes")
    page.get_by_test_id("back").click()
    page.get_by_test_id("back").click()
    expect(page.get_by_role("heading", name="Mobility")).to_be_visible()
    expect(page.get_by_test_id("area-unit")).to_have_text("Milano")


def test_support_given_offline_reaches_the_server_exactly_once(
    server: Server, browser: Any
) -> None:
    place = make_place(server)
    author = server.create_user("resident", "Ada")
    _, initiative_id = propose(server, author["token"], place)
    member = sign_in(server, browser, "Rita")
    page = open_path(
        member, server, f"/proposals/initiatives/{initiative_id}", ready="draft"
    )

    member.context.set_offline(True)
    page.get_by_test_id("support-button").click()
    expect(page.get_by_test_id("support")).to_contain_text("Waiting to be sent")
    expect_outbox(page, 1)
    member.context.set_offline(False)
    expect_outbox(page, 0)
    settled(page)

    expect(page.get_by_test_id("support-state")).to_have_text(
        "You support this initiative."
    )
    assert initiative(server, author["token"], initiative_id)["supporter_count"] == 2
    page.reload()
    settled(page)
    assert initiative(server, author["token"], initiative_id)["supporter_count"] == 2


def test_must_left_out_of_the_draft_counts_the_member_as_not_satisfied(
    server: Server, browser: Any
) -> None:
    place = make_place(server)
    author = server.create_user("resident", "Ada")
    _, initiative_id = propose(server, author["token"], place)
    server.api(
        f"/api/proposals/initiatives/{initiative_id}/suggestions",
        author["token"],
        {"name": "Keep the bus stops", "content": "", "degree": 1},
    )
    member = sign_in(server, browser, "Rita")
    page = open_path(member, server, f"/proposals/initiatives/{initiative_id}")

    suggestion = page.get_by_test_id("suggestion").filter(has_text="Keep the bus stops")
    suggestion.get_by_test_id("opinion-degree").select_option("2")
    suggestion.get_by_test_id("opinion-fulfilled").select_option("0")
    suggestion.get_by_test_id("opinion-save").click()
    expect_outbox(page, 0)
    settled(page)

    expect(page.get_by_test_id("support-counts")).to_have_text(
        "2 supporters, 1 of them satisfied"
    )
    expect(suggestion.get_by_test_id("not-satisfied")).to_be_visible()
    expect(suggestion.get_by_test_id("opinion-must")).to_contain_text("1 (0 fulfilled)")


def test_suggestion_added_offline_arrives_once_back_online(
    server: Server, browser: Any
) -> None:
    place = make_place(server)
    author = server.create_user("resident", "Ada")
    _, initiative_id = propose(server, author["token"], place)
    member = sign_in(server, browser, "Rita")
    page = open_path(
        member, server, f"/proposals/initiatives/{initiative_id}", ready="draft"
    )

    member.context.set_offline(True)
    page.get_by_test_id("suggestion-name-input").fill("Green paint at crossings")
    page.get_by_test_id("suggestion-content").fill("So drivers *see* the lane.")
    page.get_by_test_id("suggestion-add").click()
    expect(page.get_by_test_id("pending-suggestion")).to_contain_text("Green paint")
    member.context.set_offline(False)
    expect_outbox(page, 0)
    settled(page)

    expect(
        page.get_by_test_id("suggestion").filter(has_text="Green paint")
    ).to_be_visible()
    names = [
        s["name"]
        for s in initiative(server, author["token"], initiative_id)["suggestions"]
    ]
    assert names == ["Green paint at crossings"]


def test_new_draft_by_an_initiator_tells_a_supporter_the_draft_changed(
    server: Server, browser: Any
) -> None:
    place = make_place(server)
    initiator = sign_in(server, browser, "Ada")
    supporter = sign_in(server, browser, "Rita")
    _, initiative_id = propose(server, initiator.token, place)
    put(
        server,
        f"/api/proposals/initiatives/{initiative_id}/support",
        supporter.token,
        {},
    )
    page = open_path(initiator, server, f"/proposals/initiatives/{initiative_id}")

    page.get_by_test_id("new-draft").click()
    page.get_by_test_id("draft-content").fill("Paint bike lanes on **both** sides.")
    page.get_by_test_id("draft-save").click()
    expect_outbox(page, 0)
    seen = open_path(supporter, server, f"/proposals/initiatives/{initiative_id}")

    expect(seen.get_by_test_id("draft-changed")).to_be_visible()
    expect(seen.get_by_test_id("draft").locator("strong")).to_have_text("both")
    seen.get_by_test_id("support-new-draft").click()
    expect(seen.get_by_test_id("support-state")).to_have_text(
        "You support this initiative.", timeout=20_000
    )
    assert (
        initiative(server, supporter.token, initiative_id)["support_outdated"] is False
    )


def test_new_initiative_opens_a_new_issue_in_the_chosen_area(
    server: Server, browser: Any
) -> None:
    place = make_place(server)
    member = sign_in(server, browser, "Rita")
    page = open_path(member, server, "/proposals")

    page.get_by_test_id("new-initiative").first.click()
    page.get_by_test_id("compose-area").select_option(place.area["id"])
    page.get_by_test_id("compose-policy").select_option(place.policy["id"])
    page.get_by_test_id("compose-name").fill("Benches in Piazza Duomo")
    page.get_by_test_id("compose-content").fill("Ten benches in the shade.")
    page.get_by_test_id("compose-save").click()
    expect_outbox(page, 0)
    settled(page)

    expect(page.get_by_test_id("initiative-card")).to_contain_text(
        "Benches in Piazza Duomo"
    )
    expect(page.get_by_test_id("issue-phase")).to_have_text("Admission")
    issues = server.api("/api/proposals/issues", member.token)
    assert [i["area"]["name"] for i in issues] == ["Mobility"]


def test_draft_sent_after_the_discussion_ended_shows_why_in_italian(
    server: Server, browser: Any
) -> None:
    place = make_place(server)
    initiator = sign_in(server, browser, "Ada", locale="it-IT")
    _, initiative_id = propose(server, initiator.token, place)
    tick(server, timedelta(minutes=1))  # admitted to discussion
    page = open_path(
        initiator, server, f"/proposals/initiatives/{initiative_id}", ready="new-draft"
    )

    initiator.context.set_offline(True)
    page.get_by_test_id("new-draft").click()
    page.get_by_test_id("draft-content").fill("A later text")
    page.get_by_test_id("draft-save").click()
    tick(server, 2 * HOUR)  # the discussion ends while the phone is offline
    initiator.context.set_offline(False)
    expect_outbox(page, 0)

    expect(page.get_by_test_id("refusal-reason")).to_have_text(
        "La discussione era terminata: testi e suggerimenti non possono più cambiare."
    )


def test_texts_show_only_the_servers_safe_html_never_raw_markup(
    server: Server, browser: Any
) -> None:
    place = make_place(server)
    member = sign_in(server, browser, "Rita")
    _, initiative_id = propose(
        server,
        member.token,
        place,
        content='# Plan\n\n<img src=x onerror="window.pwned=1">\n\n'
        "<script>window.pwned=2</script>\n\nPaint **bold** lanes.",
    )
    page = open_path(member, server, f"/proposals/initiatives/{initiative_id}")
    draft = page.get_by_test_id("draft")

    expect(draft.locator("strong")).to_have_text("bold")
    expect(draft.locator("h3")).to_have_text("Plan")
    expect(draft).to_contain_text('<img src=x onerror="window.pwned=1">')
    assert draft.locator("img, script").count() == 0
    assert page.evaluate("window.pwned === undefined")


def test_proposals_screens_have_no_axe_violations(server: Server, browser: Any) -> None:
    if not AXE.exists():
        pytest.skip("axe-core is missing: run `cd pwa && npm ci`")
    place = make_place(server)
    # axe is injected as a script tag, which the app's CSP rightly refuses.
    member = sign_in(server, browser, "Ada", bypass_csp=True)
    issue_id, initiative_id = propose(server, member.token, place)
    server.api(
        f"/api/proposals/initiatives/{initiative_id}/suggestions",
        member.token,
        {"name": "Keep the bus stops", "content": "Behind the *stops*.", "degree": 2},
    )
    screens = {
        "units": "/proposals",
        "area": f"/proposals/areas/{place.area['id']}",
        "issue": f"/proposals/issues/{issue_id}",
        "initiative": f"/proposals/initiatives/{initiative_id}",
        "new initiative": "/proposals/new",
        "new draft": f"/proposals/initiatives/{initiative_id}/draft",
    }
    found = {}

    for screen, path in screens.items():
        page = open_path(member, server, path)
        page.locator("main h1").wait_for()
        found[screen] = axe_violations(page)

    assert {screen: v for screen, v in found.items() if v} == {}


RAW_KEY = re.compile(r"\b(?:proposals|mutation)\.[a-z_.]+")


def test_proposals_screens_have_every_string_in_the_four_languages(
    server: Server, browser: Any
) -> None:
    place = make_place(server)
    author = server.create_user("resident", "Ada")
    issue_id, initiative_id = propose(server, author["token"], place)
    server.api(
        f"/api/proposals/initiatives/{initiative_id}/suggestions",
        author["token"],
        {"name": "Keep the bus stops", "content": "", "degree": 2},
    )
    raw: dict[str, list[str]] = {}

    for locale in ("en-GB", "it-IT", "de-DE", "el-GR"):
        member = sign_in(server, browser, f"Reader {locale}", locale=locale)
        for path in (
            "/proposals",
            f"/proposals/issues/{issue_id}",
            f"/proposals/initiatives/{initiative_id}",
            "/proposals/new",
        ):
            page = open_path(member, server, path)
            page.locator("main h1").wait_for()
            raw[f"{locale} {path}"] = RAW_KEY.findall(page.locator("body").inner_text())
        member.context.close()

    assert {where: keys for where, keys in raw.items() if keys} == {}


def demo_screens(page: Any) -> Iterator[str]:
    """Walk from the units to an area, an issue and an initiative; yield at each."""
    for step in ("area-link", "issue-link", "initiative-link"):
        # Mark the screen we leave, so that we read the next one, not this one.
        page.locator("main h1").wait_for()
        page.evaluate("document.querySelector('main h1').dataset.left = 'yes'")
        page.get_by_test_id(step).first.click()
        page.locator("main h1:not([data-left])").wait_for()
        settled(page)
        yield step


def test_demo_proposals_fit_a_320_px_phone_without_scrolling_sideways(
    server: Server, browser: Any
) -> None:
    server.cli("seed-demo")
    member = sign_in(
        server, browser, "Rita", locale="de-DE", viewport={"width": 320, "height": 640}
    )
    page = open_path(member, server, "/proposals")
    wide: dict[str, int] = {}

    for step in demo_screens(page):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide[step] = width

    assert wide == {}


def test_a_guest_reading_the_demo_never_sees_null_or_undefined_written_out(
    server: Server, browser: Any
) -> None:
    # Guests get no suggestion form: the screen once appended that missing form
    # with the DOM's own append(), which writes null as the word "null".
    server.cli("seed-demo")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server.base_url + "/proposals")
    settled(page)
    words: dict[str, list[str]] = {}

    for step in demo_screens(page):
        text = page.locator("main").inner_text()
        words[step] = re.findall(r"\b(?:null|undefined|NaN)\b", text)

    assert {step: found for step, found in words.items() if found} == {}
