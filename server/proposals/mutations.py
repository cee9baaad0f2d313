"""Sync mutations of the proposals module.

Interest, support, opinions, delegations and ballots are per-person sets: a later
mutation replaces the person's earlier value and never conflicts. Initiatives,
drafts and suggestions are created once with ids made on the device; a draft is
never edited, a new draft is added. What an issue's phase forbids is rejected
with a code that names the phase rule (``proposal.voting_closed``, ...).
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from server.accounts.models import User
from server.proposals import voting
from server.proposals.access import (
    DRAFTING_STATES,
    SUPPORT_STATES,
    initiative_or_reject,
    issue_or_reject,
    require_member,
    require_state,
    suggestion_or_reject,
    voting_ends_at,
)
from server.proposals.lifecycle import OPEN_STATES, IssueState
from server.proposals.models import (
    AllowedPolicy,
    Area,
    Delegation,
    Draft,
    Initiative,
    Initiator,
    Interest,
    Issue,
    Opinion,
    Policy,
    Suggestion,
    Supporter,
    Unit,
)
from server.proposals.notify import notify_new_trustee
from server.syncing.changelog import record_change
from server.syncing.registry import MutationContext, Outcome, Rejected, mutation

TEXT_MAX = 20_000


class Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InterestArgs(Args):
    issue_id: uuid.UUID
    interested: bool = True


class CreateInitiativeArgs(Args):
    id: uuid.UUID
    draft_id: uuid.UUID
    issue_id: uuid.UUID
    # Needed only when the issue is new: the device made its id too.
    area_id: uuid.UUID | None = None
    policy_id: uuid.UUID | None = None
    name: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1, max_length=TEXT_MAX)


class InitiativeIdArgs(Args):
    id: uuid.UUID


class AddDraftArgs(Args):
    id: uuid.UUID
    initiative_id: uuid.UUID
    content: str = Field(min_length=1, max_length=TEXT_MAX)


class AddSuggestionArgs(Args):
    id: uuid.UUID
    initiative_id: uuid.UUID
    name: str = Field(min_length=1, max_length=200)
    content: str = Field(default="", max_length=TEXT_MAX)
    # The author's own opinion, as in LF: -2 must not, -1 should not, 1 should, 2 must.
    degree: Literal[-2, -1, 1, 2] = 1


class OpinionArgs(Args):
    suggestion_id: uuid.UUID
    degree: Literal[-2, -1, 0, 1, 2]  # 0 removes the opinion
    fulfilled: bool = False


class SupportArgs(Args):
    initiative_id: uuid.UUID
    supported: bool = True


class DelegationArgs(Args):
    scope: Literal["unit", "area", "issue"]
    target_id: uuid.UUID  # the unit, area or issue
    trustee_id: uuid.UUID | None = (
        None  # None at area or issue scope blocks inheritance
    )
    active: bool = True  # False removes the delegation


class BallotArgs(Args):
    issue_id: uuid.UUID
    # Strict: a JSON true or "2" is a client's bug, not a grade.
    grades: dict[uuid.UUID, StrictInt] = Field(max_length=500)


async def bump_issue(issue: Issue, only_in: IssueState | None = None) -> Outcome:
    """Raise the issue's version (in the database, so parallel bumps add up).

    With ``only_in``, the issue must still be in that state; the UPDATE then also
    holds the row, so the scheduler cannot change the state until we commit.
    """
    query = Issue.filter(id=issue.id)
    if only_in is not None:
        query = query.filter(state=only_in)
    if await query.update(version=F("version") + 1) != 1:
        raise Rejected("proposal.voting_closed", {"ended_at": None})
    issue.version = (
        await Issue.filter(id=issue.id).first().values_list("version", flat=True)
    )  # type: ignore[assignment]
    await record_change("proposal_issue", str(issue.id), issue.version)
    return Outcome("applied", "proposal_issue", str(issue.id), issue.version)


async def bump_initiative(initiative: Initiative, code: str = "ok") -> Outcome:
    await Initiative.filter(id=initiative.id).update(version=F("version") + 1)
    initiative.version = (
        await Initiative.filter(id=initiative.id)
        .first()
        .values_list("version", flat=True)
    )  # type: ignore[assignment]
    await record_change("proposal_initiative", str(initiative.id), initiative.version)
    return Outcome(
        "applied",
        "proposal_initiative",
        str(initiative.id),
        initiative.version,
        code=code,
    )


async def ensure_interest(issue: Issue, member_id: uuid.UUID) -> bool:
    """Mark the member interested (supporting implies interest, as in LF); True if new."""
    _, created = await Interest.get_or_create(issue_id=issue.id, member_id=member_id)
    return created


@mutation("proposal.interest", InterestArgs)
async def set_interest(ctx: MutationContext, args: InterestArgs) -> Outcome:
    require_member(ctx.caller)
    issue = await issue_or_reject(args.issue_id)
    require_state(issue, SUPPORT_STATES | {IssueState.VOTING}, "proposal.fully_frozen")
    member = ctx.caller.user.id
    if not args.interested and issue.state == IssueState.VOTING:
        raise Rejected("proposal.fully_frozen", {"state": issue.state})
    # The issue row first, then initiatives: the scheduler locks in the same order.
    outcome = await bump_issue(issue)
    if args.interested:
        await ensure_interest(issue, member)
        return outcome
    # Without interest there is no support, as LF's foreign key cascades.
    await Supporter.filter(initiative__issue_id=issue.id, member_id=member).delete()
    await Opinion.filter(initiative__issue_id=issue.id, member_id=member).delete()
    await Interest.filter(issue_id=issue.id, member_id=member).delete()
    for initiative in await Initiative.filter(issue_id=issue.id):
        await bump_initiative(initiative)
    return outcome


async def new_issue(ctx: MutationContext, args: CreateInitiativeArgs) -> Issue:
    if args.area_id is None or args.policy_id is None:
        raise Rejected("proposal.issue_not_found")
    area = await Area.get_or_none(id=args.area_id)
    if area is None:
        raise Rejected("proposal.area_not_found")
    policy = await Policy.get_or_none(id=args.policy_id, active=True)
    if policy is None:
        raise Rejected("proposal.policy_not_found")
    if not await AllowedPolicy.exists(area_id=area.id, policy_id=policy.id):
        raise Rejected(
            "proposal.policy_not_allowed", {"policy": policy.name, "area": area.name}
        )
    return await Issue.create(
        id=args.issue_id,
        area=area,
        policy=policy,
        state=IssueState.ADMISSION,
        created_at=ctx.now,
    )


@mutation("proposal.initiative.create", CreateInitiativeArgs)
async def create_initiative(
    ctx: MutationContext, args: CreateInitiativeArgs
) -> Outcome:
    require_member(ctx.caller)
    existing = await Initiative.get_or_none(id=args.id)
    if existing is not None:
        if await Initiator.exists(
            initiative_id=existing.id, member_id=ctx.caller.user.id
        ):
            return Outcome(
                "applied",
                "proposal_initiative",
                str(existing.id),
                existing.version,
                code="proposal.already_created",
            )
        raise Rejected("proposal.id_taken")
    if await Draft.exists(id=args.draft_id):
        raise Rejected("proposal.id_taken")
    issue = await Issue.get_or_none(id=args.issue_id)
    if issue is None:
        issue = await new_issue(ctx, args)
    require_state(issue, SUPPORT_STATES, "proposal.fully_frozen")

    member = ctx.caller.user.id
    initiative = await Initiative.create(
        id=args.id, issue=issue, name=args.name.strip(), created_at=ctx.now
    )
    draft = await Draft.create(
        id=args.draft_id,
        initiative=initiative,
        author_id=member,
        content=args.content,
        created_at=ctx.now,
    )
    await Initiator.create(initiative=initiative, member_id=member)
    # The initiator supports their own initiative, as in LF.
    await ensure_interest(issue, member)
    await Supporter.create(initiative=initiative, member_id=member, draft=draft)
    await bump_issue(issue)
    await record_change("proposal_initiative", str(initiative.id), initiative.version)
    return Outcome(
        "applied", "proposal_initiative", str(initiative.id), initiative.version
    )


@mutation("proposal.initiative.revoke", InitiativeIdArgs)
async def revoke_initiative(ctx: MutationContext, args: InitiativeIdArgs) -> Outcome:
    require_member(ctx.caller)
    initiative = await initiative_or_reject(args.id)
    if not await Initiator.exists(
        initiative_id=initiative.id, member_id=ctx.caller.user.id
    ):
        raise Rejected("proposal.not_initiator")
    require_state(initiative.issue, SUPPORT_STATES, "proposal.fully_frozen")
    if initiative.revoked_at is not None:
        return await bump_initiative(initiative, code="proposal.already_revoked")
    await bump_issue(initiative.issue)
    initiative.revoked_at = ctx.now
    await Initiative.filter(id=initiative.id).update(revoked_at=ctx.now)
    return await bump_initiative(initiative)


@mutation("proposal.draft.add", AddDraftArgs)
async def add_draft(ctx: MutationContext, args: AddDraftArgs) -> Outcome:
    require_member(ctx.caller)
    if await Draft.exists(id=args.id):
        raise Rejected("proposal.id_taken")
    initiative = await initiative_or_reject(args.initiative_id)
    if not await Initiator.exists(
        initiative_id=initiative.id, member_id=ctx.caller.user.id
    ):
        raise Rejected("proposal.not_initiator")
    if initiative.revoked_at is not None:
        raise Rejected("proposal.revoked")
    require_state(initiative.issue, DRAFTING_STATES, "proposal.half_frozen")
    await Draft.create(
        id=args.id,
        initiative=initiative,
        author_id=ctx.caller.user.id,
        content=args.content,
        created_at=ctx.now,
    )
    return await bump_initiative(initiative)


@mutation("proposal.suggestion.add", AddSuggestionArgs)
async def add_suggestion(ctx: MutationContext, args: AddSuggestionArgs) -> Outcome:
    require_member(ctx.caller)
    if await Suggestion.exists(id=args.id):
        raise Rejected("proposal.id_taken")
    initiative = await initiative_or_reject(args.initiative_id)
    if initiative.revoked_at is not None:
        raise Rejected("proposal.revoked")
    require_state(initiative.issue, DRAFTING_STATES, "proposal.half_frozen")
    suggestion = await Suggestion.create(
        id=args.id,
        initiative=initiative,
        author_id=ctx.caller.user.id,
        name=args.name.strip(),
        content=args.content,
        created_at=ctx.now,
    )
    await support(initiative, ctx.caller.user.id)
    await Opinion.create(
        suggestion=suggestion,
        initiative=initiative,
        member_id=ctx.caller.user.id,
        degree=args.degree,
    )
    return await bump_initiative(initiative)


async def support(initiative: Initiative, member_id: uuid.UUID) -> None:
    """Support the initiative's current draft (creating interest), if not already."""
    await ensure_interest(initiative.issue, member_id)
    draft = (
        await Draft.filter(initiative_id=initiative.id)
        .order_by("-created_at", "-id")
        .first()
    )
    assert draft is not None
    row = await Supporter.get_or_none(initiative_id=initiative.id, member_id=member_id)
    if row is None:
        await Supporter.create(initiative=initiative, member_id=member_id, draft=draft)
    elif row.draft_id != draft.id:  # type: ignore[attr-defined]
        row.draft = draft
        await row.save(update_fields=["draft_id"])


