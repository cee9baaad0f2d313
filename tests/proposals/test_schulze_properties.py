"""Properties every Schulze count must keep, checked on random elections."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from server.proposals.schulze import Ballot, count, ranking_indices

NAMES = ["A", "B", "C", "D", "E"]
STRENGTH = st.sampled_from(["tuple", "winning", "margin"])


@st.composite
def elections(
    draw: st.DrawFn, size: int | None = None
) -> tuple[list[str], list[Ballot]]:
    n = size or draw(st.integers(min_value=1, max_value=len(NAMES)))
    candidates = NAMES[:n]
    ballots = []
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        order = draw(st.permutations(candidates))
        listed = draw(st.integers(min_value=0, max_value=n))
        cuts = draw(st.lists(st.booleans(), min_size=listed, max_size=listed))
        tiers: list[list[str]] = []
        for name, new_tier in zip(order[:listed], cuts):
            if new_tier or not tiers:
                tiers.append([])
            tiers[-1].append(name)
        count_ = draw(st.integers(min_value=1, max_value=5))
        ballots.append(Ballot(tuple(tuple(t) for t in tiers), count_))
    return candidates, ballots


def condorcet_winner(
    candidates: list[str], pairwise: dict[str, dict[str, int]]
) -> str | None:
    for x in candidates:
        if all(pairwise[x][y] > pairwise[y][x] for y in candidates if y != x):
            return x
    return None


@settings(max_examples=300)
@given(elections(), STRENGTH)
def test_a_condorcet_winner_always_wins(election, strength) -> None:
    candidates, ballots = election
    result = count(candidates, ballots, strength)
    winner = condorcet_winner(candidates, result.pairwise_by_name())

    if winner is not None:
        assert result.winners == (winner,)


@given(elections(), STRENGTH, st.randoms())
def test_ballot_order_does_not_change_the_result(election, strength, rng) -> None:
    candidates, ballots = election
    shuffled = list(ballots)
    rng.shuffle(shuffled)

    assert count(candidates, shuffled, strength) == count(candidates, ballots, strength)


@given(elections(), STRENGTH)
def test_repeated_counts_are_identical(election, strength) -> None:
    candidates, ballots = election

    assert count(candidates, ballots, strength) == count(candidates, ballots, strength)


@given(elections(), STRENGTH)
def test_splitting_a_weighted_ballot_into_single_ballots_changes_nothing(
    election, strength
) -> None:
    candidates, ballots = election
    singles = [Ballot(b.ranking, 1) for b in ballots for _ in range(b.count)]

    assert count(candidates, singles, strength) == count(candidates, ballots, strength)


@given(elections(), STRENGTH)
def test_the_ranking_starts_with_a_schulze_winner(election, strength) -> None:
    candidates, ballots = election
    result = count(candidates, ballots, strength)

    assert result.ranking[0] in result.winners
    assert sorted(result.ranking) == sorted(candidates)


@given(elections(), STRENGTH)
def test_each_place_goes_to_the_first_unbeaten_candidate_in_input_order(
    election, strength
) -> None:
    # LiquidFeedback's "simple" tie-break. A tied winner need not take the second
    # place: once the first winner is placed, a non-winner that only the placed one
    # beat may be unbeaten too, and then input order decides.
    candidates, ballots = election
    result = count(candidates, ballots, strength, "simple")
    index = {name: i for i, name in enumerate(result.candidates)}
    paths = result.strongest_paths

    def beats(x: str, y: str) -> bool:
        return paths[index[x]][index[y]] > paths[index[y]][index[x]]

    remaining = list(result.candidates)
    for placed in result.ranking:
        unbeaten = [c for c in remaining if not any(beats(o, c) for o in remaining)]
        if unbeaten:
            assert placed == unbeaten[0]
        remaining.remove(placed)


@given(st.integers(min_value=1, max_value=5), STRENGTH)
def test_a_count_without_ballots_ranks_candidates_in_input_order(n, strength) -> None:
    candidates = NAMES[:n]
    result = count(candidates, [], strength)

    assert result.winners == tuple(candidates)
    assert result.ranking == tuple(candidates)


@given(elections(size=4), STRENGTH)
def test_ranking_never_puts_a_beaten_candidate_above_its_beater(
    election, strength
) -> None:
    candidates, ballots = election
    result = count(candidates, ballots, strength)
    p = result.strongest_paths
    place = {name: i for i, name in enumerate(result.ranking)}

    for x, name_x in enumerate(candidates):
        for y, name_y in enumerate(candidates):
            if x != y and p[x][y] > p[y][x]:
                assert place[name_x] < place[name_y]


def test_intransitive_ties_still_produce_a_full_ranking() -> None:
    # x=2 beats y=0; y ties z=1; z ties x: LF's loop finds no candidate here.
    p = [[0, 5, 3], [5, 0, 4], [7, 4, 0]]

    assert sorted(ranking_indices(p)) == [0, 1, 2]
    assert ranking_indices(p).index(2) < ranking_indices(p).index(0)
