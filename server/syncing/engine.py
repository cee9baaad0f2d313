"""Binding of ``sync.rules`` to the database: push applies, pull reads."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, NamedTuple

from pydantic import ValidationError
from tortoise.exceptions import DBConnectionError, OperationalError, TransactionManagementError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from server.accounts.auth import Caller
from server.core.errors import BadRequest, Forbidden, UpgradeRequired
from server.core.i18n import Catalog
from server.core.validation import NUL, nul_path
from server.settings import Settings
from server.syncing.changelog import PendingChange, collecting_changes, write_changes
from server.syncing.models import ChangeLog, StoredResult, SyncClient, SyncWatermark
from server.syncing.registry import (
    MUTATIONS,
    RENDERERS,
    MutationContext,
    Outcome,
    Rejected,
)
from sync import OLDEST_SUPPORTED_PROTOCOL, PROTOCOL_VERSION
from sync.rules import Action, plan_batch
from sync.wire import Change, Mutation, MutationResult, PullResponse, PushRequest, PushResponse

log = logging.getLogger("server.sync")


def check_protocol(version: int | None) -> None:
    if version is None:
        raise BadRequest("protocol.missing")
    if version < OLDEST_SUPPORTED_PROTOCOL:
        raise UpgradeRequired("protocol.too_old", {"version": version})
    if version > PROTOCOL_VERSION:
        raise BadRequest("protocol.unknown", {"version": version})


async def client_for(caller: Caller, client_id: str, create: bool) -> SyncClient | None:
    """Find the caller's sync client; a client of another account is refused."""
    client = await SyncClient.get_or_none(id=client_id)
    if client is None:
        if not create:
            return None
        return await SyncClient.create(id=client_id, user_id=caller.user.id)
    if client.user_id != caller.user.id:  # type: ignore[attr-defined]
        raise Forbidden("sync.client_foreign")
    return client


async def push(
    caller: Caller, request: PushRequest, settings: Settings, catalog: Catalog, lang: str
) -> PushResponse:
    check_protocol(request.protocol)
    if len(request.mutations) > settings.sync_batch_max:
        raise BadRequest("sync.batch_too_large", {"max": settings.sync_batch_max})
    by_seq: dict[int, Mutation] = {}
    for mutation in request.mutations:
        by_seq.setdefault(mutation.seq, mutation)  # a duplicate is a replay of the first

    results: list[MutationResult] = []
    async with in_transaction():
        client = await client_for(caller, request.client_id, create=True)
        assert client is not None
        steps = list(plan_batch(client.last_seq, by_seq))
        replayed = [step.seq for step in steps if step.action is Action.REPLAY]
        stored = {
            row.seq: row.result
            for row in await StoredResult.filter(client=client, seq__in=replayed)
        }
        now = datetime.now(timezone.utc)
        batch = Batch()
        await prefetch(batch, [by_seq[s.seq] for s in steps if s.action is Action.APPLY])
        for step in steps:
            if step.action is Action.STOP:
                break
            if step.action is Action.REPLAY:
                results.append(replayed_result(step.seq, stored.get(step.seq)))
                continue
            result = await apply_one(caller, client.id, by_seq[step.seq], settings, now, batch)
            results.append(result)
            client.last_seq = step.seq
        await batch.flush_inserts()
        await write_changes(batch.changes)
        await StoredResult.bulk_create(batch.stored)
        client.last_seen_at = now
        await client.save(update_fields=["last_seq", "last_seen_at"])
        last_seq = client.last_seq

    return PushResponse(
        protocol=PROTOCOL_VERSION,
        results=[localise(result, catalog, lang) for result in results],
        last_seq=last_seq,
        server_time=datetime.now(timezone.utc),
    )


async def prefetch(batch: Batch, mutations: list[Mutation]) -> None:
    """Let each mutation kind look up, in one query, what its handlers will need."""
    by_name: dict[str, list[Any]] = {}
    for mutation in mutations:
        by_name.setdefault(mutation.name, []).append(mutation.args)
    for name, args in by_name.items():
        spec = MUTATIONS.get(name)
        if spec is not None and spec.prefetch is not None:
            await spec.prefetch(batch.cache, args)


def replayed_result(seq: int, stored: dict[str, Any] | None) -> MutationResult:
    if stored is None:
        # Results are kept as long as their client; this only happens if an operator
        # pruned them. The mutation was applied once; its details are gone.
        return MutationResult(seq=seq, status="applied", code="sync.result_pruned")
    return MutationResult.model_validate(stored)


