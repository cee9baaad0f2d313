"""Delegation resolution: scopes, chains, loops and direct participation."""


import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.proposals.delegation import (
    Delegation,
    DelegationError,
    Scope,
    effective_trustees,
    resolve,
)

U, A, I = Scope.UNIT, Scope.AREA, Scope.ISSUE


def test_a_delegated_voice_adds_to_the_direct_voters_weight() -> None:
    result = resolve([1, 2], direct=[2], delegations=[Delegation(1, U, 2)])

    assert result.weights == {2: 2}


def test_delegation_is_transitive_and_the_chain_is_visible() -> None:
    delegations = [Delegation(1, U, 2), Delegation(2, A, 3)]
    result = resolve([1, 2, 3], direct=[3], delegations=delegations)

    assert result.chain(1) == [2, 3]


def test_a_trustee_sees_everyone_who_votes_through_them() -> None:
    delegations = [Delegation(1, U, 2), Delegation(2, A, 3)]
    result = resolve([1, 2, 3], direct=[3], delegations=delegations)

    assert set(result.delegators_of(3)) == {1, 2}


def test_issue_delegation_overrides_area_and_unit_delegation() -> None:
    delegations = [Delegation(1, U, 2), Delegation(1, A, 3), Delegation(1, I, 4)]

    assert effective_trustees(delegations) == {1: 4}


def test_area_delegation_overrides_unit_delegation() -> None:
    assert effective_trustees([Delegation(1, A, 3), Delegation(1, U, 2)]) == {1: 3}


def test_an_empty_issue_delegation_blocks_the_inherited_one() -> None:
    delegations = [Delegation(1, U, 2), Delegation(1, I, None)]
    result = resolve([1, 2], direct=[2], delegations=delegations)

    assert result.weights == {2: 1}
    assert result.chain(1) == []


def test_self_delegation_is_refused_when_created() -> None:
    with pytest.raises(DelegationError) as error:
        Delegation(1, A, 1)

    assert error.value.code == "self_delegation"


def test_an_empty_unit_delegation_is_refused() -> None:
    with pytest.raises(DelegationError) as error:
        Delegation(1, U, None)

    assert error.value.code == "empty_unit_delegation"


def test_two_delegations_at_the_same_scope_are_refused() -> None:
    with pytest.raises(DelegationError) as error:
        effective_trustees([Delegation(1, A, 2), Delegation(1, A, 3)])

    assert error.value.code == "duplicate_delegation"


def test_a_loop_without_a_direct_voter_counts_for_nobody() -> None:
    delegations = [Delegation(1, U, 2), Delegation(2, U, 3), Delegation(3, U, 1)]
    result = resolve([1, 2, 3, 4], direct=[4], delegations=delegations)

    assert result.weights == {4: 1}
    assert result.represented_by == {}


def test_a_member_leading_into_a_loop_counts_for_nobody() -> None:
    delegations = [Delegation(0, U, 1), Delegation(1, U, 2), Delegation(2, U, 1)]

    assert resolve([0, 1, 2], direct=[], delegations=delegations).weights == {}


def test_voting_directly_overrides_ones_own_delegation() -> None:
    delegations = [Delegation(1, U, 2), Delegation(3, U, 1)]
    result = resolve([1, 2, 3], direct=[1, 2], delegations=delegations)

    assert result.weights == {1: 2, 2: 1}


def test_a_direct_voter_in_a_loop_collects_the_loop_once() -> None:
    delegations = [Delegation(1, U, 2), Delegation(2, U, 3), Delegation(3, U, 1)]
    result = resolve([1, 2, 3], direct=[2], delegations=delegations)

    assert result.weights == {2: 3}


def test_an_ineligible_member_breaks_the_chain() -> None:
    delegations = [Delegation(1, U, 9), Delegation(9, U, 2)]

    assert resolve([1, 2], direct=[2], delegations=delegations).weights == {2: 1}


def test_an_ineligible_direct_voter_carries_no_weight() -> None:
    assert resolve([1], direct=[9], delegations=[Delegation(1, U, 9)]).weights == {}


@st.composite
def delegation_graphs(draw: st.DrawFn) -> tuple[list[int], list[int], list[Delegation]]:
    n = draw(st.integers(min_value=1, max_value=25))
    members = list(range(n))
    direct = draw(st.lists(st.sampled_from(members), unique=True))
    delegations = []
    for truster in members:
        for scope in draw(st.sets(st.sampled_from([U, A, I]))):
            trustee = draw(st.sampled_from(members + [n, None]))
            if trustee == truster or (trustee is None and scope is U):
                continue
            delegations.append(Delegation(truster, scope, trustee))
    return members, direct, delegations


def naive_end(
    member: int, direct: set[int], eligible: set[int], out: dict
) -> int | None:
    seen = set()
    node = member
    while node not in direct:
        if node in seen or node not in eligible or out.get(node) is None:
            return None
        seen.add(node)
        node = out[node]
    return node


@given(delegation_graphs())
def test_weight_counts_every_member_whose_chain_ends_at_the_voter(graph) -> None:
    members, direct, delegations = graph
    out = effective_trustees(delegations)
    result = resolve(members, direct, delegations)
    ends = {m: naive_end(m, set(direct), set(members), out) for m in members}

    for voter in direct:
        assert result.weights[voter] == sum(1 for e in ends.values() if e == voter)


@given(delegation_graphs())
def test_total_weight_never_exceeds_the_number_of_members(graph) -> None:
    members, direct, delegations = graph
    result = resolve(members, direct, delegations)

    assert sum(result.weights.values()) <= len(members)


@given(delegation_graphs())
def test_every_chain_ends_at_the_member_it_is_counted_for(graph) -> None:
    members, direct, delegations = graph
    result = resolve(members, direct, delegations)

    for member, voter in result.represented_by.items():
        assert result.chain(member)[-1] == voter


@given(st.sampled_from([U, A]), st.sampled_from([A, I]))
def test_the_most_specific_scope_wins(general, specific) -> None:
    if general >= specific:
        return
    delegations = [Delegation(1, specific, 3), Delegation(1, general, 2)]

    assert resolve([1, 2, 3], [2, 3], delegations).weights == {2: 1, 3: 2}


def test_a_line_of_100000_delegations_resolves_without_recursion() -> None:
    n = 100_000
    delegations = [Delegation(m, U, m + 1) for m in range(n - 1)]
    result = resolve(range(n), [n - 1], delegations)

    assert result.weights == {n - 1: n}
