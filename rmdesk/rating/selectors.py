"""Reads for ratings: the configuration in force, the frames of the nightly batch, the screens.

The batch's frames are one query per table over every customer due (a semi-join on the due
customers, never a list of ids and never a query per customer), aggregated in the database
where that is what is needed, and handed to Polars whole: statements as a wide frame by line
code, instalments as arrears and debt service, transactions as inflows, holdings as product
families, earlier ratings as their answers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import polars as pl
from django.db.models import (
    BigIntegerField,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Least, Round
from django.shortcuts import get_object_or_404

from rmdesk.credit.models import Instalment
from rmdesk.customers.models import Customer, FinancialStatementLine
from rmdesk.domain import rating as rules
from rmdesk.domain.statements import OPTIONAL_PARTS, StatementBasis, statement_lines
from rmdesk.org.models import User
from rmdesk.products.models import Direction, Holding, Purpose, Transaction
from rmdesk.rating.columns import given_column
from rmdesk.rating.models import MasterScaleGrade, Rating, RatingOverride, RatingPolicy, RatingStatus, Scorecard

# --- configuration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingConfiguration:
    """The scorecards in force (by customer kind, with their rows), master scale and policy."""

    scorecards: dict[str, tuple[Scorecard, rules.Scorecard]]
    master_scale: rules.MasterScale
    policy: rules.RatingPolicy
    policy_row: RatingPolicy


def rating_configuration() -> RatingConfiguration:
    """The rating configuration as the bank has set it; a broken one raises ScorecardError."""
    cards = {card.customer_kind: (card, card.as_rules()) for card in Scorecard.objects.filter(in_force=True)}
    grades = {g.grade: g.as_rules() for g in MasterScaleGrade.objects.all()}
    scale = rules.MasterScale(tuple(grades[g] for g in rules.MASTER_SCALE if g in grades))
    policy_row = RatingPolicy.objects.order_by("pk").first() or RatingPolicy()
    return RatingConfiguration(cards, scale, policy_row.as_rules(), policy_row)


# --- the nightly batch's frames --------------------------------------------------------------------

RECENT_DAYS = 182
"""Inflow trend: the last 182 days against the 183 days before them (two half-years)."""


def _fen(expression) -> Cast:
    """A sum of yuan as whole fen: exact on PostgreSQL, and rounded back to the fen on SQLite,
    which sums decimals in binary floating point."""
    return Cast(Round(expression), BigIntegerField())


def _frame(queryset: QuerySet, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The rows of a values_list queryset whose fields are ``schema``'s names, as a frame."""
    return pl.DataFrame(list(queryset.values_list(*schema)), schema=schema, orient="row")


def due_customers(*, as_of: datetime.date, configuration: RatingConfiguration) -> QuerySet[Customer]:
    """Customers whose rating is due on ``as_of``: the population of the policy, of a kind with a
    scorecard in force, without an open rating and without one in force beyond the renewal window.

    Rule (``rules.rating_due``): due without a rating in force, or when it lapses within the
    renewal window. The population is the borrowers (anything owed to the bank) and every
    customer of the kinds the policy names.
    """
    window_end = as_of + datetime.timedelta(days=configuration.policy.renewal_window_days)
    in_force = Rating.objects.filter(customer=OuterRef("pk"), status__in=RatingStatus.in_force(), valid_until__gt=window_end)
    open_ = Rating.objects.filter(customer=OuterRef("pk"), status__in=RatingStatus.open())
    population = Q(loan_balance__gt=0) | Q(kind__in=list(configuration.policy_row.also_rated_kinds or []))
    return (
        Customer.objects.filter(population, kind__in=list(configuration.scorecards))
        .exclude(Exists(in_force))
        .exclude(Exists(open_))
    )


def customer_frame(customers: QuerySet[Customer]) -> pl.DataFrame:
    """Kind, first day with the bank and deposits (fen) of each customer."""
    rows = customers.order_by().annotate(deposits_fen=_fen(F("deposit_balance") * 100))
    return _frame(rows, {"id": pl.Int64, "kind": pl.String, "customer_since": pl.Date, "deposits_fen": pl.Int64})


