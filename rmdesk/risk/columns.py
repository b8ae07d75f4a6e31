"""The risk rules as Polars columns, for the nightly run over the whole portfolio.

Each function here is the column-wise form of one domain rule and says which; the tests hold
that, loan by loan, the columns give what the domain's functions give. Money is whole fen
(Int64) and rates whole millionths, so that every rounding is exact integer arithmetic: half-up
to the fen, as rmdesk.domain.money.round_yuan rounds.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import polars as pl

from rmdesk.domain.classification import Category, ClassificationPolicy
from rmdesk.domain.inspection import InspectionPolicy
from rmdesk.domain.provisions import ProvisionRates, Stage

MICRO = 1_000_000
RANK = {category: category.rank for category in Category}
NON_PERFORMING = Category.SUBSTANDARD.rank


def category_of_rank(rank: pl.Expr) -> pl.Expr:
    """The category (its value) of a rank column."""
    return rank.replace_strict({c.rank: c.value for c in Category}, return_dtype=pl.String)


def rank_of_category(category: pl.Expr) -> pl.Expr:
    """The rank of a category column; an empty one (no category yet) is normal's."""
    return category.replace_strict({c.value: c.rank for c in Category}, default=0, return_dtype=pl.Int64)


def _floor_by_days(days: pl.Expr, steps: tuple[tuple[int, Category], ...]) -> pl.Expr:
    # rmdesk.domain.classification.days_past_due_floor: the last step passed is the floor.
    rank = pl.lit(0, pl.Int64)
    for over_days, category in steps:
        rank = pl.when(days > over_days).then(pl.lit(Category(category).rank, pl.Int64)).otherwise(rank)
    return rank


def classify(frame: pl.DataFrame, *, as_of: datetime.date, policy: ClassificationPolicy, retail_kinds: frozenset[str]) -> pl.DataFrame:
    """``classify_debtor`` over every loan at once, as of `as_of`; adds ``floor_rank`` and ``category_rank``.

    Reads ``customer_id``, ``kind``, ``credit_card``, ``balance_fen``, ``days_past_due``,
    ``observation_ends_on`` and ``category_before`` (of the loan's restructuring, empty for none)
    and ``in_force`` (the category in force, taken as the judgement; empty for none). The floor
    by days past due (or the credit-card table), during a restructuring's observation period at
    least the policy's restructured floor and the category before restructuring; the category
    the worst of floor and judgement; then, for debtors not of ``retail_kinds``, more than the
    policy's share of their balance non-performing puts every loan of theirs at least at
    substandard, floor and category.
    """
    share = Decimal(policy.debtor_non_performing_share).as_integer_ratio()
    observed = pl.col("observation_ends_on").is_not_null() & (pl.col("observation_ends_on") >= as_of)
    restructured = pl.when(observed).then(
        pl.max_horizontal(pl.lit(Category(policy.restructured_floor).rank, pl.Int64), rank_of_category(pl.col("category_before").fill_null("")))
    ).otherwise(pl.lit(0, pl.Int64))
    loans = frame.with_columns(
        pl.max_horizontal(
            pl.when(pl.col("credit_card"))
            .then(_floor_by_days(pl.col("days_past_due"), policy.credit_card_floors))
            .otherwise(_floor_by_days(pl.col("days_past_due"), policy.days_past_due_floors)),
            restructured,
        ).alias("floor_rank"),
    ).with_columns(pl.max_horizontal("floor_rank", rank_of_category(pl.col("in_force"))).alias("category_rank"))
    debtors = loans.group_by("customer_id").agg(
        pl.col("balance_fen").sum().alias("debtor_fen"),
        pl.col("balance_fen").filter(pl.col("category_rank") >= NON_PERFORMING).sum().alias("debtor_np_fen"),
    )
    hit = (
        ~pl.col("kind").is_in(sorted(retail_kinds))
        & (pl.col("debtor_fen") > 0)
        & (pl.col("debtor_np_fen").cast(pl.Int128) * share[1] > pl.col("debtor_fen").cast(pl.Int128) * share[0])
    )
    return (
        loans.join(debtors, on="customer_id", how="left")
        .with_columns(hit.alias("debtor_rule"))
        .with_columns(
            pl.when(pl.col("debtor_rule")).then(pl.max_horizontal("floor_rank", pl.lit(NON_PERFORMING))).otherwise("floor_rank").alias("floor_rank"),
            pl.when(pl.col("debtor_rule"))
            .then(pl.max_horizontal("category_rank", pl.lit(NON_PERFORMING)))
            .otherwise("category_rank")
            .alias("category_rank"),
        )
        .drop("debtor_fen", "debtor_np_fen")
    )