@mutation("proposal.opinion.set", OpinionArgs)
async def set_opinion(ctx: MutationContext, args: OpinionArgs) -> Outcome:
    require_member(ctx.caller)
    suggestion = await suggestion_or_reject(args.suggestion_id)
    initiative = suggestion.initiative
    require_state(initiative.issue, SUPPORT_STATES, "proposal.fully_frozen")
    member = ctx.caller.user.id
    if args.degree == 0:
        await Opinion.filter(suggestion_id=suggestion.id, member_id=member).delete()
        return await bump_initiative(initiative)
    if initiative.revoked_at is not None:
        raise Rejected("proposal.revoked")
    # An opinion makes its author a supporter, as LF's autocreate_supporter trigger.
    await support(initiative, member)
    await Opinion.update_or_create(
        suggestion_id=suggestion.id,
        member_id=member,
        defaults={
            "initiative_id": initiative.id,
            "degree": args.degree,
            "fulfilled": args.fulfilled,
        },
    )
    return await bump_initiative(initiative)


@mutation("proposal.support.set", SupportArgs)
async def set_support(ctx: MutationContext, args: SupportArgs) -> Outcome:
    require_member(ctx.caller)
    initiative = await initiative_or_reject(args.initiative_id)
    require_state(initiative.issue, SUPPORT_STATES, "proposal.fully_frozen")
    member = ctx.caller.user.id
    if args.supported:
        if initiative.revoked_at is not None:
            raise Rejected("proposal.revoked")
        await support(initiative, member)
        await bump_issue(initiative.issue)
    else:
        await Opinion.filter(initiative_id=initiative.id, member_id=member).delete()
        await Supporter.filter(initiative_id=initiative.id, member_id=member).delete()
    return await bump_initiative(initiative)


