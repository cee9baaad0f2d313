"""A worked example from LiquidFeedback's authors, checked against our count.

Source: Jan Behrens, "How Chaos Protected the Status Quo (more than we intended
to)", The Liquid Democracy Journal, issue 2, 2014-10-07, which says the example is
also in "The Principles of LiquidFeedback", p. 102:
https://liquid-democracy-journal.org/issue/2/The_Liquid_Democracy_Journal-Issue002-04-How_Chaos_Protected_the_Status_Quo.html

Three options, A, B and the status quo (SQ), and these shares of the voters
(taken here as 100 voters):

    49  B > A > SQ
    21  SQ > B > A
    19  SQ > A > B
    11  A > SQ > B

The article states: 60 prefer A to SQ, 51 prefer SQ to B, 70 prefer B to A; A has
a majority against SQ and B has none; and the Schulze method, treating all three
alike, ranks B > A > SQ, so B wins. Only these stated facts are asserted here.
"""

from server.proposals.majority import GradedBallot, decide
from server.proposals.schulze import Ballot, count

SQ = "status_quo"
ORDERS = [(49, ("B", "A", SQ)), (21, (SQ, "B", "A")), (19, (SQ, "A", "B"))]
ORDERS += [(11, ("A", SQ, "B"))]


def ranked_ballots() -> list[Ballot]:
    return [Ballot(tuple((name,) for name in order), n) for n, order in ORDERS]


def graded_ballots() -> list[GradedBallot]:
    """The same preferences as LF ballots: the status quo sits at grade 0."""
    ballots = []
    for n, order in ORDERS:
        at = order.index(SQ)
        grades = {name: at - i for i, name in enumerate(order) if name != SQ}
        ballots.append(GradedBallot(grades=grades, weight=n))
    return ballots


def test_the_pairwise_counts_are_those_the_article_states() -> None:
    d = count([SQ, "A", "B"], ranked_ballots()).pairwise_by_name()

    assert (d["A"][SQ], d[SQ]["B"], d["B"]["A"]) == (60, 51, 70)


def test_plain_schulze_ranks_b_then_a_then_the_status_quo() -> None:
    result = count([SQ, "A", "B"], ranked_ballots())

    assert (result.winners, result.ranking) == (("B",), ("B", "A", SQ))


def test_a_has_a_direct_majority_against_the_status_quo_and_b_has_none() -> None:
    outcome = decide(["A", "B"], graded_ballots())

    assert [(o.initiative, o.direct_majority) for o in outcome.initiatives] == [
        ("A", True),
        ("B", False),
    ]
