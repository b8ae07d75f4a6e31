"""The synthetic statements read like real ones: periods in order, years that follow from each
other, the optional cash-flow statement and months present for some, few unexplained moves."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rmdesk.domain.anomalies import AnomalyCode, statement_anomalies
from rmdesk.domain.statements import PeriodProblemCode, StatementPart, StatementPeriod, parts_given, period_problems
from rmdesk.synthetic.tests.test_generator import bank_frames


@pytest.fixture(scope="module")
def statements() -> list[tuple[int, str, object, dict[str, Decimal]]]:
    frames = bank_frames(seed=7)
    lines = frames["customers.FinancialStatementLine"].group_by("statement_id").agg("code", "amount")
    amounts = {
        sid: {c: Decimal(a).scaleb(-2) for c, a in zip(codes, values, strict=True)} for sid, codes, values in lines.iter_rows()
    }
    heads = frames["customers.FinancialStatement"].sort("customer_id", "basis", "period_end")
    return [
        (r["customer_id"], r["basis"], StatementPeriod(r["period_end"], r["period_months"]), amounts[r["id"]])
        for r in heads.iter_rows(named=True)
    ]


def pairs(statements):
    """Consecutive statements of a customer that can be compared (one after the other, as long)."""
    for (customer, basis, period, before), (customer2, basis2, period2, now) in zip(statements, statements[1:], strict=False):
        if (customer, basis) == (customer2, basis2) and not period_problems([period, period2]):
            yield basis, before, now


def test_each_customers_periods_follow_each_other_the_interim_after_the_last_year(statements):
    by_customer: dict[tuple[int, str], list[StatementPeriod]] = {}
    for customer, basis, period, _ in statements:
        by_customer.setdefault((customer, basis), []).append(period)
    problems = [p for periods in by_customer.values() for p in period_problems(periods)]
    assert {p.code for p in problems} == {PeriodProblemCode.LENGTH_DIFFERS}
    assert {(p.period_end.month, p.found, p.expected) for p in problems} == {(9, 9, 12)}


def test_some_enterprises_hand_in_a_cash_flow_statement_and_some_households_their_months(statements):
    enterprise = [parts_given("small_enterprise", a) for _, b, _, a in statements if b == "small_enterprise"]
    household = [parts_given("household", a) for _, b, _, a in statements if b == "household"]
    assert 0 < sum(StatementPart.CASH_FLOW in p for p in enterprise) < len(enterprise)
    assert 0 < sum(StatementPart.SEASONAL in p for p in household) < len(household)


def test_equity_follows_the_profit_from_one_year_to_the_next(statements):
    flagged = [
        basis
        for basis, before, now in pairs(statements)
        if any(a.code is AnomalyCode.EQUITY_CHANGE_UNEXPLAINED for a in statement_anomalies(basis, now, before))
    ]
    assert len(flagged) <= 0.05 * sum(1 for _ in pairs(statements))


def test_most_statements_raise_no_flag(statements):
    compared = [statement_anomalies(basis, now, before) for basis, before, now in pairs(statements)]
    assert compared and sum(1 for found in compared if found) <= 0.25 * len(compared)


def test_farm_money_comes_in_at_the_seasons_of_sale(statements):
    """A farm's best month brings in well over an average month's money (harvests, sales of stock)."""
    farms = [
        a
        for _, b, _, a in statements
        if b == "household" and a.get("crop_income", 0) > a["total_income"] / 2 and "seasonal_inflows" in a
    ]
    peaks = [max(a.get(f"inflow_{m:02d}", 0) for m in range(1, 13)) / (a["seasonal_inflows"] / 12) for a in farms]
    assert farms and sorted(peaks)[len(peaks) // 2] > 2
