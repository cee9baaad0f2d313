"""Count ranked ballots with the Schulze method, as LiquidFeedback 4 counts them.

The pipeline is: ballots -> pairwise matrix ``d`` -> link strengths -> strongest
paths ``p`` (Floyd-Warshall) -> winner set -> ranking after the tie-break.

The tie-break is LF's policy setting ``tie_breaking``. ``simple`` orders tied
candidates by candidate order. ``variant1`` (LF's default) and ``variant2`` first
make every link strength unique with a secondary criterion built from the
candidate order ("tie-breaking by ranked links"), compare path strengths with it,
and then break any tie left by forbidding the weakest link that both best paths
share, one link at a time; candidate order only decides what that leaves open.
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
TieBreaking = Literal["variant1", "variant2", "simple"]
TIE_BREAKINGS: tuple[str, ...] = get_args(TieBreaking)
DEFAULT_TIE_BREAKING: TieBreaking = "variant1"  # LF's column default

# LiquidFeedback's "tuple" strength packs (winning votes, -losing votes) into one
# integer as (winning << 31) - losing; 32 bits keeps the same order for any
# electorate smaller than 2**32 voters and lets paths be compared as plain ints.
_TUPLE_SHIFT = 32
# In the "tuple" measure a lost link (-1) is weaker than a tied link (0).
_LOST_LINK = -1
# LF stores a link as the pair (primary, secondary). We pack the pair into one
# int, primary * 2**64 + secondary + 2**63, so that the Floyd-Warshall loop keeps
# comparing plain ints. LF's secondary values lie in (-2**63, 2**63) for fewer
# than 2**30 candidates, so the low part stays in [0, 2**64) and the packed ints
# order exactly like the pairs.
_PACK_SHIFT = 64
_PACK_OFFSET = 1 << 63
# A forbidden link: below every packed link, like LF's (-2**63, 0).
_FORBIDDEN = -(1 << 127)


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
    tie_breaking: TieBreaking = DEFAULT_TIE_BREAKING

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
    return rank_by_order(beats_from_paths(p))


def beats_from_paths(p: Sequence[Sequence[int]]) -> list[list[bool | None]]:
    """LF's ``matrix_b``: True where x beats y, False where y beats x, None on a tie."""
    size = len(p)
    b: list[list[bool | None]] = [[None] * size for _ in range(size)]
    for x in range(size):
        for y in range(x + 1, size):
            if p[x][y] != p[y][x]:
                b[x][y] = p[x][y] > p[y][x]
                b[y][x] = not b[x][y]
    return b


def rank_by_order(b: Sequence[Sequence[bool | None]]) -> list[int]:
    """LF's rank loop over ``matrix_b``; a pair still tied goes by candidate order."""
    remaining = list(range(len(b)))
    ranking: list[int] = []
    while remaining:
        chosen = _next_ranked(b, remaining)
        ranking.append(chosen)
        remaining.remove(chosen)
    return ranking


def _next_ranked(b: Sequence[Sequence[bool | None]], remaining: Sequence[int]) -> int:
    unbeaten = [i for i in remaining if not any(b[j][i] for j in remaining if j != i)]
    for i in unbeaten:
        if not any(j < i and b[j][i] is None for j in remaining):
            return i
    # LiquidFeedback raises "should not happen" here. Ties are not transitive, so
    # x beats y, y ties z, z ties x (with y < z < x) leaves no such candidate;
    # we take the first unbeaten one, which the Schulze order always has. Only
    # ``simple`` gets here in practice: the variants leave no pair tied (the
    # property tests check it), unless step 2 ran dry for a pair.
    return unbeaten[0] if unbeaten else remaining[0]


def secondary_link_strength(i: int, j: int, tie_breaking: TieBreaking) -> int:
    """LF's ``secondary_link_strength`` for the link from ordinal i to ordinal j.

    Ordinals count from 1 in candidate order, as LF's do. Every link from an
    earlier to a later candidate outranks every link the other way. Within each
    of those two groups, ``variant1`` prefers the earlier source, then the later
    target; ``variant2`` prefers the later target, then the earlier source.
    """
    if i == j:
        raise ValueError("a link needs two different candidates")
    if tie_breaking == "simple":
        return 0
    forward = 1 << 62 if i < j else 0
    if tie_breaking == "variant2":
        return forward + (j << 31) - i
    return forward + j - (i << 31)