@dataclass
class Batch:
    """What a push writes once at its end: change-log rows and stored results."""

    changes: list[PendingChange] = field(default_factory=list)
    stored: list[StoredResult] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)
    inserts: list[Model] = field(default_factory=list)

    async def flush_inserts(self) -> None:
        """Insert what deferred mutations queued, one bulk insert per table, parents
        first (tables in the order they were first queued)."""
        by_model: dict[type[Model], list[Model]] = {}
        for row in self.inserts:
            by_model.setdefault(type(row), []).append(row)
        self.inserts.clear()
        for model, rows in by_model.items():
            await model.bulk_create(rows)


async def apply_one(
    caller: Caller,
    client_id: str,
    mutation: Mutation,
    settings: Settings,
    now: datetime,
    batch: Batch,
) -> MutationResult:
    """Apply one mutation in its own savepoint; its result is stored with the batch."""
    refused_args: dict[str, Any] | None = None
    nul_at = nul_field(mutation)
    if nul_at is not None:
        mutation = without_nul(mutation)
    spec = MUTATIONS.get(mutation.name)
    deferred = spec is not None and spec.deferred
    try:
        if nul_at is not None:
            raise Rejected("args.invalid", {"field": nul_at, "reason": NUL_REASON})
        if not deferred:
            await batch.flush_inserts()  # this one may read what earlier ones queued
        async with in_transaction() if not deferred else no_savepoint():
            with collecting_changes() as changes:
                outcome = await run_handler(caller, client_id, mutation, settings, now, batch)
            batch.changes.extend(changes)
            if outcome.status != "applied":
                refused_args = mutation.args  # the losing value, kept for review
            result = MutationResult(
                seq=mutation.seq,
                status=outcome.status,  # type: ignore[arg-type]
                code=outcome.code,
                message_key=outcome.code,
                params=outcome.params,
                entity=outcome.entity,
                id=outcome.id,
                version=outcome.version,
                conflict=outcome.conflict,
            )
    except Rejected as refusal:
        refused_args = mutation.args
        result = MutationResult(
            seq=mutation.seq,
            status="rejected",
            code=refusal.code,
            message_key=refusal.code,
            params=refusal.params,
        )
        log.info(
            "mutation rejected client=%s seq=%s name=%s code=%s",
            client_id, mutation.seq, mutation.name, refusal.code,
        )
    except (OperationalError, DBConnectionError, TransactionManagementError):
        raise  # the database is unwell: fail the request so the client retries later
    except Exception:
        # A bug of ours or data the handler did not foresee. Retrying cannot help,
        # and answering 500 would block this device's queue for ever: refuse this one
        # mutation, keep its arguments, and let the queue go on.
        log.exception("mutation failed client=%s seq=%s name=%s", client_id, mutation.seq, mutation.name)
        refused_args = mutation.args
        result = MutationResult(
            seq=mutation.seq, status="rejected", code="mutation.failed", message_key="mutation.failed"
        )
    batch.stored.append(
        StoredResult(
            client_id=client_id,
            seq=mutation.seq,
            name=mutation.name[:64],
            result=result.model_dump(mode="json", exclude={"message"}),
            refused_args=refused_args,
            device_created_at=mutation.created_at,
        )
    )
    return result


# PostgreSQL stores no NUL character in text or JSON: one in a mutation would fail
# the whole push at every retry and stop the device's queue for good. It is
# refused like any invalid argument, on SQLite too, so both behave alike.
NUL_REASON = "contains a NUL character (U+0000)"


def nul_field(mutation: Mutation) -> str | None:
    """The dotted path of the first argument holding a NUL, "name" for the name."""
    if NUL in mutation.name:
        return "name"
    return nul_path(mutation.args, [])


def scrub(value: Any) -> Any:
    """``value`` with every NUL replaced by U+FFFD, so that it can be stored."""
    if isinstance(value, str):
        return value.replace(NUL, "\ufffd")
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def without_nul(mutation: Mutation) -> Mutation:
    return mutation.model_copy(
        update={"name": scrub(mutation.name), "args": scrub(mutation.args)}
    )


