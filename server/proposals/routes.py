"""HTTP routes of the proposals module under ``/api/proposals``.

Reading is open to everyone. Acting (interest, initiatives, drafts, suggestions,
opinions, support, delegations, ballots) needs a member, and goes through the same
handlers as the sync mutations, so the rules cannot differ between the two ways in.
Units, areas and policies are set up by admins (``structure``).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from pydantic import ValidationError
from quart import Blueprint, current_app, jsonify, request
from tortoise.transactions import in_transaction

from server.accounts.auth import caller_or_none, require_caller
from server.accounts.models import User
from server.core.errors import ApiError, BadRequest, Conflict, Forbidden, NotFound
from server.core.validation import invalid_request, refuse_nul
from server.proposals import delegation_routes, structure
from server.proposals.access import member_ids
from server.proposals import delegation as engine
from server.proposals.counting import as_engine_delegations, stored_delegations
from server.proposals.lifecycle import OPEN_STATES, IssueState
from server.proposals.models import (
    Area,
    Ballot,
    Initiative,
    Issue,
)
from server.proposals.views import initiative_json, issue_json
from server.proposals.voting import export_tally
from server.syncing.registry import MUTATIONS, MutationContext, Rejected

blueprint = Blueprint("proposals", __name__, url_prefix="/api/proposals")
blueprint.register_blueprint(structure.blueprint)
blueprint.register_blueprint(delegation_routes.blueprint)

LIST_MAX = 200
FORBIDDEN_CODES = {
    "proposal.members_only",
    "proposal.not_initiator",
    "proposal.admins_only",
}


def parse_id(raw: str, code: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise NotFound(code) from None


def api_error_for(refusal: Rejected) -> ApiError:
    if refusal.code in FORBIDDEN_CODES:
        return Forbidden(refusal.code, refusal.params)
    if refusal.code.endswith("_not_found"):
        return NotFound(refusal.code, refusal.params)
    return Conflict(refusal.code, refusal.params)


async def run_action(name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Run the sync mutation ``name`` for an HTTP request, in one transaction."""
    caller = require_caller()
    spec = MUTATIONS[name]
    try:
        args = spec.args_model.model_validate(payload)
    except ValidationError as error:
        raise invalid_request(error) from error
    context = MutationContext(
        caller=caller,
        client_id="http",
        seq=0,
        base_version=None,
        device_created_at=None,
        now=datetime.now(timezone.utc),
        settings=current_app.config["SETTINGS"],
    )
    try:
        async with in_transaction():
            outcome = await spec.handler(context, args)
    except Rejected as refusal:
        raise api_error_for(refusal) from None
    return {
        "status": outcome.status,
        "code": outcome.code,
        "entity": outcome.entity,
        "id": outcome.id,
        "version": outcome.version,
    }


async def body_json() -> dict[str, Any]:
    data = await request.get_json(silent=True)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BadRequest("request.invalid", {"count": 1})
    refuse_nul(data)
    return data


# Issues and initiatives ------------------------------------------------------------


@blueprint.get("/issues")
async def list_issues() -> Any:
    query = Issue.all()
    state = request.args.get("state")
    if state == "open":
        query = query.filter(state__in=list(OPEN_STATES))
    elif state == "closed":
        query = query.exclude(state__in=list(OPEN_STATES))
    elif state:
        if state not in {s.value for s in IssueState}:
            raise BadRequest("proposal.bad_state", {"state": state[:60]})
        query = query.filter(state=state)
    if area := request.args.get("area_id"):
        query = query.filter(area_id=parse_id(area, "proposal.area_not_found"))
    issues = await query.order_by("-created_at").limit(LIST_MAX)
    viewer = caller_or_none()
    return jsonify([await issue_json(issue, viewer) for issue in issues])


async def load_issue(issue_id: str) -> Issue:
    issue = await Issue.get_or_none(id=parse_id(issue_id, "proposal.issue_not_found"))
    if issue is None:
        raise NotFound("proposal.issue_not_found")
    return issue


@blueprint.get("/issues/<issue_id>")
async def show_issue(issue_id: str) -> Any:
    issue = await load_issue(issue_id)
    viewer = caller_or_none()
    initiatives = await Initiative.filter(issue_id=issue.id).order_by(
        "created_at", "id"
    )
    return jsonify(
        {
            **await issue_json(issue, viewer),
            "initiatives": [await initiative_json(i, viewer) for i in initiatives],
        }
    )


@blueprint.get("/initiatives/<initiative_id>")
async def show_initiative(initiative_id: str) -> Any:
    initiative = await Initiative.get_or_none(
        id=parse_id(initiative_id, "proposal.initiative_not_found")
    )
    if initiative is None:
        raise NotFound("proposal.initiative_not_found")
    return jsonify(await initiative_json(initiative, caller_or_none()))


@blueprint.post("/initiatives")
async def create_initiative() -> Any:
    payload = await body_json()
    for key in ("id", "draft_id", "issue_id"):
        payload.setdefault(key, str(uuid.uuid4()))
    return jsonify(await run_action("proposal.initiative.create", payload)), 201


@blueprint.post("/initiatives/<initiative_id>/drafts")
async def add_draft(initiative_id: str) -> Any:
    payload = {
        "id": str(uuid.uuid4()),
        **await body_json(),
        "initiative_id": initiative_id,
    }
    return jsonify(await run_action("proposal.draft.add", payload)), 201


