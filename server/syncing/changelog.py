"""Writing the change log in the transaction that changes a record.

Inside a push, changes are collected per mutation and written once at the end of the
batch (one DELETE and one multi-row INSERT instead of two statements per mutation);
a mutation whose savepoint rolls back drops its collected changes with it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from tortoise.transactions import in_transaction

from server.syncing.models import ChangeLog

# Any fixed number; it names the lock that orders change-log writes on PostgreSQL.
CHANGE_LOG_LOCK = 7_301_455

PendingChange = tuple[str, str, int, bool]
_pending: contextvars.ContextVar[list[PendingChange] | None] = contextvars.ContextVar(
    "pending_changes", default=None
)


@contextmanager
def collecting_changes() -> Iterator[list[PendingChange]]:
    """Collect ``record_change`` calls made in this block instead of writing them."""
    collected: list[PendingChange] = []
    token = _pending.set(collected)
    try:
        yield collected
    finally:
        _pending.reset(token)


async def record_change(
    entity: str, entity_id: str, version: int, deleted: bool = False
) -> None:
    """Move ``entity_id`` to the end of the change log (call inside the transaction)."""
    pending = _pending.get()
    if pending is not None:
        pending.append((entity, entity_id, version, deleted))
        return
    await write_changes([(entity, entity_id, version, deleted)])


async def write_changes(changes: list[PendingChange]) -> None:
    """Write changes in order; the last change of a record wins.

    On PostgreSQL a sequence value can commit after a larger one, and a pull that read
    the larger one first would skip the smaller for ever. A transaction-scoped advisory
    lock taken before the insert makes change-log writers commit in the order of their
    numbers. It costs concurrency among writers only, which SQLite never had anyway.
    """
    if not changes:
        return
    newest: dict[tuple[str, str], PendingChange] = {}
    for change in changes:
        newest.pop((change[0], change[1]), None)  # re-insert to keep the latest order
        newest[(change[0], change[1])] = change
    async with in_transaction() as connection:
        if connection.capabilities.dialect == "postgres":
            await connection.execute_query(
                "SELECT pg_advisory_xact_lock($1)", [CHANGE_LOG_LOCK]
            )
        by_entity: dict[str, list[str]] = {}
        for entity, entity_id in newest:
            by_entity.setdefault(entity, []).append(entity_id)
        for entity, ids in by_entity.items():
            await ChangeLog.filter(entity=entity, entity_id__in=ids).delete()
        await ChangeLog.bulk_create(
            [
                ChangeLog(entity=e, entity_id=i, version=v, deleted=d)
                for e, i, v, d in newest.values()
            ]
        )
