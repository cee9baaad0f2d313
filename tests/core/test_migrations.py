"""Schema migrations: the models and ``server/migrations`` agree, and every kind of
database a start meets ends on the latest schema with its rows kept."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.context import TortoiseContext
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

from server.accounts.models import User
from server.core.db import (
    MODEL_MODULES,
    TORTOISE_ORM,
    connection_name,
    is_postgres,
    open_database,
    tortoise_config,
)
from server.core.migrations import APP_LABEL, BASELINE, model_changes
from tests.conftest import reset_postgres


async def fresh(url: str) -> None:
    if is_postgres(url):
        await reset_postgres(url)


async def columns(connection: BaseDBAsyncClient) -> set[tuple[Any, ...]]:
    """Every column of every table of ours, with its type and nullability."""
    if connection.capabilities.dialect == "postgres":
        query = (
            "SELECT table_name, column_name, data_type, is_nullable FROM"
            " information_schema.columns WHERE table_schema = current_schema()"
        )
        _, rows = await connection.execute_query(query)
        found = {tuple(dict(row).values()) for row in rows}
    else:
        _, tables = await connection.execute_query(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        )
        found = set()
        for table in (dict(t)["name"] for t in tables):
            _, rows = await connection.execute_query(f"PRAGMA table_info('{table}')")
            found |= {(table, r["name"], r["type"], r["notnull"]) for r in map(dict, rows)}
    return {row for row in found if row[0] != "tortoise_migrations"}


async def insert_early_adopter(
    connection: BaseDBAsyncClient,
    seen_at: datetime | None = None,
    synced_at: datetime | None = None,
    token: bool = False,
) -> uuid.UUID:
    """A user row in the baseline's columns, with a session when ``seen_at`` is
    given, a sync client when ``synced_at`` is, and an API token when ``token``.

    Raw SQL, as the model has columns the baseline lacks.
    """
    user_id = uuid.uuid4()
    now = datetime.now(UTC)
    postgres = connection.capabilities.dialect == "postgres"

    async def insert(table: str, row: dict[str, Any]) -> None:
        marks = [f"${n}" if postgres else "?" for n in range(1, len(row) + 1)]
        sql = f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(marks)})"
        await connection.execute_query(sql, list(row.values()))

    key = user_id if postgres else str(user_id)
    await insert(
        "users",
        {
            "id": key,
            "name": "Early adopter",
            "role": "resident",
            "is_guest": False,
            "locale": "en",
            "scope_epoch": 0,
            "skills": "[]",
            "departments": "[]",
            "areas": "[]",
            "created_at": now,
        },
    )
    if seen_at is not None:
        session = {"id": "s" * 64, "user_id": key, "csrf_token": "x", "created_at": now}
        await insert("sessions", {**session, "last_seen_at": seen_at})
    if synced_at is not None:
        client = {"id": "client-early-1", "user_id": key, "last_seq": 0, "scope_epoch": 0}
        await insert("sync_clients", {**client, "created_at": now, "last_seen_at": synced_at})
    if token:
        row = {"id": "t" * 64, "user_id": key, "role": "resident", "label": "", "created_at": now}
        await insert("api_tokens", row)
    return user_id


async def applied(url: str) -> list[str]:
    context = await open_database(url, migrate=False)
    try:
        connection = context.connections.get(connection_name(url))
        keys = await MigrationExecutor(connection, {}).recorder.applied_migrations()
        return sorted(key.name for key in keys)
    finally:
        await context.close_connections()


async def test_the_models_need_no_migration_beyond_those_in_the_repository() -> None:
    writers = await model_changes(TORTOISE_ORM)

    assert [op.describe() for w in writers for op in w.operations] == []


async def test_replaying_every_migration_gives_the_schema_the_models_make(
    database_url: str,
) -> None:
    config = tortoise_config(database_url)
    name = connection_name(database_url)
    await fresh(database_url)
    async with TortoiseContext() as context:
        await context.init(config=config)
        connection = context.connections.get(name)
        await MigrationExecutor(connection, config["apps"]).migrate()
        replayed = await columns(connection)
    await fresh(database_url)
    async with TortoiseContext() as context:
        await context.init(config=config)
        await context.generate_schemas()
        made = await columns(context.connections.get(name))

    assert replayed == made


async def test_an_empty_database_gets_every_migration_recorded_as_applied(
    database_url: str,
) -> None:
    await fresh(database_url)
    context = await open_database(database_url)
    await context.close_connections()

    assert await applied(database_url) == sorted(
        path.stem for path in migration_files()
    )


async def test_a_database_made_before_migrations_keeps_its_rows_and_is_migrated(
    database_url: str,
) -> None:
    # Such a database has the baseline's tables and no migration records.
    config = tortoise_config(database_url)
    await fresh(database_url)
    async with TortoiseContext() as context:
        await context.init(config=config)
        connection = context.connections.get(connection_name(database_url))
        await MigrationExecutor(connection, config["apps"]).migrate(
            [MigrationTarget(APP_LABEL, BASELINE)]
        )
        await connection.execute_script("DROP TABLE tortoise_migrations")
        user_id = await insert_early_adopter(connection)

    context = await open_database(database_url)
    kept = await User.get_or_none(id=user_id)
    await context.close_connections()

    assert kept is not None and kept.name == "Early adopter"
    assert await applied(database_url) == sorted(p.stem for p in migration_files())


async def test_two_instances_starting_together_record_each_migration_once(
    database_url: str,
) -> None:
    await fresh(database_url)

    contexts = await asyncio.gather(open_database(database_url), open_database(database_url))
    for context in contexts:
        await context.close_connections()

    names = await applied(database_url)
    assert len(names) == len(set(names)) == len(migration_files())


async def test_a_database_at_an_older_migration_is_upgraded_and_keeps_its_rows(
    database_url: str,
) -> None:
    config = tortoise_config(database_url)
    await fresh(database_url)
    async with TortoiseContext() as context:
        await context.init(config=config)
        connection = context.connections.get(connection_name(database_url))
        executor = MigrationExecutor(connection, config["apps"])
        await executor.migrate([MigrationTarget(APP_LABEL, BASELINE)])
        user_id = await insert_early_adopter(connection)

    context = await open_database(database_url)
    kept = await User.get_or_none(id=user_id)
    await context.close_connections()

    assert kept is not None
    assert await applied(database_url) == sorted(p.stem for p in migration_files())


async def upgraded_from_0002(database_url: str, **early_adopter: Any) -> User:
    """The early adopter, as the migrations after ``0002_departments`` left them."""
    config = tortoise_config(database_url)
    await fresh(database_url)
    async with TortoiseContext() as context:
        await context.init(config=config)
        connection = context.connections.get(connection_name(database_url))
        executor = MigrationExecutor(connection, config["apps"])
        await executor.migrate([MigrationTarget(APP_LABEL, "0002_departments")])
        user_id = await insert_early_adopter(connection, **early_adopter)

    context = await open_database(database_url)
    kept = await User.get(id=user_id)
    await context.close_connections()
    return kept


async def test_a_member_signed_in_before_the_upgrade_is_seen_when_their_session_was(
    database_url: str,
) -> None:
    seen_at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    kept = await upgraded_from_0002(database_url, seen_at=seen_at)

    assert kept.last_seen_at == seen_at


async def test_a_member_whose_device_synced_after_their_session_is_seen_when_it_synced(
    database_url: str,
) -> None:
    seen_at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    synced_at = datetime(2026, 5, 9, 8, 30, tzinfo=UTC)

    kept = await upgraded_from_0002(database_url, seen_at=seen_at, synced_at=synced_at)

    assert kept.last_seen_at == synced_at


async def test_a_member_signing_in_by_api_token_is_seen_at_the_upgrade(
    database_url: str,
) -> None:
    # Tokens record no use: the script may have run an hour ago.
    upgrade = datetime.now(UTC)

    kept = await upgraded_from_0002(
        database_url, seen_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC), token=True
    )

    assert kept.last_seen_at is not None and kept.last_seen_at >= upgrade


async def test_a_member_of_whom_nothing_is_known_is_seen_at_the_upgrade(
    database_url: str,
) -> None:
    # Their sessions were deleted 90 days after last use; they may have been
    # active within the 180 days members count for.
    upgrade = datetime.now(UTC)

    kept = await upgraded_from_0002(database_url)

    assert kept.last_seen_at is not None and kept.last_seen_at >= upgrade


def test_no_table_comment_holds_a_semicolon() -> None:
    """Tortoise's SQLite schema editor would split the statement there."""
    import importlib

    from tortoise.models import Model

    classes = {
        value
        for module in map(importlib.import_module, MODEL_MODULES)
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Model) and value is not Model
    }

    assert [c.__name__ for c in classes if ";" in (c.__doc__ or "").split("\n")[0]] == []


def migration_files() -> list[Any]:
    from pathlib import Path

    import server.migrations

    folder = Path(server.migrations.__file__).parent
    return sorted(p for p in folder.glob("[0-9][0-9][0-9][0-9]_*.py"))


async def test_a_database_migrated_by_a_newer_build_is_named_in_a_warning_at_start(
    database_url: str, caplog: Any
) -> None:
    # An operator going back to an older build after an upgrade: the schema may
    # hold what this build does not know. It starts, but says so plainly.
    await fresh(database_url)
    context = await open_database(database_url)
    connection = context.connections.get(connection_name(database_url))
    await connection.execute_query(
        "INSERT INTO tortoise_migrations (app, name, applied_at)"
        " VALUES ('models', '0999_from_a_newer_build', CURRENT_TIMESTAMP)"
    )
    await context.close_connections()

    with caplog.at_level("WARNING", logger="server"):
        context = await open_database(database_url)
        await context.close_connections()

    assert "0999_from_a_newer_build" in caplog.text
