from datetime import date
from decimal import Decimal, localcontext

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rmdesk.domain.amortisation import (
    Instalment,
    RepaymentMethod,
    ScheduleError,
    ScheduleErrorCode,
    add_months,
    repayment_schedule,
)

ZERO = Decimal("0.00")
FEN = Decimal("0.01")

principals = st.integers(min_value=100_000, max_value=5_000_000_000).map(
    lambda fen: Decimal(fen).scaleb(-2)
)  # 1,000.00 to 50,000,000.00 yuan
annual_rates = st.integers(min_value=0, max_value=240_000).map(
    lambda millionths: Decimal(millionths).scaleb(-6)
)  # 0% to 24%, to 0.0001%
terms = st.integers(min_value=1, max_value=360)
first_due_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
schedule_settings = settings(max_examples=150, deadline=None)


def schedule(
    principal="1000000.00",
    annual_rate="0.049",
    months=360,
    method=RepaymentMethod.EQUAL_INSTALMENT,
    first_due_date=date(2024, 1, 31),
) -> tuple[Instalment, ...]:
    return repayment_schedule(
        principal=Decimal(principal),
        annual_rate=Decimal(annual_rate),
        months=months,
        method=method,
        first_due_date=first_due_date,
    )


def refusal(**kwargs) -> ScheduleError:
    with pytest.raises(ScheduleError) as caught:
        schedule(**kwargs)
    return caught.value


def repaid_early(instalments: tuple[Instalment, ...]) -> bool:
    return any(i.closing_principal == 0 for i in instalments[:-1])


# --- worked examples ------------------------------------------------------------------------


def test_equal_instalment_mortgage_pays_the_published_monthly_amount():
    # 1,000,000 yuan at 4.9% over 30 years: the 5,307.27 yuan a month every bank quotes.
    instalments = schedule()
    assert {i.payment for i in instalments[:-1]} == {Decimal("5307.27")}
    assert instalments[0].interest == Decimal("4083.33")
    assert instalments[0].principal == Decimal("1223.94")
    assert instalments[-1].payment == Decimal("5305.19")


def test_equal_principal_mortgage_starts_at_the_published_amount_and_falls_each_month():
    # Same loan, equal principal: 2,777.78 principal + 4,083.33 interest, then 11.34 less.
    instalments = schedule(method=RepaymentMethod.EQUAL_PRINCIPAL)
    assert instalments[0].principal == Decimal("2777.78")
    assert instalments[0].payment == Decimal("6861.11")
    assert instalments[0].payment - instalments[1].payment == Decimal("11.34")
    assert instalments[-1].principal == Decimal("2776.98")


def test_interest_only_bullet_pays_interest_monthly_and_all_principal_at_maturity():
    instalments = schedule("120000.00", "0.06", 12, RepaymentMethod.INTEREST_ONLY_BULLET)
    assert [i.interest for i in instalments] == [Decimal("600.00")] * 12
    assert [i.principal for i in instalments[:-1]] == [ZERO] * 11
    assert instalments[-1].principal == Decimal("120000.00")
    assert instalments[-1].payment == Decimal("120600.00")
    assert all(i.closing_principal == Decimal("120000.00") for i in instalments[:-1])


def test_interest_of_exactly_half_a_fen_rounds_up():
    # 6.00 x 1% / 12 = 0.005 exactly: half-up gives a fen.
    instalments = schedule("6.00", "0.01", 2, RepaymentMethod.INTEREST_ONLY_BULLET)
    assert [i.interest for i in instalments] == [Decimal("0.01"), Decimal("0.01")]


@pytest.mark.parametrize("method", list(RepaymentMethod))
def test_zero_rate_loan_repays_principal_in_equal_parts_with_no_interest(method):
    instalments = schedule("1000.00", "0", 3, method)
    assert all(i.interest == ZERO for i in instalments)
    assert sum(i.payment for i in instalments) == Decimal("1000.00")
    if method is not RepaymentMethod.INTEREST_ONLY_BULLET:
        assert [i.principal for i in instalments] == [
            Decimal("333.33"), Decimal("333.33"), Decimal("333.34")
        ]


@pytest.mark.parametrize("method", list(RepaymentMethod))
def test_one_month_loan_repays_everything_in_one_instalment(method):
    (only,) = schedule("10000.00", "0.12", 1, method)
    assert (only.principal, only.interest, only.payment) == (
        Decimal("10000.00"), Decimal("100.00"), Decimal("10100.00")
    )


