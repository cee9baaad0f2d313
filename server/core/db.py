"""Database start-up: Tortoise on SQLite (the default) or PostgreSQL.

Tortoise 1.x keeps its connections in a context variable. Its Quart helper does not set
it for request handlers, so the app owns one ``TortoiseContext`` and makes it current
at the start of each request and background task (see ``server.app``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tortoise.context import TortoiseContext, _current_context

MODEL_MODULES = [
    "server.accounts.models",
    "server.reports.models",
    "server.media.models",
    "server.syncing.models",
    "server.areas.models",
    "server.proposals.models",
    "server.push.models",
]

# WAL lets readers go on while one writer commits; the busy timeout makes a second
# process (the CLI beside a running server) wait for the lock instead of failing.
SQLITE_PRAGMAS = {
    "journal_mode": "WAL",
    "busy_timeout": "10000",
    "foreign_keys": "ON",
    "synchronous": "NORMAL",
}


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "asyncpg"}


def tortoise_config(url: str) -> dict[str, Any]:
    if is_postgres(url):
        parts = urlsplit(url)
        connection: dict[str, Any] = {
            "engine": "tortoise.backends.asyncpg",
            "credentials": {
                "host": parts.hostname or "127.0.0.1",
                "port": parts.port or 5432,
                "user": parts.username or "postgres",
                "password": parts.password or "",
                "database": parts.path.lstrip("/") or "postgres",
                "minsize": 1,
                "maxsize": 10,
            },
        }
    else:
        path = url.removeprefix("sqlite://")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection = {
            "engine": "tortoise.backends.sqlite",
            "credentials": {"file_path": path, **SQLITE_PRAGMAS},
        }
    # Tortoise caches built queries per connection name for the life of the process,
    # so each engine gets its own name (tests switch between the two).
    name = "postgres" if is_postgres(url) else "sqlite"
    return {
        "connections": {name: connection},
        "apps": {"models": {"models": MODEL_MODULES, "default_connection": name}},
        "use_tz": True,
        "timezone": "UTC",
    }


async def open_database(url: str, create_schema: bool = True) -> TortoiseContext:
    """Connect, make the context current in this task, and create missing tables.

    Known shortcoming: tables are created when missing but never altered; until
    migrations exist, a schema change needs a fresh data folder.
    """
    context = TortoiseContext()
    activate(context)
    await context.init(config=tortoise_config(url))
    if create_schema:
        await context.generate_schemas(safe=True)
    return context


def activate(context: TortoiseContext) -> None:
    """Make ``context`` the database of the running task (and the tasks it starts)."""
    _current_context.set(context)
