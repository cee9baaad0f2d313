"""Theory of operation: how a server handles one client's numbered mutations.

Each client numbers its mutations 1, 2, 3, ... and the server keeps, per client, the last
number it applied (``last_seq``) and the stored result of each. A batch is read in number
order, and each mutation falls in exactly one of three cases:

============================  =========  ==========================================
mutation number               action     why
============================  =========  ==========================================
``seq <= last_seq``           REPLAY     already applied: answer the stored result
``seq == last_seq + 1``       APPLY      the next one: apply it, store its result
``seq > last_seq + 1``        STOP       a gap: an earlier mutation has not arrived
============================  =========  ==========================================

APPLY always advances ``last_seq``, whatever the outcome (applied, conflict or rejected),
so one mutation that can never apply never blocks the ones behind it. STOP ends the batch:
the client learns ``last_seq`` and resends from there. Duplicates inside one batch are
replays of the first copy.

Field edits merge by the rule in :func:`merge_field`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta


class Action(enum.Enum):
    REPLAY = "replay"
    APPLY = "apply"
    STOP = "stop"


@dataclass(frozen=True)
class Step:
    seq: int
    action: Action


def plan_batch(last_seq: int, seqs: Iterable[int]) -> Iterator[Step]:
    """Decide, in number order, what to do with each mutation of a batch."""
    expected = last_seq + 1
    for seq in sorted(set(seqs)):
        if seq < expected:
            yield Step(seq, Action.REPLAY)
        elif seq == expected:
            yield Step(seq, Action.APPLY)
            expected += 1
        else:
            yield Step(seq, Action.STOP)
            return


class FieldOutcome(enum.Enum):
    APPLY = "apply"  # nobody else changed the field since the editor's base version
    SAME = "same"  # somebody else already set the same value: nothing to do
    CONFLICT = "conflict"  # somebody else changed it to another value: keep theirs


def merge_field(
    base_version: int | None,
    field_changed_at_version: int,
    current_value: object,
    new_value: object,
) -> FieldOutcome:
    """Decide one field of an edit made on ``base_version`` of a record.

    The server keeps, per field, the record version at which it last changed. An edit
    without a base version is taken as made on the newest version (scripts that do not
    track versions accept last-writer-wins for themselves).
    """
    if current_value == new_value:
        return FieldOutcome.SAME
    if base_version is None or field_changed_at_version <= base_version:
        return FieldOutcome.APPLY
    return FieldOutcome.CONFLICT


def is_implausible_device_time(
    device_time: datetime, server_time: datetime, tolerance: timedelta
) -> bool:
    """Tell whether a device's "observed at" time cannot be right.

    A photo cannot be taken in the future, so anything later than the server's clock
    plus the tolerance is flagged; so is anything older than a year, which in practice
    is a phone whose clock was reset.
    """
    if device_time > server_time + tolerance:
        return True
    return device_time < server_time - timedelta(days=365)