def test_tiny_loan_whose_rounded_payments_repay_it_early_never_goes_below_zero():
    # 1,000 yuan at 24% over 30 years: the 20.02 payment is 0.0017 above the annuity, and
    # compounded over 350 months that repays the loan before the last month.
    instalments = schedule("1000.00", "0.24", 360)
    assert repaid_early(instalments)
    assert all(i.closing_principal >= 0 and i.payment >= 0 for i in instalments)
    assert sum(i.principal for i in instalments) == Decimal("1000.00")
    assert instalments[-1].payment == ZERO


def test_due_dates_keep_the_day_of_the_first_due_date_clamped_to_month_end():
    due = [i.due_date for i in schedule(months=4, first_due_date=date(2024, 1, 31))]
    assert due == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]


def test_amounts_of_every_instalment_are_in_fen():
    for i in schedule("123456.78", "0.0435", 24):
        for amount in (i.opening_principal, i.principal, i.interest, i.payment):
            assert amount.as_tuple().exponent == -2


def test_principal_in_whole_yuan_is_held_to_the_fen():
    first, *_, last = schedule("12000", "0", 12, RepaymentMethod.INTEREST_ONLY_BULLET)
    assert str(first.opening_principal) == "12000.00"
    assert str(last.principal) == "12000.00"


def test_method_may_be_given_by_its_value():
    by_value = schedule(method="equal_principal")
    assert by_value == schedule(method=RepaymentMethod.EQUAL_PRINCIPAL)


# --- invalid inputs -------------------------------------------------------------------------


@pytest.mark.parametrize("principal", ["0", "0.00", "-100.00", "NaN", "Infinity"])
def test_principal_must_be_more_than_zero(principal):
    assert refusal(principal=principal).code is ScheduleErrorCode.PRINCIPAL_NOT_POSITIVE


def test_principal_must_be_a_whole_number_of_fen():
    assert refusal(principal="1000.005").code is ScheduleErrorCode.PRINCIPAL_NOT_IN_FEN


@pytest.mark.parametrize("rate", ["-0.0001", "1", "4.35", "NaN"])
def test_annual_rate_must_be_a_fraction_from_zero_to_below_one(rate):
    error = refusal(annual_rate=rate)
    assert error.code is ScheduleErrorCode.RATE_OUT_OF_RANGE
    assert "annual rate" in error.message


@pytest.mark.parametrize("months", [0, -12])
def test_a_schedule_needs_at_least_one_month(months):
    assert refusal(months=months).code is ScheduleErrorCode.MONTHS_OUT_OF_RANGE


def test_unknown_repayment_method_is_refused():
    assert refusal(method="balloon").code is ScheduleErrorCode.UNKNOWN_METHOD


def test_due_dates_beyond_the_calendar_are_refused():
    error = refusal(months=2, first_due_date=date(9999, 12, 1))
    assert error.code is ScheduleErrorCode.DUE_DATE_OUT_OF_RANGE


def test_floats_are_never_money_in_a_schedule():
    with pytest.raises(TypeError):
        repayment_schedule(
            principal=1000.0,
            annual_rate=Decimal("0.05"),
            months=12,
            method=RepaymentMethod.EQUAL_INSTALMENT,
            first_due_date=date(2024, 1, 1),
        )


def test_schedule_error_is_a_value_error():
    assert issubclass(ScheduleError, ValueError)


# --- add_months -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "anchor", "expected"),
    [
        (date(2024, 1, 31), 1, None, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, None, date(2023, 2, 28)),
        (date(2024, 2, 29), 1, 31, date(2024, 3, 31)),
        (date(2024, 3, 31), -1, None, date(2024, 2, 29)),
        (date(2024, 12, 15), 1, None, date(2025, 1, 15)),
        (date(2024, 1, 15), -13, None, date(2022, 12, 15)),
        (date(2024, 5, 20), 0, None, date(2024, 5, 20)),
    ],
)
def test_add_months_keeps_the_anchor_day_clamped_to_month_end(start, months, anchor, expected):
    assert add_months(start, months, anchor_day=anchor) == expected


