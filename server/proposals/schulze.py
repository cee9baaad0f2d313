"""Count ranked ballots with the Schulze method, as LiquidFeedback 4 counts them.

The pipeline is: ballots -> pairwise matrix ``d`` -> link strengths -> strongest
paths ``p`` (Floyd-Warshall) -> winner set -> ranking after the tie-break.
Each step is a plain function over integer lists so that the majority rules in
``majority.py`` can reuse them with the virtual status quo as one more
candidate. RULES.md explains every rule and the LiquidFeedback source for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

Strength = Literal["tuple", "winning", "margin"]
STRENGTHS: tuple[str, ...] = get_args(Strength)

# LiquidFeedback's "tuple" strength packs (winning votes, -losing votes) into one
# integer as (winning << 31) - losing; 32 bits keeps the same order for any
# electorate smaller than 2**32 voters and lets paths be compared as plain ints.
_TUPLE_SHIFT = 32
# In the "tuple" measure a lost link (-1) is weaker than a tied link (0).
_LOST_LINK = -1


class BallotError(ValueError):
    """A ballot or candidate list that cannot be counted; the voter's input is at fault."""

    def __init__(self, code: str, message: str, value: object) -> None:
        super().__init__(message)
        self.code = code
        self.value = value


@dataclass(frozen=True)
class Ballot:
    """Tiers of candidates, most preferred first; unlisted candidates share a last tier."""

    ranking: tuple[tuple[str, ...], ...]
    count: int = 1


@dataclass(frozen=True)
class SchulzeResult:
    """Everything a count produces, indexed like ``candidates``."""

    candidates: tuple[str, ...]
    pairwise: tuple[tuple[int, ...], ...]
    strongest_paths: tuple[tuple[int, ...], ...]
    winners: tuple[str, ...]
    ranking: tuple[str, ...]

    def pairwise_by_name(self) -> dict[str, dict[str, int]]:
        """Return ``d`` as nested dicts, leaving out the diagonal."""
        names = self.candidates
        return {
            x: {y: self.pairwise[i][j] for j, y in enumerate(names) if i != j}
            for i, x in enumerate(names)
        }


def validate_candidates(candidates: Sequence[str]) -> dict[str, int]:
    """Map each candidate to its index, refusing duplicates and an empty list."""
    if not candidates:
        raise BallotError("no_candidates", "the candidate list is empty", [])
    index: dict[str, int] = {}
    for position, name in enumerate(candidates):
        if name in index:
            raise BallotError(
                "duplicate_candidate", f"candidate {name!r} is listed twice", name
            )
        index[name] = position
    return index


def _tiers_as_indices(
    ballot: Ballot, index: Mapping[str, int]
) -> tuple[tuple[int, ...], ...]:
    """Translate one ballot into index tiers, adding the tier of unlisted candidates."""
    if ballot.count <= 0:
        raise BallotError(
            "non_positive_count",
            f"ballot count must be positive, got {ballot.count}",
            ballot.count,
        )
    seen: set[int] = set()
    tiers: list[tuple[int, ...]] = []
    for tier in ballot.ranking:
        indices: list[int] = []
        for name in tier:
            position = index.get(name)
            if position is None:
                raise BallotError(
                    "unknown_candidate",
                    f"ballot names unknown candidate {name!r}",
                    name,
                )
            if position in seen:
                raise BallotError(
                    "duplicate_in_ballot", f"ballot lists {name!r} more than once", name
                )
            seen.add(position)
            indices.append(position)
        if indices:
            tiers.append(tuple(sorted(indices)))

    unlisted = tuple(i for i in range(len(index)) if i not in seen)
    if unlisted:
        tiers.append(unlisted)
    return tuple(tiers)


def aggregate(
    ballots: Iterable[Ballot], index: Mapping[str, int]
) -> dict[tuple[tuple[int, ...], ...], int]:
    """Merge identical ballots, so the pairwise count runs once per distinct ranking."""
    weights: dict[tuple[tuple[int, ...], ...], int] = {}
    for ballot in ballots:
        key = _tiers_as_indices(ballot, index)
        weights[key] = weights.get(key, 0) + ballot.count
    return weights


