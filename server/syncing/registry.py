"""The mutations modules offer to the sync protocol, and how records are shown in a pull.

A module registers each mutation with the pydantic model of its arguments and a handler.
The handler runs inside a savepoint of the push transaction: it either returns an
``Outcome`` or raises ``Rejected``, which rolls back only that one mutation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from tortoise.models import Model

from server.accounts.auth import Caller
from server.settings import Settings
from sync.wire import ConflictInfo


@dataclass
class MutationContext:
    caller: Caller
    client_id: str
    seq: int
    base_version: int | None
    device_created_at: datetime | None
    now: datetime
    settings: Settings
    # Shared by the mutations of one push, for look-ups that a batch repeats.
    cache: dict[str, Any] = field(default_factory=dict)
    # Rows a deferred mutation inserts; the engine writes them in bulk (see below).
    inserts: list[Model] = field(default_factory=list)


@dataclass
class Outcome:
    status: str  # "applied" or "conflict"
    entity: str
    id: str
    version: int
    code: str = "ok"
    params: dict[str, Any] = field(default_factory=dict)
    conflict: ConflictInfo | None = None


class Rejected(Exception):
    """A mutation that can never apply; it is answered and the queue moves on."""

    def __init__(self, code: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.params = params or {}


ArgsT = TypeVar("ArgsT", bound=BaseModel)
Handler = Callable[[MutationContext, Any], Awaitable[Outcome]]
# (batch cache, raw arguments of the push's mutations of one name) -> None
Prefetch = Callable[[dict[str, Any], list[Any]], Awaitable[None]]


@dataclass(frozen=True)
class MutationSpec:
    """A registered mutation.

    A ``deferred`` handler never writes itself: after all its checks it appends new
    rows to ``ctx.inserts``, and the engine inserts them in bulk before the next
    mutation that is not deferred and at the end of the batch. It then needs no
    savepoint of its own, which makes a batch of 1,000 new reports several times
    cheaper. Only handlers that insert new rows and change nothing else may be
    deferred.

    A ``prefetch`` runs once per push, before any mutation applies, with the raw
    arguments of every mutation of this name that the push will apply (unvalidated:
    it must skip what it cannot read). It fills the batch cache with what the
    handlers would otherwise look up one by one.
    """

    name: str
    args_model: type[BaseModel]
    handler: Handler
    deferred: bool = False
    prefetch: Prefetch | None = None


MUTATIONS: dict[str, MutationSpec] = {}


def mutation(
    name: str,
    args_model: type[ArgsT],
    deferred: bool = False,
    prefetch: Prefetch | None = None,
) -> Callable[[Callable[[MutationContext, ArgsT], Awaitable[Outcome]]], Handler]:
    """Register a handler for the mutation ``name``."""

    def register(
        handler: Callable[[MutationContext, ArgsT], Awaitable[Outcome]],
    ) -> Handler:
        if name in MUTATIONS:
            raise RuntimeError(f"mutation {name!r} is registered twice")
        MUTATIONS[name] = MutationSpec(name, args_model, handler, deferred, prefetch)
        return handler

    return register


# Renders records of one entity for a viewer: id -> data, or None where the viewer may
# not see the record (the pull then answers a tombstone).
Renderer = Callable[[Sequence[str], Caller], Awaitable[dict[str, dict[str, Any] | None]]]
RENDERERS: dict[str, Renderer] = {}


def renderer(entity: str) -> Callable[[Renderer], Renderer]:
    def register(render: Renderer) -> Renderer:
        RENDERERS[entity] = render
        return render

    return register