@pytest.mark.parametrize("anchor", [0, 32])
def test_add_months_anchor_day_must_be_a_day_of_month(anchor):
    with pytest.raises(ValueError):
        add_months(date(2024, 1, 1), 1, anchor_day=anchor)


@given(first_due_dates, st.integers(0, 240), st.integers(0, 240))
def test_adding_months_in_two_steps_with_the_same_anchor_equals_adding_them_at_once(d, a, b):
    anchor = d.day
    in_two = add_months(add_months(d, a, anchor_day=anchor), b, anchor_day=anchor)
    assert in_two == add_months(d, a + b, anchor_day=anchor)


# --- laws of every schedule -----------------------------------------------------------------


@schedule_settings
@given(principals, annual_rates, terms, st.sampled_from(RepaymentMethod), first_due_dates)
def test_every_schedule_repays_exactly_the_loan_and_ends_at_zero(
    principal, annual_rate, months, method, first_due_date
):
    instalments = repayment_schedule(
        principal=principal,
        annual_rate=annual_rate,
        months=months,
        method=method,
        first_due_date=first_due_date,
    )
    assert len(instalments) == months
    assert [i.number for i in instalments] == list(range(1, months + 1))
    assert sum(i.principal for i in instalments) == principal
    assert instalments[0].opening_principal == principal
    assert instalments[-1].closing_principal == ZERO
    for i in instalments:
        assert i.payment == i.principal + i.interest
        assert i.closing_principal == i.opening_principal - i.principal
        assert i.principal >= 0 and i.interest >= 0 and i.payment >= 0
        assert i.due_date.day == min(first_due_date.day, _month_length(i.due_date))
    for before, after in zip(instalments, instalments[1:]):
        assert after.opening_principal == before.closing_principal
        assert _months_between(before.due_date, after.due_date) == 1


def _month_length(d: date) -> int:
    return (add_months(d.replace(day=1), 1) - d.replace(day=1)).days


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


@schedule_settings
@given(principals, annual_rates, terms)
def test_equal_instalment_payments_are_equal_except_the_last(principal, annual_rate, months):
    instalments = repayment_schedule(
        principal=principal,
        annual_rate=annual_rate,
        months=months,
        method=RepaymentMethod.EQUAL_INSTALMENT,
        first_due_date=date(2024, 1, 31),
    )
    level = instalments[0].payment
    for i in instalments[:-1]:
        # Only a loan that rounding has already repaid pays less (see the tiny-loan example).
        assert i.payment == level or i.closing_principal == ZERO


@schedule_settings
@given(principals, annual_rates, terms)
def test_equal_principal_interest_never_increases(principal, annual_rate, months):
    instalments = repayment_schedule(
        principal=principal,
        annual_rate=annual_rate,
        months=months,
        method=RepaymentMethod.EQUAL_PRINCIPAL,
        first_due_date=date(2024, 1, 31),
    )
    interest = [i.interest for i in instalments]
    assert interest == sorted(interest, reverse=True)
    assert len({i.principal for i in instalments[:-1]}) <= 1


@schedule_settings
@given(principals, annual_rates, terms)
def test_interest_only_bullet_keeps_the_whole_loan_outstanding_until_the_last_month(
    principal, annual_rate, months
):
    instalments = repayment_schedule(
        principal=principal,
        annual_rate=annual_rate,
        months=months,
        method=RepaymentMethod.INTEREST_ONLY_BULLET,
        first_due_date=date(2024, 1, 31),
    )
    assert all(i.closing_principal == principal for i in instalments[:-1])
    assert len({i.interest for i in instalments}) == 1


# --- equal instalment against numpy-financial -----------------------------------------------
#
# Tolerance, derived rather than guessed. Let r be the monthly rate, B_k the exact opening
# principal of month k and E_k our error in it (E_1 = 0). Each month the rounded payment is
# off the exact annuity by at most 0.005 and the rounded interest off opening x r by at most
# 0.005, so E_{k+1} = E_k (1 + r) + e_k with |e_k| <= 0.01, hence
#     |E_k| <= D_k = 0.01 ((1 + r)^(k-1) - 1) / r        (0.01 (k - 1) when r = 0).
# Then, for months before the last,
#     payment differs by <= 0.005,
#     interest  by <= r D_k + 0.005 <= 0.01 (1 + r)^(k-1),
#     principal by <= r D_k + 0.01  =  0.01 (1 + r)^(k-1),
# i.e. a fen in month 1, compounding at the loan rate; the last instalment repays
# B_n + E_n, so its principal differs by <= D_n, its interest by <= r D_n + 0.005 and its
# payment by <= (1 + r) D_n + 0.005. Total interest = total payments - loan, so it differs by
# <= 0.005 (n - 1) + (1 + r) D_n + 0.005.
# numpy-financial is given Decimal inputs: in floats its (1 + r)^n - 1 loses about 1e-9 of a
# 50-million-yuan loan to cancellation at tiny rates, which is more than the fen compared here.
# Loans that rounding repays early (tiny loans at high rates over decades) leave this regime
# and are covered by their own example above.

