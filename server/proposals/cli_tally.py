"""``wegovnow proposals tally FILE``: count a ballot file with the Schulze method.

FILE holds ``{"candidates": [...], "ballots": [{"count": N, "ranking": [[...], ...]}]}``.
Errors in the file exit with status 2 and one line naming the problem.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO, cast

from server.proposals.schulze import (
    DEFAULT_TIE_BREAKING,
    STRENGTHS,
    TIE_BREAKINGS,
    Ballot,
    BallotError,
    SchulzeResult,
    Strength,
    TieBreaking,
    count,
)

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class TallyFileError(Exception):
    """The tally file is unreadable or malformed; the message says where."""


def add_tally_arguments(parser: argparse.ArgumentParser) -> None:
    """Attach the tally options to ``parser`` (a subparser of the wegovnow CLI)."""
    parser.add_argument("file", type=Path, help="JSON file with candidates and ballots")
    parser.add_argument(
        "--strength",
        choices=STRENGTHS,
        default="tuple",
        help="defeat strength: tuple (LiquidFeedback, default), winning or margin",
    )
    parser.add_argument(
        "--tie-breaking",
        choices=TIE_BREAKINGS,
        default=DEFAULT_TIE_BREAKING,
        help="how ties in the ranking are broken: variant1 (LiquidFeedback, "
        "default), variant2, or simple (candidate order in the file)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run_tally(
    argv: list[str], out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the tally command with ``argv`` (without the program name) and return the exit status."""
    parser = argparse.ArgumentParser(
        prog="wegovnow proposals tally", description=__doc__.splitlines()[0]
    )
    add_tally_arguments(parser)
    return tally_from_namespace(parser.parse_args(argv), out, err)


def tally_from_namespace(
    args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the tally for already parsed arguments, so a parent CLI can dispatch here."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        candidates, ballots = load_tally_file(args.file)
        result = count(
            candidates,
            ballots,
            cast(Strength, args.strength),
            cast(TieBreaking, args.tie_breaking),
        )
    except TallyFileError as error:
        print(f"error: {args.file}: {error}", file=err)
        return EXIT_BAD_INPUT
    except BallotError as error:
        print(f"error: {args.file}: {error} [{error.code}]", file=err)
        return EXIT_BAD_INPUT

    if args.json:
        print(json.dumps(result_as_json(result), ensure_ascii=False), file=out)
    else:
        print(format_plain(result, args.strength), file=out)
    return EXIT_OK


def load_tally_file(path: Path) -> tuple[list[str], list[Ballot]]:
    """Read and check the file's shape; candidate-level checks happen in ``count``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TallyFileError(f"cannot read file ({error.strerror})") from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise TallyFileError(f"malformed JSON ({error})") from error

    if not isinstance(data, dict):
        raise TallyFileError(
            "top level must be an object with 'candidates' and 'ballots'"
        )
    candidates = _string_list(data.get("candidates"), "'candidates'")
    raw_ballots = data.get("ballots")
    if not isinstance(raw_ballots, list):
        raise TallyFileError("'ballots' must be a list")
    return candidates, [
        _ballot(raw, number) for number, raw in enumerate(raw_ballots, 1)
    ]


def _ballot(raw: Any, number: int) -> Ballot:
    where = f"ballot {number}"
    if not isinstance(raw, dict):
        raise TallyFileError(f"{where} must be an object with 'count' and 'ranking'")
    votes = raw.get("count")
    if isinstance(votes, bool) or not isinstance(votes, int):
        raise TallyFileError(f"{where}: 'count' must be an integer, got {votes!r}")
    if votes <= 0:
        raise TallyFileError(f"{where}: 'count' must be positive, got {votes}")
    ranking = raw.get("ranking")
    if not isinstance(ranking, list):
        raise TallyFileError(f"{where}: 'ranking' must be a list of tiers")
    tiers = tuple(
        tuple(_string_list(tier, f"{where} tier {position}"))
        for position, tier in enumerate(ranking, 1)
    )
    return Ballot(ranking=tiers, count=votes)


def _string_list(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TallyFileError(f"{what} must be a list of strings")
    return cast(list[str], value)


def result_as_json(result: SchulzeResult) -> dict[str, Any]:
    """The documented ``--json`` shape: winners, ranking and the pairwise matrix."""
    return {
        "winners": list(result.winners),
        "ranking": list(result.ranking),
        "pairwise": result.pairwise_by_name(),
    }


TIE_BREAK_NOTES = {
    "simple": "The tie is broken by candidate order in the file.",
    "variant1": "The tie is broken by ranked links (LiquidFeedback variant1), "
    "then by candidate order in the file.",
    "variant2": "The tie is broken by ranked links (LiquidFeedback variant2), "
    "then by candidate order in the file.",
}


def format_plain(result: SchulzeResult, strength: str) -> str:
    """A short human-readable report: winners, then the ranking after the tie-break."""
    label = "Winner" if len(result.winners) == 1 else "Tied winners"
    lines = [f"{label} (Schulze, {strength} strength): {', '.join(result.winners)}"]
    if len(result.winners) > 1:
        lines.append(TIE_BREAK_NOTES[result.tie_breaking])
    lines.append("Ranking:")
    lines.extend(f"  {place}. {name}" for place, name in enumerate(result.ranking, 1))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    return run_tally(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    raise SystemExit(main())
