"""Words for what the statement analysis found: ratios in their units, trends, positions, flags."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from rmdesk.domain.anomalies import Anomaly, AnomalyCode
from rmdesk.domain.bank_flows import FlowsComparison, FlowsFlagCode
from rmdesk.domain.benchmarks import BenchmarkPosition
from rmdesk.domain.ratios import RatioDefinition, RatioFamily, Trend
from rmdesk.domain.statements import StatementBasis, StatementLine, statement_lines
from rmdesk.statements.services import line_label

register = template.Library()

FAMILIES = {
    RatioFamily.LIQUIDITY: gettext_lazy("Liquidity"),
    RatioFamily.LEVERAGE: gettext_lazy("Leverage"),
    RatioFamily.COVERAGE: gettext_lazy("Coverage"),
    RatioFamily.TURNOVER: gettext_lazy("Turnover"),
    RatioFamily.PROFITABILITY: gettext_lazy("Profitability"),
    RatioFamily.GROWTH: gettext_lazy("Growth"),
}
TRENDS = {
    Trend.IMPROVING: ("↗", gettext_lazy("improving")),
    Trend.STABLE: ("→", gettext_lazy("stable")),
    Trend.WORSENING: ("↘", gettext_lazy("worsening")),
}
POSITIONS = {
    BenchmarkPosition.BETTER_THAN_MOST: gettext_lazy("better than most"),
    BenchmarkPosition.TYPICAL: gettext_lazy("typical"),
    BenchmarkPosition.WORSE_THAN_MOST: gettext_lazy("worse than most"),
}


def _number(value: Decimal, places: int, *, grouping: bool = False) -> str:
    # Django's number_format cuts extra decimals off; figures are rounded half-up first.
    return number_format(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), places, force_grouping=grouping)


def _yuan(amount: Decimal | None) -> str:
    return "—" if amount is None else _number(amount, 2, grouping=True)


def _percent(fraction: Decimal) -> str:
    return f"{_number(fraction * 100, 1)}%"


@register.filter
def label(line: StatementLine) -> str:
    """A statement line's label in the active language."""
    return line_label(line)


@register.filter
def ratio_label(ratio: RatioDefinition) -> str:
    return ratio.label_zh if (get_language() or "").startswith("zh") else ratio.label_en


@register.filter
def family_name(family: RatioFamily) -> str:
    return str(FAMILIES[family])


@register.filter
def in_unit(value: Decimal | None, ratio: RatioDefinition) -> str:
    """A ratio's value in its unit, to two places: 1.58, 12.35%, 30.4 days."""
    if value is None:
        return "—"
    if ratio.unit == "percent":
        return f"{_number(value, 2)}%"
    if ratio.unit == "days":
        return _("%(days)s days") % {"days": _number(value, 1)}
    return _number(value, 2)


@register.filter
def trend_arrow(trend: Trend | None) -> str:
    return "" if trend is None else TRENDS[trend][0]


@register.filter
def trend_word(trend: Trend | None) -> str:
    return "" if trend is None else str(TRENDS[trend][1])


@register.filter
def position_word(position: BenchmarkPosition | None) -> str:
    return "" if position is None else str(POSITIONS[position])


def _line_label(basis: StatementBasis, code: str) -> str:
    return next(line_label(line) for line in statement_lines(basis) if line.code == code)


@register.filter
def anomaly_text(anomaly: Anomaly, basis: StatementBasis) -> str:
    """What an anomaly flag found, with its numbers and the threshold it passed."""
    values = {
        "line": _line_label(basis, anomaly.line),
        "current": _yuan(anomaly.current),
        "previous": _yuan(anomaly.previous),
        "measure": _percent(anomaly.measure),
        "threshold": _percent(anomaly.threshold),
        # Outpacing and margin swings are differences of two rates: percentage points.
        "points": _number(anomaly.measure * 100, 1),
        "threshold_points": _number(anomaly.threshold * 100, 0),
    }
    messages = {
        AnomalyCode.REVENUE_JUMP: _(
            "%(line)s moved from %(previous)s to %(current)s (%(measure)s), more than the %(threshold)s an ordinary year explains."
        ),
        AnomalyCode.RECEIVABLES_OUTPACE_REVENUE: _(
            "Receivables grew %(points)s percentage points faster than revenue (now %(current)s, before %(previous)s): sales booked but not collected?"
        ),
        AnomalyCode.INVENTORY_OUTPACES_COST_OF_SALES: _(
            "Inventories grew %(points)s percentage points faster than cost of sales (now %(current)s, before %(previous)s): stock piling up or overstated?"
        ),
        AnomalyCode.GROSS_MARGIN_SWING: _(
            "The gross margin moved by %(points)s percentage points (cost of sales %(previous)s → %(current)s), more than %(threshold_points)s."
        ),
        AnomalyCode.EQUITY_CHANGE_UNEXPLAINED: _(
            "%(line)s went from %(previous)s to %(current)s; profit and new capital leave %(measure)s of total assets unexplained (threshold %(threshold)s)."
        ),
        AnomalyCode.PROFIT_WITHOUT_CASH: _(
            "Operating cash flow of %(current)s is only %(measure)s of the profit (at least %(threshold)s expected): profit without cash."
        ),
        AnomalyCode.DEBT_JUMP: _("Debts rose from %(previous)s to %(current)s (%(measure)s): new borrowing, perhaps elsewhere?"),
    }
    return messages[anomaly.code] % values


@register.filter
def flows_flag_text(flag: FlowsFlagCode, comparison: FlowsComparison) -> str:
    """What disagreement between a statement and the bank's flows was found, with the numbers."""
    values = {
        "inflows": _yuan(comparison.bank_inflows),
        "expected": _yuan(comparison.expected),
        "share": _percent(comparison.share_of_wallet or Decimal(0)),
        "days": comparison.covered_days,
    }
    if flag is FlowsFlagCode.INFLOWS_EXCEED_REVENUE:
        return (
            _(
                "The bank saw %(inflows)s come in over %(days)s days, %(share)s of the %(expected)s reported for them: the statement understates the business, or money passes through that is not sales."
            )
            % values
        )
    return (
        _(
            "Only %(inflows)s came in here over %(days)s days, %(share)s of the %(expected)s reported, though the customer settles here: overstated revenue, or settlement moved elsewhere?"
        )
        % values
    )


@register.filter
def percent(fraction: Decimal | None) -> str:
    return "—" if fraction is None else _percent(fraction)
