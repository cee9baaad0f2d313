"""Golden counts from published Schulze examples and a real election."""

import json
from pathlib import Path
from typing import Any

import pytest

from server.proposals.schulze import Ballot, count

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ballots"
EXAMPLES: list[dict[str, Any]] = json.loads(
    (FIXTURES / "schulze_examples.json").read_text(encoding="utf-8")
)["elections"]
DEBIAN: dict[str, Any] = json.loads(
    (FIXTURES / "debian_dpl_2020.json").read_text(encoding="utf-8")
)


def ballots_of(election: dict[str, Any]) -> list[Ballot]:
    return [
        Ballot(tuple(tuple(tier) for tier in b["ranking"]), b["count"])
        for b in election["ballots"]
    ]


def debian_ballots() -> list[Ballot]:
    ballots = []
    for row in DEBIAN["ballots"]:
        by_rank: dict[int, list[str]] = {}
        for name, rank in row["ranks"].items():
            by_rank.setdefault(rank, []).append(name)
        ballots.append(
            Ballot(tuple(tuple(by_rank[r]) for r in sorted(by_rank)), row["count"])
        )
    return ballots


def ids(elections: list[dict[str, Any]]) -> list[str]:
    return [e["id"] for e in elections]


@pytest.mark.parametrize("election", EXAMPLES, ids=ids(EXAMPLES))
def test_pairwise_matrix_matches_the_published_counts(election: dict[str, Any]) -> None:
    result = count(election["candidates"], ballots_of(election))

    assert result.pairwise_by_name() == election["pairwise_d"]


@pytest.mark.parametrize("strength", ["winning", "margin"])
@pytest.mark.parametrize("election", EXAMPLES, ids=ids(EXAMPLES))
def test_winners_match_the_published_result(
    election: dict[str, Any], strength: str
) -> None:
    result = count(election["candidates"], ballots_of(election), strength)  # type: ignore[arg-type]

    assert sorted(result.winners) == sorted(election["expected"][strength]["winners"])


@pytest.mark.parametrize("strength", ["winning", "margin"])
@pytest.mark.parametrize(
    "election",
    [e for e in EXAMPLES if "ranking" in e["expected"]["winning"]],
    ids=ids([e for e in EXAMPLES if "ranking" in e["expected"]["winning"]]),
)
def test_strict_rankings_match_the_published_order(
    election: dict[str, Any], strength: str
) -> None:
    result = count(election["candidates"], ballots_of(election), strength)  # type: ignore[arg-type]

    assert list(result.ranking) == election["expected"][strength]["ranking"]


@pytest.mark.parametrize(
    "election",
    [e for e in EXAMPLES if "strongest_paths_winning" in e],
    ids=ids([e for e in EXAMPLES if "strongest_paths_winning" in e]),
)
def test_strongest_paths_match_the_asserted_matrix(election: dict[str, Any]) -> None:
    result = count(election["candidates"], ballots_of(election), "winning")
    names = result.candidates
    paths = {
        x: {y: result.strongest_paths[i][j] for j, y in enumerate(names) if i != j}
        for i, x in enumerate(names)
    }

    assert paths == election["strongest_paths_winning"]


def test_wikipedia_example_elects_e() -> None:
    wikipedia = next(e for e in EXAMPLES if e["id"] == "wikipedia_example")

    assert count(wikipedia["candidates"], ballots_of(wikipedia)).winners == ("E",)


def test_defeat_strength_changes_the_winner_in_schulze_example_10() -> None:
    example = next(e for e in EXAMPLES if e["id"] == "schulze_official_example_10")
    ballots = ballots_of(example)

    assert count(example["candidates"], ballots, "winning").winners == ("D",)
    assert count(example["candidates"], ballots, "margin").winners == ("A",)


def test_tuple_strength_agrees_with_winning_votes_on_every_example() -> None:
    for election in EXAMPLES:
        tuple_result = count(election["candidates"], ballots_of(election), "tuple")
        expected = election["expected"]["winning"]["winners"]
        assert sorted(tuple_result.winners) == sorted(expected), election["id"]


def test_debian_2020_pairwise_counts_match_the_tally_sheet() -> None:
    result = count(DEBIAN["candidates"], debian_ballots())

    assert result.pairwise_by_name() == DEBIAN["pairwise_d_unranked_last"]


@pytest.mark.parametrize("strength", ["tuple", "winning", "margin"])
def test_debian_2020_ranks_jonathan_carter_first(strength: str) -> None:
    result = count(DEBIAN["candidates"], debian_ballots(), strength)  # type: ignore[arg-type]

    assert list(result.ranking) == [
        "Jonathan Carter",
        "Sruthi Chandran",
        "Brian Gupta",
        "None Of The Above",
    ]
