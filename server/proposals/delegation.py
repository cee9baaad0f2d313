"""Resolve LiquidFeedback delegations for one issue: who carries whose voice.

A member may delegate at unit, area or issue scope; for an issue the most
specific one counts (LF core's ``issue_delegation`` view orders by scope).
An area or issue delegation with no trustee stops an inherited delegation.
Chains are followed transitively until they reach a direct participant; a
chain that loops, stops, or passes an ineligible member carries nobody's voice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import TypeAlias

MemberId: TypeAlias = int | str


class Scope(IntEnum):
    """Delegation scopes; a larger value is more specific and wins."""

    UNIT = 1
    AREA = 2
    ISSUE = 3


class DelegationError(ValueError):
    """A delegation that LiquidFeedback's constraints would refuse; the member's input is at fault."""

    def __init__(self, code: str, message: str, value: object) -> None:
        super().__init__(message)
        self.code = code
        self.value = value


@dataclass(frozen=True)
class Delegation:
    """``truster`` hands their voice to ``trustee``; ``trustee=None`` blocks inheritance."""

    truster: MemberId
    scope: Scope
    trustee: MemberId | None

    def __post_init__(self) -> None:
        # Both checks mirror LF core constraints: "cant_delegate_to_yourself" and
        # "no_unit_delegation_to_null" (an empty unit delegation means nothing).
        if self.trustee == self.truster:
            raise DelegationError(
                "self_delegation",
                f"member {self.truster!r} cannot delegate to themself",
                self.truster,
            )
        if self.trustee is None and self.scope is Scope.UNIT:
            raise DelegationError(
                "empty_unit_delegation",
                "an empty delegation only makes sense at area or issue scope; "
                "delete the unit delegation instead",
                self.truster,
            )


def effective_trustees(
    delegations: Iterable[Delegation],
) -> dict[MemberId, MemberId | None]:
    """Pick each truster's most specific delegation; ``None`` means blocked."""
    chosen: dict[MemberId, Delegation] = {}
    for delegation in delegations:
        current = chosen.get(delegation.truster)
        if current is not None and current.scope == delegation.scope:
            raise DelegationError(
                "duplicate_delegation",
                f"member {delegation.truster!r} has two {delegation.scope.name.lower()} "
                "delegations for this issue",
                delegation.truster,
            )
        if current is None or delegation.scope > current.scope:
            chosen[delegation.truster] = delegation
    return {truster: d.trustee for truster, d in chosen.items()}


@dataclass(frozen=True)
class Resolution:
    """Weights of direct participants and the path each delegated voice takes."""

    weights: Mapping[MemberId, int]
    represented_by: Mapping[MemberId, MemberId]
    next_hop: Mapping[MemberId, MemberId]
    delegators: Mapping[MemberId, tuple[MemberId, ...]]

    def chain(self, member: MemberId) -> list[MemberId]:
        """Members ``member``'s voice passes through, ending at the direct participant.

        Chains are walked on demand rather than stored: a single line of 100,000
        delegations would otherwise need 5 billion list entries.
        """
        if member not in self.represented_by:
            return []
        path: list[MemberId] = []
        node = member
        while node in self.next_hop:
            node = self.next_hop[node]
            path.append(node)
        return path

    def delegators_of(self, participant: MemberId) -> tuple[MemberId, ...]:
        """Every member whose voice ``participant`` carries, directly or through others."""
        return self.delegators.get(participant, ())


def resolve(
    eligible: Iterable[MemberId],
    direct: Iterable[MemberId],
    delegations: Iterable[Delegation],
) -> Resolution:
    """Resolve delegations for one issue.

    ``eligible`` are members with voting right in the unit; ``direct`` are the
    direct voters (or direct supporters). Direct participants keep their own
    voice whatever they delegated, and ineligible participants are ignored, as
    LF deletes their votes before counting.
    """
    members = set(eligible)
    participants = {m for m in direct if m in members}
    outgoing = {
        truster: trustee
        for truster, trustee in effective_trustees(delegations).items()
        if truster in members and truster not in participants
    }
    ends = _chain_ends(members, participants, outgoing)

    weights = {p: 1 for p in participants}
    delegators: dict[MemberId, list[MemberId]] = {}
    represented_by: dict[MemberId, MemberId] = {}
    for member, end in ends.items():
        if end is None or member in participants:
            continue
        represented_by[member] = end
        weights[end] += 1
        delegators.setdefault(end, []).append(member)

    # Every represented member has a trustee; the filter only narrows the type.
    next_hop = {m: t for m in represented_by if (t := outgoing[m]) is not None}
    return Resolution(
        weights=weights,
        represented_by=represented_by,
        next_hop=next_hop,
        delegators={p: tuple(ms) for p, ms in delegators.items()},
    )


def _chain_ends(
    members: set[MemberId],
    participants: set[MemberId],
    outgoing: Mapping[MemberId, MemberId | None],
) -> dict[MemberId, MemberId | None]:
    """Find where each member's chain ends, visiting every member once (no recursion)."""
    ends: dict[MemberId, MemberId | None] = {p: p for p in participants}
    for start in members:
        if start in ends:
            continue
        path: list[MemberId] = []
        on_path: set[MemberId] = set()
        node: MemberId | None = start
        end: MemberId | None = None
        while node is not None:
            if node in ends:
                end = ends[node]
                break
            if node not in members or node in on_path:
                break  # an ineligible trustee or a loop: nobody receives the voice
            path.append(node)
            on_path.add(node)
            node = outgoing.get(node)
        for visited in path:
            ends[visited] = end
    return ends