async def delegation_target(args: DelegationArgs) -> dict[str, uuid.UUID]:
    if args.scope == "unit":
        found = await Unit.exists(id=args.target_id)
    elif args.scope == "area":
        found = await Area.exists(id=args.target_id)
    else:
        issue = await issue_or_reject(args.target_id)
        found = True
        if issue.state not in OPEN_STATES:
            raise Rejected("proposal.issue_closed", {"state": issue.state})
    if not found:
        raise Rejected(f"proposal.{args.scope}_not_found")
    return {f"{args.scope}_id": args.target_id}


@mutation("proposal.delegation.set", DelegationArgs)
async def set_delegation(ctx: MutationContext, args: DelegationArgs) -> Outcome:
    require_member(ctx.caller)
    target = await delegation_target(args)
    truster = ctx.caller.user.id
    key = f"{args.scope}:{args.target_id}"
    if not args.active:
        await Delegation.filter(truster_id=truster, scope_key=key).delete()
        return Outcome("applied", "proposal_delegation", key, 1)
    if args.trustee_id == truster:
        raise Rejected("proposal.self_delegation")
    if args.trustee_id is None and args.scope == "unit":
        raise Rejected("proposal.empty_unit_delegation")
    if args.trustee_id is not None and not await User.exists(
        id=args.trustee_id, is_guest=False, deleted_at=None
    ):
        raise Rejected("proposal.trustee_not_found")
    existing = await Delegation.get_or_none(truster_id=truster, scope_key=key)
    if existing is not None and existing.trustee_id == args.trustee_id:  # type: ignore[attr-defined]
        return Outcome("applied", "proposal_delegation", key, 1)  # unchanged
    if existing is not None:
        await existing.delete()
    # A new row (and id) for each new trustee. Known shortcoming: the former
    # trustee is not told that a delegation moved away or ended.
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "truster_id": truster,
        "scope_key": key,
        "scope": args.scope,
        "trustee_id": args.trustee_id,
        **target,
    }
    try:
        async with in_transaction():  # a savepoint, so the refusal is clean
            delegation = await Delegation.create(**values)
    except IntegrityError:
        # Another device of the same member set this delegation at the same
        # instant (the unique truster and scope_key); theirs stands.
        raise Rejected("proposal.delegation_busy") from None
    await notify_new_trustee(delegation)
    return Outcome("applied", "proposal_delegation", key, 1)


