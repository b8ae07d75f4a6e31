"""Statement checks: subtotals, balancing, the optional cash-flow and seasonal parts, periods."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from rmdesk.domain.amortisation import add_months
from rmdesk.domain.statements import (
    MONTHS,
    PeriodProblem,
    PeriodProblemCode,
    StatementBasis,
    StatementPart,
    StatementPeriod,
    StatementProblem,
    StatementProblemCode,
    detail_codes,
    inflow_code,
    outflow_code,
    parts_given,
    period_problems,
    seasonal_cash_flow,
    statement_lines,
    statement_problems,
    statement_totals,
)

SE = StatementBasis.SMALL_ENTERPRISE
HH = StatementBasis.HOUSEHOLD
D = Decimal


def complete(basis, details):
    amounts = {code: D(v) for code, v in details.items()}
    given_parts = parts_given(basis, amounts)
    part_of = {line.code: line.part for line in statement_lines(basis)}
    amounts.update({c: v for c, v in statement_totals(basis, amounts).items() if part_of[c] in given_parts})
    return amounts


SHOP = {
    "cash": 200, "inventories": 800, "short_term_borrowings": 400, "paid_in_capital": 500, "retained_earnings": 100,
    "revenue": 1000, "cost_of_sales": 700, "income_tax_expense": 15,
}
SHOP_CASH_FLOW = {"cf_sales_receipts": 950, "cf_purchases_paid": 800, "cf_borrowings_received": 40, "cash_begin": 10}


def test_a_statement_whose_subtotals_add_up_and_that_balances_has_no_problem():
    assert statement_problems(SE, complete(SE, SHOP)) == ()


def test_a_subtotal_that_does_not_add_up_is_reported_on_that_line_with_both_amounts():
    amounts = {**complete(SE, SHOP), "total_current_assets": D(999)}
    assert StatementProblem(StatementProblemCode.SUBTOTAL_MISMATCH, "total_current_assets", D(1000), D(999)) in statement_problems(SE, amounts)


def test_assets_not_equal_to_liabilities_and_equity_is_reported_on_the_funding_total():
    amounts = complete(SE, {**SHOP, "retained_earnings": 90})
    assert statement_problems(SE, amounts) == (
        StatementProblem(StatementProblemCode.DOES_NOT_BALANCE, "total_liabilities_and_equity", D(1000), D(990)),
    )


def test_the_cash_flow_statement_is_optional():
    amounts = complete(SE, SHOP)
    assert StatementPart.CASH_FLOW not in parts_given(SE, amounts)
    assert "net_operating_cash_flow" not in amounts
    assert statement_problems(SE, amounts) == ()


def test_a_cash_flow_statement_adds_up_by_activity_to_the_closing_cash():
    # operating 950 - 800 = 150; financing 40; net increase 190; 10 at the start -> 200 at the end
    totals = statement_totals(SE, complete(SE, {**SHOP, **SHOP_CASH_FLOW}))
    assert (totals["net_operating_cash_flow"], totals["net_financing_cash_flow"], totals["net_increase_in_cash"], totals["cash_end"]) == (
        D(150), D(40), D(190), D(200),
    )
    assert statement_problems(SE, complete(SE, {**SHOP, **SHOP_CASH_FLOW})) == ()


def test_a_given_cash_flow_statement_must_have_its_subtotals():
    amounts = {**complete(SE, SHOP), "cf_sales_receipts": D(950)}
    missing = {p.line for p in statement_problems(SE, amounts) if p.code is StatementProblemCode.MISSING_SUBTOTAL}
    assert missing == {"net_operating_cash_flow", "net_investing_cash_flow", "net_financing_cash_flow", "net_increase_in_cash", "cash_end"}


def test_closing_cash_must_equal_the_balance_sheet_cash():
    amounts = complete(SE, {**SHOP, **SHOP_CASH_FLOW, "cash_begin": 20})
    assert statement_problems(SE, amounts) == (
        StatementProblem(StatementProblemCode.DISAGREES_WITH_STATEMENT, "cash_end", expected=D(200), found=D(210)),
    )


FARM = {
    "cash_and_deposits": 30_000, "residential_property": 200_000, "loans_this_bank": 50_000, "net_worth": 180_000,
    "crop_income": 100_000, "production_costs": 40_000, "living_expenses": 30_000,
}
# Rice: costs in spring, sales after the harvests of July and October; living costs all year.
FARM_MONTHS = {
    **{outflow_code(m): 2_000 for m in MONTHS},
    outflow_code(3): 12_000, outflow_code(4): 12_000, outflow_code(5): 12_000, outflow_code(6): 18_000,
    inflow_code(7): 40_000, inflow_code(10): 60_000,
}


def test_a_household_months_add_up_to_its_years_income_and_expenses():
    # money out: 12 x 2,000 + 3 x 10,000 + 16,000 more in June = 70,000 = 40,000 + 30,000 expenses
    amounts = complete(HH, {**FARM, **FARM_MONTHS})
    assert amounts["seasonal_inflows"] == D(100_000) and amounts["seasonal_outflows"] == D(70_000)
    assert amounts["seasonal_net"] == amounts["net_income"] == D(30_000)
    assert statement_problems(HH, amounts) == ()


def test_months_that_do_not_add_up_to_the_year_are_reported_on_the_month_total():
    amounts = complete(HH, {**FARM, **FARM_MONTHS, inflow_code(10): 50_000})
    assert statement_problems(HH, amounts) == (
        StatementProblem(StatementProblemCode.DISAGREES_WITH_STATEMENT, "seasonal_inflows", expected=D(100_000), found=D(90_000)),
    )


def test_the_seasonal_cash_flow_finds_the_funding_need_and_the_months_to_repay_in():
    profile = seasonal_cash_flow(complete(HH, {**FARM, **FARM_MONTHS}))
    # Short from November (after the October sales) to June: 2,000 x 4 (Nov-Feb) + 12,000 x 3 + 18,000 = 62,000.
    assert (profile.funding_need, profile.need_from, profile.need_to) == (D(62_000), 11, 6)
    assert profile.surplus_months == (7, 10)
    assert profile.months[6].net == D(38_000)


def test_a_household_without_months_has_no_seasonal_cash_flow():
    assert seasonal_cash_flow(complete(HH, FARM)) is None


def test_an_unknown_line_is_reported():
    assert StatementProblem(StatementProblemCode.UNKNOWN_LINE, "goodwill") in statement_problems(SE, {**complete(SE, SHOP), "goodwill": D(1)})


def test_the_entered_lines_are_the_details_in_reading_order():
    codes = detail_codes(SE)
    assert codes[0] == "cash" and "total_assets" not in codes and codes.index("revenue") < codes.index("cf_sales_receipts")


def year(y, months=12, end=None):
    return StatementPeriod(end or date(y, 12, 31), months)


def test_consecutive_years_follow_each_other():
    assert period_problems([year(2023), year(2024), year(2022)]) == ()
    assert year(2024).start == date(2024, 1, 1) and year(2024).days == 366


def test_a_second_statement_for_the_same_months_is_an_overlap():
    assert period_problems([year(2024), year(2024)]) == (
        PeriodProblem(PeriodProblemCode.OVERLAP, date(2024, 12, 31), "period_end", date(2025, 1, 1), date(2024, 1, 1), date(2024, 12, 31)),
    )


def test_a_missing_year_is_a_gap():
    (problem,) = period_problems([year(2022), year(2024)])
    assert (problem.code, problem.period_end, problem.expected, problem.found) == (
        PeriodProblemCode.GAP, date(2024, 12, 31), date(2023, 1, 1), date(2024, 1, 1),
    )


def test_a_half_year_after_a_year_follows_it_but_is_not_comparable():
    assert period_problems([year(2024), StatementPeriod(date(2025, 6, 30), 6)]) == (
        PeriodProblem(PeriodProblemCode.LENGTH_DIFFERS, date(2025, 6, 30), "period_months", 12, 6, date(2024, 12, 31)),
    )


def test_a_period_ends_on_a_month_end_and_lasts_one_to_twelve_months():
    assert [p.code for p in period_problems([StatementPeriod(date(2024, 2, 28), 12)])] == [PeriodProblemCode.NOT_MONTH_END]
    assert period_problems([StatementPeriod(date(2024, 2, 29), 12)]) == ()
    assert [p.line for p in period_problems([StatementPeriod(date(2024, 12, 31), 13)])] == ["period_months"]


@settings(max_examples=80, deadline=None)
@given(first=st.integers(min_value=2000, max_value=2040), count=st.integers(min_value=1, max_value=6), months=st.sampled_from([3, 6, 12]))
def test_back_to_back_periods_of_one_length_never_have_a_problem(first, count, months):
    """Law: periods each starting the day after the previous one ended, all of one length, are in order."""
    periods = [StatementPeriod(date(first, months, 30 if months == 6 else 31), months)]
    while len(periods) < count:
        after = periods[-1].period_end + timedelta(days=1)
        periods.append(StatementPeriod(add_months(after, months) - timedelta(days=1), months))
    assert period_problems(periods) == ()


def test_a_detail_line_is_entered_as_a_positive_amount_the_sign_does_the_subtracting():
    amounts = complete(SE, {**SHOP, "cost_of_sales": -700})
    assert StatementProblem(StatementProblemCode.NEGATIVE_AMOUNT, "cost_of_sales", found=D(-700)) in statement_problems(SE, amounts)


def test_retained_losses_and_a_negative_net_worth_may_be_negative():
    loss_making = complete(SE, {**SHOP, "retained_earnings": -100, "cash": 0})
    assert statement_problems(SE, loss_making) == ()
    assert statement_problems(HH, complete(HH, {"cash_and_deposits": 10, "private_borrowings": 30, "net_worth": -20, "crop_income": 10})) == ()
