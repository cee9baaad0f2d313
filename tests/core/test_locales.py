"""Every user-facing server message exists in every language, with the same blanks."""

from __future__ import annotations

import json
import re
import string

import pytest

from server.core.i18n import SUPPORTED_LOCALES
from server.settings import REPO_ROOT

SERVER_LOCALES = REPO_ROOT / "locales" / "server"
CODE_PATTERN = re.compile(
    r"""(?:Rejected|BadRequest|AuthRequired|Forbidden|NotFound|Conflict|PayloadTooLarge"""
    r"""|UnsupportedMedia|Unprocessable|UpgradeRequired|TooManyRequests|ChecksumMismatch"""
    r"""|PreconditionFailed|IntakeError|GeometryError)\(\s*"([a-z_.]+)"|code="([a-z_.]+)\""""
)


def load(lang: str) -> dict[str, str]:
    return json.loads((SERVER_LOCALES / f"{lang}.json").read_text(encoding="utf-8"))


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("lang", [lang for lang in SUPPORTED_LOCALES if lang != "en"])
def test_every_language_has_the_english_keys_and_placeholders(lang: str) -> None:
    english, other = load("en"), load(lang)

    assert set(other) == set(english)
    assert {k: placeholders(v) for k, v in other.items()} == {
        k: placeholders(v) for k, v in english.items()
    }


def test_every_error_code_raised_by_the_server_has_a_message() -> None:
    english = load("en")
    codes = set()
    for path in (REPO_ROOT / "server").rglob("*.py"):
        for match in CODE_PATTERN.finditer(path.read_text(encoding="utf-8")):
            codes.add(match.group(1) or match.group(2))

    assert sorted(codes - set(english)) == []


def test_every_proposal_push_notice_has_a_title_and_body_in_english() -> None:
    english = load("en")
    keys = [
        f"push.proposal.{event}.{part}"
        for event in ("voting_started", "voting_ends_soon")
        for part in ("title", "body")
    ]
    keys += ["push.proposal.delegation.title"]
    keys += [f"push.proposal.delegation.{scope}.body" for scope in ("unit", "area", "issue")]

    assert [key for key in keys if key not in english] == []
