"""Loan-loss provisions by category, rolled up, and expected credit loss by IFRS 9 stage."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.classification import Category
from rmdesk.domain.provisions import (
    ProvisionError,
    ProvisionErrorCode,
    ProvisionRates,
    Stage,
    expected_credit_loss,
    ifrs9_stage,
    loan_provision,
    roll_up,
)

N, SM, SS, D, L = Category


def provision(balance, category, **kwargs):
    return loan_provision("L1", balance=Decimal(balance), category=category, **kwargs)


def test_general_reserve_is_1_percent_of_every_loan():
    assert provision("1000000", N).general == Decimal("10000.00")
    assert provision("1000000", N).specific == Decimal("0.00")


@pytest.mark.parametrize(
    ("category", "specific"),
    [(SM, "20000.00"), (SS, "250000.00"), (D, "500000.00"), (L, "1000000.00")],
)
def test_specific_reserve_is_2_25_50_100_percent_by_category(category, specific):
    result = provision("1000000", category)
    assert result.specific == Decimal(specific)
    assert result.total == Decimal(specific) + Decimal("10000.00")


def test_each_loans_reserve_is_rounded_half_up_to_the_fen():
    # 12,345.67 x 1% = 123.4567 -> 123.46; x 2% = 246.9134 -> 246.91; 0.50 x 1% = 0.005 -> 0.01
    result = provision("12345.67", SM)
    assert (result.general, result.specific) == (Decimal("123.46"), Decimal("246.91"))
    assert provision("0.50", N).general == Decimal("0.01")


def test_rates_are_data_within_the_guidelines_20_percent_band():
    rates = ProvisionRates(
        specific={N: Decimal(0), SM: Decimal("0.02"), SS: Decimal("0.30"), D: Decimal("0.60"), L: Decimal(1)}
    )
    assert provision("1000000", SS, rates=rates).specific == Decimal("300000.00")


def test_a_worse_category_may_not_have_a_lower_rate():
    with pytest.raises(ProvisionError) as caught:
        ProvisionRates(
            specific={N: Decimal(0), SM: Decimal("0.30"), SS: Decimal("0.25"), D: Decimal("0.5"), L: Decimal(1)}
        )
    assert caught.value.code is ProvisionErrorCode.RATES_INVALID


def test_every_category_needs_a_rate():
    with pytest.raises(ProvisionError, match="missing for loss"):
        ProvisionRates(specific={N: Decimal(0), SM: Decimal("0.02"), SS: Decimal("0.25"), D: Decimal("0.5")})


def test_a_negative_balance_is_refused():
    with pytest.raises(ProvisionError) as caught:
        provision("-0.01", N)
    assert caught.value.code is ProvisionErrorCode.BALANCE_INVALID


def test_provisions_roll_up_by_any_key_and_tie_out_to_the_loans():
    book = [
        ("am_a", loan_provision("L1", balance=Decimal("12345.67"), category=SM)),
        ("am_b", loan_provision("L2", balance=Decimal("500000"), category=SS)),
        ("am_a", loan_provision("L3", balance=Decimal("200000"), category=N)),
    ]
    totals = roll_up(book)
    assert list(totals) == ["am_a", "am_b"]
    am_a = totals["am_a"]
    assert (am_a.loans, am_a.balance, am_a.general, am_a.specific) == (
        2,
        Decimal("212345.67"),
        Decimal("2123.46"),  # 123.46 + 2,000.00
        Decimal("246.91"),
    )
    assert totals["am_b"].non_performing_balance == Decimal("500000")
    bank = roll_up(("bank", p) for _, p in book)["bank"]
    assert bank.total == sum((p.total for _, p in book), Decimal(0))


@given(st.lists(st.tuples(st.integers(0, 10**9), st.sampled_from(list(Category))), min_size=1, max_size=20))
def test_a_roll_up_equals_the_sum_of_its_loans(rows):
    provisions = [
        loan_provision(f"L{i}", balance=Decimal(fen).scaleb(-2), category=c) for i, (fen, c) in enumerate(rows)
    ]
    total = roll_up(("bank", p) for p in provisions)["bank"]
    assert total.total == sum(p.total for p in provisions)
    assert total.loans == len(provisions)


@given(st.integers(0, 10**9), st.sampled_from(list(Category)), st.sampled_from(list(Category)))
def test_a_worse_category_never_needs_a_smaller_reserve(fen, a, b):
    better, worse = sorted((a, b), key=lambda c: c.rank)
    balance = Decimal(fen).scaleb(-2)
    assert provision(balance, worse).total >= provision(balance, better).total


# --- IFRS 9 ---------------------------------------------------------------------------------


def test_stage_1_uses_the_12_month_pd():
    # 1,000,000 x 2% x 45% = 9,000.00
    ecl = expected_credit_loss(
        stage=Stage.PERFORMING,
        pd_12_month=Decimal("0.02"),
        pd_lifetime=Decimal("0.08"),
        lgd=Decimal("0.45"),
        ead=Decimal("1000000"),
    )
    assert ecl == Decimal("9000.00")


def test_stage_2_uses_the_lifetime_pd():
    ecl = expected_credit_loss(
        stage=Stage.UNDERPERFORMING,
        pd_12_month=Decimal("0.02"),
        pd_lifetime=Decimal("0.08"),
        lgd=Decimal("0.45"),
        ead=Decimal("1000000"),
    )
    assert ecl == Decimal("36000.00")


def test_stage_3_is_in_default_so_loss_is_lgd_times_ead():
    ecl = expected_credit_loss(
        stage=Stage.CREDIT_IMPAIRED,
        pd_12_month=Decimal("0.02"),
        pd_lifetime=Decimal("0.08"),
        lgd=Decimal("0.45"),
        ead=Decimal("1000000"),
    )
    assert ecl == Decimal("450000.00")


def test_a_lifetime_pd_below_the_12_month_pd_is_refused():
    with pytest.raises(ProvisionError) as caught:
        expected_credit_loss(
            stage=Stage.PERFORMING,
            pd_12_month=Decimal("0.1"),
            pd_lifetime=Decimal("0.05"),
            lgd=Decimal("0.45"),
            ead=Decimal("1"),
        )
    assert caught.value.code is ProvisionErrorCode.PARAMETER_OUT_OF_RANGE


@pytest.mark.parametrize(
    ("days", "category", "sicr", "stage"),
    [
        (0, N, False, Stage.PERFORMING),
        (30, N, False, Stage.PERFORMING),
        (31, SM, False, Stage.UNDERPERFORMING),
        (0, SM, False, Stage.UNDERPERFORMING),
        (0, N, True, Stage.UNDERPERFORMING),
        (91, SS, False, Stage.CREDIT_IMPAIRED),
        (0, D, False, Stage.CREDIT_IMPAIRED),
    ],
)
def test_over_30_days_or_special_mention_is_stage_2_over_90_or_non_performing_is_stage_3(days, category, sicr, stage):
    assert ifrs9_stage(days_past_due=days, category=category, significant_increase=sicr) is stage
