"""Reading delegations: a member's own at one scope, its chain, and finding trustees.

Mounted inside the ``proposals`` blueprint, so its routes live under
``/api/proposals``. Setting a delegation stays the sync mutation
``proposal.delegation.set`` (and ``PUT /api/proposals/delegations``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from typing import Any

from quart import Blueprint, jsonify, request
from tortoise.expressions import Q

from server.accounts.auth import Caller, require_caller
from server.core.errors import BadRequest, Forbidden, NotFound
from server.proposals import delegation as engine
from server.proposals.access import member_ids_query
from server.proposals.counting import as_engine_delegations
from server.proposals.lifecycle import IssueState
from server.proposals.models import Area, Ballot, Delegation, Interest, Issue, Unit

blueprint = Blueprint("proposals_delegations", __name__)

SCOPES = ("unit", "area", "issue")
# Before voting the direct participants of an issue are the interested members, as
# LF counts support; from voting on they are the voters.
BEFORE_VOTING = (IssueState.ADMISSION, IssueState.DISCUSSION, IssueState.VERIFICATION)
MEMBERS_PAGE = 20
MEMBERS_PAGE_MAX = 50
OFFSET_MAX = 10_000
SEARCH_MAX = 100
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# A trustee may carry thousands of voices; the answer names this many and counts all.
NAMED_DELEGATORS_MAX = 100


def require_member_caller() -> Caller:
    caller = require_caller()
    if caller.user.is_guest:
        raise Forbidden("proposal.members_only")
    return caller


def parse_uuid(raw: str | None, code: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw or "")
    except ValueError:
        raise NotFound(code) from None


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(
            "query.not_a_number", {"name": name, "value": raw[:40]}
        ) from None
    return min(max(value, low), high)


def search_text(raw: str) -> str:
    """The name part searched for: no control characters (PostgreSQL refuses a NUL
    in a parameter), at most ``SEARCH_MAX`` characters. Tortoise escapes LIKE's
    ``%`` and ``_``, so they match themselves."""
    return CONTROL.sub("", raw).strip()[:SEARCH_MAX]


@blueprint.get("/units/<unit_id>/members")
async def unit_members(unit_id: str) -> Any:
    """Other members of the unit, by name, a page at a time: to choose a trustee.

    Every member has voting right in every unit for now (RULES.md 9), so this is
    every member but the caller, who cannot delegate to themself.
    """
    caller = require_member_caller()
    unit = parse_uuid(unit_id, "proposal.unit_not_found")
    if not await Unit.exists(id=unit):
        raise NotFound("proposal.unit_not_found")
    limit = int_arg("limit", MEMBERS_PAGE, 1, MEMBERS_PAGE_MAX)
    offset = int_arg("offset", 0, 0, OFFSET_MAX)
    query = member_ids_query().exclude(id=caller.user.id)
    # Known shortcoming: SQLite's UPPER() folds ASCII letters only, so on SQLite a
    # search for "γιώργος" misses "Γιώργος"; PostgreSQL folds every script.
    if search := search_text(request.args.get("q", "")):
        query = query.filter(name__icontains=search)

    rows = (
        await query.order_by("name", "id")
        .offset(offset)
        .limit(limit + 1)
        .values_list("id", "name")
    )
    more = len(rows) > limit
    return jsonify(
        {
            "members": [{"id": str(i), "name": n} for i, n in rows[:limit]],
            "next_offset": offset + limit if more else None,
        }
    )


async def scope_target(scope: str, target: uuid.UUID) -> dict[str, Any]:
    """The unit, area and issue a scope sits in, and the target's name."""
    if scope == "unit":
        unit = await Unit.get_or_none(id=target)
        if unit is None:
            raise NotFound("proposal.unit_not_found")
        return {"unit_id": unit.id, "area_id": None, "issue": None, "name": unit.name}
    if scope == "area":
        area = await Area.get_or_none(id=target)
        if area is None:
            raise NotFound("proposal.area_not_found")
        return {
            "unit_id": area.unit_id,  # type: ignore[attr-defined]
            "area_id": area.id,
            "issue": None,
            "name": area.name,
        }
    issue = await Issue.get_or_none(id=target).prefetch_related("area")
    if issue is None:
        raise NotFound("proposal.issue_not_found")
    return {
        "unit_id": issue.area.unit_id,  # type: ignore[attr-defined]
        "area_id": issue.area.id,
        "issue": issue,
        "name": issue.area.name,
    }


async def applicable_rows(place: dict[str, Any]) -> list[Delegation]:
    """Delegations that count at this scope: the unit's, then the area's and issue's."""
    condition = Q(scope="unit", unit_id=place["unit_id"])
    if place["area_id"] is not None:
        condition |= Q(scope="area", area_id=place["area_id"])
    if place["issue"] is not None:
        condition |= Q(scope="issue", issue_id=place["issue"].id)
    return await Delegation.filter(condition)


