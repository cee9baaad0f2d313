"""The PWA's locale files: complete in every language, and every key the code
asks for exists. No browser needed; it lives here beside the PWA's tests."""

from __future__ import annotations

import json
import re

import pytest

from tests.browser.conftest import REPO

LOCALES = REPO / "locales"
SOURCE = REPO / "pwa" / "src"
LANGUAGES = ["en", "it", "de", "el"]
# Keys built at run time from a prefix and a value the server sends.
DYNAMIC = {
    "state.": ["new", "acknowledged", "in_progress", "resolved", "closed", "rejected"],
    "sync_state.": ["waiting", "sending", "sent", "attention"],
    "report.location_error_": ["denied", "unavailable", "unsupported"],
    "push.topic.": ["my_reports", "new_reports", "followed_issues", "delegations"],
    "map.state_type_": ["open", "fixed", "closed"],
    "mutation.": ["report.create", "report.set_state", "report.edit", "report.confirm",
                  "report.delete", "update.add", "conflict.resolve",
                  "report.add_photo", "proposal.ballot.cast", "proposal.delegation.set",
                  "proposal.interest", "proposal.initiative.create",
                  "proposal.draft.add", "proposal.suggestion.add",
                  "proposal.opinion.set", "proposal.support.set"],
    "ballot.move_": ["up", "down", "tie", "approve", "abstain", "reject"],
    "ballot.now_": ["approve", "approve_shared", "reject", "reject_shared"],
    "ballot.rank_": ["approve", "reject"],
    "ballot.": ["approve_empty", "reject_empty"],
    "delegation.scope_": ["unit", "area", "issue"],
    "delegation.title_": ["unit", "area", "issue"],
    "proposals.phase.": ["admission", "discussion", "verification", "voting",
                         "canceled_revoked_before_accepted", "canceled_issue_not_accepted",
                         "canceled_after_revocation_during_discussion",
                         "canceled_after_revocation_during_verification",
                         "canceled_no_initiative_admitted", "finished_with_winner",
                         "finished_without_winner"],
    "proposals.filter.": ["open", "admission", "discussion", "verification", "voting",
                          "closed", "all"],
    "proposals.degree.": ["none", "must", "should", "should_not", "must_not"],
    "proposals.refusal.": ["half_frozen", "fully_frozen", "issue_closed", "revoked",
                           "members_only", "not_initiator", "policy_not_allowed",
                           "policy_not_found", "area_not_found", "issue_not_found",
                           "initiative_not_found", "suggestion_not_found", "id_taken"],
}
SERVER_CODES = {"sync.client_foreign"}
# Keys are passed around (to t(), showMessage(), navLink()), so look for any
# string literal in a message namespace rather than for t() calls alone.
NAMESPACES = "app|language|nav|outbox|storage|sync|report|mine|staff|update|conflict|push|account|map|ballot|delegation|results|proposals"
KEY_LITERAL = re.compile(rf"'((?:{NAMESPACES})\.[a-z_]+)'")


def messages(lang: str) -> dict[str, str]:
    return json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def keys_used_in_source() -> set[str]:
    used: set[str] = set()
    for path in SOURCE.rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        used.update(KEY_LITERAL.findall(text))
    # Mutation names and server error codes look like keys but are protocol
    # words.
    used -= set(DYNAMIC["mutation."]) | SERVER_CODES
    for prefix, values in DYNAMIC.items():
        used.update(prefix + value for value in values)
    return used


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_each_language_has_exactly_the_english_keys(lang: str) -> None:
    assert set(messages(lang)) == set(messages("en"))


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_translations_keep_the_english_placeholders(lang: str) -> None:
    english = messages("en")
    placeholders = re.compile(r"\{(\w+)\}")
    wrong = {
        key: text
        for key, text in messages(lang).items()
        if set(placeholders.findall(text)) != set(placeholders.findall(english[key]))
    }
    assert wrong == {}


PLURAL = re.compile(r"\.(zero|one|two|few|many|other)$")


def test_every_key_the_app_asks_for_is_in_english() -> None:
    english = set(messages("en"))
    # A message in plural forms is asked for by its key without the form.
    english |= {PLURAL.sub("", key) for key in english}

    assert keys_used_in_source() - english == set()


def test_every_message_in_plural_forms_has_an_other_form() -> None:
    english = messages("en")
    plural = {PLURAL.sub("", key) for key in english if PLURAL.search(key)}

    assert sorted(k for k in plural if f"{k}.other" not in english) == []