def statement_frame(
    customers: QuerySet[Customer], *, since: datetime.date, lines: dict[StatementBasis, frozenset[str]]
) -> pl.DataFrame:
    """Every statement of ``customers`` ending on or after ``since``, one row each, wide by line code.

    Columns: ``statement_id``, ``customer_id``, ``basis``, ``period_end``, ``period_months``,
    one column per detail line in ``lines`` (whole fen; null where the statement has none) and
    ``given_<part>`` for each optional part (whether the statement has any line of it).
    """
    codes = sorted(set().union(*lines.values()))
    parts: dict[str, set[str]] = {}
    for basis in StatementBasis:
        for line in statement_lines(basis):
            if line.part in OPTIONAL_PARTS:
                parts.setdefault(str(line.part), set()).add(line.code)
    aggregates = {f"line_{code}": _fen(Sum(F("amount") * 100, filter=Q(code=code))) for code in codes}
    aggregates |= {given_column(part): Count("pk", filter=Q(code__in=sorted(part_codes))) for part, part_codes in parts.items()}
    rows = (
        FinancialStatementLine.objects.filter(statement__customer__in=customers.values("pk"), statement__period_end__gte=since)
        .values("statement_id", "statement__customer_id", "statement__basis", "statement__period_end", "statement__period_months")
        .annotate(**aggregates)
        .order_by()
    )
    schema = {
        "statement_id": pl.Int64, "statement__customer_id": pl.Int64, "statement__basis": pl.String,
        "statement__period_end": pl.Date, "statement__period_months": pl.Int64,
        **{f"line_{code}": pl.Int64 for code in codes}, **{given_column(part): pl.Int64 for part in parts},
    }
    frame = _frame(rows, schema)
    return frame.rename(
        {"statement__customer_id": "customer_id", "statement__basis": "basis", "statement__period_end": "period_end",
         "statement__period_months": "period_months", **{f"line_{code}": code for code in codes}}
    ).with_columns(pl.col(given_column(part)) > 0 for part in parts)


def instalment_frame(customers: QuerySet[Customer], *, as_of: datetime.date) -> pl.DataFrame:
    """Per customer: longest days past due in the 12 months, days past due now, debt service ahead.

    Rules: an instalment counts as past due from its due date until settled (or until
    ``as_of`` while unpaid); the 12-month figure is the most days any instalment was past due
    whose lateness reached into the 12 months to ``as_of``; days past due now are those of the
    oldest unpaid instalment due by ``as_of``; the debt service is what the schedules still ask
    in the 12 months after ``as_of`` (principal and interest, less what is already paid), fen.
    """
    window_start = as_of - datetime.timedelta(days=365)
    today = Value(as_of, output_field=DateField())
    late_until = Least(Coalesce(F("settled_on"), today, output_field=DateField()), today, output_field=DateField())
    late_days = ExpressionWrapper(late_until - F("due_on"), output_field=DurationField())
    now_days = ExpressionWrapper(today - F("due_on"), output_field=DurationField())
    due_by_now = Q(due_on__lte=as_of)
    unpaid = Q(settled_on__isnull=True) | Q(settled_on__gt=as_of)
    rows = (
        Instalment.objects.filter(loan__customer__in=customers.values("pk"))
        .filter(Q(settled_on__isnull=True) | Q(settled_on__gt=window_start))
        .values("loan__customer_id")
        .annotate(
            worst_late=Max(late_days, filter=due_by_now & (Q(settled_on__isnull=True) | Q(settled_on__gt=F("due_on")))),
            late_now=Max(now_days, filter=due_by_now & unpaid),
            debt_service_fen=_fen(
                Sum(
                    (F("principal_due") + F("interest_due") - F("principal_paid") - F("interest_paid")) * 100,
                    filter=Q(due_on__gt=as_of, due_on__lte=as_of + datetime.timedelta(days=365)),
                )
            ),
        )
        .order_by()
    )
    frame = pl.DataFrame(
        [(c, _days(w), _days(n), d) for c, w, n, d in rows.values_list("loan__customer_id", "worst_late", "late_now", "debt_service_fen")],
        schema={"customer_id": pl.Int64, "max_days_past_due_12m": pl.Int64, "days_past_due": pl.Int64, "annual_debt_service": pl.Int64},
        orient="row",
    )
    return frame


def _days(span: datetime.timedelta | None) -> int | None:
    return None if span is None else max(span.days, 0)


