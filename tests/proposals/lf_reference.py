"""A second, deliberately plain reading of LF 4's ``calculate_ranks`` ranking part.

It keeps LF's shapes: links are ``(primary, secondary)`` tuples compared as rows,
ordinals count from 1, the loops run in LF's order, and a dead end raises like LF.
The tests compare ``schulze.order`` with it; it is slow on purpose (no packing, no
shortcuts), so only small elections go through it.
"""

from __future__ import annotations

from collections.abc import Sequence

Link = tuple[int, int]
WORST: Link = (-(1 << 63), 0)


class ShouldNotHappen(RuntimeError):
    """LF raises here; the caller decides what that means for the test."""


def defeat_strength(won: int, lost: int, measure: str) -> int:
    if measure == "winning":  # LF's 'simple' defeat strength
        return won if won > lost else 0
    if measure == "margin":  # not in LF; the same shape as 'simple'
        return won - lost if won > lost else 0
    if won > lost:
        return (won << 31) - lost
    return 0 if won == lost else -1


def secondary(i: int, j: int, tie_breaking: str) -> int:
    if tie_breaking == "simple":
        return 0
    forward = 1 << 62 if i < j else 0
    if tie_breaking == "variant2":
        return forward + (j << 31) - i
    return forward + j - (i << 31)


def find_best_paths(d: list[list[Link]]) -> list[list[Link]]:
    size = len(d)
    p = [list(row) for row in d]
    for i in range(size):
        for j in range(size):
            if i == j:
                continue
            for k in range(size):
                if k in (i, j):
                    continue
                if p[j][i] < p[i][k]:
                    if p[j][i] > p[j][k]:
                        p[j][k] = p[j][i]
                elif p[i][k] > p[j][k]:
                    p[j][k] = p[i][k]
    return p


def lf_ranking(
    pairwise: Sequence[Sequence[int]], measure: str, tie_breaking: str
) -> list[int]:
    """Candidate indices from first to last place, as LF would store ``rank_ary``."""
    size = len(pairwise)
    d = [
        [
            (
                defeat_strength(pairwise[i][j], pairwise[j][i], measure),
                secondary(i + 1, j + 1, tie_breaking),
            )
            if i != j
            else (0, 0)
            for j in range(size)
        ]
        for i in range(size)
    ]
    p = find_best_paths(d)
    b: list[list[bool | None]] = [[None] * size for _ in range(size)]
    for i in range(size):
        for j in range(i + 1, size):
            if p[i][j] != p[j][i]:
                b[i][j], b[j][i] = p[i][j] > p[j][i], p[i][j] < p[j][i]

    if tie_breaking != "simple":
        for m in range(size):
            for n in range(m + 1, size):
                if b[m][n] is None:
                    break_tie(d, p, b, m, n)

    rank: list[int | None] = [None] * size
    for place in range(1, size + 1):
        for i in range(size):
            if rank[i] is None and not any(
                i != j and rank[j] is None and (b[j][i] or (b[j][i] is None and j < i))
                for j in range(size)
            ):
                rank[i] = place
                break
        else:
            raise ShouldNotHappen("Schulze ranking does not compute")
    return sorted(range(size), key=lambda i: rank[i] or 0)


def break_tie(
    d: list[list[Link]],
    p: list[list[Link]],
    b: list[list[bool | None]],
    m: int,
    n: int,
) -> None:
    size = len(d)
    t = p
    forbidden = [[False] * size for _ in range(size)]
    while True:
        shared = [
            (i, j)
            for i in range(size)
            for j in range(size)
            if i != j and d[i][j] == t[m][n]
        ]
        if not shared:
            raise ShouldNotHappen("did not find shared weakest link")
        i, j = shared[0]
        forbidden[i][j] = True
        t = find_best_paths(
            [
                [WORST if forbidden[x][y] else d[x][y] for y in range(size)]
                for x in range(size)
            ]
        )
        if t[m][n] != t[n][m]:
            b[m][n], b[n][m] = t[m][n] > t[n][m], t[m][n] < t[n][m]
            return