HALF_FEN = Decimal("0.005")
REFERENCE_PRECISION = 50
# The reference's own rounding at 50 significant digits, far below a fen.
REFERENCE_ERROR = Decimal("1e-20")


def _within(ours: Decimal, reference: Decimal, tolerance: Decimal) -> bool:
    return abs(ours - reference) <= tolerance + REFERENCE_ERROR


def _drift_bound(r: Decimal, k: int) -> Decimal:
    if r == 0:
        return FEN * (k - 1)
    return FEN * ((1 + r) ** (k - 1) - 1) / r


def _numpy_financial_schedule(r: Decimal, n: int, pv: Decimal):
    if r == 0:
        # numpy-financial's Decimal path divides by the rate on both sides of its zero-rate
        # branch; with no interest the exact schedule is pv / n a month.
        return pv / n, [Decimal(0)] * n, [pv / n] * n
    periods = np.arange(1, n + 1)
    payment = -npf.pmt(r, n, pv)
    return payment, list(-npf.ipmt(r, periods, n, pv)), list(-npf.ppmt(r, periods, n, pv))


@settings(max_examples=200, deadline=None)
@given(principals, annual_rates, terms)
def test_equal_instalment_schedule_matches_numpy_financial_pmt_ipmt_ppmt(
    principal, annual_rate, months
):
    instalments = repayment_schedule(
        principal=principal,
        annual_rate=annual_rate,
        months=months,
        method=RepaymentMethod.EQUAL_INSTALMENT,
        first_due_date=date(2024, 1, 31),
    )
    assume(not repaid_early(instalments))
    with localcontext(prec=REFERENCE_PRECISION):
        r, n = annual_rate / 12, months
        payment, interest, principal_part = _numpy_financial_schedule(r, n, principal)

        for k, i in enumerate(instalments[:-1], start=1):
            month_tolerance = FEN * (1 + r) ** (k - 1)
            assert _within(i.payment, payment, HALF_FEN)
            assert _within(i.interest, interest[k - 1], month_tolerance)
            assert _within(i.principal, principal_part[k - 1], month_tolerance)

        last, drift = instalments[-1], _drift_bound(r, n)
        assert _within(last.principal, principal_part[-1], drift)
        assert _within(last.interest, interest[-1], r * drift + HALF_FEN)
        assert _within(last.payment, payment, (1 + r) * drift + HALF_FEN)

        total_interest = sum(i.interest for i in instalments)
        total_tolerance = HALF_FEN * (n - 1) + (1 + r) * drift + HALF_FEN
        assert _within(total_interest, sum(interest), total_tolerance)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=10_000_000, max_value=1_000_000_000).map(lambda f: Decimal(f).scaleb(-2)),
    st.integers(min_value=0, max_value=80_000).map(lambda m: Decimal(m).scaleb(-6)),
    terms,
)
def test_ordinary_loan_last_instalment_is_within_a_few_yuan_of_the_others(
    principal, annual_rate, months
):
    # 100,000 to 10,000,000 yuan at up to 8% for up to 30 years: by the bound above
    # D_n <= 14.80 yuan, so the last payment is within (1 + r) D_n + 0.005 <= 14.90 yuan of
    # the level payment, and the loan is too large for rounding to repay it early.
    instalments = repayment_schedule(
        principal=principal,
        annual_rate=annual_rate,
        months=months,
        method=RepaymentMethod.EQUAL_INSTALMENT,
        first_due_date=date(2024, 1, 31),
    )
    assert not repaid_early(instalments)
    assert abs(instalments[-1].payment - instalments[0].payment) <= Decimal("15.00")