def flow_frame(customers: QuerySet[Customer], *, as_of: datetime.date) -> pl.DataFrame:
    """Per customer, money in over 12 months (fen): in all, the last half-year, the one before, salary.

    Loan drawdowns are the bank's own money, not the customer's inflows, and are left out.
    """
    recent = as_of - datetime.timedelta(days=RECENT_DAYS)
    rows = (
        Transaction.objects.filter(
            customer__in=customers.values("pk"),
            direction=Direction.CREDIT,
            booked_on__gt=as_of - datetime.timedelta(days=365),
            booked_on__lte=as_of,
        )
        .exclude(purpose=Purpose.LOAN_DRAWDOWN)
        .values("customer_id")
        .annotate(
            inflow_12m=_fen(Sum(F("amount") * 100)),
            inflow_recent=_fen(Sum(F("amount") * 100, filter=Q(booked_on__gt=recent))),
            inflow_earlier=_fen(Sum(F("amount") * 100, filter=Q(booked_on__lte=recent))),
            salary_12m=_fen(Sum(F("amount") * 100, filter=Q(purpose=Purpose.SALARY))),
        )
        .order_by()
    )
    return _frame(
        rows,
        {"customer_id": pl.Int64, "inflow_12m": pl.Int64, "inflow_recent": pl.Int64, "inflow_earlier": pl.Int64, "salary_12m": pl.Int64},
    )


def holding_frame(customers: QuerySet[Customer]) -> pl.DataFrame:
    """Per customer, the product families of its open holdings."""
    rows = (
        Holding.objects.filter(customer__in=customers.values("pk"), closed_on__isnull=True)
        .values("customer_id")
        .annotate(products_held=Count("product__family", distinct=True))
        .order_by()
    )
    return _frame(rows, {"customer_id": pl.Int64, "products_held": pl.Int64})


def previous_rating_frame(customers: QuerySet[Customer], *, questions: list[str]) -> pl.DataFrame:
    """Per customer, its latest rating in force: its id and its answer to each of ``questions``."""
    answers = {f"answer_{code}": KT(f"answers__{code}") for code in questions}
    rows = (
        Rating.objects.filter(customer__in=customers.values("pk"), status__in=RatingStatus.in_force())
        .annotate(**answers)
        .order_by()
    )
    frame = _frame(
        rows,
        {"customer_id": pl.Int64, "pk": pl.Int64, "valid_from": pl.Date, **{name: pl.String for name in answers}},
    )
    return (
        frame.sort(["customer_id", "valid_from", "pk"], descending=[False, True, True])
        .unique("customer_id", keep="first", maintain_order=True)
        .drop("valid_from")
        .rename({"pk": "previous_id", **{name: name.removeprefix("answer_") for name in answers}})
    )


# --- screens --------------------------------------------------------------------------------------



def rerating_queue(*, user: User) -> QuerySet[Rating]:
    """Open ratings of the customers in ``user``'s scope, the most urgent (oldest data) first."""
    return (
        Rating.objects.restrict(user)
        .filter(status__in=RatingStatus.open())
        .select_related("customer", "customer__primary_manager", "previous", "scorecard")
        .order_by("as_of", "customer__name", "pk")
    )


def rating_for_page(*, user: User, pk: int) -> Rating:
    """One rating with what its page shows, or 404 when missing or outside ``user``'s scope."""
    ratings = Rating.objects.restrict(user).select_related(
        "customer", "customer__primary_manager", "customer__org_unit", "scorecard", "previous", "proposed_by", "decided_by"
    )
    return get_object_or_404(ratings, pk=pk)


def override_of(rating: Rating) -> RatingOverride | None:
    """The override requested on ``rating``, if any (read after the rating was found in scope)."""
    return RatingOverride.objects.filter(rating=rating).select_related("requested_by", "decided_by").first()


def approval_queue(*, user: User, policy: rules.RatingPolicy) -> list[RatingOverride]:
    """Overrides waiting for a decision that ``user`` may take: in scope, not their own, role allowed.

    Overrides beyond the notches of ``user``'s role are listed too, marked, so the next level
    knows they wait for someone more senior.
    """
    if policy.approver_notches(user.role_id) == 0:
        return []
    return list(
        RatingOverride.objects.restrict(user)
        .filter(decision="", rating__status=RatingStatus.OVERRIDE_REQUESTED)
        .exclude(requested_by=user)
        .select_related("rating", "rating__customer", "requested_by")
        .order_by("requested_at", "pk")
    )


def customer_ratings(*, user: User, customer: Customer) -> QuerySet[Rating]:
    """Every rating of ``customer`` that ``user`` may see, newest first: the rating history."""
    return Rating.objects.restrict(user).filter(customer=customer).select_related("decided_by", "override").order_by("-as_of", "-pk")

