"""The annual review of every credit line: prepared by the machine, confirmed by a person.

Every night (rmdesk.nightly) the machine prepares the review of each running line whose
anniversary falls within the lead days (rmdesk.domain.annual_review.review_due): it gathers the
facts of all those lines column-wise, a handful of queries over the whole set joined in Polars,
never one query per line; the domain recommends; rows are created, or their facts refreshed while
nobody has confirmed them. A person who may change the customer then confirms the outcome once;
an outcome more lenient than the machine's needs their reasons.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, F, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Round
from django.utils import timezone
from django.utils.translation import gettext as _

from rmdesk.credit.models import CreditApplication, CreditLineReview, CreditPolicySetting, Drawdown, Instalment, ReviewOutcomeChoice
from rmdesk.customers.models import FinancialStatementLine
from rmdesk.domain.amortisation import add_months
from rmdesk.domain.annual_review import (
    DEFAULT_REVIEW_POLICY,
    ReviewFacts,
    ReviewOutcome,
    ReviewPolicy,
    more_lenient,
    recommend_review,
    review_due,
)
from rmdesk.domain.anomalies import statement_anomalies
from rmdesk.domain.classification import Category
from rmdesk.domain.lifecycle import CreditState
from rmdesk.domain.statements import StatementPeriod, period_problems
from rmdesk.org.models import User
from rmdesk.products.models import DailyBalance, Holding, ProductFamily
from rmdesk.rating.models import Rating, RatingStatus

RUNNING_STATES = [
    s.value
    for s in (CreditState.CONTRACT_SIGNED, CreditState.DISBURSED, CreditState.REPAYING, CreditState.OVERDUE, CreditState.RESTRUCTURED)
]
"""Credits whose line is running: signed and not yet closed or written off."""

OPINION_MIN_CHARACTERS = 10
"""The fewest characters (spaces not counted) of an opinion that departs from the machine leniently:
a sentence in Chinese or a few words in English, enough to say why."""


def _fen(expression) -> Cast:
    # Yuan as whole fen, rounded in the database: the sums in Polars are then exact.
    return Cast(Round(expression * 100), BigIntegerField())


def _yuan(fen: int | None) -> Decimal:
    return Decimal(int(fen or 0)).scaleb(-2)


def _running(prefix: str = "") -> Q:
    return Q(**{f"{prefix}state__in": RUNNING_STATES})


# --- the facts, column-wise ------------------------------------------------------------------------------


def _contract_frame() -> pl.DataFrame:
    rows = CreditApplication.objects.filter(_running(), contract__isnull=False).order_by().values_list(
        "contract__id", "customer_id", "contract__line_amount", "contract__valid_from", "contract__valid_until", "contract__signed_on"
    )
    return pl.DataFrame(
        [(c, cu, int(line * 100), vf, vu, so) for c, cu, line, vf, vu, so in rows],
        schema={"contract_id": pl.Int64, "customer_id": pl.Int64, "line_fen": pl.Int64, "valid_from": pl.Date, "valid_until": pl.Date, "signed_on": pl.Date},
        orient="row",
    )


def _loan_frame(*, as_of: datetime.date) -> pl.DataFrame:
    """Per running line: principal owed, worst category, most days past due now, inspections late."""
    rows = (
        Drawdown.objects.filter(_running("contract__application__"))
        .order_by()
        .annotate(outstanding_fen=_fen(F("loan__outstanding_principal")))
        .values_list("contract_id", "loan_id", "outstanding_fen", "loan__days_past_due", "loan__risk__category", "loan__risk__next_inspection_due")
    )
    frame = pl.DataFrame(
        list(rows),
        schema={
            "contract_id": pl.Int64, "loan_id": pl.Int64, "outstanding_fen": pl.Int64, "days_now": pl.Int64,
            "category": pl.String, "next_inspection_due": pl.Date,
        },
        orient="row",
    )
    rank = pl.col("category").fill_null(Category.NORMAL.value).replace_strict({c.value: c.rank for c in Category}, return_dtype=pl.Int64)
    return frame.with_columns(rank.alias("category_rank"), (pl.col("next_inspection_due") < as_of).fill_null(False).alias("late"))


def _arrears_frame(*, as_of: datetime.date) -> pl.DataFrame:
    """Per loan of a running line, the most days past due in the twelve months to `as_of`.

    An instalment unpaid at `as_of` is `as_of - due` days past due; one paid on `settled_on`
    reached `settled_on - 1 - due` days at its last night unpaid (days past due count from the
    oldest instalment not fully paid, rmdesk.domain.repayment), so the most of the loan's
    instalments is the most the loan reached. Those paid before the year began do not count.
    """
    year_ago = add_months(as_of, -12)
    rows = (
        Instalment.objects.filter(_running("loan__drawdown__contract__application__"), due_on__lt=as_of)
        .filter(Q(settled_on__isnull=True) | (Q(settled_on__gt=year_ago) & Q(settled_on__gt=F("due_on"))))
        .order_by()
        .values_list("loan_id", "due_on", "settled_on")
    )
    frame = pl.DataFrame(list(rows), schema={"loan_id": pl.Int64, "due_on": pl.Date, "settled_on": pl.Date}, orient="row")
    last_unpaid = (
        pl.when(pl.col("settled_on").is_null() | (pl.col("settled_on") > as_of))
        .then(pl.lit(as_of))
        .otherwise(pl.col("settled_on") - pl.duration(days=1))
    )
    return (
        frame.with_columns((last_unpaid - pl.col("due_on")).dt.total_days().clip(lower_bound=0).alias("days"))
        .group_by("loan_id")
        .agg(pl.col("days").max().alias("days_in_year"))
    )


def _customers_with_running_lines():
    return CreditApplication.objects.filter(_running(), contract__isnull=False).values("customer_id")


def _rating_frame() -> pl.DataFrame:
    """The decided ratings of the customers with a running line: grade, from, until."""
    rows = (
        Rating.objects.filter(status__in=RatingStatus.in_force(), customer__in=_customers_with_running_lines())
        .order_by("customer_id", "valid_from", "decided_at", "pk")
        .values_list("customer_id", "grade", "valid_from", "valid_until")
    )
    frame = pl.DataFrame(
        list(rows), schema={"customer_id": pl.Int64, "grade": pl.String, "valid_from": pl.Date, "valid_until": pl.Date}, orient="row"
    )
    # Of two ratings decided the same day, the later decision stands.
    return frame.unique(subset=["customer_id", "valid_from"], keep="last", maintain_order=True).sort("valid_from")


def _grades(contracts: pl.DataFrame, *, as_of: datetime.date) -> pl.DataFrame:
    """Per contract: the grade in force when it was signed, and the latest decided grade on `as_of`
    with its validity (rmdesk.credit.selectors.confirmed_grade_of, for every customer at once)."""
    ratings = _rating_frame()
    at_signing = (
        contracts.select("contract_id", "customer_id", "signed_on")
        .sort("signed_on")
        .join_asof(
            ratings.select("customer_id", "valid_from", pl.col("grade").alias("grade_at_approval")),
            left_on="signed_on", right_on="valid_from", by="customer_id", strategy="backward",
            # Both sides are sorted by date above; Polars cannot check it within the customers.
            check_sortedness=False,
        )
        .select("contract_id", "grade_at_approval")
    )
    now = (
        ratings.filter(pl.col("valid_from") <= as_of)
        .group_by("customer_id", maintain_order=True)
        .last()
        .select("customer_id", pl.col("grade").alias("grade_now"), pl.col("valid_until").alias("rating_valid_until"))
    )
    return contracts.select("contract_id", "customer_id").join(at_signing, on="contract_id", how="left").join(now, on="customer_id", how="left")


def _deposit_frame(*, as_of: datetime.date) -> pl.DataFrame:
    """Per customer with a running line: deposits here at the end of `as_of` and a year before
    (each holding's latest daily balance on or before the day; the balances are stored sparsely)."""
    year_ago = add_months(as_of, -12)

    def balance_on(day: datetime.date):
        return Subquery(DailyBalance.objects.filter(holding=OuterRef("pk"), on__lte=day).order_by("-on").values("balance")[:1])

    rows = (
        Holding.objects.filter(product__family=ProductFamily.DEPOSIT, customer__in=_customers_with_running_lines())
        .order_by()
        .annotate(now_fen=_fen(balance_on(as_of)), before_fen=_fen(balance_on(year_ago)))
        .values_list("customer_id", "now_fen", "before_fen")
    )
    frame = pl.DataFrame(list(rows), schema={"customer_id": pl.Int64, "now_fen": pl.Int64, "before_fen": pl.Int64}, orient="row")
    return frame.group_by("customer_id").agg(
        pl.col("now_fen").fill_null(0).sum().alias("deposits_now_fen"), pl.col("before_fen").fill_null(0).sum().alias("deposits_before_fen")
    )


def _statement_flags(*, as_of: datetime.date) -> dict[int, int]:
    """Per customer with a running line: the flags (rmdesk.domain.anomalies) on the latest statement
    of each basis ended by `as_of`, against the statement it follows, as the statements page shows
    them. One query of the lines; the comparison with the bank's flows is not counted here."""
    rows = (
        FinancialStatementLine.objects.filter(
            statement__customer__in=_customers_with_running_lines(), statement__period_end__lte=as_of
        )
        .order_by()
        .values_list("statement__customer_id", "statement__basis", "statement__period_end", "statement__period_months", "code", "amount")
    )
    statements: dict[tuple[int, str], dict[StatementPeriod, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for customer_id, basis, period_end, months, code, amount in rows:
        statements[(customer_id, basis)][StatementPeriod(period_end, months)][code] = amount
    flags: dict[int, int] = defaultdict(int)
    for (customer_id, basis), periods in statements.items():
        ordered = sorted(periods, key=lambda p: (p.period_end, p.period_months))
        latest = ordered[-1]
        before = ordered[-2] if len(ordered) > 1 and not period_problems([ordered[-2], latest]) else None
        flags[customer_id] += len(statement_anomalies(basis, periods[latest], periods[before] if before else None))
    return flags


def review_facts(*, as_of: datetime.date, contract_ids: set[int] | None = None) -> dict[int, ReviewFacts]:
    """The facts of the annual review of every running line (or of `contract_ids`) on `as_of`, by
    contract: seven queries over the whole set, joined in Polars (rmdesk.domain.annual_review.ReviewFacts)."""
    contracts = _contract_frame()
    if contract_ids is not None:
        contracts = contracts.filter(pl.col("contract_id").is_in(sorted(contract_ids)))
    loans = _loan_frame(as_of=as_of).join(_arrears_frame(as_of=as_of), on="loan_id", how="left")
    by_line = loans.group_by("contract_id").agg(
        pl.col("outstanding_fen").sum(),
        pl.col("category_rank").max(),
        pl.max_horizontal("days_now", pl.col("days_in_year").fill_null(0)).max().alias("max_days_past_due"),
        pl.col("late").sum().cast(pl.Int64).alias("inspections_late"),
    )
    frame = (
        contracts.join(by_line, on="contract_id", how="left")
        .join(_grades(contracts, as_of=as_of).drop("customer_id"), on="contract_id", how="left")
        .join(_deposit_frame(as_of=as_of), on="customer_id", how="left")
    )
    flags = _statement_flags(as_of=as_of)
    categories = {c.rank: c for c in Category}
    return {
        row["contract_id"]: ReviewFacts(
            as_of=as_of,
            line_amount=_yuan(row["line_fen"]),
            outstanding=_yuan(row["outstanding_fen"]),
            grade_at_approval=row["grade_at_approval"],
            grade_now=row["grade_now"],
            rating_valid_until=row["rating_valid_until"],
            category_now=categories[row["category_rank"] or 0],
            max_days_past_due=row["max_days_past_due"] or 0,
            inspections_late=row["inspections_late"] or 0,
            statement_flags=flags.get(row["customer_id"], 0),
            deposits_now=_yuan(row["deposits_now_fen"]),
            deposits_year_ago=_yuan(row["deposits_before_fen"]),
        )
        for row in frame.iter_rows(named=True)
    }


def facts_record(facts: ReviewFacts) -> dict:
    """The facts as kept with the review (JSON): amounts as strings to the fen, dates in ISO form."""

    def day(value: datetime.date | None) -> str:
        return value.isoformat() if value else ""

    return {
        "line_amount": str(facts.line_amount),
        "outstanding": str(facts.outstanding),
        "utilisation_percent": str((facts.utilisation * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)),
        "grade_at_approval": facts.grade_at_approval or "",
        "grade_now": facts.grade_now or "",
        "rating_valid_until": day(facts.rating_valid_until),
        "category_now": facts.category_now.value,
        "max_days_past_due": facts.max_days_past_due,
        "inspections_late": facts.inspections_late,
        "statement_flags": facts.statement_flags,
        "deposits_now": str(facts.deposits_now),
        "deposits_year_ago": str(facts.deposits_year_ago),
    }


# --- preparing the reviews -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRun:
    """What one preparation did on `as_of`: lines due within the lead days, reviews created,
    unconfirmed reviews whose facts were refreshed, confirmed ones left as they were."""

    as_of: datetime.date
    due: int
    created: int
    refreshed: int
    confirmed: int


@transaction.atomic
def credit_reviews_prepare(*, as_of: datetime.date, lead_days: int | None = None, policy: ReviewPolicy | None = None) -> ReviewRun:
    """Prepare the annual review of every running line (contract signed, disbursed, repaying, overdue,
    restructured) due within `lead_days` of `as_of`, and refresh every review of a running line
    not yet confirmed: facts gathered column-wise (``review_facts``), the domain's recommendation
    (``recommend_review``), new rows created in bulk and open ones updated in bulk. A confirmed
    review is never touched. Safe to run twice: the second run creates nothing. The lead days and
    thresholds are the bank's credit policy (``CreditPolicySetting``) unless given."""
    setting = CreditPolicySetting.objects.first()
    if lead_days is None:
        lead_days = setting.review_lead_days if setting else 30
    if policy is None:
        policy = setting.review_policy() if setting else DEFAULT_REVIEW_POLICY
    if lead_days < 0:
        raise ValueError(f"lead days must be 0 or more, not {lead_days}")
    horizon = as_of + datetime.timedelta(days=lead_days)
    due: dict[int, datetime.date] = {}
    for contract_id, valid_from, valid_until in _contract_frame().select("contract_id", "valid_from", "valid_until").iter_rows():
        on = review_due(valid_from, valid_until, as_of)
        if on is not None and on <= horizon:
            due[contract_id] = on
    existing = list(
        CreditLineReview.objects.select_for_update(of=("self",))
        .filter(_running("contract__application__"))
        .filter(Q(confirmed_on__isnull=True) | Q(due_on__gte=as_of))
        .values_list("pk", "contract_id", "due_on", "confirmed_on")
    )
    known = {(contract_id, on) for _pk, contract_id, on, _confirmed in existing}
    open_reviews = [(pk, contract_id) for pk, contract_id, _on, confirmed in existing if confirmed is None]
    confirmed = sum(1 for *_rest, when in existing if when is not None)
    facts = review_facts(as_of=as_of, contract_ids=set(due) | {contract_id for _pk, contract_id in open_reviews})

    def prepared(contract_id: int) -> dict:
        recommendation = recommend_review(facts[contract_id], policy)
        return {
            "prepared_on": as_of,
            "facts": facts_record(facts[contract_id]),
            "recommended": recommendation.outcome.value,
            "reasons": [{"code": r.code.value, "outcome": r.outcome.value, "figures": r.as_dict()} for r in recommendation.reasons],
        }

    created = CreditLineReview.objects.bulk_create(
        [CreditLineReview(contract_id=contract_id, due_on=on, **prepared(contract_id)) for contract_id, on in due.items() if (contract_id, on) not in known],
        batch_size=1000,
    )
    CreditLineReview.objects.bulk_update(
        [CreditLineReview(pk=pk, **prepared(contract_id)) for pk, contract_id in open_reviews],
        ["prepared_on", "facts", "recommended", "reasons"],
        batch_size=1000,
    )
    return ReviewRun(as_of, len(due), len(created), len(open_reviews), confirmed)


# --- the person's confirmation ----------------------------------------------------------------------------


class ReviewErrorCode(StrEnum):
    """Why a confirmation is refused."""

    ALREADY_CONFIRMED = "already_confirmed"
    UNKNOWN_OUTCOME = "unknown_outcome"
    OPINION_REQUIRED = "opinion_required"


def _refuse(code: ReviewErrorCode, message: str, field: str | None = None) -> ValidationError:
    error = ValidationError(message, code=code.value)
    return ValidationError({field: error}) if field else error


@transaction.atomic
def credit_review_confirm(*, review_id: int, user: User, outcome: str, opinion: str) -> CreditLineReview:
    """Confirm the outcome of an annual review, once.

    Rules (bank policy; the machine prepares, the person decides, DESIGN.md): only someone who may
    change the customer confirms (``restrict(user, "change")``, else PermissionDenied); the outcome
    is one of continue, reduce, freeze, exit; one more lenient than the machine's recommendation
    needs an opinion of at least ``OPINION_MIN_CHARACTERS`` characters saying why; a review is
    confirmed once and never changed after.
    """
    review = (
        CreditLineReview.objects.restrict(user, "change").select_for_update(of=("self",)).select_related("confirmed_by").filter(pk=review_id).first()
    )
    if review is None:
        raise PermissionDenied
    if review.confirmed:
        raise _refuse(
            ReviewErrorCode.ALREADY_CONFIRMED,
            _("This review was confirmed on %(date)s by %(person)s; a review is confirmed only once.")
            % {"date": review.confirmed_on.isoformat(), "person": review.confirmed_by},
        )
    try:
        chosen = ReviewOutcome(outcome)
    except ValueError:
        raise _refuse(ReviewErrorCode.UNKNOWN_OUTCOME, _("Outcome: choose continue, reduce, freeze or exit."), "outcome") from None
    opinion = opinion.strip()
    if more_lenient(chosen, review.recommended) and len("".join(opinion.split())) < OPINION_MIN_CHARACTERS:
        raise _refuse(
            ReviewErrorCode.OPINION_REQUIRED,
            _("Opinion: “%(chosen)s” is more lenient than the recommendation “%(recommended)s”; say why, in at least %(count)d characters.")
            % {
                "chosen": ReviewOutcomeChoice(chosen.value).label,
                "recommended": ReviewOutcomeChoice(review.recommended).label,
                "count": OPINION_MIN_CHARACTERS,
            },
            "opinion",
        )
    review.outcome, review.opinion, review.confirmed_by, review.confirmed_on = chosen.value, opinion, user, timezone.localdate()
    review.save(update_fields=["outcome", "opinion", "confirmed_by", "confirmed_on"])
    return review
