"""Time a Schulze count and a delegation resolution against same-run baselines.

Run from the repository root: ``python bench/bench_proposals.py``.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Running as a script puts bench/ on sys.path, not the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.proposals.delegation import Delegation, Scope, resolve  # noqa: E402
from server.proposals.schulze import Ballot, aggregate, count, validate_candidates  # noqa: E402

BALLOTS = 10_000
CANDIDATES = 20
MEMBERS = 100_000


def best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def random_ballots(rng: random.Random, names: list[str]) -> list[Ballot]:
    ballots = []
    for _ in range(BALLOTS):
        order = rng.sample(names, len(names))
        listed = order[: rng.randint(1, len(names))]
        ballots.append(Ballot(tuple((name,) for name in listed), rng.randint(1, 3)))
    return ballots


def random_delegations(rng: random.Random) -> tuple[list[int], list[Delegation]]:
    direct = rng.sample(range(MEMBERS), MEMBERS // 20)
    delegations = [
        Delegation(member, rng.choice([Scope.UNIT, Scope.AREA, Scope.ISSUE]), trustee)
        for member in range(MEMBERS)
        if rng.random() < 0.8 and (trustee := rng.randrange(MEMBERS)) != member
    ]
    return direct, delegations


def report(label: str, measured: float, baseline: float, baseline_label: str) -> None:
    print(f"{label}: {measured * 1000:.1f} ms")
    print(f"  baseline ({baseline_label}): {baseline * 1000:.1f} ms")
    print(f"  ratio: {measured / baseline:.1f}x")


def main() -> None:
    rng = random.Random(2024)
    names = [f"initiative-{n}" for n in range(CANDIDATES)]
    ballots = random_ballots(rng, names)
    index = validate_candidates(names)
    report(
        f"Schulze count, {BALLOTS:,} ballots x {CANDIDATES} initiatives",
        best_of(5, lambda: count(names, ballots)),
        best_of(5, lambda: aggregate(ballots, index)),
        "read and aggregate the ballots only",
    )

    direct, delegations = random_delegations(rng)
    members = range(MEMBERS)
    report(
        f"Delegation resolution, {MEMBERS:,} members, {len(delegations):,} delegations",
        best_of(3, lambda: resolve(members, direct, delegations)),
        best_of(3, lambda: {d.truster: d.trustee for d in delegations}),
        "plain dict of truster -> trustee",
    )


if __name__ == "__main__":
    main()
