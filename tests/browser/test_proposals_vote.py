"""The voting screens of proposals in a real browser against a real server:
the ballot (by keyboard, offline, late, with its warning that ballots become
public), delegation with its chain and the trustee's delegators, results that a
recount of the exported ballots agrees with, and the phase filter of the issue
list (here, where the server's own scheduler is off, phases hold still)."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server, running_server
from tests.browser.pages import PHONE, wait_until_controlled, watch_console
from tests.browser.test_accessibility import AXE, axe_violations
from tests.browser.voting_helpers import (
    call,
    issue_with_three,
    make_place,
    move_button,
    propose,
    settle,
    sign_in,
    tab_to,
    tally,
    tick_until,
    wait_until_voting_ends,
)

pytestmark = pytest.mark.browser

DAY = 86_400
RAW_KEY = re.compile(r"\b(?:ballot|delegation|results|mutation|proposal)\.[a-z_.]+\b")


@pytest.fixture
def voting_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """A server whose scheduler is off: only the test moves issues."""
    monkeypatch.setenv("WEGOVNOW_PROPOSALS_TICK_SECONDS", "0")
    with running_server(tmp_path) as running:
        yield running


def phone(browser: Any, **options: Any) -> Any:
    return browser.new_context(viewport=PHONE, locale="en-GB", **options)


def ballot_url(server: Server, issue: str) -> str:
    return f"{server.base_url}/proposals/issues/{issue}/ballot"


def arrange(page: Any, moves: list[tuple[str, str]]) -> None:
    for initiative, name in moves:
        page.locator(move_button(initiative, name)).click()


def test_member_ranks_three_initiatives_by_keyboard_and_the_server_stores_those_grades(
    voting_server: Server, browser: Any
) -> None:
    server = voting_server
    _, issue, (bikes, trees, benches) = issue_with_three(server, DAY)
    tick_until(server, issue, "voting")
    vera = server.create_user("resident", "Vera")
    page = phone(browser).new_page()
    problems: list[str] = []
    watch_console(page, problems)
    sign_in(page, server, vera)
    page.goto(ballot_url(server, issue))
    expect(page.get_by_test_id("ballot-item")).to_have_count(3)

    for initiative, name in [
        (trees, "approve"),
        (bikes, "approve"),
        (bikes, "up"),
        (benches, "reject"),
    ]:
        tab_to(page, move_button(initiative, name))
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("ballot-announce")).to_contain_text("Benches: rejected")
    tab_to(page, '[data-testid="ballot-send"]')
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("ballot-status")).to_have_attribute(
        "data-state", "applied", timeout=20_000
    )

    stored = call(server, "GET", f"/api/proposals/issues/{issue}/ballot", vera["token"])
    assert stored["grades"] == {bikes: 2, trees: 1, benches: -1}
    assert problems == []


def test_several_initiatives_can_share_a_rank(
    voting_server: Server, browser: Any
) -> None:
    server = voting_server
    _, issue, (bikes, trees, benches) = issue_with_three(server, DAY)
    tick_until(server, issue, "voting")
    vera = server.create_user("resident", "Vera")
    page = phone(browser).new_page()
    sign_in(page, server, vera)
    page.goto(ballot_url(server, issue))
    expect(page.get_by_test_id("ballot-item")).to_have_count(3)

    arrange(page, [(bikes, "approve"), (trees, "approve"), (trees, "tie")])
    page.get_by_test_id("ballot-send").click()
    expect(page.get_by_test_id("ballot-status")).to_have_attribute(
        "data-state", "applied", timeout=20_000
    )

    stored = call(server, "GET", f"/api/proposals/issues/{issue}/ballot", vera["token"])
    assert stored["grades"] == {bikes: 1, trees: 1, benches: 0}


def test_ballot_prepared_offline_survives_a_reload_and_is_sent_once_when_online(
    voting_server: Server, browser: Any
) -> None:
    server = voting_server
    _, issue, (bikes, trees, benches) = issue_with_three(server, DAY)
    tick_until(server, issue, "voting")
    vera = server.create_user("resident", "Vera")
    context = phone(browser)
    page = context.new_page()
    sign_in(page, server, vera)
    page.goto(ballot_url(server, issue))
    expect(page.get_by_test_id("ballot-item")).to_have_count(3)
    wait_until_controlled(page)

    context.set_offline(True)
    arrange(page, [(benches, "approve"), (bikes, "reject")])
    page.reload()
    expect(
        page.locator(
            f'[data-testid="ballot-approve"] [data-initiative="{benches}"]'
        ).first
    ).to_be_visible()
    expect(page.get_by_test_id("ballot-warning")).to_contain_text("offline")
    page.get_by_test_id("ballot-send").click()
    expect(page.get_by_test_id("ballot-status")).to_have_attribute(
        "data-state", "waiting"
    )
    context.set_offline(False)
    expect(page.get_by_test_id("ballot-status")).to_have_attribute(
        "data-state", "applied", timeout=30_000
    )

    stored = call(server, "GET", f"/api/proposals/issues/{issue}/ballot", vera["token"])
    assert stored["grades"] == {benches: 1, trees: 0, bikes: -1}
    sent = page.evaluate(
        """async () => {
          const db = await new Promise((ok) => { const r = indexedDB.open('wegovnow'); r.onsuccess = () => ok(r.result); });
          const all = await new Promise((ok) => { const r = db.transaction('outbox').objectStore('outbox').getAll(); r.onsuccess = () => ok(r.result); });
          return all.filter((i) => i.mutation.name === 'proposal.ballot.cast').map((i) => [i.state, i.result?.status]);
        }"""
    )
    assert sent == [["sent", "applied"]]


def test_ballot_prepared_offline_after_voting_closed_warns_shows_the_refusal_and_keeps_the_draft(
    voting_server: Server, browser: Any
) -> None:
    server = voting_server
    _, issue, (_, trees, _) = issue_with_three(server, 12)
    vera = server.create_user("resident", "Vera")
    context = phone(browser)
    page = context.new_page()
    sign_in(page, server, vera)
    wait_until_controlled(page)
    voting = tick_until(server, issue, "voting")
    page.goto(ballot_url(server, issue))
    expect(page.get_by_test_id("ballot-item")).to_have_count(3)
    settle(page)

    context.set_offline(True)
    wait_until_voting_ends(voting)
    arrange(page, [(trees, "approve")])
    expect(page.get_by_test_id("ballot-warning")).to_contain_text("Voting ended")
    page.get_by_test_id("ballot-send").click()
    expect(page.get_by_test_id("ballot-warning")).to_contain_text("will be refused")
    context.set_offline(False)

    expect(page.get_by_test_id("ballot-status")).to_have_attribute(
        "data-state", "refused", timeout=30_000
    )
    expect(page.get_by_test_id("ballot-refusal")).to_contain_text("too late")
    expect(
        page.locator(
            f'[data-testid="ballot-approve"] [data-initiative="{trees}"]'
        ).first
    ).to_be_visible()
    page.goto(server.base_url + "/mine")
    expect(
        page.get_by_test_id("attention-item").filter(has_text="Ballot")
    ).to_contain_text("too late")


def test_delegation_set_in_the_pwa_shows_the_chain_and_counts_for_the_trustee(
    voting_server: Server, browser: Any
) -> None:
    server = voting_server
    place = make_place(server, DAY)
    otto = server.create_user("resident", "Otto")
    issue, _ = propose(server, otto["token"], place, "Bike lanes")
    dora = server.create_user("resident", "Dora")
    page = phone(browser).new_page()
    sign_in(page, server, dora)
    page.goto(f"{server.base_url}/proposals/delegation?scope=issue&id={issue}")

    page.get_by_test_id("member-query").fill("ott")
    page.get_by_test_id("member-search-go").click()
    page.get_by_role("button", name="Delegate to Otto").click()

    expect(page.get_by_test_id("voice-reaches")).to_contain_text(
        "Otto, who takes part for you", timeout=20_000
    )
    expect(page.get_by_test_id("delegation-current")).to_contain_text(
        "Here you delegate to Otto"
    )
    trustee = call(
        server, "GET", f"/api/proposals/issues/{issue}/delegation", otto["token"]
    )
    assert (trustee["weight"], [m["name"] for m in trustee["i_represent"]]) == (
        2,
        ["Dora"],
    )


def test_a_trustee_sees_who_delegates_to_them(
    voting_server: Server, browser: Any
) -> None:
    server = voting_server
    place = make_place(server, DAY)
    otto = server.create_user("resident", "Otto")
    issue, _ = propose(server, otto["token"], place, "Bike lanes")
    dora = server.create_user("resident", "Dora")
    call(
        server,
        "PUT",
        "/api/proposals/delegations",
        dora["token"],
        {"scope": "issue", "target_id": issue, "trustee_id": otto["id"]},
    )
    page = phone(browser).new_page()
    sign_in(page, server, otto)

    page.goto(f"{server.base_url}/proposals/delegation?scope=issue&id={issue}")

    expect(page.get_by_test_id("i-represent").get_by_role("listitem")).to_have_text(
        ["Dora"], timeout=20_000
    )


def test_the_phase_filter_narrows_the_issue_list_to_one_phase(
    voting_server: Server, browser: Any
) -> None:
    server = voting_server
    place = make_place(server, DAY)
    rita = server.create_user("resident", "Rita")
    voting, _ = propose(server, rita["token"], place, "Bike lanes")
    tick_until(server, voting, "voting")
    propose(server, rita["token"], place, "Benches")  # stays in admission
    page = phone(browser).new_page()
    sign_in(page, server, rita)
    page.goto(f"{server.base_url}/proposals")
    cards = page.get_by_test_id("issue-card")
    expect(cards).to_have_count(2, timeout=20_000)

    page.get_by_test_id("phase-filter").first.select_option("voting")

    expect(cards.get_by_test_id("issue-link")).to_have_text(["Bike lanes"])


def test_the_ballot_screen_warns_that_ballots_become_public_after_the_vote(
    voting_server: Server, browser: Any
) -> None:
    server = voting_server
    _, issue, _ = issue_with_three(server, DAY)
    tick_until(server, issue, "voting")
    vera = server.create_user("resident", "Vera")
    page = phone(browser).new_page()
    sign_in(page, server, vera)

    page.goto(ballot_url(server, issue))

    expect(page.get_by_test_id("ballot-public")).to_have_text(
        "Ballots become public after the vote closes: anyone will be able to see"
        " how each member voted.",
        timeout=20_000,
    )


def test_delegation_chain_shows_as_last_known_offline_and_a_change_waits_for_the_network(
    voting_server: Server, browser: Any
) -> None:
    server = voting_server
    place = make_place(server, DAY)
    server.create_user("resident", "Otto")
    dora = server.create_user("resident", "Dora")
    context = phone(browser)
    page = context.new_page()
    sign_in(page, server, dora)
    url = f"{server.base_url}/proposals/delegation?scope=unit&id={place.unit_id}"
    page.goto(url)
    page.get_by_test_id("member-query").fill("Otto")
    page.get_by_test_id("member-search-go").click()
    page.get_by_role("button", name="Delegate to Otto").click()
    expect(page.get_by_test_id("voice-reaches")).to_contain_text("Otto", timeout=20_000)
    wait_until_controlled(page)

    context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("delegation-last-known")).to_be_visible()
    expect(page.get_by_test_id("voice-reaches")).to_contain_text("Otto")
    page.get_by_test_id("delegation-remove").click()
    expect(page.get_by_test_id("delegation-pending")).to_contain_text(
        "remove the delegation"
    )
    context.set_offline(False)
    expect(page.get_by_test_id("delegation-current")).to_contain_text(
        "You have not set a delegation here", timeout=30_000
    )


def counted_issue(server: Server) -> tuple[str, list[str], list[dict[str, Any]]]:
    """An issue voted on by three members and counted: Trees wins."""
    _, issue, (bikes, trees, benches) = issue_with_three(server, 8)
    voters = [server.create_user("resident", name) for name in ("Vera", "Walt", "Xena")]
    voting = tick_until(server, issue, "voting")
    ballots = [
        {trees: 3, bikes: 2, benches: -1},
        {trees: 2, benches: 1, bikes: 0},
        {bikes: 1, trees: 1, benches: -2},
    ]
    for voter, grades in zip(voters, ballots):
        call(
            server,
            "PUT",
            f"/api/proposals/issues/{issue}/ballot",
            voter["token"],
            {"grades": grades},
        )
    wait_until_voting_ends(voting)
    tick_until(server, issue, "finished_with_winner")
    return issue, [bikes, trees, benches], voters


def test_results_show_the_winner_and_matrix_that_a_recount_of_the_ballots_file_gives(
    voting_server: Server, browser: Any, tmp_path: Path
) -> None:
    server = voting_server
    issue, _, voters = counted_issue(server)
    page = phone(browser).new_page()
    sign_in(page, server, voters[0])
    page.goto(f"{server.base_url}/proposals/issues/{issue}/results")
    winner = page.get_by_test_id("results-winner")
    expect(winner).to_be_visible(timeout=20_000)

    href = page.get_by_test_id("results-ballots").get_attribute("href")
    path = tmp_path / "ballots.json"
    with urllib.request.urlopen(server.base_url + href, timeout=10) as response:
        path.write_bytes(response.read())
    recount = tally(path)
    cells = page.get_by_test_id("pairwise-cell").evaluate_all(
        "cells => cells.map((c) => [c.dataset.row, c.dataset.col, Number(c.dataset.value)])"
    )
    order = (
        page.get_by_test_id("schulze-ranking")
        .locator("li")
        .evaluate_all("items => items.map((i) => i.dataset.candidate)")
    )
    assert winner.get_attribute("data-winner") == recount["winners"][0]
    assert {(r, c): v for r, c, v in cells} == {
        (r, c): v for r, row in recount["pairwise"].items() for c, v in row.items()
    }
    assert order == recount["ranking"]


def test_pairwise_matrix_is_a_table_with_a_caption_and_row_and_column_headers(
    voting_server: Server, browser: Any
) -> None:
    server = voting_server
    issue, _, voters = counted_issue(server)
    page = phone(browser).new_page()
    sign_in(page, server, voters[0])
    page.goto(f"{server.base_url}/proposals/issues/{issue}/results")

    table = page.get_by_role("table", name="Voters preferring the row to the column")
    expect(table.get_by_role("columnheader")).to_have_count(4)
    expect(table.get_by_role("rowheader")).to_have_count(4)
    expect(table.get_by_role("rowheader").first).to_have_text("Status quo")


def test_voting_screens_have_no_axe_violations_and_no_raw_key_in_four_languages(
    voting_server: Server, browser: Any
) -> None:
    if not AXE.exists():
        pytest.skip("axe-core is missing: run `cd pwa && npm ci`")
    server = voting_server
    issue, _, voters = counted_issue(server)
    _, open_issue, _ = issue_with_three(server, DAY, ("Library", "Pool", "Park"))
    tick_until(server, open_issue, "voting")
    page = phone(browser, bypass_csp=True).new_page()
    sign_in(page, server, voters[0])
    screens = {
        "ballot": (f"/proposals/issues/{open_issue}/ballot", "ballot-item"),
        "delegation": (
            f"/proposals/delegation?scope=issue&id={open_issue}",
            "delegation-chain",
        ),
        "results": (f"/proposals/issues/{issue}/results", "pairwise"),
    }
    found: dict[str, list[str]] = {}
    raw: dict[str, list[str]] = {}

    for lang in ["en", "it", "de", "el"]:
        page.get_by_test_id("language").select_option(lang)
        for screen, (path, ready) in screens.items():
            page.goto(server.base_url + path)
            page.get_by_test_id(ready).first.wait_for()
            if lang == "en":
                found[screen] = axe_violations(page)
            if keys := RAW_KEY.findall(page.locator("body").inner_text()):
                raw[f"{lang} {screen}"] = keys

    assert {screen: v for screen, v in found.items() if v} == {}
    assert raw == {}


def test_ballot_and_results_fit_a_320_px_screen_without_sideways_scrolling(
    voting_server: Server, browser: Any
) -> None:
    server = voting_server
    issue, _, voters = counted_issue(server)
    page = browser.new_context(viewport={"width": 320, "height": 640}).new_page()
    sign_in(page, server, voters[0])
    widths = {}

    for screen, ready in (("ballot", "ballot-item"), ("results", "pairwise")):
        page.goto(f"{server.base_url}/proposals/issues/{issue}/{screen}")
        page.get_by_test_id(ready).first.wait_for()
        widths[screen] = page.evaluate("document.documentElement.scrollWidth")

    assert widths == {"ballot": 320, "results": 320}
