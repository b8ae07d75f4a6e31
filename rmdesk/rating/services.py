"""Writes for ratings: the nightly proposal of every rating due, and the people's decisions on them.

Every write is one transaction. The proposal is computed column-wise over the whole portfolio
(rmdesk.rating.columns over the frames of rmdesk.rating.selectors); the decisions follow the
rules of rmdesk.domain.rating: a confirmation takes the proposed grade, an override needs a
reason and the approval of the next level, nobody decides their own override, and a decided
rating is never changed again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rmdesk.domain import rating as rules
from rmdesk.domain.amortisation import add_months
from rmdesk.domain.ratios import RATIOS_BY_CODE
from rmdesk.domain.statements import StatementBasis, statement_lines, subtotal_codes
from rmdesk.org.models import User
from rmdesk.rating.columns import (
    PREVIOUS,
    RATIO_DECIMALS,
    WEIGHT_SCALE,
    decimal_text,
    float_units,
    needed_lines,
    ratio_expressions,
    rescale_units,
    score_frame,
    subtotal_expressions,
)
from rmdesk.rating.models import Rating, RatingOverride, RatingStatus
from rmdesk.rating.selectors import (
    RatingConfiguration,
    customer_frame,
    due_customers,
    flow_frame,
    holding_frame,
    instalment_frame,
    previous_rating_frame,
    rating_configuration,
    statement_frame,
)

REPORTED_INCOME = {StatementBasis.SMALL_ENTERPRISE: "revenue", StatementBasis.HOUSEHOLD: "total_income"}
"""The statement line a customer's inflows at this bank are compared with (share of wallet)."""


# --- the nightly proposal -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalRun:
    """What one run of the proposal did: customers found due, ratings proposed, by customer kind."""

    as_of: datetime.date
    due: int
    proposed: int
    by_kind: dict[str, int]


def _ratio_codes(configuration: RatingConfiguration, basis: StatementBasis) -> set[str]:
    return {
        factor.code
        for _, card in configuration.scorecards.values()
        for factor in card.factors
        if factor.source == rules.FactorSource.RATIO and basis in RATIOS_BY_CODE[factor.code].bases
    }


def statement_ratio_frame(
    customers, *, as_of: datetime.date, max_age_months: int, ratio_codes: dict[StatementBasis, set[str]], debt_service: pl.DataFrame
) -> pl.DataFrame:
    """Per customer with a statement: the ratios ``ratio_codes`` of its latest statement, column-wise.

    Rules: the latest statement is the one with the latest period end not older than
    ``max_age_months`` (the longer period first on a tie); the previous one is that customer's
    statement of the same basis and length ending ``period_months`` earlier, or none. Ratios
    are computed as ``statement_ratios`` computes them (rmdesk.rating.columns), in units of
    0.0001, with the debt service (``debt_service``: ``customer_id``, ``annual_debt_service``
    in fen) as the extra fact. Adds ``reported_fen``: the year's revenue (or household income)
    the share of wallet compares inflows with, annualised.
    """
    lines = {
        basis: needed_lines(basis, [RATIOS_BY_CODE[c] for c in codes]) | needed_lines_for_income(basis)
        for basis, codes in ratio_codes.items()
    }
    cutoff = add_months(as_of, -max_age_months)
    statements = statement_frame(customers, since=add_months(cutoff, -12), lines=lines)
    line_columns = sorted(set().union(*lines.values()))
    statements = statements.with_columns(pl.col(line_columns).fill_null(0)).with_columns(
        (pl.col("period_end").dt.year() * 12 + pl.col("period_end").dt.month()).alias("month_index")
    )
    latest = (
        statements.filter(pl.col("period_end") >= cutoff)
        .sort(["customer_id", "period_end", "period_months"], descending=[False, True, True])
        .unique("customer_id", keep="first", maintain_order=True)
    )
    earlier = statements.select(
        "customer_id", "basis", "period_months", (pl.col("month_index") + pl.col("period_months")).alias("month_index"),
        *[pl.col(c).alias(f"{c}{PREVIOUS}") for c in statements.columns if c in line_columns or c.startswith("given_")],
    )
    wide = latest.join(earlier, on=["customer_id", "basis", "period_months", "month_index"], how="left").join(
        debt_service, on="customer_id", how="left"
    )
    parts = []
    for basis, codes in ratio_codes.items():
        of_basis = wide.filter(pl.col("basis") == basis.value)
        if of_basis.is_empty():
            continue
        details = lines[basis]
        income = REPORTED_INCOME[basis]
        of_basis = of_basis.with_columns(*subtotal_expressions(basis, details), *subtotal_expressions(basis, details, PREVIOUS))
        parts.append(
            of_basis.select(
                "customer_id",
                *ratio_expressions(basis, codes),
                (pl.col(income).cast(pl.Float64) * 12 / pl.col("period_months")).alias("reported_fen"),
            )
        )
    if not parts:
        return pl.DataFrame(schema={"customer_id": pl.Int64, "reported_fen": pl.Float64})
    return pl.concat(parts, how="diagonal")


