"""Initiative and suggestion texts: stored as the Markdown people wrote, shown as safe HTML.

markdown-it-py renders CommonMark with raw HTML switched off, so any tag in the text
comes out escaped, and its link check drops ``javascript:``, ``vbscript:``, ``file:``
and ``data:`` URLs (except images). What is stored is always the original Markdown.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    return MarkdownIt(
        "commonmark", {"html": False, "linkify": False, "typographer": False}
    )


def render_markdown(source: str) -> str:
    """Render ``source`` to HTML that is safe to insert into a page."""
    return _renderer().render(source)
