"""Hand-written SQL for hot paths, where building a query costs more than running it."""

from __future__ import annotations

from typing import Any

from tortoise.connection import get_connection
from tortoise.context import require_context


async def fetch(query: str, *params: Any) -> list[dict[str, Any]]:
    """Run ``query`` (``?`` placeholders) on the current connection or transaction."""
    context = require_context()
    connection = get_connection(context.default_connection or "sqlite")
    if connection.capabilities.dialect == "postgres":
        query = numbered_placeholders(query)
    _, rows = await connection.execute_query(query, list(params))
    return [dict(row) for row in rows]


def numbered_placeholders(query: str) -> str:
    """Turn ``?`` placeholders into PostgreSQL's ``$1, $2, ...``."""
    parts = query.split("?")
    out = [parts[0]]
    for number, part in enumerate(parts[1:], start=1):
        out.append(f"${number}{part}")
    return "".join(out)
