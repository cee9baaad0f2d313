"""``wegovnow proposals tally``: output shapes and input errors."""

import argparse
import io
import json
from pathlib import Path

import pytest

from server.proposals.cli_tally import add_tally_arguments, run_tally

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ballots"


def write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "ballots.json"
    path.write_text(
        data if isinstance(data, str) else json.dumps(data), encoding="utf-8"
    )
    return str(path)


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run_tally(argv, out, err)
    return status, out.getvalue(), err.getvalue()


def wikipedia_file(tmp_path: Path) -> str:
    elections = json.loads((FIXTURES / "schulze_examples.json").read_text())[
        "elections"
    ]
    wiki = next(e for e in elections if e["id"] == "wikipedia_example")
    return write(
        tmp_path, {"candidates": wiki["candidates"], "ballots": wiki["ballots"]}
    )


def test_json_output_has_exactly_winners_ranking_and_pairwise(tmp_path: Path) -> None:
    status, out, _ = run([wikipedia_file(tmp_path), "--json"])
    result = json.loads(out)

    assert status == 0
    assert list(result) == ["winners", "ranking", "pairwise"]
    assert (result["winners"], result["ranking"]) == (["E"], ["E", "A", "C", "B", "D"])


def test_json_pairwise_holds_counts_by_candidate_name(tmp_path: Path) -> None:
    _, out, _ = run([wikipedia_file(tmp_path), "--json", "--strength", "margin"])

    assert json.loads(out)["pairwise"]["A"]["B"] == 20


def test_tied_winners_are_listed_before_the_tie_break(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "candidates": ["A", "B"],
            "ballots": [
                {"count": 1, "ranking": [["B"], ["A"]]},
                {"count": 1, "ranking": [["A"], ["B"]]},
            ],
        },
    )
    _, out, _ = run([path, "--json"])

    assert json.loads(out)["winners"] == ["A", "B"]
    assert json.loads(out)["ranking"] == ["A", "B"]


def test_plain_output_names_the_winner_and_the_ranking(tmp_path: Path) -> None:
    status, out, _ = run([wikipedia_file(tmp_path)])

    assert status == 0
    assert out.splitlines()[0].startswith("Winner (Schulze, tuple strength): E")
    assert "  1. E" in out


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("{not json", "malformed JSON"),
        ({"candidates": ["A"], "ballots": [{"count": 1, "ranking": [["Z"]]}]}, "'Z'"),
        (
            {
                "candidates": ["A", "B"],
                "ballots": [{"count": 1, "ranking": [["A"], ["A"]]}],
            },
            "more than once",
        ),
        (
            {"candidates": ["A"], "ballots": [{"count": 0, "ranking": [["A"]]}]},
            "must be positive",
        ),
        (
            {"candidates": ["A"], "ballots": [{"count": -2, "ranking": []}]},
            "must be positive",
        ),
        ({"candidates": ["A", "A"], "ballots": []}, "listed twice"),
        ({"candidates": "A", "ballots": []}, "'candidates' must be a list"),
        ([], "top level"),
    ],
)
def test_bad_files_exit_2_and_name_the_problem(
    tmp_path: Path, data: object, problem: str
) -> None:
    status, out, err = run([write(tmp_path, data)])

    assert (status, out) == (2, "")
    assert problem in err


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    status, _, err = run([str(tmp_path / "nope.json")])

    assert status == 2
    assert "cannot read" in err


def test_tally_arguments_attach_to_a_subparser() -> None:
    parser = argparse.ArgumentParser(prog="wegovnow")
    proposals = parser.add_subparsers(dest="command").add_parser("proposals")
    tally = proposals.add_subparsers(dest="action").add_parser("tally")
    add_tally_arguments(tally)
    args = parser.parse_args(
        ["proposals", "tally", "f.json", "--strength", "margin", "--json"]
    )

    assert (str(args.file), args.strength, args.json) == ("f.json", "margin", True)


def cycle_file(tmp_path: Path) -> str:
    """A three-way cycle with equal strengths: simple and variant1 disagree."""
    return write(
        tmp_path,
        {
            "candidates": ["A", "B", "C"],
            "ballots": [
                {"count": 1, "ranking": [["A"], ["C"], ["B"]]},
                {"count": 1, "ranking": [["C"], ["B"], ["A"]]},
                {"count": 1, "ranking": [["B"], ["A"], ["C"]]},
            ],
        },
    )


def test_tally_breaks_ties_with_variant1_by_default(tmp_path: Path) -> None:
    _, out, _ = run([cycle_file(tmp_path), "--json"])

    assert json.loads(out)["ranking"] == ["B", "A", "C"]


def test_tie_breaking_flag_selects_simple(tmp_path: Path) -> None:
    _, out, _ = run([cycle_file(tmp_path), "--json", "--tie-breaking", "simple"])

    assert json.loads(out)["ranking"] == ["A", "B", "C"]


def test_plain_output_lists_tied_winners_then_names_the_tie_break(
    tmp_path: Path,
) -> None:
    _, out, _ = run([cycle_file(tmp_path)])
    lines = out.splitlines()

    assert lines[0] == "Tied winners (Schulze, tuple strength): A, B, C"
    assert "variant1" in lines[1]
    assert lines[2:] == ["Ranking:", "  1. B", "  2. A", "  3. C"]
