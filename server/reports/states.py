"""Theory of operation: the life of a report, as a transition table.

A report starts ``new``. Staff move it forward through ``acknowledged`` and
``in_progress`` to ``resolved`` and finally ``closed``; any open state may also end in
``rejected``. Each state has a type, as in FixMyStreet: ``open`` while the city still
has work to do, ``fixed`` once the problem is solved, ``closed`` when the report is done
with without a fix. A stale "reopen" therefore cannot undo a close: there is no edge back.

Staff may skip ahead (``new`` straight to ``resolved``) because a crew often fixes
something before anybody triaged it; they may also step back one open state, which keeps
a mis-click reversible without allowing a closed report to come back to life.
"""

from __future__ import annotations

from typing import Literal

State = Literal["new", "acknowledged", "in_progress", "resolved", "closed", "rejected"]
StateType = Literal["open", "fixed", "closed"]

STATES: tuple[State, ...] = (
    "new",
    "acknowledged",
    "in_progress",
    "resolved",
    "closed",
    "rejected",
)

STATE_TYPES: dict[State, StateType] = {
    "new": "open",
    "acknowledged": "open",
    "in_progress": "open",
    "resolved": "fixed",
    "closed": "closed",
    "rejected": "closed",
}

TRANSITIONS: dict[State, frozenset[State]] = {
    "new": frozenset({"acknowledged", "in_progress", "resolved", "rejected"}),
    "acknowledged": frozenset({"new", "in_progress", "resolved", "rejected"}),
    "in_progress": frozenset({"acknowledged", "resolved", "rejected"}),
    "resolved": frozenset({"closed", "in_progress"}),
    "closed": frozenset(),
    "rejected": frozenset(),
}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())  # type: ignore[call-overload]


def next_states(current: str) -> list[str]:
    """The states a report may move to next, in workflow order."""
    allowed = TRANSITIONS.get(current, frozenset())  # type: ignore[call-overload]
    return [state for state in STATES if state in allowed]


def state_type(state: str) -> StateType:
    return STATE_TYPES[state]  # type: ignore[index]