def stage(days: pl.Expr, category_rank: pl.Expr) -> pl.Expr:
    """``ifrs9_stage`` (without the bank's own SICR test): stage 3 over 90 days or non-performing,
    stage 2 over 30 days or special mention, stage 1 otherwise."""
    return (
        pl.when((days > 90) | (category_rank >= NON_PERFORMING))
        .then(pl.lit(Stage.CREDIT_IMPAIRED.value))
        .when((days > 30) | (category_rank == Category.SPECIAL_MENTION.rank))
        .then(pl.lit(Stage.UNDERPERFORMING.value))
        .otherwise(pl.lit(Stage.PERFORMING.value))
    )


def _micro(rate: Decimal) -> int:
    units = rate * MICRO
    if units != units.to_integral_value():
        raise ValueError(f"a reserve rate has more than six decimal places: {rate}")
    return int(units)


def _half_up_fen(fen: pl.Expr, micro: pl.Expr | int) -> pl.Expr:
    # 128 bits: a balance of ten billion yuan times a rate in millionths passes 2**63.
    return ((fen.cast(pl.Int128) * micro + MICRO // 2) // MICRO).cast(pl.Int64)


def provisions(balance_fen: pl.Expr, category_rank: pl.Expr, rates: ProvisionRates) -> tuple[pl.Expr, pl.Expr]:
    """``loan_provision`` as two columns in fen: the general and the specific reserve, each the
    balance times its rate rounded half-up to the fen."""
    specific = pl.lit(0, pl.Int64)
    for category in Category:
        specific = pl.when(category_rank == category.rank).then(pl.lit(_micro(rates.specific[category]), pl.Int64)).otherwise(specific)
    return (
        _half_up_fen(balance_fen, _micro(rates.general)).alias("general_fen"),
        _half_up_fen(balance_fen, specific).alias("specific_fen"),
    )


def _months(category_rank: pl.Expr, grade: pl.Expr, policy: InspectionPolicy) -> pl.Expr:
    by_category = category_rank.replace_strict({c.rank: m for c, m in policy.months_by_category.items()}, return_dtype=pl.Int64)
    if not policy.months_by_grade:
        return by_category
    by_grade = grade.replace_strict(dict(policy.months_by_grade), default=None, return_dtype=pl.Int64)
    return pl.min_horizontal(by_category, by_grade)


def next_inspection_due(frame: pl.DataFrame, *, policy: InspectionPolicy) -> pl.Expr:
    """``next_inspection_due`` for every loan: reads ``disbursed_on``, ``last_inspected_on``,
    ``category_rank``, ``grade`` and ``downgraded_on``.

    None inspected since disbursement: the first within the policy's days. Otherwise the last
    inspection plus the interval of the category, shortened by the grade's; a downgrade since
    the last inspection makes it due at the latest the policy's days after the downgrade, and
    not before the downgrade itself.
    """
    last = pl.col("last_inspected_on")
    first = pl.col("disbursed_on") + pl.duration(days=policy.first_within_days)
    routine = last.dt.offset_by(pl.format("{}mo", _months(pl.col("category_rank"), pl.col("grade"), policy)))
    down = pl.col("downgraded_on")
    latest = down + pl.duration(days=policy.after_downgrade_within_days)
    after_downgrade = (
        pl.when(down.is_not_null() & (down > last) & ~((down <= routine) & (routine <= latest))).then(latest).otherwise(routine)
    )
    return pl.when(last.is_null() | (last < pl.col("disbursed_on"))).then(first).otherwise(after_downgrade)


def days_between(later: datetime.date, earlier: pl.Expr) -> pl.Expr:
    """Whole days from the dates of `earlier` to `later`."""
    return (pl.lit(later) - earlier).dt.total_days()
