"""Five-category classification: the floors of the 2023 Measures, restructuring, the debtor rule."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.classification import (
    Category,
    ClassificationError,
    ClassificationErrorCode,
    ClassificationPolicy,
    Exposure,
    FloorRule,
    check_judgement,
    classify_debtor,
    classify_exposure,
    days_past_due_floor,
    observation_period_end,
    worst,
)

AS_OF = date(2025, 6, 30)
N, SM, SS, D, L = Category


def loan(reference="L1", balance="100000", days=0, **kwargs) -> Exposure:
    return Exposure(reference, Decimal(balance), days, **kwargs)


def category_of(exposure: Exposure) -> Category:
    return classify_exposure(exposure, as_of=AS_OF).category


# --- floors by days past due ----------------------------------------------------------------


def test_a_loan_not_overdue_is_normal():
    assert days_past_due_floor(0) is N


def test_any_overdue_is_at_least_special_mention():
    assert days_past_due_floor(1) is SM


@pytest.mark.parametrize(
    ("days", "category"),
    [(90, SM), (91, SS), (270, SS), (271, D), (360, D), (361, L), (5000, L)],
)
def test_over_90_days_substandard_over_270_doubtful_over_360_loss(days, category):
    assert days_past_due_floor(days) is category


@pytest.mark.parametrize(
    ("days", "category"),
    [(0, N), (1, SM), (90, SM), (91, SS), (120, SS), (121, D), (180, D), (181, L)],
)
def test_credit_card_receivables_use_their_own_table(days, category):
    assert days_past_due_floor(days, credit_card=True) is category


def test_negative_days_past_due_are_refused():
    with pytest.raises(ClassificationError) as caught:
        days_past_due_floor(-1)
    assert caught.value.code is ClassificationErrorCode.DAYS_PAST_DUE_NEGATIVE


def test_thresholds_are_data():
    strict = ClassificationPolicy(days_past_due_floors=((0, SM), (60, SS), (180, D), (360, L)))
    assert days_past_due_floor(61, policy=strict) is SS


def test_floors_must_rise_in_days_and_in_category():
    with pytest.raises(ClassificationError) as caught:
        ClassificationPolicy(days_past_due_floors=((0, SS), (90, SM)))
    assert caught.value.code is ClassificationErrorCode.FLOORS_INVALID


def test_the_non_performing_categories_are_substandard_doubtful_and_loss():
    assert [c for c in Category if c.is_non_performing] == [SS, D, L]
    assert worst(N, D, SM) is D


# --- judgement ------------------------------------------------------------------------------


def test_judgement_may_classify_worse_than_the_floor():
    result = classify_exposure(loan(days=0, judgement=SS, judgement_reason="main customer lost"), as_of=AS_OF)
    assert (result.floor, result.category) == (N, SS)


def test_over_90_days_past_due_stays_non_performing_when_judgement_cites_ample_collateral():
    exposure = loan(days=120, judgement=N, judgement_reason="collateral worth twice the loan")
    result = classify_exposure(exposure, as_of=AS_OF)
    assert result.category is SS
    assert result.judgement_overruled


def test_a_proposed_judgement_better_than_the_floor_is_refused_naming_the_floor():
    floor = classify_exposure(loan(days=100), as_of=AS_OF)
    with pytest.raises(ClassificationError) as caught:
        check_judgement(SM, floor)
    assert caught.value.code is ClassificationErrorCode.JUDGEMENT_BETTER_THAN_FLOOR
    assert "substandard" in caught.value.message and "100 days past due" in caught.value.message
    assert check_judgement(D, floor) is D


# --- restructuring --------------------------------------------------------------------------


def test_observation_period_lasts_at_least_a_year_from_the_first_repayment_date():
    assert observation_period_end(first_repayment_on=date(2025, 1, 31), repayment_period_months=1) == date(2026, 1, 31)


def test_observation_period_contains_at_least_two_repayment_periods():
    assert observation_period_end(first_repayment_on=date(2025, 1, 15), repayment_period_months=12) == date(2027, 1, 15)


def test_a_restructured_asset_is_at_least_substandard_during_observation():
    exposure = loan(days=0, observation_ends_on=date(2025, 12, 31), category_before_restructuring=SM)
    assert category_of(exposure) is SS


def test_a_restructured_asset_is_never_better_than_before_restructuring_during_observation():
    exposure = loan(days=0, observation_ends_on=date(2025, 12, 31), category_before_restructuring=D)
    assert category_of(exposure) is D


def test_after_observation_the_restructured_floor_no_longer_applies():
    exposure = loan(days=0, observation_ends_on=date(2025, 6, 29), category_before_restructuring=SS)
    assert category_of(exposure) is N


# --- the debtor, not only the loan ----------------------------------------------------------


def test_a_non_retail_debtor_over_10_percent_non_performing_is_all_non_performing():
    # 110,000 of 1,000,000 (11%) is 100 days past due; the other 890,000 is current.
    results = classify_debtor([loan("L1", "890000", 0), loan("L2", "110000", 100)], as_of=AS_OF, retail=False)
    assert [r.category for r in results] == [SS, SS]
    assert results[0].reasons[-1].rule is FloorRule.DEBTOR_NON_PERFORMING_SHARE
    assert "11.00%" in results[0].reasons[-1].detail


def test_exactly_10_percent_non_performing_leaves_the_other_loans_alone():
    results = classify_debtor([loan("L1", "900000", 0), loan("L2", "100000", 100)], as_of=AS_OF, retail=False)
    assert [r.category for r in results] == [N, SS]


def test_the_debtor_rule_does_not_apply_to_retail_debtors():
    results = classify_debtor([loan("L1", "890000", 0), loan("L2", "110000", 100)], as_of=AS_OF, retail=True)
    assert [r.category for r in results] == [N, SS]


def test_a_judgement_counts_towards_the_debtors_non_performing_share():
    results = classify_debtor(
        [loan("L1", "800000", 0), loan("L2", "200000", 0, judgement=D, judgement_reason="fraud")],
        as_of=AS_OF,
        retail=False,
    )
    assert [r.category for r in results] == [SS, D]


def test_a_negative_balance_is_refused():
    with pytest.raises(ClassificationError) as caught:
        loan(balance="-1")
    assert caught.value.code is ClassificationErrorCode.BALANCE_INVALID


# --- laws -----------------------------------------------------------------------------------

days = st.integers(min_value=0, max_value=2000)
categories = st.sampled_from(list(Category))
balances = st.integers(min_value=0, max_value=10_000_000).map(Decimal)


@given(days, days, st.booleans())
def test_more_days_past_due_never_gives_a_better_category(a, b, credit_card):
    fewer, more = sorted((a, b))
    assert (
        days_past_due_floor(more, credit_card=credit_card).rank
        >= days_past_due_floor(fewer, credit_card=credit_card).rank
    )


@given(days, st.one_of(st.none(), categories), st.booleans())
def test_judgement_never_improves_on_the_floor(d, judgement, restructured):
    exposure = loan(days=d, judgement=judgement, observation_ends_on=date(2026, 1, 1) if restructured else None)
    result = classify_exposure(exposure, as_of=AS_OF)
    assert result.category.rank >= result.floor.rank
    assert result.category.rank >= days_past_due_floor(d).rank
    if judgement is not None:
        assert result.category.rank >= judgement.rank


exposure_lists = st.lists(st.tuples(balances, days, st.one_of(st.none(), categories)), min_size=1, max_size=6)


@given(exposure_lists, st.data(), st.booleans())
def test_the_debtor_rule_is_monotone(rows, data, retail):
    index = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
    extra = data.draw(st.integers(min_value=0, max_value=500))
    before = [loan(f"L{i}", b, d, judgement=j) for i, (b, d, j) in enumerate(rows)]
    after = [loan(f"L{i}", b, d + (extra if i == index else 0), judgement=j) for i, (b, d, j) in enumerate(rows)]
    old = classify_debtor(before, as_of=AS_OF, retail=retail)
    new = classify_debtor(after, as_of=AS_OF, retail=retail)
    assert all(n.category.rank >= o.category.rank for o, n in zip(old, new))
