"""Approval routes by authority, signatures, delegation while away, and four-eyes."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.authority import (
    MASTER_SCALE,
    ApprovalLevel,
    AuthorityError,
    AuthorityErrorCode,
    AuthorityLimit,
    Delegation,
    Signatory,
    approval_route,
    approves_own,
    grade_rank,
    signatory,
)

# The shipped defaults of rmdesk/org/defaults.py, lowest level first.
LADDER = (
    ApprovalLevel(
        "team_leader",
        (AuthorityLimit("loan", Decimal("500000"), "BBB"), AuthorityLimit("credit_card", Decimal("100000"), "BBB")),
    ),
    ApprovalLevel("credit_approver", (AuthorityLimit(None, Decimal("5000000"), "BB"),)),
    ApprovalLevel("head_office", (AuthorityLimit(None, Decimal("50000000"), "B"),)),
)
HOLDERS = {"team_leader": {"leader_a"}, "credit_approver": {"approver"}, "head_office": {"head"}}
ON = date(2025, 7, 1)


def route(amount, grade="A", family="loan"):
    return approval_route(LADDER, product_family=family, amount=Decimal(amount), grade=grade)


def test_credit_within_the_lowest_levels_authority_is_decided_there():
    assert route("500000", "BBB") == ("team_leader",)


def test_credit_above_a_levels_authority_climbs_with_the_levels_below_recommending():
    assert route("500000.01") == ("team_leader", "credit_approver")
    assert route("6000000") == ("team_leader", "credit_approver", "head_office")


def test_a_worse_grade_climbs_higher():
    assert route("100000", "BB") == ("team_leader", "credit_approver")
    assert route("100000", "B") == ("team_leader", "credit_approver", "head_office")


def test_a_product_family_outside_a_levels_limits_passes_it_to_the_next():
    assert route("50000", "A", family="acceptance_bill") == ("team_leader", "credit_approver")


def test_credit_no_level_may_decide_is_refused():
    with pytest.raises(AuthorityError) as caught:
        route("100000", "CCC")
    assert caught.value.code is AuthorityErrorCode.NO_LEVEL_COVERS
    assert "CCC" in caught.value.message


def test_a_ladder_naming_a_level_twice_is_refused():
    with pytest.raises(AuthorityError) as caught:
        approval_route(LADDER + LADDER[:1], product_family="loan", amount=Decimal(1), grade="A")
    assert caught.value.code is AuthorityErrorCode.LEVELS_INVALID


amounts = st.integers(min_value=1, max_value=60_000_000).map(Decimal)
grades = st.sampled_from(MASTER_SCALE)


def route_length(amount, grade):
    try:
        return len(approval_route(LADDER, product_family="loan", amount=amount, grade=grade))
    except AuthorityError:
        return len(LADDER) + 1


@given(amounts, amounts, grades, grades)
def test_more_credit_or_a_worse_grade_never_gives_a_shorter_route(a1, a2, g1, g2):
    small, large = sorted((a1, a2))
    better, worse = sorted((g1, g2), key=grade_rank)
    assert route_length(large, worse) >= route_length(small, better)


# --- who signs ------------------------------------------------------------------------------

AWAY = Delegation("approver", "leader_b", date(2025, 7, 1), date(2025, 7, 14))


def test_a_holder_of_the_level_signs_in_their_own_right():
    assert signatory("approver", level="credit_approver", on=ON, holders=HOLDERS) == Signatory(
        "approver", "credit_approver"
    )


def test_a_delegate_signs_for_the_absent_approver_while_the_delegation_is_in_force():
    signer = signatory("leader_b", level="credit_approver", on=date(2025, 7, 14), holders=HOLDERS, delegations=[AWAY])
    assert signer == Signatory("leader_b", "credit_approver", on_behalf_of="approver")


def test_a_delegation_outside_its_dates_gives_no_authority():
    with pytest.raises(AuthorityError) as caught:
        signatory("leader_b", level="credit_approver", on=date(2025, 7, 15), holders=HOLDERS, delegations=[AWAY])
    assert caught.value.code is AuthorityErrorCode.NOT_AT_LEVEL


def test_a_delegation_limited_to_some_levels_gives_no_other():
    narrow = Delegation("head", "leader_b", date(2025, 7, 1), date(2025, 7, 14), levels=frozenset({"credit_approver"}))
    with pytest.raises(AuthorityError):
        signatory("leader_b", level="head_office", on=ON, holders=HOLDERS, delegations=[narrow])


def test_delegated_authority_is_not_delegated_again():
    onward = Delegation("leader_b", "am_a2", date(2025, 7, 1), date(2025, 7, 14))
    with pytest.raises(AuthorityError):
        signatory("am_a2", level="credit_approver", on=ON, holders=HOLDERS, delegations=[AWAY, onward])


def test_a_delegation_to_oneself_or_ending_before_it_starts_is_refused():
    with pytest.raises(AuthorityError) as caught:
        Delegation("approver", "approver", ON, ON)
    assert caught.value.code is AuthorityErrorCode.DELEGATION_INVALID
    with pytest.raises(AuthorityError):
        Delegation("approver", "leader_b", date(2025, 7, 2), date(2025, 7, 1))


# --- four-eyes ------------------------------------------------------------------------------


def test_nobody_approves_their_own_application():
    assert approves_own(Signatory("leader_a", "team_leader"), {"am_a", "leader_a"})
    assert not approves_own(Signatory("approver", "credit_approver"), {"am_a"})


def test_a_delegate_cannot_approve_what_they_submitted():
    assert approves_own(Signatory("leader_b", "credit_approver", on_behalf_of="approver"), {"leader_b"})


def test_a_delegate_cannot_approve_the_absent_approvers_own_application():
    assert approves_own(Signatory("leader_b", "credit_approver", on_behalf_of="approver"), {"approver"})
