"""Jumps between two statements that no business explains: questions for the account manager.

A statement can add up and still not be believable. Credit analysts compare it with the period
before and ask about moves that an ordinary business does not make, the usual signs of window
dressing or of trouble (the red flags of statement analysis in Chinese bank credit manuals:
收入大幅增长而应收账款、存货异常变动, 毛利率大幅波动, 所有者权益变动与利润不符, 有利润无现金):

- revenue (a household's income) up or down by more than ``revenue_jump``;
- receivables growing faster than revenue, or inventories faster than cost of sales, by more
  than ``outpacing`` (sales booked but not collected, stock piling up or inflated);
- the gross margin moving by more than ``margin_swing`` percentage points;
- equity (a household's net worth) changing by more than ``equity_unexplained`` of the previous
  total assets beyond what the period's profit (net income), new capital and distributed profit
  explain;
- a profit with operating cash flow below ``cash_conversion`` of it (profit without cash);
- debts up by more than ``debt_jump`` and by more than ``debt_jump_of_assets`` of the previous
  total assets (new borrowing, often elsewhere).

A flag is not a verdict: it says which line to ask about, with the numbers.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from rmdesk.domain.statements import StatementBasis, StatementPart, parts_given, statement_totals

RATE_PLACES = Decimal("0.0001")


class AnomalyCode(StrEnum):
    """What kind of unexplained move a statement shows."""

    REVENUE_JUMP = "revenue_jump"
    RECEIVABLES_OUTPACE_REVENUE = "receivables_outpace_revenue"
    INVENTORY_OUTPACES_COST_OF_SALES = "inventory_outpaces_cost_of_sales"
    GROSS_MARGIN_SWING = "gross_margin_swing"
    EQUITY_CHANGE_UNEXPLAINED = "equity_change_unexplained"
    PROFIT_WITHOUT_CASH = "profit_without_cash"
    DEBT_JUMP = "debt_jump"


@dataclass(frozen=True)
class AnomalyThresholds:
    """When a move is flagged; fractions (0.50 is 50%). The defaults are common analysts' rules
    of thumb, to be set by the bank's credit policy."""

    revenue_jump: Decimal = Decimal("0.50")
    outpacing: Decimal = Decimal("0.30")
    margin_swing: Decimal = Decimal("0.10")
    equity_unexplained: Decimal = Decimal("0.05")
    cash_conversion: Decimal = Decimal("0.50")
    debt_jump: Decimal = Decimal("0.50")
    debt_jump_of_assets: Decimal = Decimal("0.10")


@dataclass(frozen=True)
class Anomaly:
    """One flag: which line to ask about, its amounts now and before, the measured move and the
    threshold it passed (both fractions: a growth rate, a margin change, a share of assets)."""

    code: AnomalyCode
    line: str
    current: Decimal
    previous: Decimal | None
    measure: Decimal
    threshold: Decimal


_LINES = {
    StatementBasis.SMALL_ENTERPRISE: {"revenue": "revenue", "equity": "total_equity", "profit": "net_profit"},
    StatementBasis.HOUSEHOLD: {"revenue": "total_income", "equity": "net_worth", "profit": "net_income"},
}


def _rate(value: Decimal) -> Decimal:
    return value.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def _growth(now: Decimal, before: Decimal) -> Decimal | None:
    return (now - before) / before if before > 0 else None


