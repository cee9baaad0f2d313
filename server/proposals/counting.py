"""Read interest, support, satisfaction and delegations, and hand them to the engine.

Supporter counts follow LF: a direct supporter weighs 1 plus the members whose
(interest) delegation for the issue ends at them. A supporter is *satisfied* when
they hold no unmet "must" and no fulfilled "must not" on the initiative's suggestions.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tortoise.expressions import Q

from server.proposals import delegation as engine
from server.proposals.models import (
    Area,
    Delegation,
    Interest,
    Issue,
    Opinion,
    Supporter,
)

MUST, SHOULD, SHOULD_NOT, MUST_NOT = 2, 1, -1, -2


@dataclass(frozen=True)
class SupportCount:
    supporters: int  # weighted
    satisfied: int  # weighted
    rows: tuple[tuple[uuid.UUID, int, bool], ...]  # (member, weight, satisfied)


async def stored_delegations(issue: Issue, area: Area) -> list[Delegation]:
    """The delegations that can apply to ``issue``: its unit's, its area's and its own."""
    return await Delegation.filter(
        Q(scope="unit", unit_id=area.unit_id)  # type: ignore[attr-defined]
        | Q(scope="area", area_id=area.id)
        | Q(scope="issue", issue_id=issue.id)
    )


def as_engine_delegations(rows: Iterable[Delegation]) -> list[engine.Delegation]:
    scopes = {
        "unit": engine.Scope.UNIT,
        "area": engine.Scope.AREA,
        "issue": engine.Scope.ISSUE,
    }
    return [
        engine.Delegation(
            truster=str(row.truster_id),  # type: ignore[attr-defined]
            scope=scopes[row.scope],
            trustee=str(row.trustee_id) if row.trustee_id else None,  # type: ignore[attr-defined]
        )
        for row in rows
    ]


async def resolve_for(
    issue: Issue, members: Sequence[uuid.UUID], direct: Iterable[uuid.UUID]
) -> engine.Resolution:
    """Resolve the issue's delegations with ``direct`` as the direct participants."""
    area = await Area.get(id=issue.area_id)  # type: ignore[attr-defined]
    rows = await stored_delegations(issue, area)
    return engine.resolve(
        [str(m) for m in members], [str(m) for m in direct], as_engine_delegations(rows)
    )


async def unsatisfied(initiative_ids: Sequence[uuid.UUID]) -> set[tuple[str, str]]:
    """(initiative, member) pairs with an unmet must or a fulfilled must-not."""
    if not initiative_ids:
        return set()
    rows = await Opinion.filter(
        Q(degree=MUST, fulfilled=False) | Q(degree=MUST_NOT, fulfilled=True),
        initiative_id__in=list(initiative_ids),
    ).values_list("initiative_id", "member_id")
    return {(str(i), str(m)) for i, m in rows}


async def support_counts(
    issue: Issue, members: Sequence[uuid.UUID]
) -> tuple[dict[str, SupportCount], engine.Resolution]:
    """Weighted (satisfied) supporters of each initiative of ``issue``."""
    interested = await Interest.filter(issue_id=issue.id).values_list(
        "member_id", flat=True
    )
    resolution = await resolve_for(issue, members, interested)
    rows = await Supporter.filter(initiative__issue_id=issue.id).values_list(
        "initiative_id", "member_id"
    )
    initiative_ids = list({initiative for initiative, _ in rows})
    not_satisfied = await unsatisfied(initiative_ids)

    grouped: dict[str, list[tuple[uuid.UUID, int, bool]]] = {}
    for initiative, member in rows:
        weight = resolution.weights.get(str(member), 0)
        if weight == 0:
            continue  # no longer a member
        satisfied = (str(initiative), str(member)) not in not_satisfied
        grouped.setdefault(str(initiative), []).append((member, weight, satisfied))
    counts = {
        initiative: SupportCount(
            supporters=sum(w for _, w, _ in entries),
            satisfied=sum(w for _, w, s in entries if s),
            rows=tuple(entries),
        )
        for initiative, entries in grouped.items()
    }
    return counts, resolution
