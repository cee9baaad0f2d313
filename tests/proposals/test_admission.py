"""The issue limiter: LF 4's dynamic area quorum and one-by-one admission."""

from datetime import datetime, timedelta

from server.proposals.admission import (
    AdmissionCandidate,
    AreaQuorumParams,
    OpenIssue,
    admit_issues,
    area_issue_quorum,
    effective_issue_quorum,
)
from server.proposals.lifecycle import Policy

DAY = timedelta(days=1)
T0 = datetime(2024, 5, 1)
POLICY = Policy(
    min_admission_time=timedelta(0),
    max_admission_time=8 * DAY,
    discussion_time=DAY / 2,
    verification_time=DAY / 4,
    voting_time=DAY / 4,
    issue_quorum=1,
    issue_quorum_num=0,
    issue_quorum_den=100,
    initiative_quorum=1,
    initiative_quorum_num=0,
    initiative_quorum_den=100,
)


def open_issue(total_days: float) -> OpenIssue:
    return OpenIssue(
        "x", timedelta(0), timedelta(days=total_days), timedelta(0), timedelta(0)
    )


def candidate(
    issue_id: str, *support: int, created_at: datetime = T0
) -> AdmissionCandidate:
    return AdmissionCandidate(
        issue_id, created_at, population=100, policy=POLICY, supporter_counts=support
    )


def test_lf_defaults_give_a_quorum_of_one_in_an_idle_area() -> None:
    assert area_issue_quorum([]) == 1  # ceil(2 * 2 ** -1)


def test_one_open_issue_of_quorum_time_doubles_the_quorum() -> None:
    assert area_issue_quorum([open_issue(1)]) == 2


def test_each_further_standard_issue_doubles_the_quorum_again() -> None:
    assert area_issue_quorum([open_issue(1), open_issue(1), open_issue(1)]) == 8


def test_longer_issues_weigh_less_by_the_square_root_of_their_duration() -> None:
    # (1 day / 4 days) ** 0.5 = 0.5, so 2 * 2 ** -0.5 = 1.41 -> 2
    assert area_issue_quorum([open_issue(4)]) == 2


def test_polling_issues_do_not_raise_the_quorum() -> None:
    poll = OpenIssue("p", timedelta(0), DAY, timedelta(0), timedelta(0), polling=True)

    assert area_issue_quorum([poll]) == 1


def test_quorum_den_scales_by_the_area_population() -> None:
    params = AreaQuorumParams(quorum_den=10)

    assert area_issue_quorum([open_issue(1)], params, area_population=50) == 10


def test_the_effective_quorum_is_the_largest_of_the_three() -> None:
    policy = Policy(**{**POLICY.__dict__, "issue_quorum_num": 10})

    assert effective_issue_quorum(policy, population=95, area_quorum=3) == 10


def test_issues_are_admitted_best_supported_first() -> None:
    result = admit_issues(
        {"area": [candidate("low", 5), candidate("high", 9)]}, {}, T0 + DAY
    )

    assert [a.issue_id for a in result] == ["high", "low"]


def test_each_admission_raises_the_quorum_for_the_next() -> None:
    waiting = [candidate("a", 1), candidate("b", 1)]
    result = admit_issues({"area": waiting}, {}, T0 + DAY)

    assert [(a.issue_id, a.area_quorum) for a in result] == [("a", 1)]


def test_the_next_issue_needs_the_raised_quorum() -> None:
    waiting = [candidate("a", 9), candidate("b", 3)]
    result = admit_issues({"area": waiting}, {}, T0)

    assert [(a.issue_id, a.area_quorum) for a in result] == [("a", 1), ("b", 2)]


def test_a_limit_of_one_admits_at_most_one_issue_per_area_and_run() -> None:
    waiting = [candidate("a", 9), candidate("b", 9)]
    result = admit_issues(
        {"x": waiting, "y": [candidate("c", 9)]}, {}, T0, limit_per_area=1
    )

    assert [a.issue_id for a in result] == ["a", "c"]


def test_equal_support_goes_to_the_older_issue() -> None:
    waiting = [candidate("new", 5, created_at=T0 + DAY), candidate("old", 5)]

    assert (
        admit_issues({"area": waiting}, {}, T0 + DAY, limit_per_area=1)[0].issue_id
        == "old"
    )


def test_issues_wait_for_the_minimum_admission_time() -> None:
    policy = Policy(**{**POLICY.__dict__, "min_admission_time": DAY})
    waiting = [AdmissionCandidate("a", T0, 100, policy, (50,))]

    assert admit_issues({"area": waiting}, {}, T0 + DAY / 2) == []


def test_open_issues_in_the_area_count_against_new_admissions() -> None:
    busy = [open_issue(1), open_issue(1)]

    assert admit_issues({"area": [candidate("a", 3)]}, {"area": busy}, T0) == []
