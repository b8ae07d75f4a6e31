"""Unexplained moves between two statements, each with worked numbers."""

from decimal import Decimal

from rmdesk.domain.anomalies import Anomaly, AnomalyCode, AnomalyThresholds, statement_anomalies
from rmdesk.domain.statements import StatementBasis

SE = StatementBasis.SMALL_ENTERPRISE
HH = StatementBasis.HOUSEHOLD
D = Decimal

# Last year: revenue 1,000,000, cost 700,000, receivables 100,000, stock 150,000, assets 1,000,000.
BEFORE = {
    "cash": D(250_000), "accounts_receivable": D(100_000), "inventories": D(150_000), "fixed_assets_cost": D(500_000),
    "short_term_borrowings": D(300_000), "accounts_payable": D(100_000), "paid_in_capital": D(400_000),
    "retained_earnings": D(200_000), "revenue": D(1_000_000), "cost_of_sales": D(700_000),
    "administrative_expenses": D(200_000), "income_tax_expense": D(5_000),
}
# A steady year: revenue, costs and working capital up 10%; equity up by exactly the 105,500 net profit.
STEADY = {
    **BEFORE, "accounts_receivable": D(110_000), "inventories": D(165_000), "revenue": D(1_100_000),
    "cost_of_sales": D(770_000), "cash": D(320_000), "retained_earnings": D(305_500),
    "administrative_expenses": D(214_500), "income_tax_expense": D(10_000), "accounts_payable": D(89_500),
}


def codes(anomalies):
    return {a.code for a in anomalies}


def test_a_steady_year_raises_no_flag():
    assert statement_anomalies(SE, STEADY, BEFORE) == ()


def test_revenue_up_more_than_half_is_a_jump():
    # 1,000,000 -> 1,600,000 is +60% > 50%
    found = statement_anomalies(SE, {**STEADY, "revenue": D(1_600_000)}, BEFORE)
    assert Anomaly(AnomalyCode.REVENUE_JUMP, "revenue", D(1_600_000), D(1_000_000), D("0.6000"), D("0.50")) in found


def test_receivables_growing_thirty_points_faster_than_revenue_are_flagged():
    # receivables +80% (100,000 -> 180,000) against revenue +10%: 70 points > 30
    found = statement_anomalies(SE, {**STEADY, "accounts_receivable": D(180_000), "cash": D(250_000)}, BEFORE)
    (flag,) = [a for a in found if a.code is AnomalyCode.RECEIVABLES_OUTPACE_REVENUE]
    assert (flag.line, flag.measure) == ("accounts_receivable", D("0.7000"))


def test_inventory_growing_faster_than_cost_of_sales_is_flagged():
    # stock +60% (150,000 -> 240,000) against cost +10%: 50 points
    found = statement_anomalies(SE, {**STEADY, "inventories": D(240_000), "cash": D(245_000)}, BEFORE)
    (flag,) = [a for a in found if a.code is AnomalyCode.INVENTORY_OUTPACES_COST_OF_SALES]
    assert (flag.line, flag.measure) == ("inventories", D("0.5000"))


def test_a_gross_margin_move_of_more_than_ten_points_is_a_swing():
    # margin 30% -> 15% (cost 935,000 of 1,100,000): -15 points
    found = statement_anomalies(SE, {**STEADY, "cost_of_sales": D(935_000), "administrative_expenses": D(49_500)}, BEFORE)
    (flag,) = [a for a in found if a.code is AnomalyCode.GROSS_MARGIN_SWING]
    assert (flag.line, flag.measure) == ("cost_of_sales", D("-0.1500"))


def test_equity_up_beyond_profit_and_new_capital_is_unexplained():
    # equity 600,000 -> 815,500 = +215,500; net profit explains 105,500; 110,000 left = 11% of 1,000,000 assets
    found = statement_anomalies(SE, {**STEADY, "retained_earnings": D(415_500), "cash": D(430_000)}, BEFORE)
    (flag,) = [a for a in found if a.code is AnomalyCode.EQUITY_CHANGE_UNEXPLAINED]
    assert (flag.line, flag.current, flag.previous, flag.measure) == ("total_equity", D(815_500), D(600_000), D("0.1100"))


def test_new_capital_explains_a_rise_in_equity():
    more_capital = {**STEADY, "paid_in_capital": D(520_000), "cash": D(440_000)}
    assert AnomalyCode.EQUITY_CHANGE_UNEXPLAINED not in codes(statement_anomalies(SE, more_capital, BEFORE))


def test_a_profit_with_little_operating_cash_is_flagged_without_a_previous_year():
    # net profit 105,500; operating cash flow 1,000,000 - 970,000 = 30,000 is 28.44% of it < 50%
    with_cash_flow = {**STEADY, "cf_sales_receipts": D(1_000_000), "cf_purchases_paid": D(970_000), "cash_begin": D(290_000)}
    (flag,) = statement_anomalies(SE, with_cash_flow, None)
    assert (flag.code, flag.line, flag.current, flag.measure) == (AnomalyCode.PROFIT_WITHOUT_CASH, "net_operating_cash_flow", D(30_000), D("0.2844"))


def test_debts_up_by_more_than_half_and_a_tenth_of_assets_are_a_jump():
    # debts 400,000 -> 650,000: +62.5%, and 250,000 is 25% of last year's assets
    found = statement_anomalies(SE, {**STEADY, "short_term_borrowings": D(560_500), "cash": D(580_500)}, BEFORE)
    (flag,) = [a for a in found if a.code is AnomalyCode.DEBT_JUMP]
    assert (flag.line, flag.current, flag.previous, flag.measure) == ("total_liabilities", D(650_000), D(400_000), D("0.6250"))


def test_thresholds_are_parameters():
    found = statement_anomalies(SE, STEADY, BEFORE, thresholds=AnomalyThresholds(revenue_jump=D("0.05")))
    assert codes(found) == {AnomalyCode.REVENUE_JUMP}


def test_growth_from_nothing_is_not_a_jump():
    found = statement_anomalies(SE, STEADY, {**BEFORE, "revenue": D(0)})
    assert AnomalyCode.REVENUE_JUMP not in codes(found)


HOUSE_BEFORE = {"cash_and_deposits": D(50_000), "residential_property": D(250_000), "loans_this_bank": D(50_000),
                "net_worth": D(250_000), "crop_income": D(100_000), "living_expenses": D(40_000), "production_costs": D(30_000)}


def test_a_household_income_jump_and_unexplained_net_worth_are_flagged_on_household_lines():
    # income 100,000 -> 180,000 (+80%); net worth 250,000 -> 400,000 with net income 110,000: 40,000 unexplained = 13.3% of 300,000
    now = {**HOUSE_BEFORE, "crop_income": D(180_000), "cash_and_deposits": D(200_000), "net_worth": D(400_000)}
    found = statement_anomalies(HH, now, HOUSE_BEFORE)
    assert [(a.code, a.line) for a in found] == [
        (AnomalyCode.REVENUE_JUMP, "total_income"), (AnomalyCode.EQUITY_CHANGE_UNEXPLAINED, "net_worth"),
    ]
    assert found[1].measure == D("0.1333")
