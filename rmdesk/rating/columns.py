"""The rating rules column-wise: Polars expressions built from the domain's data, for a whole book.

Nothing here is a second formula. Subtotals follow ``rmdesk.domain.statements.statement_lines``,
ratios follow ``rmdesk.domain.ratios.RATIOS`` (terms, periods, optional parts, annualising, unit,
``None`` over a denominator of 0 or less, rounding half-up to 4 places), and points, score and
grade follow the scorecard of ``rmdesk.domain.rating``. Tests hold the results equal to
``statement_ratios`` and ``rate`` row by row.

Amounts are whole fen (Int64), so sums are exact; a ratio is one floating-point division,
rounded half-up to 4 places like ``statement_ratios``. Factor values are then held as whole
units of the factor's precision (``value x 10^decimals``), so binning, points and the score are
integer arithmetic: the score is exact, as the domain's ``Decimal`` score is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal

import polars as pl

from rmdesk.domain import rating as rules
from rmdesk.domain.ratios import RATIO_PLACES, Period, RatioDefinition, ratios_for
from rmdesk.domain.statements import OPTIONAL_PARTS, StatementBasis, statement_lines, subtotal_codes

PREVIOUS = "__prev"
"""Suffix of the previous period's columns in a statement frame."""

RATIO_DECIMALS = -RATIO_PLACES.as_tuple().exponent


def given_column(part: str, suffix: str = "") -> str:
    """The column saying whether an optional part of the statement was handed in."""
    return f"given_{part}{suffix}"


def needed_lines(basis: StatementBasis, ratios: Iterable[RatioDefinition]) -> frozenset[str]:
    """The detail lines of ``basis`` that ``ratios`` need, subtotals resolved to what adds into them."""
    lines = statement_lines(basis)
    subtotals = subtotal_codes(basis)
    feeds: dict[str, list[str]] = {}
    for line in lines:
        if line.subtotal is not None:
            feeds.setdefault(line.subtotal, []).append(line.code)
    known = {line.code for line in lines}
    wanted = [term.code for ratio in ratios for term in (*ratio.numerator, *ratio.denominator) if term.code in known]
    details: set[str] = set()
    while wanted:
        code = wanted.pop()
        if code in subtotals:
            wanted.extend(feeds[code])
        else:
            details.add(code)
    return frozenset(details)


def subtotal_expressions(basis: StatementBasis, details: Iterable[str], suffix: str = "") -> list[pl.Expr]:
    """Every subtotal of ``basis`` that ``details`` feed, as the signed sum of its lines.

    Rule (``statement_totals``): a subtotal is the signed sum of the lines naming it; detail
    lines not in the frame count as 0; reading order puts each subtotal after its lines.
    """
    available = set(details)
    subtotals = subtotal_codes(basis)
    sums: dict[str, pl.Expr] = {}
    for line in statement_lines(basis):
        if line.code in subtotals:
            amount = sums.get(line.code)
        elif line.code in available:
            amount = pl.col(f"{line.code}{suffix}")
        else:
            amount = None
        if amount is None or line.subtotal is None:
            continue
        term = amount if line.sign == 1 else -amount
        sums[line.subtotal] = term if line.subtotal not in sums else sums[line.subtotal] + term
    return [expression.alias(f"{code}{suffix}") for code, expression in sums.items()]


def ratio_expression(basis: StatementBasis, ratio: RatioDefinition) -> pl.Expr:
    """``ratio`` of a statement frame of ``basis``, as ``statement_ratios`` computes it, in units of 0.0001.

    The frame has each line (detail and subtotal) of the current period under its code and of
    the previous one under ``code__prev``, ``given_<part>`` flags for the optional parts,
    ``period_months``, and a column per extra fact (``annual_debt_service``), all amounts in fen.
    """
    part_of = {line.code: line.part for line in statement_lines(basis)}

    def at(code: str, suffix: str) -> pl.Expr:
        amount = pl.col(f"{code}{suffix}").cast(pl.Float64)
        part = part_of[code]
        if part in OPTIONAL_PARTS:
            amount = pl.when(pl.col(given_column(part, suffix))).then(amount)
        return amount

    def term_value(term) -> pl.Expr:
        if term.code not in part_of:
            return pl.col(term.code).cast(pl.Float64) if term.period is Period.CURRENT else pl.lit(None, pl.Float64)
        if term.period is Period.CURRENT:
            return at(term.code, "")
        if term.period is Period.PREVIOUS:
            return at(term.code, PREVIOUS)
        return (at(term.code, "") + at(term.code, PREVIOUS)) / 2

    def signed_sum(terms) -> pl.Expr:
        return pl.sum_horizontal(*(term_value(t) * t.sign for t in terms)) if len(terms) > 1 else term_value(terms[0]) * terms[0].sign

    numerator, denominator = signed_sum(ratio.numerator), signed_sum(ratio.denominator)
    # sum_horizontal skips nulls; a missing term must leave the ratio missing, as in the domain.
    terms_known = pl.all_horizontal(*(term_value(t).is_not_null() for t in (*ratio.numerator, *ratio.denominator)))
    months = pl.col("period_months").cast(pl.Float64)
    if ratio.annualise_numerator:
        numerator = numerator * 12 / months
    factor = {"ratio": pl.lit(1.0), "percent": pl.lit(100.0), "days": 365 * months / 12}[ratio.unit]
    value = numerator / denominator * factor
    units = (value * 10**RATIO_DECIMALS).round(0, mode="half_away_from_zero").cast(pl.Int64)
    return pl.when(terms_known & (denominator > 0)).then(units).alias(ratio.code)


