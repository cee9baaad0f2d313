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

from server.core.migrations import APP_LABEL, MIGRATIONS_MODULE, migrate_schema

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
    name = connection_name(url)
    return {
        "connections": {name: connection},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": name,
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def connection_name(url: str) -> str:
    # Tortoise caches built queries per connection name for the life of the process,
    # so each engine gets its own name (tests switch between the two).
    return "postgres" if is_postgres(url) else "sqlite"


async def open_database(url: str, migrate: bool = True) -> TortoiseContext:
    """Connect, make the context current in this task, and bring the schema up to
    date (``server.core.migrations``)."""
    config = tortoise_config(url)
    context = TortoiseContext()
    activate(context)
    await context.init(config=config)
    if migrate:
        await migrate_schema(context, config, connection_name(url))
    return context


# For Tortoise's own command line (``make migrations``); it never connects.
TORTOISE_ORM = tortoise_config("sqlite://:memory:")


def activate(context: TortoiseContext) -> None:
    """Make ``context`` the database of the running task (and the tasks it starts)."""
    _current_context.set(context)
