"""Ratios: a worked example for every ratio, and the rules of the arithmetic."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmdesk.domain.ratios import (
    EXTRA_FACTS,
    RATIOS,
    UNITS,
    Period,
    RatioFamily,
    ratios_for,
    statement_ratios,
    unit_factor,
)
from rmdesk.domain.statements import StatementBasis, statement_lines, statement_problems, statement_totals

SE = StatementBasis.SMALL_ENTERPRISE
HH = StatementBasis.HOUSEHOLD


def full(basis, details: dict[str, int]) -> dict[str, Decimal]:
    """A statement with its subtotals, as it is stored."""
    amounts = {code: Decimal(v) for code, v in details.items()}
    totals = statement_totals(basis, amounts)
    given_parts = {line.part for line in statement_lines(basis) if line.code in amounts}
    amounts.update({code: v for code, v in totals.items() if next(l.part for l in statement_lines(basis) if l.code == code) in given_parts})
    return amounts


# A factory's year: assets 2,000,000 = liabilities 1,200,000 + equity 800,000; revenue 3,000,000.
FACTORY = full(SE, {
    "cash": 200_000, "notes_receivable": 50_000, "accounts_receivable": 250_000, "inventories": 400_000,
    "prepayments": 100_000, "fixed_assets_cost": 1_500_000, "accumulated_depreciation": 500_000,
    "short_term_borrowings": 300_000, "accounts_payable": 200_000, "long_term_borrowings": 700_000,
    "paid_in_capital": 500_000, "retained_earnings": 300_000,
    "revenue": 3_000_000, "cost_of_sales": 2_400_000, "administrative_expenses": 240_000,
    "finance_expenses": 60_000, "income_tax_expense": 15_000,
    "cf_sales_receipts": 2_900_000, "cf_purchases_paid": 2_500_000, "cf_wages_paid": 150_000,
    "cf_long_term_assets_paid": 100_000, "cf_borrowings_repaid": 80_000, "cf_interest_paid": 60_000,
    "cash_begin": 190_000,
})
# The year before: assets 1,800,000 = 1,100,000 + 700,000; revenue 2,500,000, net profit 190,000.
FACTORY_BEFORE_DETAILS = {
    "cash": 190_000, "notes_receivable": 30_000, "accounts_receivable": 170_000, "inventories": 400_000,
    "prepayments": 10_000, "fixed_assets_cost": 1_400_000, "accumulated_depreciation": 400_000,
    "short_term_borrowings": 300_000, "accounts_payable": 100_000, "long_term_borrowings": 700_000,
    "paid_in_capital": 500_000, "retained_earnings": 200_000,
    "revenue": 2_500_000, "cost_of_sales": 2_000_000, "administrative_expenses": 240_000,
    "finance_expenses": 60_000, "income_tax_expense": 10_000,
}
FACTORY_BEFORE = full(SE, FACTORY_BEFORE_DETAILS)
# A tea-growing household: assets 400,000 = debts 100,000 + net worth 300,000; income 200,000.
FARM = full(HH, {
    "cash_and_deposits": 40_000, "farm_inventory": 20_000, "machinery_and_equipment": 60_000,
    "residential_property": 280_000, "loans_this_bank": 50_000, "loans_other_banks": 20_000,
    "private_borrowings": 30_000, "net_worth": 300_000, "crop_income": 150_000, "wage_income": 30_000,
    "transfer_income": 20_000, "production_costs": 80_000, "living_expenses": 50_000,
    "interest_expenses": 6_000, "other_expenses": 4_000,
})
FARM_BEFORE = full(HH, {
    "cash_and_deposits": 30_000, "machinery_and_equipment": 60_000, "residential_property": 230_000,
    "loans_this_bank": 60_000, "net_worth": 260_000, "crop_income": 130_000, "wage_income": 30_000,
    "production_costs": 70_000, "living_expenses": 45_000,
})
DEBT_SERVICE = {"annual_debt_service": Decimal(250_000)}
FARM_DEBT_SERVICE = {"annual_debt_service": Decimal(40_000)}

WORKED = {
    # code: (basis, expected, the arithmetic)
    "current_ratio": (SE, "2.0000", "1,000,000 current assets / 500,000 current liabilities"),
    "quick_ratio": (SE, "1.2000", "(1,000,000 - 400,000 inventories) / 500,000"),
    "cash_ratio": (SE, "0.4000", "200,000 cash / 500,000"),
    "operating_cash_flow_ratio": (SE, "0.5000", "250,000 operating cash flow / 500,000"),
    "cash_to_debt_service": (HH, "1.0000", "40,000 deposits / 40,000 a year's repayments"),
    "debt_to_assets": (SE, "60.0000", "1,200,000 / 2,000,000 x 100"),
    "debt_to_equity": (SE, "1.5000", "1,200,000 / 800,000"),
    "debt_to_net_worth": (HH, "0.3333", "100,000 / 300,000"),
    "private_borrowing_share": (HH, "30.0000", "30,000 private / 100,000 debts x 100"),
    "interest_coverage": (SE, "6.0000", "(300,000 total profit + 60,000 finance expenses) / 60,000"),
    "debt_service_coverage": (SE, "1.4400", "360,000 EBIT / 250,000 debt service"),
    "cash_flow_debt_service_coverage": (SE, "1.0000", "250,000 operating cash flow / 250,000"),
    "household_debt_service_coverage": (HH, "1.6500", "(60,000 net income + 6,000 interest) / 40,000"),
    "receivable_days": (SE, "30.4167", "average (300,000, 200,000) = 250,000 / 3,000,000 x 365"),
    "inventory_days": (SE, "60.8333", "average (400,000, 400,000) / 2,400,000 cost of sales x 365"),
    "total_asset_turnover": (SE, "1.5789", "3,000,000 / average (2,000,000, 1,800,000) = 1,900,000"),
    "gross_margin": (SE, "20.0000", "(3,000,000 - 2,400,000) / 3,000,000 x 100"),
    "net_margin": (SE, "9.5000", "285,000 / 3,000,000 x 100"),
    "return_on_assets": (SE, "15.0000", "285,000 / 1,900,000 x 100"),
    "return_on_equity": (SE, "38.0000", "285,000 / average (800,000, 700,000) = 750,000 x 100"),
    "net_income_margin": (HH, "30.0000", "60,000 / 200,000 x 100"),
    "living_expenses_to_income": (HH, "25.0000", "50,000 / 200,000 x 100"),
    "revenue_growth": (SE, "20.0000", "(3,000,000 - 2,500,000) / 2,500,000 x 100"),
    "net_profit_growth": (SE, "50.0000", "(285,000 - 190,000) / 190,000 x 100"),
    "total_assets_growth": (SE, "11.1111", "(2,000,000 - 1,800,000) / 1,800,000 x 100"),
    "income_growth": (HH, "25.0000", "(200,000 - 160,000) / 160,000 x 100"),
}


def worked_ratios(basis):
    if basis is SE:
        return statement_ratios(SE, FACTORY, FACTORY_BEFORE, extra=DEBT_SERVICE)
    return statement_ratios(HH, FARM, FARM_BEFORE, extra=FARM_DEBT_SERVICE)


def test_the_worked_statements_balance():
    assert statement_problems(SE, FACTORY) == ()
    assert statement_problems(SE, FACTORY_BEFORE) == ()
    assert statement_problems(HH, FARM) == ()
    assert statement_problems(HH, FARM_BEFORE) == ()


def test_every_ratio_has_a_worked_example():
    assert set(WORKED) == {ratio.code for ratio in RATIOS}


@pytest.mark.parametrize("code", sorted(WORKED))
def test_worked_example(code):
    basis, expected, _arithmetic = WORKED[code]
    assert worked_ratios(basis)[code] == Decimal(expected)


def test_household_total_assets_growth_uses_the_household_lines():
    # (400,000 - 320,000) / 320,000 x 100
    assert worked_ratios(HH)["total_assets_growth"] == Decimal("25.0000")


def test_a_basis_gets_only_its_own_ratios():
    assert set(worked_ratios(SE)) == {r.code for r in RATIOS if SE in r.bases}
    assert "current_ratio" not in worked_ratios(HH)
    assert "debt_to_assets" in worked_ratios(HH)


def test_every_term_names_a_line_of_each_of_its_bases_or_an_extra_fact():
    for ratio in RATIOS:
        for basis in ratio.bases:
            codes = {line.code for line in statement_lines(basis)} | set(EXTRA_FACTS)
            assert {t.code for t in ratio.numerator + ratio.denominator} <= codes, ratio.code


def test_definitions_are_well_formed():
    assert len({r.code for r in RATIOS}) == len(RATIOS)
    for ratio in RATIOS:
        assert ratio.unit in UNITS and ratio.family in RatioFamily and ratio.bases
        assert ratio.numerator and ratio.denominator
        assert all(t.sign in (1, -1) for t in ratio.numerator + ratio.denominator)
        assert ratio.label_zh and ratio.label_en
    assert {r.family for r in RATIOS} == set(RatioFamily)


def test_ratios_needing_the_previous_period_are_none_without_it():
    ratios = statement_ratios(SE, FACTORY, extra=DEBT_SERVICE)
    needs_previous = {r.code for r in ratios_for(SE) if any(t.period is not Period.CURRENT for t in r.numerator + r.denominator)}
    assert needs_previous == {
        "receivable_days", "inventory_days", "total_asset_turnover", "return_on_assets", "return_on_equity",
        "revenue_growth", "net_profit_growth", "total_assets_growth",
    }
    assert all(ratios[code] is None for code in needs_previous)
    assert ratios["current_ratio"] == Decimal("2.0000")


def test_debt_service_ratios_are_none_without_the_debt_service():
    ratios = statement_ratios(SE, FACTORY, FACTORY_BEFORE)
    assert ratios["debt_service_coverage"] is None
    assert ratios["cash_flow_debt_service_coverage"] is None
    assert ratios["interest_coverage"] == Decimal("6.0000")


def test_cash_flow_ratios_are_none_when_no_cash_flow_statement_was_handed_in():
    ratios = statement_ratios(SE, FACTORY_BEFORE, extra=DEBT_SERVICE)
    assert ratios["operating_cash_flow_ratio"] is None
    assert ratios["cash_flow_debt_service_coverage"] is None
    assert ratios["debt_service_coverage"] is not None


def test_a_zero_denominator_gives_none():
    no_debt = {**FARM_DEBT_SERVICE, "annual_debt_service": Decimal(0)}
    assert statement_ratios(HH, FARM, extra=no_debt)["household_debt_service_coverage"] is None


def test_a_negative_denominator_gives_none_and_negative_equity_shows_in_debt_to_assets():
    insolvent = full(SE, {"cash": 100, "short_term_borrowings": 300, "retained_earnings": -200, "revenue": 50})
    ratios = statement_ratios(SE, insolvent)
    assert ratios["debt_to_equity"] is None
    assert ratios["debt_to_assets"] == Decimal("300.0000")


def test_growth_from_a_loss_making_year_is_none():
    loss = full(SE, {**FACTORY_BEFORE_DETAILS, "income_tax_expense": 300_000})
    assert loss["net_profit"] < 0
    assert statement_ratios(SE, FACTORY, loss)["net_profit_growth"] is None


def test_a_half_year_flow_is_annualised_over_balances_but_not_over_flows():
    ratios = statement_ratios(SE, FACTORY, FACTORY_BEFORE, period_months=6, extra=DEBT_SERVICE)
    assert ratios["return_on_assets"] == Decimal("30.0000")  # 285,000 x 12 / 6 / 1,900,000
    assert ratios["debt_service_coverage"] == Decimal("2.8800")  # 360,000 x 2 / 250,000
    assert ratios["net_margin"] == Decimal("9.5000")  # a flow over a flow of the same half-year
    assert ratios["receivable_days"] == Decimal("15.2083")  # 250,000 / 3,000,000 x 182.5 days


def test_unit_factors():
    assert unit_factor("ratio") == 1
    assert unit_factor("percent") == 100
    assert unit_factor("days") == 365
    assert unit_factor("days", 3) == Decimal("91.25")
    with pytest.raises(ValueError, match="unknown ratio unit 'times'"):
        unit_factor("times")


def test_ratios_are_rounded_half_up_to_four_places():
    # 1 / 8 = 0.125 exactly; 100001 / 800000 = 0.12500125 -> 0.1250; 1 / 16 = 0.0625
    tiny = full(SE, {"cash": 1, "inventories": 7, "short_term_borrowings": 8, "revenue": 1})
    assert statement_ratios(SE, tiny)["cash_ratio"] == Decimal("0.1250")
    half = full(SE, {"cash": 5, "inventories": 99_995, "short_term_borrowings": 100_000, "revenue": 1})
    assert statement_ratios(SE, half)["cash_ratio"] == Decimal("0.0001")  # 0.00005 rounds up


def test_subtotals_are_recomputed_from_the_details():
    wrong_total = {**FACTORY, "total_current_assets": Decimal(1)}
    assert statement_ratios(SE, wrong_total)["current_ratio"] == Decimal("2.0000")


def test_period_months_must_be_positive():
    with pytest.raises(ValueError, match="period_months must be positive"):
        statement_ratios(SE, FACTORY, period_months=0)


amounts = st.integers(min_value=1, max_value=10**9)


@settings(max_examples=60, deadline=None)
@given(scale=st.integers(min_value=2, max_value=1000), cash=amounts, stock=amounts, debt=amounts, sales=amounts, costs=amounts)
def test_ratios_do_not_depend_on_the_unit_of_money(scale, cash, stock, debt, sales, costs):
    """Law: multiplying every amount (and the debt service) by the same factor leaves every ratio as it was."""
    def statement(k):
        return full(SE, {"cash": cash * k, "inventories": stock * k, "short_term_borrowings": debt * k,
                         "paid_in_capital": (cash + stock) * k, "revenue": sales * k, "cost_of_sales": costs * k,
                         "finance_expenses": debt * k})

    one = statement_ratios(SE, statement(1), statement(1), extra={"annual_debt_service": Decimal(debt)})
    many = statement_ratios(SE, statement(scale), statement(scale), extra={"annual_debt_service": Decimal(debt * scale)})
    assert one == many