def statement_anomalies(
    basis: StatementBasis | str,
    current: Mapping[str, Decimal],
    previous: Mapping[str, Decimal] | None,
    *,
    thresholds: AnomalyThresholds = AnomalyThresholds(),
) -> tuple[Anomaly, ...]:
    """The unexplained moves of statement ``current`` against ``previous`` (same basis and length).

    Rules and default thresholds: see the module docstring. Without a previous statement only
    profit without cash can be judged. Growth is measured against a positive previous amount
    only (growth from nothing or from a loss says nothing); measures are rounded half-up to 4
    places.
    """
    basis = StatementBasis(basis)
    names = _LINES[basis]
    now = {**current, **statement_totals(basis, current)}

    def amount(values: Mapping[str, Decimal], code: str) -> Decimal:
        return Decimal(values.get(code, 0))

    found: list[Anomaly] = []
    profit = amount(now, names["profit"])
    if basis is StatementBasis.SMALL_ENTERPRISE and StatementPart.CASH_FLOW in parts_given(basis, current) and profit > 0:
        cash = amount(now, "net_operating_cash_flow")
        if cash < thresholds.cash_conversion * profit:
            found.append(
                Anomaly(
                    AnomalyCode.PROFIT_WITHOUT_CASH,
                    "net_operating_cash_flow",
                    cash,
                    None,
                    _rate(cash / profit),
                    thresholds.cash_conversion,
                )
            )
    if previous is None:
        return tuple(found)
    before = {**previous, **statement_totals(basis, previous)}

    def pair(code: str) -> tuple[Decimal, Decimal]:
        return amount(now, code), amount(before, code)

    revenue, revenue_before = pair(names["revenue"])
    revenue_growth = _growth(revenue, revenue_before)
    if revenue_growth is not None and abs(revenue_growth) > thresholds.revenue_jump:
        found.append(
            Anomaly(
                AnomalyCode.REVENUE_JUMP,
                names["revenue"],
                revenue,
                revenue_before,
                _rate(revenue_growth),
                thresholds.revenue_jump,
            )
        )

    if basis is StatementBasis.SMALL_ENTERPRISE:
        receivables = amount(now, "accounts_receivable") + amount(now, "notes_receivable")
        receivables_before = amount(before, "accounts_receivable") + amount(before, "notes_receivable")
        _outpacing(
            found,
            AnomalyCode.RECEIVABLES_OUTPACE_REVENUE,
            "accounts_receivable",
            (receivables, receivables_before),
            (revenue, revenue_before),
            thresholds.outpacing,
        )
        _outpacing(
            found,
            AnomalyCode.INVENTORY_OUTPACES_COST_OF_SALES,
            "inventories",
            pair("inventories"),
            pair("cost_of_sales"),
            thresholds.outpacing,
        )
        cost, cost_before = pair("cost_of_sales")
        if revenue > 0 and revenue_before > 0:
            swing = (revenue - cost) / revenue - (revenue_before - cost_before) / revenue_before
            if abs(swing) > thresholds.margin_swing:
                found.append(
                    Anomaly(
                        AnomalyCode.GROSS_MARGIN_SWING, "cost_of_sales", cost, cost_before, _rate(swing), thresholds.margin_swing
                    )
                )

    equity, equity_before = pair(names["equity"])
    assets_before = amount(before, "total_assets")
    explained = profit
    if basis is StatementBasis.SMALL_ENTERPRISE:
        for code in ("paid_in_capital", "capital_reserve"):
            explained += amount(now, code) - amount(before, code)
        explained -= amount(now, "cf_profit_distributed")
    unexplained = equity - equity_before - explained
    if assets_before > 0 and abs(unexplained) > thresholds.equity_unexplained * assets_before:
        found.append(
            Anomaly(
                AnomalyCode.EQUITY_CHANGE_UNEXPLAINED,
                names["equity"],
                equity,
                equity_before,
                _rate(unexplained / assets_before),
                thresholds.equity_unexplained,
            )
        )

    debts, debts_before = pair("total_liabilities")
    debt_growth = _growth(debts, debts_before)
    if (
        debt_growth is not None
        and debt_growth > thresholds.debt_jump
        and assets_before > 0
        and debts - debts_before > thresholds.debt_jump_of_assets * assets_before
    ):
        found.append(
            Anomaly(AnomalyCode.DEBT_JUMP, "total_liabilities", debts, debts_before, _rate(debt_growth), thresholds.debt_jump)
        )
    return tuple(found)


def _outpacing(
    found: list[Anomaly],
    code: AnomalyCode,
    line: str,
    balance: tuple[Decimal, Decimal],
    flow: tuple[Decimal, Decimal],
    threshold: Decimal,
) -> None:
    balance_growth, flow_growth = _growth(*balance), _growth(*flow)
    if balance_growth is not None and flow_growth is not None and balance_growth - flow_growth > threshold:
        found.append(Anomaly(code, line, balance[0], balance[1], _rate(balance_growth - flow_growth), threshold))
