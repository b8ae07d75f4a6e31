"""The portfolio batch's reads: one query per table over the whole bank, handed to Polars whole.

Never a query per customer. Money comes out of the database as whole fen (rounded there:
SQLite sums decimals in binary floating point) and rates as whole millionths, so every sum in
Polars is exact integer arithmetic. On PostgreSQL each query is streamed out with ``COPY ...
TO STDOUT`` (psycopg 3) and parsed by Polars, which at ten million transactions is several
times faster than building a Python tuple per row; SQLite returns rows through the ORM.
"""

from __future__ import annotations

import datetime
import io

import polars as pl
from django.db import connection
from django.db.models import BigIntegerField, Case, Count, DateField, Exists, F, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Cast, Round, TruncDate

from rmdesk.credit.models import Loan
from rmdesk.customers.models import BookAssignment, BookRole, Customer, FinancialStatement, KeyPerson
from rmdesk.desk.models import Interaction, InteractionKind
from rmdesk.marketing.models import (
    CampaignTarget,
    CustomerSnapshot,
    Interest,
    KnowledgeConfirmation,
    OtherBankProduct,
    TargetStatus,
)
from rmdesk.org.models import User
from rmdesk.products.models import Channel, DailyBalance, Direction, Holding, Product, Purpose, Transaction
from rmdesk.rating.models import Rating, RatingStatus
from rmdesk.risk.models import LoanRisk

MICRO = 1_000_000


def fen(expression) -> Cast:
    """Yuan as whole fen, rounded in the database."""
    return Cast(Round(expression * 100), BigIntegerField())


def micro(expression) -> Cast:
    """A rate as whole millionths, rounded in the database."""
    return Cast(Round(expression * MICRO), BigIntegerField())


