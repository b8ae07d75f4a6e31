"""Approval authority by product family, amount and grade."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.authority import MASTER_SCALE, AuthorityLimit, grade_rank, within_authority

SUB_BRANCH_HEAD = [
    AuthorityLimit("loan", Decimal("500000"), "BBB"),
    AuthorityLimit(None, Decimal("100000"), "A"),
]


def test_a_loan_within_amount_and_grade_is_within_authority():
    assert within_authority(SUB_BRANCH_HEAD, product_family="loan", amount=Decimal("500000"), grade="BBB")


def test_one_yuan_over_the_limit_is_outside_authority():
    assert not within_authority(SUB_BRANCH_HEAD, product_family="loan", amount=Decimal("500000.01"), grade="AAA")


def test_a_grade_worse_than_the_limit_is_outside_authority():
    assert not within_authority(SUB_BRANCH_HEAD, product_family="loan", amount=Decimal("10000"), grade="BB")


def test_a_limit_for_any_family_covers_other_families():
    assert within_authority(SUB_BRANCH_HEAD, product_family="acceptance_bill", amount=Decimal("80000"), grade="A")
    assert not within_authority(SUB_BRANCH_HEAD, product_family="acceptance_bill", amount=Decimal("80000"), grade="BBB")


def test_no_limits_means_no_authority():
    assert not within_authority([], product_family="loan", amount=Decimal("1"), grade="AAA")


def test_an_unknown_grade_is_refused():
    with pytest.raises(ValueError, match="master scale"):
        within_authority(SUB_BRANCH_HEAD, product_family="loan", amount=Decimal("1"), grade="A+")


def test_a_limit_needs_a_positive_amount():
    with pytest.raises(ValueError):
        AuthorityLimit("loan", Decimal("0"), "A")


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000000"), places=2)
grades = st.sampled_from(MASTER_SCALE)


@given(amounts, amounts, grades)
def test_a_smaller_amount_never_leaves_authority(a, b, grade):
    small, large = min(a, b), max(a, b)
    if within_authority(SUB_BRANCH_HEAD, product_family="loan", amount=large, grade=grade):
        assert within_authority(SUB_BRANCH_HEAD, product_family="loan", amount=small, grade=grade)


@given(amounts, grades, grades)
def test_a_better_grade_never_leaves_authority(amount, g1, g2):
    better, worse = sorted((g1, g2), key=grade_rank)
    if within_authority(SUB_BRANCH_HEAD, product_family="loan", amount=amount, grade=worse):
        assert within_authority(SUB_BRANCH_HEAD, product_family="loan", amount=amount, grade=better)