def needed_lines_for_income(basis: StatementBasis) -> frozenset[str]:
    """The detail lines the reported income of ``basis`` (REPORTED_INCOME) is made of."""
    code = REPORTED_INCOME[basis]
    if code not in subtotal_codes(basis):
        return frozenset({code})
    feeds = {line.code: line.subtotal for line in statement_lines(basis)}
    subtotals = subtotal_codes(basis)

    def adds_into(line: str) -> bool:
        while line is not None:
            if line == code:
                return True
            line = feeds.get(line)
        return False

    return frozenset(line for line in feeds if line not in subtotals and adds_into(line))


def measure_expressions(as_of: datetime.date) -> dict[str, pl.Expr]:
    """The flow and relationship measures (rmdesk.domain.rating.MEASURES) over the batch frame."""
    since = pl.col("customer_since")
    months = (as_of.year * 12 + as_of.month) - (since.dt.year() * 12 + since.dt.month()) - (since.dt.day() > as_of.day).cast(pl.Int32)
    inflow = pl.col("inflow_12m").fill_null(0).cast(pl.Float64)
    earlier = pl.col("inflow_earlier").fill_null(0).cast(pl.Float64)
    recent = pl.col("inflow_recent").fill_null(0).cast(pl.Float64)
    return {
        "months_with_bank": months.cast(pl.Float64),
        "max_days_past_due_12m": pl.col("max_days_past_due_12m").fill_null(0).cast(pl.Float64),
        "deposit_inflow_trend": pl.when(earlier > 0).then((recent - earlier) / earlier * 100),
        "share_of_wallet": pl.when(pl.col("reported_fen") > 0).then(inflow / pl.col("reported_fen") * 100),
        "products_held": pl.col("products_held").fill_null(0).cast(pl.Float64),
        "deposit_balance": pl.col("deposits_fen").cast(pl.Float64) / 100,
        "monthly_salary_inflow": pl.col("salary_12m").fill_null(0).cast(pl.Float64) / 100 / 12,
    }


def _factor_value(factor: rules.Factor, measures: dict[str, pl.Expr], columns: set[str]) -> pl.Expr:
    if factor.source == rules.FactorSource.RATIO:
        value = rescale_units(pl.col(factor.code), RATIO_DECIMALS, factor.decimals) if factor.code in columns else pl.lit(None, pl.Int64)
    elif factor.source == rules.FactorSource.MEASURE:
        value = float_units(measures[factor.code], factor.decimals)
    else:
        answer = pl.col(f"answer_{factor.code}") if f"answer_{factor.code}" in columns else pl.lit(None, pl.String)
        value = pl.when(answer.is_in([a.code for a in factor.answers])).then(answer)
    return value.alias(factor.code)


def _contribution(factor: rules.Factor, value, index, points) -> dict:
    """One factor's part of a rating as it is stored (the same shape as ``_contributions_json``)."""
    return {
        "code": factor.code,
        "value": value,
        "bin": index,
        "points": points,
        "weighted": str(factor.weight * points),
        "best": str(factor.weight * factor.best_points),
    }


def _held_text(factor: rules.Factor) -> pl.Expr:
    """A factor's value as stored: the answer code, or the number as decimal text."""
    if factor.source == rules.FactorSource.QUESTION:
        return pl.col(factor.code)
    return decimal_text(pl.col(factor.code), factor.decimals)


def _json_object(members: list[pl.Expr]) -> pl.Expr:
    """A JSON object of the non-null ``"key":value`` members."""
    if not members:
        return pl.lit("{}")
    return pl.concat_str([pl.lit("{"), pl.concat_str(members, separator=",", ignore_nulls=True), pl.lit("}")])


def _member(key: str, value: pl.Expr) -> pl.Expr:
    return pl.struct(value.alias(key)).struct.json_encode().str.strip_prefix("{").str.strip_suffix("}")


