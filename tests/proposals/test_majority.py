"""LiquidFeedback's decision against the status quo."""

from server.proposals.majority import (
    GradedBallot,
    MajorityPolicy,
    decide,
    ratio_reached,
)


def votes(grades: dict[str, int], weight: int = 1) -> GradedBallot:
    return GradedBallot(grades=grades, weight=weight)


def test_an_approved_initiative_beating_the_status_quo_wins() -> None:
    outcome = decide(["A"], [votes({"A": 1}, 3), votes({"A": -1}, 1)])

    assert outcome.winner == "A"


def test_an_initiative_without_a_majority_of_approvals_is_not_eligible() -> None:
    outcome = decide(["A"], [votes({"A": 1}, 2), votes({"A": -1}, 2)])

    assert outcome.winner is None


def test_abstentions_count_neither_for_nor_against() -> None:
    outcome = decide(["A"], [votes({"A": 1}), votes({}, 10)])

    assert (
        outcome.initiatives[0].positive_votes,
        outcome.initiatives[0].negative_votes,
    ) == (1, 0)


def test_a_two_thirds_policy_needs_two_thirds_of_approvals() -> None:
    policy = MajorityPolicy(direct_num=2, direct_den=3, direct_strict=False)
    ballots = [votes({"A": 1}, 2), votes({"A": -1}, 1)]

    assert decide(["A"], ballots, policy).winner == "A"
    assert (
        decide(["A"], [votes({"A": 1}, 3), votes({"A": -1}, 2)], policy).winner is None
    )


def test_the_best_ranked_eligible_initiative_wins() -> None:
    ballots = [votes({"A": 2, "B": 1}, 3), votes({"A": 1, "B": 2}, 2)]

    assert decide(["A", "B"], ballots).winner == "A"


def test_a_tie_between_initiatives_goes_to_the_earlier_initiative() -> None:
    ballots = [votes({"A": 2, "B": 1}), votes({"A": 1, "B": 2})]

    assert decide(["A", "B"], ballots).winner == "A"


def test_the_status_quo_wins_a_tie_against_an_initiative() -> None:
    outcome = decide(["A"], [votes({"A": 1}), votes({"A": -1})])

    assert outcome.status_quo_schulze_rank == 1


def test_an_eligible_initiative_wins_over_a_better_ranked_ineligible_one() -> None:
    # C beats B 3:2 but has only 3/5 approvals; the policy asks for two thirds.
    policy = MajorityPolicy(direct_num=2, direct_den=3, direct_strict=False)
    ballots = [votes({"B": 1, "C": 2}, 3), votes({"B": 2, "C": -1}, 2)]
    outcome = decide(["B", "C"], ballots, policy)
    ranks = {o.initiative: (o.schulze_rank, o.rank) for o in outcome.initiatives}

    assert outcome.winner == "B"
    assert ranks == {"C": (1, 2), "B": (2, 1)}


def test_indirect_majority_reaches_through_a_beaten_initiative() -> None:
    policy = MajorityPolicy(indirect_num=3, indirect_den=4, indirect_strict=False)
    # A wins 4:0 against the status quo; B wins only 2:2 but beats A 3:1.
    ballots = [
        votes({"A": 1, "B": 2}, 2),
        votes({"A": 2, "B": 1}, 1),
        votes({"A": 1, "B": -1}, 1),
    ]
    outcome = decide(["A", "B"], ballots, policy)
    b = outcome.initiatives[1]

    assert b.indirect_majority is True


def test_reverse_beat_path_is_only_known_for_tuple_strength() -> None:
    outcome = decide(
        ["A"], [votes({"A": 1})], MajorityPolicy(defeat_strength="winning")
    )

    assert outcome.initiatives[0].reverse_beat_path is None


def test_ratio_is_compared_in_integers() -> None:
    assert ratio_reached(1, 1, 1, 2, strict=False)
    assert not ratio_reached(1, 1, 1, 2, strict=True)