@blueprint.post("/initiatives/<initiative_id>/revoke")
async def revoke(initiative_id: str) -> Any:
    return jsonify(
        await run_action("proposal.initiative.revoke", {"id": initiative_id})
    )


@blueprint.put("/initiatives/<initiative_id>/support")
async def support(initiative_id: str) -> Any:
    return jsonify(
        await run_action(
            "proposal.support.set",
            {**await body_json(), "initiative_id": initiative_id},
        )
    )


@blueprint.post("/initiatives/<initiative_id>/suggestions")
async def add_suggestion(initiative_id: str) -> Any:
    payload = {
        "id": str(uuid.uuid4()),
        **await body_json(),
        "initiative_id": initiative_id,
    }
    return jsonify(await run_action("proposal.suggestion.add", payload)), 201


@blueprint.put("/suggestions/<suggestion_id>/opinion")
async def opinion(suggestion_id: str) -> Any:
    return jsonify(
        await run_action(
            "proposal.opinion.set",
            {**await body_json(), "suggestion_id": suggestion_id},
        )
    )


@blueprint.put("/issues/<issue_id>/interest")
async def interest(issue_id: str) -> Any:
    return jsonify(
        await run_action(
            "proposal.interest", {**await body_json(), "issue_id": issue_id}
        )
    )


@blueprint.put("/delegations")
async def delegation() -> Any:
    return jsonify(await run_action("proposal.delegation.set", await body_json()))


# Voting ----------------------------------------------------------------------------


@blueprint.put("/issues/<issue_id>/ballot")
async def cast_ballot(issue_id: str) -> Any:
    answer = await run_action(
        "proposal.ballot.cast", {**await body_json(), "issue_id": issue_id}
    )
    return jsonify({**answer, "ballots_public_after_close": True})


@blueprint.get("/issues/<issue_id>/ballot")
async def my_ballot(issue_id: str) -> Any:
    caller = require_caller()
    issue = await load_issue(issue_id)
    ballot = await Ballot.get_or_none(issue_id=issue.id, member_id=caller.user.id)
    return jsonify(
        {
            "grades": ballot.grades if ballot else None,
            "ballots_public_after_close": True,
        }
    )


async def closed_issue(issue_id: str) -> Issue:
    issue = await load_issue(issue_id)
    if issue.state not in (
        IssueState.FINISHED_WITH_WINNER,
        IssueState.FINISHED_WITHOUT_WINNER,
    ):
        raise Conflict("proposal.ballots_not_public", {"state": issue.state})
    return issue


@blueprint.get("/issues/<issue_id>/ballots")
async def public_ballots(issue_id: str) -> Any:
    """Every counted ballot of a finished issue, with its voter and weight (public,
    as in LF).

    A ballot of a member without voting right or not active at the close weighs 0
    and is left out, as LF's ``close_voting`` deletes it: listed, it would tell
    everyone that the voter had been away. The voter still sees it as their own.
    """
    issue = await closed_issue(issue_id)
    ballots = await Ballot.filter(issue_id=issue.id, weight__gt=0).order_by("id")
    names = dict(
        await User.filter(id__in=[b.member_id for b in ballots]).values_list(
            "id", "name"
        )
    )  # type: ignore[attr-defined]
    return jsonify(
        [
            {
                "member": {"id": str(b.member_id), "name": names.get(b.member_id)},  # type: ignore[attr-defined]
                "grades": b.grades,
                "weight": b.weight,
                "delegators": b.delegators,
            }
            for b in ballots
        ]
    )


@blueprint.get("/issues/<issue_id>/ballots.json")
async def ballots_file(issue_id: str) -> Any:
    """The ballots in the tally file format, for ``wegovnow proposals tally``."""
    issue = await closed_issue(issue_id)
    response = jsonify(await export_tally(issue))
    response.headers["Content-Disposition"] = (
        f'attachment; filename="issue-{issue.id}-ballots.json"'
    )
    return response


@blueprint.get("/issues/<issue_id>/delegation")
async def delegation_view(issue_id: str) -> Any:
    """Whose voice the caller carries, and whom the caller's voice reaches, on this issue.

    Before voting the direct participants are the interested members, as LF counts
    support; once the issue closed they are the voters. During voting the chain is
    shown as if everyone without a delegation took part, but for the caller.
    """
    caller = require_caller()
    issue = await load_issue(issue_id)
    me = str(caller.user.id)
    members = {str(m) for m in await member_ids()}
    rows = await stored_delegations(issue, await Area.get(id=issue.area_id))  # type: ignore[attr-defined]
    # During voting only the caller's own ballot is known (see hides_participation).
    place = {"issue": issue}
    direct = await delegation_routes.direct_participants(place, members, rows, me)
    resolution = engine.resolve(members, direct, as_engine_delegations(rows))
    chain = resolution.chain(me)
    carried = resolution.delegators_of(me)
    names = (
        {
            str(i): n
            for i, n in await User.filter(id__in=[*chain, *carried]).values_list(
                "id", "name"
            )
        }
        if chain or carried
        else {}
    )
    return jsonify(
        {
            "participates": me in resolution.weights,
            "weight": resolution.weights.get(me, 0),
            # Whom my voice reaches, trustee first; the last one takes part for me.
            "my_voice_reaches": [{"id": m, "name": names.get(m)} for m in chain],
            "represented_by": {"id": chain[-1], "name": names.get(chain[-1])}
            if chain
            else None,
            # Whose voices I carry, directly or through others.
            "i_represent": [{"id": str(m), "name": names.get(str(m))} for m in carried],
        }
    )
