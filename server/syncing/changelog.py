"""Writing the change log in the transaction that changes a record."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from server.syncing.models import ChangeLog

# Any fixed number; it names the lock that orders change-log writes on PostgreSQL.
CHANGE_LOG_LOCK = 7_301_455


async def record_change(
    entity: str, entity_id: str, version: int, deleted: bool = False
) -> None:
    """Move ``entity_id`` to the end of the change log.

    Call inside the transaction that made the change. On PostgreSQL a sequence value
    can commit after a larger one, and a pull that read the larger one first would
    skip the smaller for ever. Taking a transaction-scoped advisory lock before the
    insert makes change-log writers commit in the order of their numbers. It costs
    concurrency among writers only, which SQLite never had anyway.
    """
    async with in_transaction() as connection:
        if connection.capabilities.dialect == "postgres":
            await connection.execute_query(
                "SELECT pg_advisory_xact_lock($1)", [CHANGE_LOG_LOCK]
            )
        await ChangeLog.filter(entity=entity, entity_id=entity_id).delete()
        await ChangeLog.create(
            entity=entity, entity_id=entity_id, version=version, deleted=deleted
        )
