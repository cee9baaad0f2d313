"""Conflict records as staff see them, and their resolution.

A conflict keeps the value that lost (``yours``) beside the value the server kept
(``theirs``). Staff pick one of them, or a merged value, with ``conflict.resolve``;
the choice is applied as a fresh edit on the newest version, so it cannot conflict.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from server.accounts.auth import Caller
from server.syncing.changelog import record_change
from server.syncing.models import ConflictRecord
from server.syncing.registry import MutationContext, Outcome, Rejected, mutation, renderer


def conflict_json(record: ConflictRecord) -> dict[str, Any]:
    return {
        "id": str(record.id),
        "entity": record.entity,
        "entity_id": record.entity_id,
        "kind": record.kind,
        "field": record.field,
        "yours": (record.yours or {}).get("value"),
        "theirs": (record.theirs or {}).get("value"),
        "mutation": record.mutation,
        "created_at": record.created_at.isoformat(),
        "resolved_at": record.resolved_at.isoformat() if record.resolved_at else None,
        "resolution": record.resolution,
    }


async def announce(record: ConflictRecord) -> None:
    await record_change("conflict", str(record.id), 1 if record.resolved_at is None else 2)


@renderer("conflict")
async def render_conflicts(ids: Sequence[str], caller: Caller) -> dict[str, dict[str, Any] | None]:
    if not caller.is_staff:
        return {conflict_id: None for conflict_id in ids}
    records = {str(r.id): conflict_json(r) for r in await ConflictRecord.filter(id__in=list(ids))}
    return {conflict_id: records.get(conflict_id) for conflict_id in ids}


class ResolveArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    choice: str = Field(pattern="^(yours|theirs|merged|dismiss)$")
    value: Any = None


@mutation("conflict.resolve", ResolveArgs)
async def resolve_conflict(ctx: MutationContext, args: ResolveArgs) -> Outcome:
    if not ctx.caller.is_staff:
        raise Rejected("auth.staff_only")
    record = await ConflictRecord.get_or_none(id=args.id)
    if record is None:
        raise Rejected("conflict.not_found")
    if record.resolved_at is not None:
        return Outcome("applied", "conflict", str(record.id), 2, code="conflict.already_resolved")

    chosen = {"yours": (record.yours or {}).get("value"), "merged": args.value}.get(args.choice)
    if args.choice in ("yours", "merged") and record.kind == "field" and record.field:
        from server.reports.mutations import apply_resolved_value

        await apply_resolved_value(ctx, record.entity_id, record.field, chosen)
    record.resolved_at = ctx.now
    record.resolution = {"choice": args.choice, "value": chosen, "by": str(ctx.caller.user.id)}
    await record.save(update_fields=["resolved_at", "resolution"])
    await announce(record)
    return Outcome("applied", "conflict", str(record.id), 2)