def _proposal_frame(scored: pl.DataFrame, card: rules.Scorecard, *, scorecard_id: int, default_days: int) -> pl.DataFrame:
    """The proposed ratings of ``scored`` as the columns of the rating table, JSON included."""
    contributions, values, answers = [], [], []
    for factor in card.factors:
        held = _held_text(factor)
        contributions.append(
            pl.struct(
                pl.lit(factor.code).alias("code"),
                held.alias("value"),
                pl.col(f"{factor.code}__bin").alias("bin"),
                pl.col(f"{factor.code}__points").alias("points"),
                decimal_text(pl.col(f"{factor.code}__points") * int(factor.weight * WEIGHT_SCALE), 3).alias("weighted"),
                pl.lit(str(factor.weight * factor.best_points)).alias("best"),
            ).struct.json_encode()
        )
        if factor.source == rules.FactorSource.QUESTION:
            answers.append(pl.when(held.is_not_null()).then(_member(factor.code, held)))
        else:
            values.append(_member(factor.code, held))
    return scored.select(
        "customer_id",
        pl.lit(scorecard_id).alias("scorecard_id"),
        "previous_id",
        decimal_text(pl.col("score_centi"), 2).alias("score"),
        pl.col("grade").alias("proposed_grade"),
        pl.col("pd").alias("proposed_pd"),
        "days_past_due",
        (pl.col("days_past_due") > default_days).alias("in_default"),
        _json_object(values).alias("factor_values"),
        _json_object(answers).alias("answers"),
        pl.concat_str([pl.lit("["), pl.concat_str(contributions, separator=","), pl.lit("]")]).alias("contributions"),
    )


def rating_propose_due(*, as_of: datetime.date | None = None) -> ProposalRun:
    """Propose a rating for every customer due (``due_customers``), from the latest data, column-wise.

    One query per table for every customer due at once, ratios and measures as Polars columns,
    points and score by the scorecard of the customer's kind (rmdesk.rating.columns), then one
    bulk insert of proposed ratings. The qualitative answers start from those of the customer's
    latest rating in force, for the account manager to review. Safe to run twice: a customer
    with an open rating is not due, and the database holds at most one open rating per customer.
    """
    as_of = as_of or timezone.localdate()
    configuration = rating_configuration()
    due = due_customers(as_of=as_of, configuration=configuration)
    questions = sorted(
        {f.code for _, card in configuration.scorecards.values() for f in card.factors if f.source == rules.FactorSource.QUESTION}
    )
    customers = customer_frame(due)
    if customers.is_empty():
        return ProposalRun(as_of, 0, 0, {})
    instalments = instalment_frame(due, as_of=as_of)
    ratio_codes = {basis: _ratio_codes(configuration, basis) for basis in StatementBasis}
    ratios = statement_ratio_frame(
        due, as_of=as_of, max_age_months=configuration.policy_row.statement_max_age_months, ratio_codes=ratio_codes,
        debt_service=instalments.select("customer_id", "annual_debt_service"),
    )
    previous = previous_rating_frame(due, questions=questions).rename({q: f"answer_{q}" for q in questions})
    frame = customers.rename({"id": "customer_id"})
    for other in (ratios, instalments.drop("annual_debt_service"), flow_frame(due, as_of=as_of), holding_frame(due), previous):
        frame = frame.join(other, on="customer_id", how="left")
    frame = frame.with_columns(pl.col("days_past_due").fill_null(0))
    measures = measure_expressions(as_of)
    pds = {g.grade: g.pd for g in configuration.master_scale.grades}
    proposals: list[pl.DataFrame] = []
    by_kind: dict[str, int] = {}
    for kind, (row, card) in configuration.scorecards.items():
        of_kind = frame.filter(pl.col("kind") == kind)
        if of_kind.is_empty():
            continue
        values = of_kind.select(
            "customer_id", "previous_id", "days_past_due", *(_factor_value(f, measures, set(frame.columns)) for f in card.factors)
        )
        scored = score_frame(values, card, default_days_past_due=configuration.policy.default_days_past_due, pds=pds)
        proposals.append(_proposal_frame(scored, card, scorecard_id=row.pk, default_days=configuration.policy.default_days_past_due))
        by_kind[kind] = scored.height
    now = timezone.now()
    with transaction.atomic():
        _insert_ignoring_conflicts(pl.concat(proposals), as_of=as_of, now=now)
        proposed = Rating.objects.filter(proposed_at=now, status=RatingStatus.PROPOSED).count()
    return ProposalRun(as_of, customers.height, proposed, by_kind)