@mutation("proposal.ballot.cast", BallotArgs)
async def cast_ballot(ctx: MutationContext, args: BallotArgs) -> Outcome:
    require_member(ctx.caller)
    issue = await issue_or_reject(args.issue_id)
    if issue.state in (
        IssueState.ADMISSION,
        IssueState.DISCUSSION,
        IssueState.VERIFICATION,
    ):
        raise Rejected("proposal.voting_not_started", {"state": issue.state})
    ends = voting_ends_at(issue, await issue.policy)
    # Judged by the server's clock, not the scheduler: a ballot sent after the end
    # of voting is refused even before the issue is counted and closed.
    if issue.state != IssueState.VOTING or ends is None or ctx.now >= ends:
        raise Rejected(
            "proposal.voting_closed", {"ended_at": ends.isoformat() if ends else None}
        )
    # Hold the issue row before storing the ballot: the count holds it too, so a
    # ballot either commits before the count reads the ballots or finds it closed.
    outcome = await bump_issue(issue, only_in=IssueState.VOTING)
    admitted = set(await voting.admitted_ids(issue))
    grades = {str(k): v for k, v in args.grades.items()}
    unknown = [k for k in grades if k not in admitted]
    if unknown:
        raise Rejected("proposal.not_admitted", {"initiative": unknown[0]})
    if any(abs(v) > 1000 for v in grades.values()):
        raise Rejected("proposal.bad_grade")
    await voting.cast(issue, ctx.caller.user.id, grades, ctx.now)
    await ensure_interest(issue, ctx.caller.user.id)
    return outcome
