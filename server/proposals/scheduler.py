"""Move issues through their phases on time and quorum: ``tick(now)``.

Theory of operation
-------------------
One run reads every open issue, asks the pure engine (``lifecycle.next_state``)
what happens next at ``now``, then lets the issue limiter (``admission``) accept
at most one issue per area. Each change is written by a conditional UPDATE on the
state column (``... WHERE id = ? AND state = <the state read>``) inside the
transaction that also writes the snapshot, the results and the change log. When
several app instances run the same tick, exactly one UPDATE matches; the others
change no row, roll back and move on, so every phase change happens once.

The app runs ``tick`` every ``WEGOVNOW_PROPOSALS_TICK_SECONDS``; the command
``wegovnow proposals tick`` runs it once (from cron, or with ``--now`` to test).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from quart import Quart, current_app
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from server.core.db import activate
from server.proposals import access, admission
from server.proposals.access import active_member_ids, engine_policy, voting_ends_at
from server.proposals.counting import SupportCount, support_counts
from server.proposals.delegation import Resolution
from server.proposals.lifecycle import (
    Effect,
    Event,
    InitiativeSnapshot,
    IssueSnapshot,
    IssueState,
    Transition,
    next_state,
)
from server.proposals.models import (
    Area,
    Initiative,
    Issue,
    Snapshot,
    SnapshotInterest,
    SnapshotSupport,
)
from server.proposals.notify import (
    VOTING_ENDS_SOON,
    VOTING_STARTED,
    notify_issue_followers,
)
from server.proposals.voting import count_issue, store_count
from server.syncing.changelog import record_change

log = logging.getLogger("server.proposals")

S = IssueState
PHASE_OPEN = [S.ADMISSION, S.DISCUSSION, S.VERIFICATION, S.VOTING]
REMIND_BEFORE = timedelta(hours=24)


@dataclass
class TickReport:
    changes: list[dict[str, str]] = field(default_factory=list)
    reminders: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"changes": self.changes, "reminders": self.reminders}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


async def tick(
    now: datetime | None = None, member_ttl: timedelta | None = None
) -> TickReport:
    """Run one round of phase changes at ``now`` (the clock when not given).

    Only members seen within ``member_ttl`` (the setting's default when not given)
    count, as LF's active members do.
    """
    now = now or utcnow()
    report = TickReport()
    members = await active_member_ids(now, member_ttl or access.member_ttl())
    open_issues = await Issue.filter(state__in=PHASE_OPEN).order_by("created_at", "id")
    for issue in open_issues:
        change = await check_issue(issue, members, now)
        if change is not None:
            report.changes.append(change)
    report.changes.extend(await admit(members, now))
    report.reminders = await remind_voting_ends(now)
    return report


async def issue_snapshot(
    issue: Issue,
    initiatives: list[Initiative],
    counts: dict[str, SupportCount],
    population: int,
) -> IssueSnapshot:
    empty = SupportCount(0, 0, ())
    return IssueSnapshot(
        state=IssueState(issue.state),
        created_at=issue.created_at,
        initiatives=tuple(
            InitiativeSnapshot(
                initiative_id=str(i.id),
                revoked_at=i.revoked_at,
                supporter_count=counts.get(str(i.id), empty).supporters,
                satisfied_supporter_count=counts.get(str(i.id), empty).satisfied,
            )
            for i in initiatives
        ),
        population=population,
        accepted_at=issue.accepted_at,
        half_frozen_at=issue.half_frozen_at,
        fully_frozen_at=issue.fully_frozen_at,
    )


async def check_issue(
    issue: Issue, members: list[uuid.UUID], now: datetime
) -> dict[str, str] | None:
    """Decide and store the next transition of one open issue, if it has one."""
    policy_row = await issue.policy
    policy = engine_policy(policy_row)
    initiatives = await Initiative.filter(issue_id=issue.id).order_by(
        "created_at", "id"
    )
    counts, resolution = await support_counts(issue, members)
    snapshot = await issue_snapshot(issue, initiatives, counts, len(members))
    transition = next_state(snapshot, policy, now)

    counted = None
    async with in_transaction():
        if Effect.COUNT_VOTES in transition.effects:
            # Hold the issue row first: a ballot in flight holds it too, so it is
            # either committed before the ballots are read or finds voting closed.
            if not await hold(issue):
                return None
            counted = await count_issue(issue, policy, members, initiatives)
            winner_found = counted.outcome.winner is not None
            transition = next_state(
                replace(snapshot, winner_found=winner_found), policy, now
            )
        if not transition.changed:
            return None
        if not await move(issue, transition, now, len(members)):
            return None
        await write_snapshot(issue, transition, now, len(members), counts, resolution)
        if Effect.FULL_FREEZE in transition.effects:
            admitted = set(transition.admitted)
            for initiative in initiatives:
                initiative.admitted = (
                    str(initiative.id) in admitted and initiative.revoked_at is None
                )
                initiative.version += 1
                await initiative.save(update_fields=["admitted", "version"])
        if counted is not None:
            await store_count(issue, counted)
        await record_change("proposal_issue", str(issue.id), issue.version)
        for initiative in await Initiative.filter(issue_id=issue.id):
            await record_change(
                "proposal_initiative", str(initiative.id), initiative.version
            )
        if transition.state is S.VOTING:
            # In the transaction of the phase change: queued once, with it.
            ends = voting_ends_at(issue, policy_row)
            await notify_issue_followers(issue, VOTING_STARTED, ends_at=ends)

    log.info(
        "proposal issue=%s %s -> %s",
        issue.id,
        snapshot.state.value,
        transition.state.value,
    )
    return {
        "issue": str(issue.id),
        "from": snapshot.state.value,
        "to": transition.state.value,
    }


async def hold(issue: Issue) -> bool:
    """Lock the issue's row for this transaction, if it is still in the state read."""
    held = await Issue.filter(id=issue.id, state=issue.state).update(state=issue.state)
    return held == 1


def moment_fields(transition: Transition, now: datetime) -> dict[str, datetime]:
    """The timestamps a transition sets."""
    stamps: dict[str, datetime] = {}
    if transition.event is Event.ACCEPTED:
        stamps["accepted_at"] = now
    if Effect.HALF_FREEZE in transition.effects:
        stamps["half_frozen_at"] = now
    if Effect.FULL_FREEZE in transition.effects:
        stamps["fully_frozen_at"] = now
    if Effect.CLOSE in transition.effects:
        stamps["closed_at"] = now
    return stamps


async def move(
    issue: Issue, transition: Transition, now: datetime, population: int
) -> bool:
    """Change the state only if nobody else did since we read it; True if we won."""
    stamps = moment_fields(transition, now)
    extra: dict[str, Any] = {"population": population}
    if transition.initiative_quorum is not None:
        extra["initiative_quorum"] = transition.initiative_quorum
    won = await Issue.filter(id=issue.id, state=issue.state).update(
        state=transition.state.value, version=F("version") + 1, **stamps, **extra
    )
    if won != 1:
        log.info("proposal issue=%s already moved by another run", issue.id)
        return False
    issue.state = transition.state.value
    issue.version += 1
    for name, value in {**stamps, **extra}.items():
        setattr(issue, name, value)
    return True


async def write_snapshot(
    issue: Issue,
    transition: Transition,
    now: datetime,
    population: int,
    counts: dict[str, SupportCount],
    resolution: Resolution,
    state_before: str | None = None,
) -> None:
    assert transition.event is not None
    snapshot = await Snapshot.create(
        id=uuid.uuid4(),
        issue_id=issue.id,
        event=transition.event.value,
        state_before=state_before or previous_state(transition),
        state_after=transition.state.value,
        population=population,
        taken_at=now,
    )
    await SnapshotInterest.bulk_create(
        [
            SnapshotInterest(
                snapshot_id=snapshot.id, member_id=uuid.UUID(member), weight=weight
            )
            for member, weight in resolution.weights.items()
        ]
    )
    await SnapshotSupport.bulk_create(
        [
            SnapshotSupport(
                snapshot_id=snapshot.id,
                initiative_id=uuid.UUID(initiative),
                member_id=member,
                weight=weight,
                satisfied=satisfied,
            )
            for initiative, count in counts.items()
            for member, weight, satisfied in count.rows
        ]
    )


def previous_state(transition: Transition) -> str:
    from server.proposals.lifecycle import TRANSITIONS

    for (before, event), after in TRANSITIONS.items():
        if event is transition.event and after is transition.state:
            return before.value
    return ""


async def admit(members: list[uuid.UUID], now: datetime) -> list[dict[str, str]]:
    """Accept at most one issue per area for discussion, best supported first."""
    waiting = await Issue.filter(state=S.ADMISSION).order_by("created_at", "id")
    if not waiting:
        return []
    population = len(members)
    candidates: dict[Any, list[admission.AdmissionCandidate]] = {}
    measured: dict[str, tuple[Issue, dict[str, SupportCount], Resolution]] = {}
    for issue in waiting:
        policy = engine_policy(await issue.policy)
        counts, resolution = await support_counts(issue, members)
        live = await Initiative.filter(issue_id=issue.id, revoked_at=None).values_list(
            "id", flat=True
        )
        supporters = tuple(counts[str(i)].supporters for i in live if str(i) in counts)
        measured[str(issue.id)] = (issue, counts, resolution)
        candidates.setdefault(issue.area_id, []).append(  # type: ignore[attr-defined]
            admission.AdmissionCandidate(
                issue_id=str(issue.id),
                created_at=issue.created_at,
                population=population,
                policy=policy,
                supporter_counts=supporters,
            )
        )

    accepted = admission.admit_issues(
        candidates,
        await open_issues_by_area(list(candidates)),
        now,
        params_by_area=await quorum_params(list(candidates)),
        area_population={area: population for area in candidates},
        limit_per_area=1,
    )
    changes = []
    for admitted in accepted:
        issue, counts, resolution = measured[str(admitted.issue_id)]
        transition = Transition(S.DISCUSSION, Event.ACCEPTED)
        async with in_transaction():
            if not await move(issue, transition, now, population):
                continue
            await write_snapshot(
                issue,
                transition,
                now,
                population,
                counts,
                resolution,
                S.ADMISSION.value,
            )
            await record_change("proposal_issue", str(issue.id), issue.version)
        log.info(
            "proposal issue=%s accepted (area quorum %s)",
            issue.id,
            admitted.area_quorum,
        )
        changes.append(
            {
                "issue": str(issue.id),
                "from": S.ADMISSION.value,
                "to": S.DISCUSSION.value,
            }
        )
    return changes


async def open_issues_by_area(
    area_ids: list[Any],
) -> dict[Any, list[admission.OpenIssue]]:
    rows = await Issue.filter(
        area_id__in=area_ids, state__in=[S.DISCUSSION, S.VERIFICATION, S.VOTING]
    ).prefetch_related("policy")
    by_area: dict[Any, list[admission.OpenIssue]] = {}
    for issue in rows:
        policy = issue.policy
        by_area.setdefault(issue.area_id, []).append(  # type: ignore[attr-defined]
            admission.OpenIssue(
                issue_id=str(issue.id),
                admission_duration=(issue.accepted_at or issue.created_at)
                - issue.created_at,
                discussion_time=timedelta(seconds=policy.discussion_time),
                verification_time=timedelta(seconds=policy.verification_time),
                voting_time=timedelta(seconds=policy.voting_time),
            )
        )
    return by_area


async def quorum_params(area_ids: list[Any]) -> dict[Any, admission.AreaQuorumParams]:
    return {
        area.id: admission.AreaQuorumParams(
            quorum_standard=area.quorum_standard,
            quorum_issues=area.quorum_issues,
            quorum_time=timedelta(seconds=area.quorum_time),
            quorum_exponent=area.quorum_exponent,
            quorum_factor=area.quorum_factor,
            quorum_den=area.quorum_den,
        )
        for area in await Area.filter(id__in=area_ids)
    }


async def remind_voting_ends(now: datetime) -> int:
    """Tell followers once, in the last 24 hours of voting, that it ends soon.

    The first run at or after ``end - 24 h`` sends it; a run that comes later
    (after downtime) still sends it while voting lasts. The conditional UPDATE of
    ``voting_reminder_at`` and the messages share one transaction, so parallel
    runs send it once, and a crash sends it in a later run rather than never.
    Policies whose voting lasts 24 hours or less get no reminder.
    """
    sent = 0
    for issue in await Issue.filter(
        state=S.VOTING, voting_reminder_at=None
    ).prefetch_related("policy"):
        ends = voting_ends_at(issue, issue.policy)
        if ends is None or not ends - REMIND_BEFORE <= now < ends:
            continue
        if timedelta(seconds=issue.policy.voting_time) <= REMIND_BEFORE:
            continue
        async with in_transaction():
            won = await Issue.filter(
                id=issue.id, state=S.VOTING, voting_reminder_at=None
            ).update(voting_reminder_at=now)
            if won != 1:
                continue
            await notify_issue_followers(issue, VOTING_ENDS_SOON, ends_at=ends)
        sent += 1
    return sent


def install(app: Quart) -> None:
    """Run ``tick`` in the background of a serving app, if the settings ask for it."""

    async def start() -> None:
        settings = current_app.config["SETTINGS"]
        seconds = settings.proposals_tick_seconds
        if seconds > 0:
            current_app.config["PROPOSALS_TASK"] = asyncio.create_task(
                run_forever(
                    current_app.config["DB"], seconds, access.member_ttl(settings)
                )
            )

    async def stop() -> None:
        task = current_app.config.pop("PROPOSALS_TASK", None)
        if task is not None:
            task.cancel()

    app.before_serving(start)
    app.after_serving(stop)


async def run_forever(database: Any, seconds: int, member_ttl: timedelta) -> None:
    activate(database)
    while True:
        await asyncio.sleep(seconds)
        try:
            report = await tick(member_ttl=member_ttl)
        except Exception:
            log.exception("proposal tick failed; the next run tries again")
            continue
        if report.changes:
            log.info("proposal tick changed %d issues", len(report.changes))