def ratio_expressions(basis: StatementBasis, codes: Iterable[str]) -> list[pl.Expr]:
    """The ratios of ``basis`` named in ``codes``, in units of 0.0001 (see ``ratio_expression``)."""
    wanted = set(codes)
    return [ratio_expression(basis, ratio) for ratio in ratios_for(basis) if ratio.code in wanted]


def _ceil_units(bound: Decimal, decimals: int) -> int:
    return math.ceil(bound.scaleb(decimals))


def rescale_units(units: pl.Expr, from_decimals: int, to_decimals: int) -> pl.Expr:
    """Whole units at one precision rounded half-up (away from zero) to another, exactly."""
    if to_decimals >= from_decimals:
        return units * 10 ** (to_decimals - from_decimals)
    step = 10 ** (from_decimals - to_decimals)
    return units.sign() * ((units.abs() + step // 2) // step)


def float_units(value: pl.Expr, decimals: int) -> pl.Expr:
    """A measure's floating value as whole units of ``decimals``, rounded half-up."""
    return (value * 10**decimals).round(0, mode="half_away_from_zero").cast(pl.Int64)


def points_expression(factor: rules.Factor, value: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(points, bin index) of ``factor`` for ``value``: whole units of ``factor.decimals``, or answers.

    Rule (``factor_points``): lower <= value < upper; a missing value (null) takes the missing
    points and has no bin.
    """
    points = pl.when(value.is_null()).then(pl.lit(factor.missing_points))
    index = pl.when(value.is_null()).then(pl.lit(None, pl.Int32))
    if factor.source == rules.FactorSource.QUESTION:
        for i, answer in enumerate(factor.answers):
            points = points.when(value == answer.code).then(pl.lit(answer.points))
            index = index.when(value == answer.code).then(pl.lit(i, pl.Int32))
    else:
        for i, bin_ in enumerate(factor.bins):
            inside = pl.lit(True)
            if bin_.lower is not None:
                inside = inside & (value >= _ceil_units(bin_.lower, factor.decimals))
            if bin_.upper is not None:
                inside = inside & (value < _ceil_units(bin_.upper, factor.decimals))
            points = points.when(inside).then(pl.lit(bin_.points))
            index = index.when(inside).then(pl.lit(i, pl.Int32))
    return points.otherwise(pl.lit(factor.missing_points)).cast(pl.Int64), index.otherwise(pl.lit(None, pl.Int32))


def decimal_text(units: pl.Expr, places: int) -> pl.Expr:
    """Whole units of 10^-places as decimal text, exactly (6525 with 2 places -> "65.25")."""
    if places == 0:
        return units.cast(pl.String)
    value = units.cast(pl.Int64)
    sign = pl.when(value < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    magnitude = value.abs()
    unit = 10**places
    return pl.concat_str([sign, (magnitude // unit).cast(pl.String), pl.lit("."), (magnitude % unit).cast(pl.String).str.zfill(places)])


WEIGHT_SCALE = 1000
"""Weights have at most 3 decimals (rmdesk.domain.rating.WEIGHT_QUANTUM): whole thousandths."""


def score_frame(frame: pl.DataFrame, scorecard: rules.Scorecard, *, default_days_past_due: int, pds: dict[str, Decimal]) -> pl.DataFrame:
    """Points, score, grade and PD of every row of ``frame`` on ``scorecard``.

    ``frame`` holds a column per factor (whole units of its decimals, or the answer code) and
    ``days_past_due``. Adds ``<code>__points`` and ``<code>__bin`` per factor, ``score_centi``
    (the score in hundredths, rounded half-up like ``rate``), ``score_grade``, ``grade`` (D over
    the default line) and ``pd`` (as text, exact).
    """
    weighted = []
    columns = []
    for factor in scorecard.factors:
        points, index = points_expression(factor, pl.col(factor.code))
        columns += [points.alias(f"{factor.code}__points"), index.alias(f"{factor.code}__bin")]
        weighted.append(pl.col(f"{factor.code}__points") * int(factor.weight * WEIGHT_SCALE))
    scored = frame.with_columns(columns).with_columns(
        ((pl.sum_horizontal(weighted) + 5) // 10).alias("score_centi")
    )
    grade = pl.when(pl.lit(False)).then(pl.lit(""))
    for band in scorecard.bands:
        grade = grade.when(pl.col("score_centi") >= int(band.min_score * 100)).then(pl.lit(band.grade))
    scored = scored.with_columns(grade.otherwise(pl.lit(scorecard.bands[-1].grade)).alias("score_grade"))
    scored = scored.with_columns(
        pl.when(pl.col("days_past_due") > default_days_past_due)
        .then(pl.lit(rules.DEFAULT_GRADE))
        .otherwise(pl.col("score_grade"))
        .alias("grade")
    )
    return scored.with_columns(pl.col("grade").replace_strict({g: str(p) for g, p in pds.items()}).alias("pd"))