def hides_participation(issue: Issue | None) -> bool:
    """Whether the chain is shown as if every member without a delegation took part.

    For a unit or area there is nothing to take part in yet. During voting LF's
    ``delegation_chain`` knows only the caller's own participation: telling who
    else has voted would let anyone learn it by delegating to them.
    """
    return issue is None or issue.state == IssueState.VOTING


async def direct_participants(
    place: dict[str, Any], eligible: set[str], rows: Iterable[Delegation], me: str
) -> set[str]:
    """Who takes part directly, among ``eligible``, as the caller may know it.

    For an issue before voting: the interested members (public, as LF's support
    is). Once it closed: the voters (ballots are public then). For a unit or area,
    and during voting, everyone who hands their voice to nobody is assumed to take
    part, but for the caller, whose own ballot is theirs to know.
    """
    issue = place["issue"]
    if not hides_participation(issue):
        source = Interest if issue.state in BEFORE_VOTING else Ballot
        found = await source.filter(issue_id=issue.id).values_list(
            "member_id", flat=True
        )
        return {str(m) for m in found} & eligible
    delegating = {
        truster
        for truster, trustee in engine.effective_trustees(
            as_engine_delegations(rows)
        ).items()
        if trustee is not None
    }
    assumed = {str(m) for m in eligible - delegating}
    if issue is None:
        return assumed
    assumed.discard(me)
    if await Ballot.exists(issue_id=issue.id, member_id=me):
        assumed.add(me)
    return assumed


def own_rows(
    rows: Iterable[Delegation], me: str, scope: str, target: uuid.UUID
) -> tuple[Delegation | None, Delegation | None]:
    """The caller's delegation at this scope, and the one it would inherit."""
    mine = [r for r in rows if str(r.truster_id) == me]  # type: ignore[attr-defined]
    order = {name: i for i, name in enumerate(SCOPES)}
    here = next((r for r in mine if r.scope_key == f"{scope}:{target}"), None)
    wider = [r for r in mine if order[r.scope] < order[scope]]
    inherited = max(wider, key=lambda r: order[r.scope], default=None)
    return here, inherited


def person(member: str | None, names: dict[str, str]) -> dict[str, Any] | None:
    return {"id": member, "name": names.get(member)} if member else None


def trustee_of(row: Delegation | None) -> str | None:
    return str(row.trustee_id) if row and row.trustee_id else None  # type: ignore[attr-defined]


@blueprint.get("/delegations")
async def my_delegation() -> Any:
    """The caller's delegation at one scope, what it inherits, and its chain."""
    caller = require_member_caller()
    scope = request.args.get("scope", "")
    if scope not in SCOPES:
        raise BadRequest("proposal.bad_scope", {"scope": scope[:20]})
    target = parse_uuid(request.args.get("id"), f"proposal.{scope}_not_found")
    place = await scope_target(scope, target)
    rows = await applicable_rows(place)
    me = str(caller.user.id)

    involved = {me}
    for row in rows:
        involved.add(str(row.truster_id))  # type: ignore[attr-defined]
        if row.trustee_id:  # type: ignore[attr-defined]
            involved.add(str(row.trustee_id))  # type: ignore[attr-defined]
    members = dict(
        await member_ids_query().filter(id__in=list(involved)).values_list("id", "name")
    )
    names = {str(i): n for i, n in members.items()}
    eligible = set(names)
    direct = await direct_participants(place, eligible, rows, me)
    resolution = engine.resolve(eligible, direct, as_engine_delegations(rows))

    here, inherited = own_rows(rows, me, scope, target)
    chain = [str(m) for m in resolution.chain(me)]
    carried = [str(m) for m in resolution.delegators_of(me)]
    carried.sort(key=lambda m: (names.get(m) or "", m))
    return jsonify(
        {
            "scope": scope,
            "target_id": str(target),
            "target_name": place["name"],
            "unit_id": str(place["unit_id"]),
            "area_id": str(place["area_id"]) if place["area_id"] else None,
            "mine": {"trustee": person(trustee_of(here), names)} if here else None,
            "inherited": {
                "scope": inherited.scope,
                "trustee": person(trustee_of(inherited), names),
            }
            if inherited
            else None,
            "assumed_participants": hides_participation(place["issue"]),
            "participates": me in resolution.weights,
            "weight": resolution.weights.get(me, 0),
            "my_voice_reaches": [person(m, names) for m in chain],
            "represented_by": person(chain[-1], names) if chain else None,
            "i_represent": [person(m, names) for m in carried[:NAMED_DELEGATORS_MAX]],
            "i_represent_count": len(carried),
        }
    )
