"""LiquidFeedback's tie-breaking settings: variant1 (the default), variant2, simple."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.proposals.majority import GradedBallot, MajorityPolicy, decide
from server.proposals.schulze import (
    Ballot,
    aggregate,
    count,
    link_strengths,
    order,
    pairwise_from_tiers,
    secondary_link_strength,
)
from tests.proposals.lf_reference import ShouldNotHappen, lf_ranking
from tests.proposals.test_schulze_properties import elections

STRENGTH = st.sampled_from(["tuple", "winning", "margin"])
VARIANT = st.sampled_from(["variant1", "variant2"])
ANY_TIE_BREAK = st.sampled_from(["variant1", "variant2", "simple"])


def ballot(*tiers: str, count: int = 1) -> Ballot:
    """``ballot("A", "CD", "B")``: A first, then C and D equal, then B."""
    return Ballot(tuple(tuple(tier) for tier in tiers), count)


# A three-way cycle with equal strengths: A beats C, C beats B, B beats A, each 2:1.
CYCLE = [ballot("A", "C", "B"), ballot("C", "B", "A"), ballot("B", "A", "C")]


# Hand-worked examples ------------------------------------------------------------


def test_a_count_breaks_ties_with_variant1_unless_told_otherwise() -> None:
    assert count("ABC", CYCLE).tie_breaking == "variant1"


def test_simple_breaks_an_equal_cycle_by_candidate_order() -> None:
    assert count("ABC", CYCLE, "tuple", "simple").ranking == ("A", "B", "C")


def test_variant1_drops_the_lowest_ranked_link_of_an_equal_cycle() -> None:
    # Ordinals A=1, B=2, C=3. Every link is 2:1, so only the secondary criterion
    # tells them apart: A->C runs forward (2**62 + 3 - 1 * 2**31) and outranks
    # both backward links; of those, B->A (1 - 2 * 2**31) outranks C->B
    # (2 - 3 * 2**31). The weakest link, C->B, is the only one a path can lose:
    # p[A][B] = C->B < B->A = p[B][A], so B beats A; p[A][C] = A->C beats
    # p[C][A] = C->B; p[B][C] = B->A beats p[C][B] = C->B. Hence B, A, C.
    assert count("ABC", CYCLE, "tuple", "variant1").ranking == ("B", "A", "C")


def test_variant2_ranks_links_by_their_target_first() -> None:
    # A->C runs forward and outranks both backward links; of those, variant2
    # prefers the later target: C->B (target 2) outranks B->A (target 1). The
    # weakest link is B->A, so A beats B, A beats C and C beats B.
    assert count("ABC", CYCLE, "tuple", "variant2").ranking == ("A", "C", "B")


def test_the_tie_break_never_changes_the_winners_before_it() -> None:
    for tie_breaking in ("variant1", "variant2", "simple"):
        result = count("ABC", CYCLE, "tuple", tie_breaking)  # type: ignore[arg-type]
        assert result.winners == ("A", "B", "C")


def test_variant1_forbids_the_weakest_link_both_best_paths_share() -> None:
    # d: B>A 4:3, C>A 4:3, A>D 3:1, C>B 1:0, D>B 4:3, D>C 4:3. D wins; B and C
    # tie on plain path strengths (both best paths have A->D, 3:1, as weakest
    # link). Ranked links do not help: B->A->D->C and C->A->D->B share A->D.
    # LF forbids A->D and recounts: C->B (1:0) is now stronger than any path
    # from B to C (all cross a lost link), so C beats B. "simple" gives B first.
    ballots = [
        ballot("AD", "BC", count=3),
        ballot("D", "C", "B", "A"),
        ballot("BC", "A", "D", count=3),
    ]

    assert count("ABCD", ballots, "tuple", "simple").ranking == tuple("DBCA")
    assert count("ABCD", ballots, "tuple", "variant1").ranking == tuple("DCBA")


@pytest.mark.parametrize("variant", ["variant1", "variant2"])
def test_forward_links_outrank_backward_links_in_both_variants(variant: str) -> None:
    forward = secondary_link_strength(3, 4, variant)  # type: ignore[arg-type]
    backward = secondary_link_strength(2, 1, variant)  # type: ignore[arg-type]

    assert forward > backward


def test_variant1_prefers_the_earlier_source_and_variant2_the_later_target() -> None:
    assert secondary_link_strength(1, 2, "variant1") > secondary_link_strength(
        2, 3, "variant1"
    )
    assert secondary_link_strength(2, 3, "variant2") > secondary_link_strength(
        1, 2, "variant2"
    )


def test_an_unknown_tie_breaking_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="variant1"):
        order([[0]], "coin")  # type: ignore[arg-type]


def test_variant1_lets_an_initiative_win_a_cycle_with_the_status_quo() -> None:
    # The equal cycle again with A as the status quo (index 0), B as X, C as Y:
    # simple ranks the status quo first, variant1 ranks X first (B, A, C), and X
    # has 2 approvals to 1 rejection, so X wins under LF's default.
    ballots = [
        GradedBallot({"X": -2, "Y": -1}),
        GradedBallot({"X": 1, "Y": 2}),
        GradedBallot({"X": 1, "Y": -1}),
    ]

    assert decide(["X", "Y"], ballots).winner == "X"
    assert (
        decide(["X", "Y"], ballots, MajorityPolicy(tie_breaking="simple")).winner
        is None
    )


# Properties ------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(elections(size=4), STRENGTH, ANY_TIE_BREAK)
def test_ranking_is_the_one_lf_calculate_ranks_computes(
    election, strength, tie_breaking
) -> None:
    candidates, ballots = election
    result = count(candidates, ballots, strength, tie_breaking)
    try:
        expected = lf_ranking(result.pairwise, strength, tie_breaking)
    except ShouldNotHappen:
        assert tie_breaking == "simple"  # the dead end RULES.md section 3 covers
        return

    assert list(result.ranking) == [candidates[i] for i in expected]


@given(elections(), STRENGTH, VARIANT)
def test_variants_leave_no_pair_tied_and_the_order_is_transitive(
    election, strength, variant
) -> None:
    candidates, ballots = election
    index = {name: i for i, name in enumerate(candidates)}
    d = pairwise_from_tiers(len(candidates), aggregate(ballots, index))
    ranked = order(link_strengths(d, strength), variant)
    place = {c: n for n, c in enumerate(ranked.ranking)}

    for x in range(len(candidates)):
        for y in range(len(candidates)):
            if x != y:
                assert ranked.beats[x][y] == (place[x] < place[y])


@given(elections(), STRENGTH, ANY_TIE_BREAK)
def test_the_tie_break_only_orders_candidates_schulze_leaves_tied(
    election, strength, tie_breaking
) -> None:
    candidates, ballots = election
    result = count(candidates, ballots, strength, tie_breaking)
    p = result.strongest_paths
    place = {name: n for n, name in enumerate(result.ranking)}

    for x, name_x in enumerate(candidates):
        for y, name_y in enumerate(candidates):
            if x != y and p[x][y] > p[y][x]:
                assert place[name_x] < place[name_y]


@given(elections(), STRENGTH, VARIANT)
def test_variants_keep_the_plain_strongest_paths(election, strength, variant) -> None:
    candidates, ballots = election

    assert (
        count(candidates, ballots, strength, variant).strongest_paths
        == count(candidates, ballots, strength, "simple").strongest_paths
    )


@given(elections(), STRENGTH, VARIANT, st.randoms())
def test_ballot_order_does_not_change_a_tie_broken_result(
    election, strength, variant, rng
) -> None:
    candidates, ballots = election
    shuffled = list(ballots)
    rng.shuffle(shuffled)

    assert count(candidates, shuffled, strength, variant) == count(
        candidates, ballots, strength, variant
    )


@given(elections(), STRENGTH, VARIANT)
def test_repeated_tie_broken_counts_are_identical(election, strength, variant) -> None:
    candidates, ballots = election

    assert count(candidates, ballots, strength, variant) == count(
        candidates, ballots, strength, variant
    )


@given(st.integers(min_value=1, max_value=5), STRENGTH, VARIANT)
def test_without_ballots_variants_rank_in_candidate_order(n, strength, variant) -> None:
    candidates = "ABCDE"[:n]

    assert count(candidates, [], strength, variant).ranking == tuple(candidates)
