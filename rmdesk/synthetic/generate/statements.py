"""Financial statements that add up: enterprises' annual accounts and households' simple statements.

Enterprises report two or three years under the small-enterprise standard; farm households and
sole proprietors who borrow have the simplified household statement an account manager draws
up at the pre-loan investigation. Detail lines are drawn in integer fen, subtotals are summed
by the lines' own rules (``rmdesk.domain.statements``), and the equity (or net worth) line
makes assets equal liabilities plus equity. Revenue is the customer's planned sales at this
bank divided by the share of their business done here (35-90%), so the bank never sees more
inflows than the customer reports; borrowings include what this bank had lent at the time.
"""

from __future__ import annotations

import datetime

import numpy as np
import polars as pl

from rmdesk.domain.statements import StatementBasis, statement_lines, subtotal_codes
from rmdesk.synthetic.generate.common import Window, add_months, as_dates, day_of, lognormal_yuan, rng_for
from rmdesk.synthetic.generate.customers import ENTERPRISE, FARMER, SOLE_PROPRIETOR, Customers
from rmdesk.synthetic.generate.loans import Loans
from rmdesk.synthetic.names import FARM_TYPES

_SPAN = 1 << 20


def owed_at(loans: Loans, customer: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What each customer owed this bank at the end of each day, on loans of up to a year and
    on longer ones, by the repayment schedule."""
    starts = np.searchsorted(loans.customer, customer, side="left")
    counts = np.searchsorted(loans.customer, customer, side="right") - starts
    pair = np.repeat(np.arange(len(customer)), counts)
    loan = np.repeat(starts, counts) + (np.arange(len(pair)) - np.repeat(np.cumsum(counts) - counts, counts))
    on = day[pair]
    key = loans.inst_loan * _SPAN + (loans.inst_due - loans.inst_due.min())
    position = np.searchsorted(key, loan * _SPAN + (on - loans.inst_due.min()), side="right") - 1
    running = np.cumsum(loans.inst_principal)
    loan_start = np.searchsorted(loans.inst_loan, loan, side="left")
    before_loan = np.where(loan_start > 0, running[np.maximum(loan_start - 1, 0)], 0)
    repaid = np.where(position >= loan_start, running[np.maximum(position, 0)] - before_loan, 0)
    owed = np.where((loans.disbursed[loan] <= on) & (loans.maturity[loan] >= on), loans.principal[loan] - repaid, 0)
    short = loans.term[loan] <= 12
    return _sum(pair[short], owed[short], len(customer)), _sum(pair[~short], owed[~short], len(customer))


def _sum(index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, index, values)
    return out


def _complete(basis: StatementBasis, lines: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    """Add every subtotal of ``basis`` to the detail ``lines``, by the lines' sum rules."""
    subtotals = subtotal_codes(basis)
    totals = {code: np.zeros(n, dtype=np.int64) for code in subtotals}
    for line in statement_lines(basis):
        amount = totals[line.code] if line.code in subtotals else lines.get(line.code, np.zeros(n, dtype=np.int64))
        if line.subtotal is not None:
            totals[line.subtotal] = totals[line.subtotal] + line.sign * amount
    return {**lines, **totals}


def _enterprise_lines(rng: np.random.Generator, revenue: np.ndarray, short: np.ndarray, long: np.ndarray, capital: np.ndarray, employees: np.ndarray) -> dict[str, np.ndarray]:
    n = len(revenue)

    def pm(base, lo, hi, share=1.0):
        amount = np.asarray(base) // 1000 * rng.integers(lo, hi + 1, n)
        return np.where(rng.random(n) < share, amount, 0)

    assets = pm(revenue, 600, 1400)
    bank_share = rng.integers(600, 1001, n)
    lines = {
        "revenue": revenue, "cost_of_sales": pm(revenue, 600, 820), "taxes_and_surcharges": pm(revenue, 5, 12),
        "selling_expenses": pm(revenue, 20, 50), "administrative_expenses": pm(revenue, 30, 70),
        "finance_expenses": (short + long) * 50 // 1000, "investment_income": pm(revenue, 1, 10, 0.1),
        "non_operating_income": pm(revenue, 1, 3, 0.3), "non_operating_expenses": pm(revenue, 1, 2, 0.3),
        "cash": pm(assets, 80, 150), "notes_receivable": pm(assets, 5, 30, 0.2), "accounts_receivable": pm(revenue, 80, 200),
        "prepayments": pm(assets, 10, 40), "other_receivables": pm(assets, 10, 30), "inventories": pm(revenue, 80, 200),
        "long_term_equity_investments": pm(assets, 20, 80, 0.1), "construction_in_progress": pm(assets, 20, 100, 0.15),
        "intangible_assets": pm(assets, 30, 100), "long_term_prepaid_expenses": pm(assets, 5, 20, 0.3),
        "short_term_borrowings": short * 1000 // bank_share + pm(assets, 20, 80, 0.3), "notes_payable": pm(assets, 10, 50, 0.2),
        "accounts_payable": pm(revenue, 60, 150), "advances_from_customers": pm(revenue, 5, 30, 0.3),
        "employee_benefits_payable": employees * 550_000, "taxes_payable": pm(revenue, 3, 10), "other_payables": pm(assets, 10, 40),
        "long_term_borrowings": long * 1000 // bank_share,
    }
    lines["fixed_assets_cost"] = pm(assets, 300, 500)
    lines["accumulated_depreciation"] = pm(lines["fixed_assets_cost"], 200, 500)
    lines["paid_in_capital"] = np.minimum(capital, pm(assets, 150, 400))
    lines["capital_reserve"] = pm(assets, 10, 50, 0.2)
    lines["surplus_reserve"] = pm(lines["paid_in_capital"], 20, 100)
    profit = _complete(StatementBasis.SMALL_ENTERPRISE, lines, n)["total_profit"]
    # Small low-profit enterprises pay an effective 5% on profits up to 3 million yuan.
    lines["income_tax_expense"] = np.maximum(profit, 0) * np.where(profit <= 300_000_000, 50, 250) // 1000
    lines["retained_earnings"] = np.zeros(n, dtype=np.int64)
    draft = _complete(StatementBasis.SMALL_ENTERPRISE, lines, n)
    lines["retained_earnings"] = draft["total_assets"] - draft["total_liabilities_and_equity"]
    return _complete(StatementBasis.SMALL_ENTERPRISE, lines, n)


def _household_lines(rng: np.random.Generator, c: Customers, who: np.ndarray, owed: np.ndarray) -> dict[str, np.ndarray]:
    n = len(who)
    farmer = c.kind[who] == FARMER
    reported = c.income[who] * 1000 // c.wallet[who]
    livestock = farmer & np.isin(c.role[who], [i for i, f in enumerate(FARM_TYPES) if f[5] == "livestock_income"])
    growing = np.isin(c.role[who], [i for i, f in enumerate(FARM_TYPES) if f[0] in ("茶叶种植", "柑橘种植", "苗木种植")]) & farmer

    def pm(base, lo, hi):
        return np.asarray(base) // 1000 * rng.integers(lo, hi + 1, n)

    def some(share, median, sigma=0.6):
        return np.where(rng.random(n) < share, lognormal_yuan(rng, median, sigma, n, 100), 0)

    lines = {
        "crop_income": np.where(farmer & ~livestock, reported, 0), "livestock_income": np.where(livestock, reported, 0),
        "business_income": np.where(farmer, 0, reported), "wage_income": np.where(farmer, some(0.5, 20_000), 0),
        "transfer_income": lognormal_yuan(rng, 3_000, 0.5, n, 100) + np.where(farmer, some(0.5, 15_000), 0),
        "other_income": some(0.2, 3_000), "production_costs": np.where(farmer, pm(reported, 350, 550), pm(reported, 650, 800)),
        "living_expenses": lognormal_yuan(rng, 35_000, 0.4, n, 100), "interest_expenses": owed * 55 // 1000,
        "other_expenses": some(0.3, 4_000),
        "cash_and_deposits": c.balance[who] * 1000 // c.wallet[who], "receivables": np.where(farmer, 0, pm(reported, 0, 80)),
        "farm_inventory": np.where(farmer, pm(reported, 50, 200), 0),
        "biological_assets": np.where(livestock | growing, pm(reported, 200, 600), 0),
        "machinery_and_equipment": lognormal_yuan(rng, np.where(farmer, 30_000, 20_000), 0.7, n, 100),
        "vehicles": some(0.5, 60_000), "residential_property": lognormal_yuan(rng, 300_000, 0.5, n, 1_000),
        "business_property": np.where(farmer, some(0.3, 50_000), lognormal_yuan(rng, 200_000, 0.6, n, 1_000)),
        "loans_this_bank": owed, "loans_other_banks": some(0.2, 50_000), "private_borrowings": some(0.25, 30_000),
        "payables": np.where(farmer, 0, pm(reported, 0, 50)),
    }
    lines["net_worth"] = np.zeros(n, dtype=np.int64)
    draft = _complete(StatementBasis.HOUSEHOLD, lines, n)
    lines["net_worth"] = draft["total_assets"] - draft["total_liabilities_and_net_worth"]
    return _complete(StatementBasis.HOUSEHOLD, lines, n)


def generate_statements(seed: int, window: Window, customers: Customers, loans: Loans) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Statements (headers) and their lines, both with ids; zero detail lines are left out.

    Plants: for every enterprise the last two full years' accounts, and half of them a third
    year (revenue growing -5% to +15% a year); for every farm household and sole proprietor
    with a loan, the household statement of the 12 months before their latest loan (or the
    last calendar year, if that loan is older than three years), and for half of them the
    year before too.
    """
    rng = rng_for(seed, "statements")
    c = customers
    last_year_end = day_of(datetime.date(window.as_of.year - 1, 12, 31))
    firms = np.flatnonzero(c.kind == ENTERPRISE)
    third = rng.random(len(firms)) < 0.5
    e_customer = np.concatenate([firms, firms, firms[third]])
    back = np.repeat([0, 1, 2], [len(firms), len(firms), int(third.sum())])
    e_end = add_months(np.full(len(e_customer), last_year_end), -12 * back)
    growth = rng.integers(-50, 151, c.n)
    revenue = c.income[e_customer] * 1000 // c.wallet[e_customer]
    for step in (1, 2):
        revenue = np.where(back >= step, revenue * 1000 // (1000 + growth[e_customer]), revenue)
    e_short, e_long = owed_at(loans, e_customer, e_end)
    capital = c.frame["registered_capital"].fill_null(0).to_numpy()[e_customer]
    enterprise = _enterprise_lines(rng, revenue, e_short, e_long, capital, c.employees[e_customer])

    borrowers = np.unique(loans.customer[np.isin(c.kind[loans.customer], (FARMER, SOLE_PROPRIETOR))])
    latest = np.full(c.n, -1, dtype=np.int64)
    np.maximum.at(latest, loans.customer, loans.disbursed)
    before_loan = add_months(latest[borrowers], 0, anchor_day=np.ones(len(borrowers), dtype=np.int64)) - 1
    h_end = np.where(latest[borrowers] < window.last - 3 * 365, last_year_end, before_loan)
    earlier = rng.random(len(borrowers)) < 0.5
    h_customer = np.concatenate([borrowers, borrowers[earlier]])
    h_end = np.concatenate([h_end, add_months(h_end[earlier] + 1, -12) - 1])
    short, long = owed_at(loans, h_customer, h_end)
    household = _household_lines(rng, c, h_customer, short + long)

    customer = np.concatenate([e_customer, h_customer])
    period_end = np.concatenate([e_end, h_end])
    basis = np.concatenate([np.full(len(e_customer), StatementBasis.SMALL_ENTERPRISE.value), np.full(len(h_customer), StatementBasis.HOUSEHOLD.value)])
    order = np.lexsort((period_end, customer))
    statement_id = np.empty(len(order), dtype=np.int64)
    statement_id[order] = np.arange(1, len(order) + 1)
    statements = pl.DataFrame(
        {
            "id": np.arange(1, len(order) + 1, dtype=np.int64),
            "customer_id": customer[order] + 1,
            "basis": basis[order],
            "period_end": as_dates(period_end[order]),
            "period_months": np.full(len(order), 12, dtype=np.int64),
            "audited": np.concatenate([revenue >= 5_000_000_000, np.zeros(len(h_customer), dtype=bool)])[order],
        }
    )
    line_parts = []
    for lines, ids, basis_value in ((enterprise, statement_id[: len(e_customer)], StatementBasis.SMALL_ENTERPRISE), (household, statement_id[len(e_customer) :], StatementBasis.HOUSEHOLD)):
        subtotals = subtotal_codes(basis_value)
        for position, line in enumerate(statement_lines(basis_value)):
            amount = lines.get(line.code, np.zeros(len(ids), dtype=np.int64))
            keep = (amount != 0) | (line.code in subtotals)
            line_parts.append(pl.DataFrame({"statement_id": ids[keep], "position": np.full(int(keep.sum()), position), "code": np.full(int(keep.sum()), line.code), "amount": amount[keep]}))
    line_frame = pl.concat(line_parts).sort(["statement_id", "position"]).drop("position")
    line_frame = line_frame.with_columns(pl.int_range(1, line_frame.height + 1, dtype=pl.Int64).alias("id")).select("id", "statement_id", "code", "amount")
    return statements, line_frame
