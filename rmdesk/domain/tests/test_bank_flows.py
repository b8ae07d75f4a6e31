"""A statement's revenue against the inflows the bank sees, with worked numbers."""

from datetime import date
from decimal import Decimal

from rmdesk.domain.bank_flows import FlowsFlagCode, FlowsThresholds, compare_with_bank_flows, covered_span

D = Decimal
YEAR_2025 = {"period_start": date(2025, 1, 1), "period_end": date(2025, 12, 31)}


def compare(reported, inflows, *, records_from=date(2024, 11, 1), records_to=date(2026, 10, 31), settles_here=True, **kwargs):
    return compare_with_bank_flows(
        basis="small_enterprise", reported=D(reported), bank_inflows=D(inflows), records_from=records_from,
        records_to=records_to, settles_here=settles_here, **YEAR_2025, **kwargs,
    )


def test_share_of_wallet_is_bank_inflows_over_reported_revenue():
    result = compare(3_000_000, 1_800_000)
    assert (result.covered, result.expected, result.share_of_wallet, result.flags) == (True, D("3000000.00"), D("0.6000"), ())
    assert result.revenue_line == "revenue"


def test_inflows_above_revenue_by_more_than_ten_percent_are_flagged():
    # 3,450,000 / 3,000,000 = 1.15 > 1.10
    result = compare(3_000_000, 3_450_000)
    assert (result.share_of_wallet, result.flags) == (D("1.1500"), (FlowsFlagCode.INFLOWS_EXCEED_REVENUE,))


def test_inflows_up_to_ten_percent_above_revenue_are_tolerated():
    assert compare(3_000_000, 3_300_000).flags == ()


def test_a_tiny_share_is_implausible_only_for_a_customer_settling_here():
    # 450,000 / 3,000,000 = 15% < 20%
    assert compare(3_000_000, 450_000).flags == (FlowsFlagCode.SHARE_IMPLAUSIBLY_LOW,)
    assert compare(3_000_000, 450_000, settles_here=False).flags == ()


def test_revenue_is_pro_rated_to_the_days_the_records_cover():
    # records from 1 July 2025: 184 of 365 days; 3,650,000 x 184 / 365 = 1,840,000
    result = compare(3_650_000, 920_000, records_from=date(2025, 7, 1))
    assert (result.covered_days, result.period_days, result.expected, result.share_of_wallet) == (184, 365, D("1840000.00"), D("0.5000"))


def test_records_covering_less_than_a_quarter_of_the_period_give_no_comparison():
    result = compare(3_000_000, 10, records_from=date(2025, 11, 1))
    assert (result.covered, result.covered_days, result.share_of_wallet, result.flags) == (False, 61, None, ())


def test_no_records_give_no_comparison():
    result = compare(3_000_000, 0, records_from=None, records_to=None)
    assert (result.covered, result.covered_days) == (False, 0)


def test_thresholds_are_parameters():
    assert compare(3_000_000, 1_800_000, thresholds=FlowsThresholds(lowest_share=D("0.7"))).flags == (FlowsFlagCode.SHARE_IMPLAUSIBLY_LOW,)


def test_a_household_is_compared_on_its_total_income():
    result = compare_with_bank_flows(basis="household", reported=D(100_000), bank_inflows=D(60_000), records_from=date(2025, 1, 1),
                                     records_to=date(2025, 12, 31), settles_here=True, **YEAR_2025)
    assert (result.revenue_line, result.share_of_wallet) == ("total_income", D("0.6000"))


def test_the_covered_span_is_where_period_and_records_overlap():
    assert covered_span(date(2025, 1, 1), date(2025, 12, 31), date(2025, 3, 5), date(2026, 1, 1)) == (date(2025, 3, 5), date(2025, 12, 31))
    assert covered_span(date(2025, 1, 1), date(2025, 12, 31), date(2026, 3, 5), date(2026, 4, 1)) is None


def test_with_the_months_money_in_the_revenue_is_pro_rated_by_season():
    # A farm sells 80% of its 100,000 in October; the bank's records cover October to December 2025 only.
    monthly = [D(2_000)] * 9 + [D(80_000), D(1_000), D(1_000)]
    result = compare_with_bank_flows(basis="household", reported=D(100_000), bank_inflows=D(76_000), records_from=date(2025, 10, 1),
                                     records_to=date(2026, 6, 30), settles_here=True, monthly=monthly, **YEAR_2025)
    # 80,000 + 1,000 + 1,000 = 82,000 of the year's 100,000 fall in the covered days (not 92/365 of it, 25,205.48)
    assert (result.by_month, result.expected, result.share_of_wallet, result.flags) == (True, D("82000.00"), D("0.9268"), ())


def test_a_part_month_counts_its_days():
    # records from 16 December: 16 of December's 31 days of its 3,100
    monthly = [D(0)] * 11 + [D(3_100)]
    result = compare_with_bank_flows(basis="household", reported=D(3_100), bank_inflows=D(1_600), records_from=date(2025, 12, 16),
                                     records_to=date(2026, 1, 31), settles_here=False, monthly=monthly,
                                     thresholds=FlowsThresholds(least_coverage=D(0)), **YEAR_2025)
    assert result.expected == D("1600.00")