async def run_handler(
    caller: Caller,
    client_id: str,
    mutation: Mutation,
    settings: Settings,
    now: datetime,
    batch: Batch,
) -> Outcome:
    spec = MUTATIONS.get(mutation.name)
    if spec is None:
        raise Rejected("mutation.unknown", {"name": mutation.name})
    try:
        args = spec.args_model.model_validate(mutation.args)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "args"
        raise Rejected("args.invalid", {"field": field, "reason": first["msg"]})
    context = MutationContext(
        caller=caller,
        client_id=client_id,
        seq=mutation.seq,
        base_version=mutation.base_version,
        device_created_at=mutation.created_at,
        now=now,
        settings=settings,
        cache=batch.cache,
        inserts=batch.inserts,
    )
    return await spec.handler(context, args)


def localise(result: MutationResult, catalog: Catalog, lang: str) -> MutationResult:
    message = catalog.translate(result.message_key or result.code, lang, result.params)
    return result.model_copy(update={"message": message})


async def pull(
    caller: Caller,
    client_id: str,
    cursor: int,
    limit: int,
    protocol: int | None,
) -> PullResponse:
    check_protocol(protocol)
    client = await client_for(caller, client_id, create=True)
    assert client is not None
    now = datetime.now(timezone.utc)
    watermark = await SyncWatermark.get_or_none(id=1)
    too_old = watermark is not None and 0 < cursor < watermark.min_cursor
    scope_changed = cursor > 0 and client.scope_epoch != caller.user.scope_epoch
    if too_old or scope_changed:
        return PullResponse(
            protocol=PROTOCOL_VERSION, changes=[], cursor=0, has_more=True,
            last_seq=client.last_seq, reset_required=True, server_time=now,
        )
    if cursor == 0 and client.scope_epoch != caller.user.scope_epoch:
        client.scope_epoch = caller.user.scope_epoch
        await client.save(update_fields=["scope_epoch"])

    rows = [
        LogRow(*values)
        for values in await ChangeLog.filter(seq__gt=cursor)
        .order_by("seq")
        .limit(limit + 1)
        .values_list("seq", "entity", "entity_id", "version", "deleted")
    ]
    has_more = len(rows) > limit
    rows = rows[:limit]
    changes = await render_changes(rows, caller, include_hidden=cursor > 0)
    return PullResponse(
        protocol=PROTOCOL_VERSION,
        changes=changes,
        cursor=rows[-1].seq if rows else cursor,
        has_more=has_more,
        last_seq=client.last_seq,
        server_time=now,
    )


@asynccontextmanager
async def no_savepoint() -> AsyncIterator[None]:
    yield


class LogRow(NamedTuple):
    seq: int
    entity: str
    entity_id: str
    version: int
    deleted: bool


async def render_changes(
    rows: list[LogRow], caller: Caller, include_hidden: bool
) -> list[Change]:
    """Show each changed record as the caller may see it.

    A record the caller may not see is sent as a tombstone, so a copy that became
    private disappears from the device. A first pull (cursor 0) has nothing to remove
    and leaves such tombstones out.
    """
    ids_by_entity: dict[str, list[str]] = {}
    for row in rows:
        if not row.deleted:
            ids_by_entity.setdefault(row.entity, []).append(row.entity_id)
    rendered: dict[tuple[str, str], dict[str, Any] | None] = {}
    for entity, ids in ids_by_entity.items():
        render = RENDERERS.get(entity)
        if render is None:
            continue
        for entity_id, data in (await render(ids, caller)).items():
            rendered[(entity, entity_id)] = data

    changes = []
    for row in rows:
        data = None if row.deleted else rendered.get((row.entity, row.entity_id))
        if data is None and not include_hidden:
            continue
        changes.append(
            Change(
                entity=row.entity,
                id=row.entity_id,
                version=row.version,
                deleted=data is None,
                data=data,
            )
        )
    return changes


async def refused(caller: Caller, client_id: str, limit: int) -> list[dict[str, Any]]:
    """What a device sent that did not apply, with its arguments, newest first."""
    client = await client_for(caller, client_id, create=False)
    if client is None:
        return []
    rows = (
        await StoredResult.filter(client=client, refused_args__isnull=False)
        .order_by("-seq")
        .limit(limit)
    )
    return [
        {"seq": row.seq, "name": row.name, "args": row.refused_args, "result": row.result,
         "created_at": row.created_at.isoformat()}
        for row in rows
    ]