def _insert_ignoring_conflicts(proposals: pl.DataFrame, *, as_of: datetime.date, now: datetime.datetime) -> None:
    """Insert the proposed ratings, skipping a customer who meanwhile got an open rating.

    PostgreSQL: COPY into a temporary table, then one INSERT ... SELECT ... ON CONFLICT DO
    NOTHING; elsewhere one INSERT ... ON CONFLICT DO NOTHING run for every row. Not
    ``bulk_create``: its model instances and per-field preparation cost more than the
    rating itself at a county bank's size, and on PostgreSQL it quotes each JSON column
    into one array literal, which takes seconds per thousand ratings.
    """
    ops = connection.ops
    frame = proposals.with_columns(
        pl.lit(str(ops.adapt_datefield_value(as_of))).alias("as_of"),
        pl.lit(RatingStatus.PROPOSED.value).alias("status"),
        pl.lit("").alias("grade"),
        pl.lit(str(ops.adapt_datetimefield_value(now))).alias("proposed_at"),
    )
    table = connection.ops.quote_name(Rating._meta.db_table)
    columns = ", ".join(ops.quote_name(Rating._meta.get_field(name).column) for name in frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Dropped at the end, not on commit: the caller's transaction may run several proposals.
            cursor.execute(f"CREATE TEMPORARY TABLE rating_proposals AS SELECT {columns} FROM {table} WITH NO DATA")
            with cursor.cursor.copy(f"COPY rating_proposals ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
                copy.write(frame.write_csv(include_header=False, null_value="\\N").encode())
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM rating_proposals ON CONFLICT DO NOTHING")
            cursor.execute("DROP TABLE rating_proposals")
        else:
            placeholders = ", ".join(["%s"] * frame.width)
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) ON CONFLICT DO NOTHING", frame.rows())


# --- the people's decisions -----------------------------------------------------------------------------


def _refuse(code: rules.RatingErrorCode, message: str) -> ValidationError:
    return ValidationError(message, code=code)


def _open_for_change(*, rating_id: int, user: User) -> Rating:
    """The rating, locked, if ``user`` may change its customer and it still waits for a person."""
    rating = Rating.objects.restrict(user, "change").select_for_update().filter(pk=rating_id).first()
    if rating is None:
        raise PermissionDenied
    if rating.status != RatingStatus.PROPOSED:
        raise _refuse(rules.RatingErrorCode.NOT_OPEN, _("This rating is no longer waiting for a decision: it is %(status)s.") % {"status": rating.get_status_display()})
    return rating


def rating_result(rating: Rating, card: rules.Scorecard, configuration: RatingConfiguration) -> rules.RatingResult:
    """``rating`` recomputed row by row by the domain rules from its stored values and answers."""
    return rules.rate(
        card,
        {**rating.factor_values, **rating.answers},
        master_scale=configuration.master_scale,
        days_past_due=rating.days_past_due,
        policy=configuration.policy,
    )


@transaction.atomic
def rating_answer(*, rating_id: int, user: User, answers: dict[str, str]) -> Rating:
    """Record the account manager's answers to the qualitative questions and rescore the proposal.

    Answers must be among each question's answers (an empty answer leaves the question
    unanswered, at its missing points); the quantitative values stay as the batch found them.
    """
    rating = _open_for_change(rating_id=rating_id, user=user)
    configuration = rating_configuration()
    card = rating.scorecard.as_rules()
    questions = {f.code: f for f in card.factors if f.source == rules.FactorSource.QUESTION}
    unknown = set(answers) - set(questions)
    if unknown:
        raise _refuse(rules.RatingErrorCode.UNKNOWN_QUESTION, _("These are not questions of this scorecard: %(codes)s") % {"codes": ", ".join(sorted(unknown))})
    chosen = {code: answer for code, answer in answers.items() if answer}
    for code, answer in chosen.items():
        if answer not in {a.code for a in questions[code].answers}:
            raise _refuse(
                rules.RatingErrorCode.UNKNOWN_ANSWER,
                _("%(answer)s is not an answer to the question %(question)s.") % {"answer": answer, "question": code},
            )
    rating.answers = chosen
    result = rating_result(rating, card, configuration)
    rating.score, rating.proposed_grade, rating.proposed_pd = result.score, result.grade, result.pd
    rating.contributions = [
        _contribution(card.factor(s.code), None if s.value is None else str(s.value), s.bin_index, s.points) for s in result.factors
    ]
    rating.proposed_by = user
    rating.save(update_fields=["answers", "score", "proposed_grade", "proposed_pd", "contributions", "proposed_by"])
    return rating


def _decide(rating: Rating, *, user: User, grade: str, pd: Decimal, status: str, policy: rules.RatingPolicy) -> None:
    today = timezone.localdate()
    rating.status, rating.grade, rating.pd = status, grade, pd
    rating.decided_by, rating.decided_at = user, timezone.now()
    rating.valid_from, rating.valid_until = today, rules.rating_valid_until(today, policy)
    rating.save(update_fields=["status", "grade", "pd", "decided_by", "decided_at", "valid_from", "valid_until"])


@transaction.atomic
def rating_confirm(*, rating_id: int, user: User) -> Rating:
    """Confirm the proposed grade: it is in force from today for the policy's validity (a year)."""
    rating = _open_for_change(rating_id=rating_id, user=user)
    configuration = rating_configuration()
    _decide(rating, user=user, grade=rating.proposed_grade, pd=rating.proposed_pd, status=RatingStatus.CONFIRMED, policy=configuration.policy)
    return rating


OVERRIDE_MESSAGES = {
    rules.RatingErrorCode.SAME_GRADE: gettext_lazy("Choose a grade other than the proposed one, or confirm the proposal."),
    rules.RatingErrorCode.REASON_REQUIRED: gettext_lazy("Say why the grade should differ from the scorecard's."),
    rules.RatingErrorCode.DEFAULT_IS_A_FACT: gettext_lazy("A borrower in default stays D: default is a fact, not a judgement."),
    rules.RatingErrorCode.TOO_MANY_NOTCHES: gettext_lazy("No approver may move a grade that many notches."),
    rules.RatingErrorCode.UNKNOWN_GRADE: gettext_lazy("Choose a grade of the master scale."),
    rules.RatingErrorCode.OWN_OVERRIDE: gettext_lazy("Nobody decides their own override."),
    rules.RatingErrorCode.NOT_AN_APPROVER: gettext_lazy("Your role does not approve rating overrides."),
    rules.RatingErrorCode.BEYOND_APPROVER_NOTCHES: gettext_lazy("This override moves the grade more notches than your role may approve."),
}


@transaction.atomic
def rating_override_request(*, rating_id: int, user: User, grade: str, reason: str) -> RatingOverride:
    """Ask for ``grade`` instead of the proposed one, with ``reason``; it waits for the next level."""
    rating = _open_for_change(rating_id=rating_id, user=user)
    configuration = rating_configuration()
    problems = rules.override_problems(
        proposed_grade=rating.proposed_grade, requested_grade=grade, reason=reason, in_default=rating.in_default, policy=configuration.policy
    )
    if problems:
        raise ValidationError([ValidationError(str(OVERRIDE_MESSAGES[p]), code=p) for p in problems])
    override = RatingOverride.objects.create(
        rating=rating, requested_grade=grade, reason=reason.strip(), requested_by=user, requested_at=timezone.now()
    )
    rating.status = RatingStatus.OVERRIDE_REQUESTED
    rating.save(update_fields=["status"])
    return override


@transaction.atomic
def rating_override_decide(*, rating_id: int, user: User, approve: bool, reason: str) -> Rating:
    """The next level approves or rejects an override; rejecting needs a reason.

    Rules: the decider has the customer in their scope, is not the requester, and holds a role
    the policy names for at least the notches moved (``override_approval_problem``). Approved,
    the requested grade is in force; rejected, the proposed grade is. Either way from today
    for the policy's validity.
    """
    rating = Rating.objects.restrict(user).select_for_update().filter(pk=rating_id).first()
    if rating is None:
        raise PermissionDenied
    if rating.status != RatingStatus.OVERRIDE_REQUESTED:
        raise _refuse(rules.RatingErrorCode.NOT_OPEN, _("No override of this rating waits for a decision."))
    override = rating.override
    configuration = rating_configuration()
    problem = rules.override_approval_problem(
        requested_by=override.requested_by_id, decided_by=user.pk, decider_role=user.role_id,
        notches_moved=override.notches, policy=configuration.policy,
    )
    if problem is not None:
        raise _refuse(problem, str(OVERRIDE_MESSAGES[problem]))
    if not approve and not reason.strip():
        raise _refuse(rules.RatingErrorCode.REASON_REQUIRED, _("Say why the override is rejected."))
    override.decision = "approved" if approve else "rejected"
    override.decision_reason = reason.strip()
    override.decided_by, override.decided_at = user, timezone.now()
    override.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    if approve:
        grade, pd, status = override.requested_grade, configuration.master_scale.pd(override.requested_grade), RatingStatus.APPROVED
    else:
        grade, pd, status = rating.proposed_grade, rating.proposed_pd, RatingStatus.REJECTED
    _decide(rating, user=user, grade=grade, pd=pd, status=status, policy=configuration.policy)
    return rating