def pairwise_from_tiers(
    size: int, weighted_tiers: Mapping[tuple[tuple[int, ...], ...], int]
) -> list[list[int]]:
    """Build ``d[x][y]``, the weight of ballots ranking x strictly above y."""
    d = [[0] * size for _ in range(size)]
    for tiers, weight in weighted_tiers.items():
        # Walk from the last tier up, so `below` always holds exactly the
        # candidates this tier beats; that touches only strictly ordered pairs.
        below: list[int] = []
        for tier in reversed(tiers):
            for x in tier:
                row = d[x]
                for y in below:
                    row[y] += weight
            below.extend(tier)
    return d


def link_strengths(d: Sequence[Sequence[int]], strength: Strength) -> list[list[int]]:
    """Turn pairwise counts into direct link strengths for the chosen measure."""
    if strength not in STRENGTHS:
        raise ValueError(f"unknown strength {strength!r}; use one of {STRENGTHS}")
    size = len(d)
    links = [[0] * size for _ in range(size)]
    for x in range(size):
        for y in range(size):
            if x != y:
                links[x][y] = _link(d[x][y], d[y][x], strength)
    return links


def _link(won: int, lost: int, strength: Strength) -> int:
    if strength == "tuple":
        if won > lost:
            return (won << _TUPLE_SHIFT) - lost
        return 0 if won == lost else _LOST_LINK
    if won <= lost:
        return 0
    return won if strength == "winning" else won - lost


def strongest_paths(links: Sequence[Sequence[int]]) -> list[list[int]]:
    """Widest paths: the strength of the best beat path between every pair."""
    size = len(links)
    p = [list(row) for row in links]
    for i in range(size):
        p_i = p[i]
        for j in range(size):
            if j == i:
                continue
            p_j = p[j]
            via = p_j[i]
            for k in range(size):
                if k != i and k != j:
                    # Inline comparisons instead of min()/max(): this loop runs
                    # n**3 times and the calls would double its cost.
                    candidate = via if via < p_i[k] else p_i[k]
                    if candidate > p_j[k]:
                        p_j[k] = candidate
    return p


def winner_indices(p: Sequence[Sequence[int]]) -> list[int]:
    """Candidates no one beats: ``p[x][y] >= p[y][x]`` for every other y."""
    size = len(p)
    return [
        x for x in range(size) if all(p[x][y] >= p[y][x] for y in range(size) if y != x)
    ]


def ranking_indices(p: Sequence[Sequence[int]]) -> list[int]:
    """Order all candidates, breaking Schulze ties by candidate order (LF ``simple``).

    Follows the rank loop of LiquidFeedback's ``calculate_ranks``: each rank goes
    to the first unranked candidate that no unranked candidate beats, and that
    is not tied with an unranked candidate earlier in the order.
    """
    remaining = list(range(len(p)))
    order: list[int] = []
    while remaining:
        chosen = _next_ranked(p, remaining)
        order.append(chosen)
        remaining.remove(chosen)
    return order


def _next_ranked(p: Sequence[Sequence[int]], remaining: Sequence[int]) -> int:
    unbeaten = [
        i for i in remaining if not any(p[j][i] > p[i][j] for j in remaining if j != i)
    ]
    for i in unbeaten:
        if not any(j < i and p[j][i] == p[i][j] for j in remaining):
            return i
    # LiquidFeedback raises "should not happen" here. Ties are not transitive, so
    # x beats y, y ties z, z ties x (with y < z < x) leaves no such candidate;
    # we take the first unbeaten one, which the Schulze order always has.
    return unbeaten[0]


def count(
    candidates: Sequence[str], ballots: Iterable[Ballot], strength: Strength = "tuple"
) -> SchulzeResult:
    """Count ballots over ``candidates`` (initiative order) and return the result."""
    index = validate_candidates(candidates)
    d = pairwise_from_tiers(len(candidates), aggregate(ballots, index))
    p = strongest_paths(link_strengths(d, strength))
    names = tuple(candidates)

    return SchulzeResult(
        candidates=names,
        pairwise=tuple(tuple(row) for row in d),
        strongest_paths=tuple(tuple(row) for row in p),
        winners=tuple(names[i] for i in winner_indices(p)),
        ranking=tuple(names[i] for i in ranking_indices(p)),
    )