def unique_links(
    links: Sequence[Sequence[int]], tie_breaking: TieBreaking
) -> list[list[int]]:
    """Pack each link with its secondary strength, so no two links are equal."""
    size = len(links)
    return [
        [
            (links[x][y] << _PACK_SHIFT)
            + secondary_link_strength(x + 1, y + 1, tie_breaking)
            + _PACK_OFFSET
            if x != y
            else 0
            for y in range(size)
        ]
        for x in range(size)
    ]


def primary_paths(packed: Sequence[Sequence[int]]) -> list[list[int]]:
    """The primary part of packed path strengths: the plain strongest paths.

    The weakest link of a path, compared as (primary, secondary), has the path's
    smallest primary, so the primary of the best packed path is the plain one.
    """
    return [[value >> _PACK_SHIFT for value in row] for row in packed]


@dataclass(frozen=True)
class Order:
    """Strongest paths (primary), who beats whom after the tie-break, the ranking."""

    paths: list[list[int]]
    beats: list[list[bool | None]]
    ranking: list[int]


def order(links: Sequence[Sequence[int]], tie_breaking: TieBreaking) -> Order:
    """Rank candidates from their direct link strengths, as ``calculate_ranks`` does."""
    if tie_breaking not in TIE_BREAKINGS:
        raise ValueError(
            f"unknown tie-breaking {tie_breaking!r}; use one of {TIE_BREAKINGS}"
        )
    if tie_breaking == "simple":
        p = strongest_paths(links)
        b = beats_from_paths(p)
        return Order(p, b, rank_by_order(b))

    d = unique_links(links, tie_breaking)
    packed = strongest_paths(d)
    b = beats_from_paths(packed)
    forbid_shared_weakest_links(d, packed, b)
    return Order(primary_paths(packed), b, rank_by_order(b))


def forbid_shared_weakest_links(
    d: Sequence[Sequence[int]],
    p: Sequence[Sequence[int]],
    b: list[list[bool | None]],
) -> None:
    """Decide each tied pair in ``b`` the way LF's ``calculate_ranks`` does.

    With unique links, m and n tie only when both best paths between them share
    their weakest link. That link is forbidden and the paths recomputed, again
    and again, until one direction is stronger. Each pair starts afresh.

    Known cost: each round is a full Floyd-Warshall pass, so a pair could take up
    to one pass per link, O(n**5) for the whole count in the worst case. Random
    and cyclic elections need it rarely and resolve in one round (20 candidates,
    10,000 ballots: about 0.2 s in all); no bound is enforced.
    """
    size = len(d)
    where = {d[i][j]: (i, j) for i in range(size) for j in range(size) if i != j}
    for m in range(size):
        for n in range(m + 1, size):
            if b[m][n] is not None:
                continue
            forbidden: set[tuple[int, int]] = set()
            t = p
            while t[m][n] == t[n][m]:
                link = where.get(t[m][n])
                if link is None:
                    # LF raises "should not happen": every link is cut both
                    # ways. The pair stays tied and candidate order decides.
                    break
                forbidden.add(link)
                t = strongest_paths(
                    [
                        [
                            _FORBIDDEN if (i, j) in forbidden else d[i][j]
                            for j in range(size)
                        ]
                        for i in range(size)
                    ]
                )
            if t[m][n] != t[n][m]:
                b[m][n] = t[m][n] > t[n][m]
                b[n][m] = not b[m][n]


def count(
    candidates: Sequence[str],
    ballots: Iterable[Ballot],
    strength: Strength = "tuple",
    tie_breaking: TieBreaking = DEFAULT_TIE_BREAKING,
) -> SchulzeResult:
    """Count ballots over ``candidates`` (initiative order) and return the result."""
    index = validate_candidates(candidates)
    d = pairwise_from_tiers(len(candidates), aggregate(ballots, index))
    ranked = order(link_strengths(d, strength), tie_breaking)
    p = ranked.paths
    names = tuple(candidates)

    return SchulzeResult(
        candidates=names,
        pairwise=tuple(tuple(row) for row in d),
        strongest_paths=tuple(tuple(row) for row in p),
        winners=tuple(names[i] for i in winner_indices(p)),
        ranking=tuple(names[i] for i in ranked.ranking),
        tie_breaking=tie_breaking,
    )
