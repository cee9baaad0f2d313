"""Server-side messages in the person's language, from ``locales/server/<lang>.json``."""

from __future__ import annotations

import json
from pathlib import Path

from babel import Locale, UnknownLocaleError, negotiate_locale

SUPPORTED_LOCALES = ("en", "it", "de", "el")


class Catalog:
    """Message templates by language, with English as the fallback for missing keys."""

    def __init__(self, messages: dict[str, dict[str, str]], default: str = "en") -> None:
        self.messages = messages
        self.default = default

    @classmethod
    def load(cls, locales_dir: Path, default: str = "en") -> Catalog:
        messages: dict[str, dict[str, str]] = {}
        for lang in SUPPORTED_LOCALES:
            path = locales_dir / "server" / f"{lang}.json"
            if path.exists():
                messages[lang] = json.loads(path.read_text(encoding="utf-8"))
        return cls(messages, default)

    def negotiate(self, accept_language: str | None) -> str:
        """Pick the best supported language for an ``Accept-Language`` header."""
        if not accept_language:
            return self.default
        preferred = [
            part.split(";")[0].strip().replace("-", "_")
            for part in accept_language.split(",")
            if part.strip()
        ]
        chosen = negotiate_locale(preferred, list(self.messages), sep="_")
        if chosen is None:
            # Babel matches "it_IT" to "it" only through aliases; fall back on the
            # language part so that regional variants still get their language.
            for tag in preferred:
                try:
                    language = Locale.parse(tag).language
                except (ValueError, UnknownLocaleError):
                    continue
                if language in self.messages:
                    return language
            return self.default
        return chosen

    def translate(self, key: str, lang: str, params: dict[str, object] | None = None) -> str:
        template = self.messages.get(lang, {}).get(key)
        if template is None:
            template = self.messages.get(self.default, {}).get(key, key)
        try:
            return template.format(**(params or {}))
        except (KeyError, IndexError, ValueError):
            return template
