"""Bring a database's schema up to date with Tortoise's built-in migrations.

The migrations live in ``server/migrations/`` (one file per schema change, made with
``make migrations``) and are applied at every start, before the app serves. Three
kinds of database meet us there:

- an empty one (a new install, every test): the tables are made straight from the
  models and every migration is recorded as applied. Replaying all migrations would
  give the same schema (``tests/core/test_migrations.py`` holds the models and the
  migrations together) but takes seconds instead of tens of milliseconds;
- one made by a build from before migrations existed, which has our tables but no
  migration record: its schema is the one of ``BASELINE``, which is recorded as
  applied, and the later migrations run;
- one with migration records: the migrations it lacks run, in order. Records this
  build does not know (a newer build migrated it, then was rolled back) are named
  in a warning; the app still starts.

Tortoise 1.1.9's SQLite schema editor splits a migration's SQL at every ``;``, also
inside a table comment, and model docstrings become table comments: a docstring of a
model must not hold a semicolon (``tests/core/test_migrations.py`` replays them all).

Only one process migrates at a time: on PostgreSQL an advisory lock held on a
connection of its own, on SQLite an exclusive lock on a file beside the database.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget
from tortoise.migrations.operations import AlterModelOptions
from tortoise.migrations.writer import MigrationWriter

log = logging.getLogger("server")

APP_LABEL = "models"
MIGRATIONS_MODULE = "server.migrations"
# The schema that builds before migrations made; see the module docstring.
BASELINE = "0001_initial"
RECORD_TABLE = "tortoise_migrations"
# Any fixed number: every instance of the app asks for the same lock.
PG_LOCK_KEY = 7_412_905_233


async def table_names(connection: BaseDBAsyncClient) -> set[str]:
    if connection.capabilities.dialect == "postgres":
        query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'table'"
    _, rows = await connection.execute_query(query)
    return {next(iter(dict(row).values())) for row in rows}


async def migrate_schema(
    context: TortoiseContext, config: dict[str, Any], connection_name: str
) -> None:
    """Create or upgrade the schema of ``connection_name``; see the module docstring."""
    connection = context.connections.get(connection_name)
    async with migration_lock(config["connections"][connection_name]):
        executor = MigrationExecutor(connection, config["apps"])
        ours = await table_names(connection) - {RECORD_TABLE}
        if not ours:
            await context.generate_schemas(safe=True)
            await executor.migrate(fake=True)
            return
        recorded = await executor.recorder.applied_migrations()
        if not any(key.app_label == APP_LABEL for key in recorded):
            log.info("database made before migrations: recording %s as applied", BASELINE)
            await executor.migrate([MigrationTarget(APP_LABEL, BASELINE)], fake=True)
        await executor.migrate(progress=report_progress)
        await warn_of_unknown(executor)


async def warn_of_unknown(executor: MigrationExecutor) -> None:
    """Say plainly when a newer build migrated this database (an upgrade rolled back).

    The app still starts, so that going back to the previous build stays possible;
    but what the newer migrations changed may break this build's writes.
    """
    known = set(executor.loader.graph.nodes)
    unknown = sorted(
        key.name
        for key in await executor.recorder.applied_migrations()
        if key.app_label == APP_LABEL and key not in known
    )
    if unknown:
        log.warning(
            "the database was migrated by a newer build (%s, unknown to this one):"
            " run that build, or restore the backup made before the upgrade",
            ", ".join(unknown),
        )


def report_progress(event: str, app_label: str, name: str) -> None:
    log.info("migration %s %s.%s", event, app_label, name)


@asynccontextmanager
async def migration_lock(connection: dict[str, Any]) -> AsyncIterator[None]:
    if connection["engine"] == "tortoise.backends.asyncpg":
        async with postgres_lock(connection["credentials"]):
            yield
        return
    path = connection["credentials"]["file_path"]
    if path == ":memory:":
        yield
        return
    with open(Path(f"{path}.migrate-lock"), "w") as lock_file:
        # flock waits in a thread: another process may be migrating right now.
        await asyncio.to_thread(fcntl.flock, lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


@asynccontextmanager
async def postgres_lock(credentials: dict[str, Any]) -> AsyncIterator[None]:
    import asyncpg

    # A connection of its own: a session lock belongs to the connection that took
    # it, and the pool may hand the migration's statements to any of its others.
    holder = await asyncpg.connect(
        host=credentials["host"],
        port=credentials["port"],
        user=credentials["user"],
        password=credentials["password"] or None,
        database=credentials["database"],
    )
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", PG_LOCK_KEY)
        yield
    finally:
        await holder.close()  # closing the session releases its lock


def is_spurious(operation: Any) -> bool:
    """Whether Tortoise would write ``operation`` again on every run.

    Known Tortoise 1.1.9 bug: for a model whose primary key is a one-to-one field
    (``PushPreference.user``) the replayed migrations name the key ``user`` and the
    model ``user_id``, so every run would write an ``AlterModelOptions`` that changes
    nothing in the database. We drop exactly that operation.
    """
    if not isinstance(operation, AlterModelOptions):
        return False
    return set(operation.options) <= {
        "table", "app", "pk_attr", "table_description", "unique_together", "indexes"
    } and str(operation.options.get("pk_attr", "")).endswith("_id")


async def model_changes(config: dict[str, Any]) -> list[MigrationWriter]:
    """The migrations the models need beyond those in ``server/migrations``."""
    async with TortoiseContext() as context:
        await context.init(config=config, init_connections=False)
        assert context.apps is not None
        writers = await MigrationAutodetector(context.apps, config["apps"]).changes()
    for writer in writers:
        writer.operations = [op for op in writer.operations if not is_spurious(op)]
    return [writer for writer in writers if writer.operations]