def query_frame(queryset: QuerySet, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The rows of ``queryset`` as a frame whose columns are ``schema``'s names and types.

    Booleans are read as 0/1 integers cast in the query (``Case``) so both databases agree.
    """
    values = queryset.values_list(*schema)
    if connection.vendor != "postgresql":
        return pl.DataFrame(list(values), schema=schema, orient="row")
    query = values.query
    # The order of the SELECT list as Django writes it (5.2 keeps the order asked for).
    order = list(query.selected)
    sql, params = query.sql_with_params()
    buffer = io.BytesIO()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
        for block in copy:
            buffer.write(block)
    if buffer.tell() == 0:
        return pl.DataFrame(schema=schema)
    buffer.seek(0)
    read = pl.read_csv(buffer, has_header=False, new_columns=order, schema={name: schema[name] for name in order})
    return read.select(list(schema))


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


# --- customers, their books and what they hold ----------------------------------------------------------

CUSTOMER_SCHEMA = {
    "customer_id": pl.Int64,
    "kind": pl.String,
    "industry": pl.String,
    "customer_since": pl.Date,
    "manager_id": pl.Int64,
    "org_unit_id": pl.Int64,
    "has_phone": pl.Int8,
    "has_address": pl.Int8,
    "has_township": pl.Int8,
    "has_occupation": pl.Int8,
    "has_established_on": pl.Int8,
    "has_registered_capital": pl.Int8,
}


def customer_frame(customers: QuerySet[Customer] | None = None) -> pl.DataFrame:
    """Every customer (or ``customers``): kind, industry, since when, whose book, and which
    profile fields are filled in (1) or empty (0)."""
    rows = (Customer.objects.all() if customers is None else customers).order_by().annotate(
        customer_id=F("pk"),
        manager_id=F("primary_manager_id"),
        has_phone=_flag(~Q(phone="")),
        has_address=_flag(~Q(address="")),
        has_township=_flag(~Q(township="")),
        has_occupation=_flag(~Q(occupation="")),
        has_established_on=_flag(Q(established_on__isnull=False)),
        has_registered_capital=_flag(Q(registered_capital__isnull=False)),
    )
    return query_frame(rows, CUSTOMER_SCHEMA)


def product_frame() -> pl.DataFrame:
    """The catalogue: id, code, family, for whom, launched and withdrawn."""
    return query_frame(
        Product.objects.order_by().annotate(
            product_id=F("pk"), individuals=_flag(Q(for_individuals=True)), organisations=_flag(Q(for_organisations=True))
        ),
        {
            "product_id": pl.Int64,
            "code": pl.String,
            "family": pl.String,
            "individuals": pl.Int8,
            "organisations": pl.Int8,
            "launched_on": pl.Date,
            "withdrawn_on": pl.Date,
        },
    )


HOLDING_SCHEMA = {
    "holding_id": pl.Int64,
    "customer_id": pl.Int64,
    "product_id": pl.Int64,
    "opened_on": pl.Date,
    "closed_on": pl.Date,
    "carry_fen": pl.Int64,
}


def holding_frame(*, start: datetime.date, as_of: datetime.date, holdings: QuerySet[Holding] | None = None) -> pl.DataFrame:
    """Every holding opened by ``as_of`` with its balance at the end of the day before ``start``
    (``carry_fen``: the latest daily balance before it, 0 if none), which the balances of the
    window (``balance_frame``) carry on from."""
    carry = DailyBalance.objects.filter(holding=OuterRef("pk"), on__lt=start).order_by("-on").values("balance")[:1]
    rows = (Holding.objects.all() if holdings is None else holdings).filter(opened_on__lte=as_of).order_by().annotate(
        holding_id=F("pk"), carry_fen=fen(Subquery(carry))
    )
    return query_frame(rows, HOLDING_SCHEMA).with_columns(pl.col("carry_fen").fill_null(0))


def balance_frame(*, start: datetime.date, as_of: datetime.date, holdings: QuerySet[Holding] | None = None) -> pl.DataFrame:
    """End-of-day balances of the days they changed from ``start`` to ``as_of``."""
    rows = DailyBalance.objects.filter(on__gte=start, on__lte=as_of).order_by().annotate(balance_fen=fen(F("balance")))
    if holdings is not None:
        rows = rows.filter(holding__in=holdings.values("pk"))
    return query_frame(rows, {"holding_id": pl.Int64, "on": pl.Date, "balance_fen": pl.Int64})


def loan_terms_frame(loans: QuerySet[Loan] | None = None) -> pl.DataFrame:
    """The contract rate (millionths) and term of every loan, by its holding."""
    rows = (Loan.objects.all() if loans is None else loans).order_by().annotate(rate_micro=micro(F("annual_rate")))
    return query_frame(rows, {"holding_id": pl.Int64, "rate_micro": pl.Int64, "term_months": pl.Int64})


def assignment_frame() -> pl.DataFrame:
    """Every primary assignment of the book's history: customer, manager, from, until."""
    rows = BookAssignment.objects.filter(role=BookRole.PRIMARY).order_by()
    return query_frame(rows, {"customer_id": pl.Int64, "manager_id": pl.Int64, "started_on": pl.Date, "ended_on": pl.Date})


def manager_unit_frame() -> pl.DataFrame:
    """Every person's org unit."""
    return query_frame(User.objects.order_by().annotate(manager_id=F("pk")), {"manager_id": pl.Int64, "org_unit_id": pl.Int64})


# --- risk: grades and classification ----------------------------------------------------------------


def rating_frame(*, as_of: datetime.date, customers: QuerySet[Customer] | None = None) -> pl.DataFrame:
    """Per customer: the grade and PD (millionths) of the decided rating in force on ``as_of``
    (the latest), and the PD of its latest rating of any status (the machine's proposal where
    nothing is decided yet)."""
    rows = Rating.objects.filter(as_of__lte=as_of).order_by()
    if customers is not None:
        rows = rows.filter(customer__in=customers.values("pk"))
    frame = query_frame(
        rows.annotate(
            rating_id=F("pk"),
            in_force=_flag(Q(status__in=RatingStatus.in_force(), valid_from__lte=as_of, valid_until__gte=as_of)),
            pd_micro=micro(F("pd")),
            proposed_micro=micro(F("proposed_pd")),
            decided_on=F("valid_from"),
        ),
        {
            "rating_id": pl.Int64,
            "customer_id": pl.Int64,
            "in_force": pl.Int8,
            "grade": pl.String,
            "pd_micro": pl.Int64,
            "proposed_micro": pl.Int64,
            "decided_on": pl.Date,
        },
    )
    decided = (
        frame.filter(pl.col("in_force") == 1)
        .sort(["customer_id", "decided_on", "rating_id"], descending=[False, True, True])
        .unique("customer_id", keep="first", maintain_order=True)
        .select("customer_id", "grade", "pd_micro")
    )
    latest = (
        frame.sort(["customer_id", "rating_id"], descending=[False, True])
        .unique("customer_id", keep="first", maintain_order=True)
        .select("customer_id", pl.coalesce("pd_micro", "proposed_micro").alias("latest_pd_micro"))
    )
    return latest.join(decided, on="customer_id", how="left")


def classification_frame(loans: QuerySet[Loan] | None = None) -> pl.DataFrame:
    """``customer_id``, ``loan_id`` and ``category`` of every loan owing something that has
    been classified (rmdesk.risk: the category in force)."""
    rows = LoanRisk.objects.filter(loan__outstanding_principal__gt=0).order_by().annotate(customer_id=F("loan__customer_id"))
    if loans is not None:
        rows = rows.filter(loan__in=loans.values("pk"))
    return query_frame(rows, {"customer_id": pl.Int64, "loan_id": pl.Int64, "category": pl.String})


# --- money in and out ----------------------------------------------------------------------------------

FLOW_SALARY, FLOW_PENSION, FLOW_SALES, FLOW_WAGES = "salary", "pension", "sales", "wages"
_FLOW = Case(
    When(direction=Direction.CREDIT, purpose=Purpose.SALARY, then=Value(FLOW_SALARY)),
    When(direction=Direction.CREDIT, purpose__in=[Purpose.SALES, Purpose.FARM_SALES], then=Value(FLOW_SALES)),
    When(direction=Direction.CREDIT, purpose=Purpose.TRANSFER, channel=Channel.BATCH, then=Value(FLOW_PENSION)),
    When(direction=Direction.DEBIT, purpose=Purpose.WAGES_PAID, then=Value(FLOW_WAGES)),
    default=Value(""),
)
"""Regular income (salary; sales and farm produce; pensions and subsidies, which the state pays
by batch transfer) and wages paid out: the flows that say who pays the customer here."""


def flow_frame(*, start: datetime.date, as_of: datetime.date, transactions: QuerySet[Transaction] | None = None) -> pl.DataFrame:
    """Regular income and wages paid, per customer, day and flow (``_FLOW``), in fen."""
    rows = (Transaction.objects.all() if transactions is None else transactions).filter(booked_on__gte=start, booked_on__lte=as_of)
    rows = (
        rows.filter(
            Q(direction=Direction.CREDIT, purpose__in=[Purpose.SALARY, Purpose.SALES, Purpose.FARM_SALES])
            | Q(direction=Direction.CREDIT, purpose=Purpose.TRANSFER, channel=Channel.BATCH)
            | Q(direction=Direction.DEBIT, purpose=Purpose.WAGES_PAID)
        )
        .annotate(flow=_FLOW)
        .values("customer_id", "booked_on", "flow")
        .annotate(amount_fen=fen(Sum("amount")))
        .order_by()
    )
    return query_frame(rows, {"customer_id": pl.Int64, "booked_on": pl.Date, "flow": pl.String, "amount_fen": pl.Int64})


def activity_frame(*, as_of: datetime.date, outflow_from: datetime.date, transactions: QuerySet[Transaction] | None = None) -> pl.DataFrame:
    """Per customer: the first and last day of any transaction, the last transaction of their
    own (anything but interest the bank booked) and the money paid out since ``outflow_from``
    (fen), up to ``as_of``."""
    rows = (
        (Transaction.objects.all() if transactions is None else transactions)
        .filter(booked_on__lte=as_of)
        .values("customer_id")
        .annotate(
            first_on=Min("booked_on"),
            last_on=Max("booked_on"),
            last_own_on=Max("booked_on", filter=~Q(purpose=Purpose.INTEREST)),
            outflow_fen=fen(Sum("amount", filter=Q(direction=Direction.DEBIT, booked_on__gte=outflow_from))),
        )
        .order_by()
    )
    frame = query_frame(
        rows,
        {"customer_id": pl.Int64, "first_on": pl.Date, "last_on": pl.Date, "last_own_on": pl.Date, "outflow_fen": pl.Int64},
    )
    return frame.with_columns(pl.col("outflow_fen").fill_null(0))


def own_transfer_frame(*, start: datetime.date, as_of: datetime.date, transactions: QuerySet[Transaction] | None = None) -> pl.DataFrame:
    """Money sent out to accounts in the customer's own name that are not accounts of this bank,
    per customer, day and receiving bank, in fen: the customer's own accounts at other banks."""
    ours = Holding.objects.filter(account_number=OuterRef("counterparty_account"))
    rows = (
        (Transaction.objects.all() if transactions is None else transactions)
        .filter(direction=Direction.DEBIT, booked_on__gte=start, booked_on__lte=as_of, counterparty_name=F("customer__name"))
        .exclude(counterparty_account="")
        .exclude(Exists(ours))
        .annotate(bank=F("counterparty_bank"))
        .values("customer_id", "booked_on", "bank")
        .annotate(amount_fen=fen(Sum("amount")))
        .order_by()
    )
    return query_frame(rows, {"customer_id": pl.Int64, "booked_on": pl.Date, "bank": pl.String, "amount_fen": pl.Int64})


# --- what the account managers know ------------------------------------------------------------------


def other_bank_frame(*, as_of: datetime.date, customers: QuerySet[Customer] | None = None) -> pl.DataFrame:
    """Products at other banks recorded by ``as_of``: customer, bank, family, when recorded and ended."""
    rows = OtherBankProduct.objects.filter(recorded_on__lte=as_of).order_by()
    if customers is not None:
        rows = rows.filter(customer__in=customers.values("pk"))
    return query_frame(
        rows,
        {"customer_id": pl.Int64, "bank": pl.String, "family": pl.String, "recorded_on": pl.Date, "ended_on": pl.Date},
    )


def knowledge_frame(*, as_of: datetime.date, customers: QuerySet[Customer] | None = None) -> pl.DataFrame:
    """Per customer, the days the knowledge score reads (rmdesk.domain.knowledge.KnowledgeFacts),
    known by ``as_of``: key people on file, the latest statement's period end, the latest
    interest recorded, the latest product at another bank recorded, the latest confirmation of
    each area, the last visit or meeting and the last contact of any kind. One query per table."""

    def of(model, **extra) -> QuerySet:
        rows = model.objects.order_by()
        if customers is not None:
            rows = rows.filter(customer__in=customers.values("pk"))
        return rows.filter(**extra).values("customer_id")

    frames = [
        query_frame(of(KeyPerson).annotate(key_people=Count("pk")), {"customer_id": pl.Int64, "key_people": pl.Int64}),
        query_frame(
            of(FinancialStatement, period_end__lte=as_of).annotate(statements_on=Max("period_end")),
            {"customer_id": pl.Int64, "statements_on": pl.Date},
        ),
        query_frame(
            of(Interest, recorded_on__lte=as_of).annotate(interests_recorded_on=Max("recorded_on")),
            {"customer_id": pl.Int64, "interests_recorded_on": pl.Date},
        ),
        query_frame(
            of(OtherBankProduct, recorded_on__lte=as_of).annotate(competitors_recorded_on=Max("recorded_on")),
            {"customer_id": pl.Int64, "competitors_recorded_on": pl.Date},
        ),
        query_frame(
            of(KnowledgeConfirmation, confirmed_on__lte=as_of).annotate(
                **{
                    f"confirmed_{area}": Max("confirmed_on", filter=Q(area=area))
                    for area in ("profile", "key_people", "interests", "competitors")
                }
            ),
            {
                "customer_id": pl.Int64,
                "confirmed_profile": pl.Date,
                "confirmed_key_people": pl.Date,
                "confirmed_interests": pl.Date,
                "confirmed_competitors": pl.Date,
            },
        ),
    ]
    seen = of(Interaction).annotate(day=TruncDate("occurred_at")).filter(day__lte=as_of).values("customer_id")
    frames.append(
        query_frame(
            seen.annotate(
                last_visit_on=Max("day", filter=Q(kind__in=[InteractionKind.VISIT, InteractionKind.MEETING]), output_field=DateField()),
                last_contact_on=Max("day", output_field=DateField()),
            ),
            {"customer_id": pl.Int64, "last_visit_on": pl.Date, "last_contact_on": pl.Date},
        )
    )
    out = frames[0]
    for other in frames[1:]:
        out = out.join(other, on="customer_id", how="full", coalesce=True)
    return out


def campaign_outcome_frame() -> pl.DataFrame:
    """Every campaign contact with an outcome: customer, product, the segments date of the
    campaign, accepted (1) or declined (0)."""
    rows = CampaignTarget.objects.filter(status__in=TargetStatus.outcomes()).order_by().annotate(
        product_id=F("campaign__product_id"),
        segment_as_of=F("campaign__segment_as_of"),
        accepted=_flag(Q(status=TargetStatus.ACCEPTED)),
    )
    return query_frame(
        rows, {"customer_id": pl.Int64, "product_id": pl.Int64, "segment_as_of": pl.Date, "accepted": pl.Int8}
    )


def snapshot_feature_frame(dates: list[datetime.date]) -> pl.DataFrame:
    """The features the acceptance model reads, from the snapshots of ``dates``."""
    rows = CustomerSnapshot.objects.filter(as_of__in=dates).order_by().annotate(aum_fen=fen(F("aum")))
    return query_frame(
        rows,
        {"customer_id": pl.Int64, "as_of": pl.Date, "kind": pl.String, "aum_fen": pl.Int64, "families_held": pl.Int64},
    )
