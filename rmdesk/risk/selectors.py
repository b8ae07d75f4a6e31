"""Reads for risk after the loan: the configuration in force, the nightly run's frames, the screens.

The nightly run's frames are one query per table over the whole portfolio, handed to Polars
whole (never a query per loan). The screens read through the user's scope
(``Model.objects.restrict(user)``): a loan outside it is not found.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import polars as pl
from django.db.models import BigIntegerField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Cast, Round
from django.http import Http404

from rmdesk.credit.models import CreditPolicySetting, Instalment, Loan
from rmdesk.customers.models import Customer
from rmdesk.desk.models import Document
from rmdesk.domain import classification as rules
from rmdesk.domain.classification import Category, Classification
from rmdesk.domain.inspection import Escalation, escalation, next_inspection_due
from rmdesk.domain.inspection import InspectionPolicy as InspectionRules
from rmdesk.domain.money import round_yuan
from rmdesk.domain.provisions import ProvisionRates
from rmdesk.domain.repayment import InstalmentPayment, ScheduledInstalment, amount_owed, arrears, payoff_schedule, penalty_interest
from rmdesk.org.models import OrgUnit, Role, User
from rmdesk.products.models import Direction, ProductFamily, Purpose, Transaction
from rmdesk.rating.models import Rating, RatingStatus
from rmdesk.risk.models import (
    CategoryChange,
    CategoryProposal,
    ClassificationPolicy,
    Inspection,
    InspectionPolicy,
    LoanRisk,
    ProposalStatus,
    ProvisionPolicy,
    Repayment,
    RepaymentLine,
    Restructuring,
)
from rmdesk.statements.selectors import statement_analysis
from rmdesk.statements.templatetags.statement_words import anomaly_text, flows_flag_text

IN_FORCE_REASON = "category in force"
"""The judgement every loan carries into classification: its category in force (LoanRisk)."""


# --- configuration -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskConfiguration:
    """The classification, provision and inspection policies in force, as rows and as rules."""

    classification_row: ClassificationPolicy
    classification: rules.ClassificationPolicy
    provisions: ProvisionRates
    inspection_row: InspectionPolicy
    inspection: InspectionRules

    @property
    def retail_kinds(self) -> frozenset[str]:
        return frozenset(self.classification_row.retail_kinds)

    @property
    def change_approvers(self) -> frozenset[str]:
        return frozenset(self.classification_row.change_approvers)


def risk_configuration() -> RiskConfiguration:
    """The policies as the bank has set them (the domain's defaults where a row is missing)."""
    classification = ClassificationPolicy.objects.order_by("pk").first() or ClassificationPolicy()
    provision = ProvisionPolicy.objects.order_by("pk").first() or ProvisionPolicy()
    inspection = InspectionPolicy.objects.order_by("pk").first() or InspectionPolicy()
    return RiskConfiguration(
        classification, classification.as_rules(), provision.as_rules(), inspection, inspection.as_rules()
    )


# --- the nightly run's frames ------------------------------------------------------------------------


def _fen(expression) -> Cast:
    """Yuan as whole fen, rounded in the database (SQLite sums decimals in binary floating point)."""
    return Cast(Round(expression * 100), BigIntegerField())


def _frame(queryset: QuerySet, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(list(queryset.values_list(*schema)), schema=schema, orient="row")


def _unpaid_on(as_of: datetime.date, prefix: str = "") -> Q:
    """Instalments not fully paid at the end of `as_of` (rmdesk.domain.repayment.ScheduledInstalment.unpaid_on)."""
    owed = Q(**{f"{prefix}principal_paid__lt": F(f"{prefix}principal_due")}) | Q(
        **{f"{prefix}interest_paid__lt": F(f"{prefix}interest_due")}
    )
    return Q(**{f"{prefix}settled_on__gt": as_of}) | (Q(**{f"{prefix}settled_on__isnull": True}) & owed)


def unpaid_instalment_frame(*, as_of: datetime.date) -> pl.DataFrame:
    """``loan_id`` and ``due_on`` of every instalment due before `as_of` and not fully paid at its end."""
    rows = Instalment.objects.filter(_unpaid_on(as_of), due_on__lt=as_of).order_by()
    return _frame(rows, {"loan_id": pl.Int64, "due_on": pl.Date})


def loan_status_frame() -> pl.DataFrame:
    """``id``, ``days_past_due`` and ``status_as_of`` of every loan."""
    return _frame(Loan.objects.order_by(), {"id": pl.Int64, "days_past_due": pl.Int64, "status_as_of": pl.Date})


LOAN_FRAME_SCHEMA = {
    "loan_id": pl.Int64,
    "customer_id": pl.Int64,
    "kind": pl.String,
    "credit_card": pl.Boolean,
    "balance_fen": pl.Int64,
    "days_past_due": pl.Int64,
    "disbursed_on": pl.Date,
    "has_risk": pl.Boolean,
    "in_force": pl.String,
    "category_since": pl.Date,
    "downgraded_on": pl.Date,
    "stage": pl.String,
    "risk_balance_fen": pl.Int64,
    "risk_general_fen": pl.Int64,
    "risk_specific_fen": pl.Int64,
    "last_inspected_on": pl.Date,
    "next_inspection_due": pl.Date,
    "observation_ends_on": pl.Date,
    "category_before": pl.String,
}


def loan_frame(loans: QuerySet[Loan] | None = None) -> pl.DataFrame:
    """Every loan (or `loans`) with its debtor and where it stands on risk, one row each (LOAN_FRAME_SCHEMA).

    One query: the loan, its customer's kind, its product's family, its ``LoanRisk`` row by an
    outer join (empty where the loan was never classified), and its latest approved
    ``Restructuring``'s observation period and category before (empty where never). Money in fen.
    """
    restructured = Restructuring.objects.filter(loan=OuterRef("pk"), status=ProposalStatus.APPROVED).order_by("-decided_at", "-pk")
    rows = (
        (Loan.objects.all() if loans is None else loans)
        .order_by()
        .annotate(
            loan_id=F("pk"),
            kind=F("customer__kind"),
            credit_card=Q(holding__product__family=ProductFamily.CREDIT_CARD),
            balance_fen=_fen(F("outstanding_principal")),
            has_risk=Q(risk__isnull=False),
            in_force=F("risk__category"),
            category_since=F("risk__category_since"),
            downgraded_on=F("risk__downgraded_on"),
            stage=F("risk__stage"),
            risk_balance_fen=_fen(F("risk__balance")),
            risk_general_fen=_fen(F("risk__provision_general")),
            risk_specific_fen=_fen(F("risk__provision_specific")),
            last_inspected_on=F("risk__last_inspected_on"),
            next_inspection_due=F("risk__next_inspection_due"),
            observation_ends_on=Subquery(restructured.values("observation_ends_on")[:1]),
            category_before=Subquery(restructured.values("category_before")[:1]),
        )
    )
    return _frame(rows, LOAN_FRAME_SCHEMA)


def grade_frame(*, as_of: datetime.date) -> pl.DataFrame:
    """``customer_id`` and ``grade``: each customer's decided rating in force on `as_of`, the latest."""
    rows = Rating.objects.filter(
        status__in=RatingStatus.in_force(), valid_from__lte=as_of, valid_until__gte=as_of
    ).order_by("customer_id", "-valid_from", "-pk")
    frame = _frame(rows, {"customer_id": pl.Int64, "grade": pl.String})
    return frame.unique("customer_id", keep="first", maintain_order=True)


# --- one loan, by the domain's rules -------------------------------------------------------------------


def schedule_of(instalments: Iterable[Instalment]) -> tuple[ScheduledInstalment, ...]:
    """A loan's instalments as the domain reads them."""
    return tuple(
        ScheduledInstalment(
            number=i.number, due_on=i.due_on, principal_due=i.principal_due, interest_due=i.interest_due,
            principal_paid=i.principal_paid, interest_paid=i.interest_paid, settled_on=i.settled_on,
        )
        for i in instalments
    )


def risk_of(loan: Loan) -> LoanRisk | None:
    """The loan's risk row, or None before its first classification."""
    try:
        return loan.risk
    except LoanRisk.DoesNotExist:
        return None


def classify_debtors(frame: pl.DataFrame, *, as_of: datetime.date, configuration: RiskConfiguration) -> dict[int, Classification]:
    """``classify_debtor`` for every debtor in `frame` (rows of ``loan_frame``), loan by loan,
    each loan carrying its category in force as the judgement."""
    results: dict[int, Classification] = {}
    for _debtor, rows in frame.sort("loan_id").group_by(["customer_id"], maintain_order=True):
        exposures = [
            rules.Exposure(
                reference=str(row["loan_id"]),
                balance=Decimal(row["balance_fen"]).scaleb(-2),
                days_past_due=row["days_past_due"],
                credit_card=row["credit_card"],
                observation_ends_on=row["observation_ends_on"],
                category_before_restructuring=Category(row["category_before"]) if row["category_before"] else None,
                judgement=Category(row["in_force"]) if row["in_force"] else None,
                judgement_reason=IN_FORCE_REASON if row["in_force"] else "",
            )
            for row in rows.iter_rows(named=True)
        ]
        retail = rows["kind"][0] in configuration.retail_kinds
        for result in rules.classify_debtor(exposures, as_of=as_of, retail=retail, policy=configuration.classification):
            results[int(result.reference)] = result
    return results


def floor_for_judgement(loan: Loan, *, as_of: datetime.date, configuration: RiskConfiguration) -> Classification:
    """The rules' classification of `loan` that a person's judgement on it is checked against:
    its debtor classified with the loan's own category in force left out (its siblings' still
    count for the debtor rule)."""
    frame = loan_frame(Loan.objects.filter(customer_id=loan.customer_id)).with_columns(
        pl.when(pl.col("loan_id") == loan.pk).then(None).otherwise(pl.col("in_force")).alias("in_force")
    )
    return classify_debtors(frame, as_of=as_of, configuration=configuration)[loan.pk]


def grade_in_force(customer_id: int, *, as_of: datetime.date) -> str | None:
    """The customer's decided grade in force on `as_of`, if any (as ``grade_frame``)."""
    rating = (
        Rating.objects.filter(customer_id=customer_id, status__in=RatingStatus.in_force(), valid_from__lte=as_of, valid_until__gte=as_of)
        .order_by("-valid_from", "-pk")
        .first()
    )
    return rating.grade if rating else None


def next_due_for(loan: Loan, risk: LoanRisk, *, as_of: datetime.date, configuration: RiskConfiguration) -> datetime.date | None:
    """``next_inspection_due`` for one loan; None once nothing is owed on it."""
    if loan.outstanding_principal <= 0 and loan.days_past_due == 0:
        return None
    return next_inspection_due(
        disbursed_on=loan.disbursed_on,
        last_inspected_on=risk.last_inspected_on,
        category=Category(risk.category),
        grade=grade_in_force(loan.customer_id, as_of=as_of),
        downgraded_on=risk.downgraded_on,
        policy=configuration.inspection,
    )


# --- screens ---------------------------------------------------------------------------------------------


def loan_in_scope(*, user: User, pk: int, action: str = "view") -> Loan:
    """The loan `pk` if `user` may see it (or change it, for ``action="change"``), else 404."""
    loan = (
        Loan.objects.restrict(user, action)
        .select_related("customer", "holding__product", "risk", "customer__primary_manager", "customer__org_unit")
        .filter(pk=pk)
        .first()
    )
    if loan is None:
        raise Http404
    return loan


@dataclass
class LoanRiskPage:
    """Everything a loan's risk page shows."""

    loan: Loan
    risk: LoanRisk | None
    instalments: list[Instalment]
    arrears: Decimal
    floor: Classification
    changes: list[CategoryChange]
    proposals: list[CategoryProposal]
    pending: CategoryProposal | None
    repayments: list[Repayment]
    inspections: list[Inspection]
    next_due: datetime.date | None
    escalation: Escalation | None
    escalated_to: str
    grade: str | None
    restructurings: list[Restructuring]
    pending_restructuring: Restructuring | None
    penalty: Decimal


def penalty_markup() -> Decimal:
    """The credit policy's penalty markup (the domain's default of 50% where no policy is set)."""
    markup = CreditPolicySetting.objects.values_list("penalty_markup", flat=True).first()
    return Decimal("0.50") if markup is None else markup


def penalty_owed(loan: Loan, *, as_of: datetime.date) -> Decimal:
    """The penalty and compound interest `loan` owes on `as_of`: what accrued on its instalments
    paid late or not yet paid (rmdesk.domain.repayment.penalty_interest, from the payments
    recorded with their days), less what payments already put on the penalty."""
    payments = [
        InstalmentPayment(number, paid_on, interest, principal)
        for number, paid_on, interest, principal in RepaymentLine.objects.filter(repayment__loan=loan, repayment__paid_on__lte=as_of)
        .values_list("instalment__number", "repayment__paid_on", "interest", "principal")
    ]
    accrued = penalty_interest(
        schedule_of(loan.instalments.order_by("number")), payments, as_of=as_of, annual_rate=loan.annual_rate, markup=penalty_markup()
    )
    paid = loan.repayments.filter(paid_on__lte=as_of).aggregate(paid=Sum("penalty"))["paid"] or Decimal(0)
    return max(round_yuan(accrued - paid), Decimal("0.00"))


def payoff_of(loan: Loan, schedule: tuple[ScheduledInstalment, ...], *, on: datetime.date) -> tuple[tuple[ScheduledInstalment, ...], Decimal]:
    """`schedule` (the loan's) re-set for repaying the loan in full on `on`
    (rmdesk.domain.repayment.payoff_schedule, the running period from the last due date or the
    disbursement), and what that costs, penalty interest included."""
    started = max((i.due_on for i in schedule if i.due_on <= on), default=loan.disbursed_on)
    reset = payoff_schedule(schedule, paid_on=on, annual_rate=loan.annual_rate, period_started_on=started)
    return reset, amount_owed(reset) + penalty_owed(loan, as_of=on)


def loan_risk_page(*, loan: Loan, today: datetime.date, configuration: RiskConfiguration) -> LoanRiskPage:
    """A loan's schedule with what is paid, its category and the floor the rules set now, the
    history of its categories, its proposals, repayments, inspections and restructurings."""
    instalments = list(loan.instalments.order_by("number"))
    restructurings = list(loan.restructurings.select_related("proposed_by", "decided_by"))
    as_of = max(today, loan.status_as_of)
    risk = risk_of(loan)
    proposals = list(loan.category_proposals.select_related("proposed_by", "decided_by"))
    next_due = risk.next_inspection_due if risk else None
    reached = escalation(due_on=next_due, today=today, policy=configuration.inspection) if next_due else None
    role = Role.objects.filter(code=reached.role).first() if reached else None
    return LoanRiskPage(
        loan=loan,
        risk=risk,
        instalments=instalments,
        arrears=arrears(schedule_of(instalments), as_of=as_of),
        floor=floor_for_judgement(loan, as_of=as_of, configuration=configuration),
        changes=list(loan.category_changes.select_related("decided_by").order_by("-on", "-pk")),
        proposals=proposals,
        pending=next((p for p in proposals if p.status == ProposalStatus.PENDING), None),
        repayments=list(
            loan.repayments.select_related("recorded_by").prefetch_related(
                Prefetch("lines", queryset=RepaymentLine.objects.select_related("instalment").order_by("instalment__number"))
            )
        ),
        inspections=list(loan.inspections.select_related("inspected_by")),
        next_due=next_due,
        escalation=reached,
        escalated_to=str(role) if role else (reached.role if reached else ""),
        grade=grade_in_force(loan.customer_id, as_of=today),
        restructurings=restructurings,
        pending_restructuring=next((r for r in restructurings if r.status == ProposalStatus.PENDING), None),
        penalty=penalty_owed(loan, as_of=as_of),
    )


def inspections_due(*, user: User, today: datetime.date, configuration: RiskConfiguration) -> QuerySet[LoanRisk]:
    """My inspections due: loans in `user`'s scope whose next inspection is due within the
    policy's days ahead (or is late), soonest first."""
    until = today + datetime.timedelta(days=configuration.inspection_row.list_days_ahead)
    return (
        LoanRisk.objects.restrict(user)
        .filter(next_inspection_due__lte=until)
        .select_related("loan__customer", "loan__holding__product")
        .order_by("next_inspection_due", "loan_id")
    )


@dataclass(frozen=True)
class OverdueInspection:
    """A late inspection, how far the domain's escalation has taken it, and the name of that role."""

    risk: LoanRisk
    escalation: Escalation
    role: str
    days_late: int


def overdue_inspections(*, user: User, today: datetime.date, configuration: RiskConfiguration) -> QuerySet[LoanRisk]:
    """Inspections in `user`'s scope not done by their due date and late enough to be escalated
    (the policy's first escalation step: by default the team leader from the day after), the
    longest late first."""
    first_step = configuration.inspection.escalation[0][0]
    return (
        LoanRisk.objects.restrict(user)
        .filter(next_inspection_due__lte=today - datetime.timedelta(days=first_step))
        .select_related("loan__customer__primary_manager", "loan__holding__product")
        .order_by("next_inspection_due", "loan_id")
    )


def escalated(risks: Iterable[LoanRisk], *, today: datetime.date, configuration: RiskConfiguration) -> list[OverdueInspection]:
    """Late inspections with how far the domain's ``escalation`` has taken each: the team leader,
    then after 30 days the risk officer (by default)."""
    roles = {role.code: str(role) for role in Role.objects.all()}
    result = []
    for risk in risks:
        step = escalation(due_on=risk.next_inspection_due, today=today, policy=configuration.inspection)
        if step is not None:
            result.append(OverdueInspection(risk, step, roles.get(step.role, step.role), (today - risk.next_inspection_due).days))
    return result


def pending_proposals(*, user: User) -> QuerySet[CategoryProposal]:
    """Proposals waiting for a decision on loans in `user`'s scope, oldest first."""
    return (
        CategoryProposal.objects.restrict(user)
        .filter(status=ProposalStatus.PENDING)
        .select_related("loan__customer", "proposed_by")
        .order_by("proposed_at")
    )


def loans_past_due(*, user: User) -> QuerySet[Loan]:
    """Loans in `user`'s scope past due, the longest first."""
    return (
        Loan.objects.restrict(user)
        .filter(days_past_due__gt=0)
        .select_related("customer", "risk", "holding__product")
        .order_by("-days_past_due", "pk")
    )


# --- provisions rolled up --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RollUpRow:
    """Reserves of a group of loans: count, balance, non-performing balance, general and specific (yuan)."""

    key: str
    label: str
    loans: int
    balance: Decimal
    non_performing: Decimal
    general: Decimal
    specific: Decimal
    by_category: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return self.general + self.specific

    @property
    def npl_ratio(self) -> Decimal | None:
        return (self.non_performing / self.balance * 100).quantize(Decimal("0.01")) if self.balance else None


@dataclass(frozen=True)
class ProvisionRollUp:
    """The reserves of a scope by account manager, by managing unit, and in all."""

    total: RollUpRow
    by_manager: list[RollUpRow]
    by_unit: list[RollUpRow]
    as_of: datetime.date | None


def _yuan(fen: int) -> Decimal:
    return Decimal(int(fen)).scaleb(-2)


def _roll_up(frame: pl.DataFrame, key: str, labels: dict) -> list[RollUpRow]:
    categories = [c.value for c in Category]
    grouped = (
        frame.group_by(key)
        .agg(
            pl.len().alias("loans"),
            pl.col("balance_fen").sum(),
            pl.col("balance_fen").filter(pl.col("category").is_in([c.value for c in Category if c.is_non_performing])).sum().alias("np_fen"),
            pl.col("general_fen").sum(),
            pl.col("specific_fen").sum(),
            *(pl.col("balance_fen").filter(pl.col("category") == c).sum().alias(c) for c in categories),
        )
        .sort("balance_fen", descending=True)
    )
    return [
        RollUpRow(
            key=str(row[key]),
            label=str(labels.get(row[key], row[key])),
            loans=row["loans"],
            balance=_yuan(row["balance_fen"]),
            non_performing=_yuan(row["np_fen"]),
            general=_yuan(row["general_fen"]),
            specific=_yuan(row["specific_fen"]),
            by_category={c: _yuan(row[c]) for c in categories},
        )
        for row in grouped.iter_rows(named=True)
    ]


def provision_roll_up(*, user: User) -> ProvisionRollUp:
    """The reserves of the loans in `user`'s scope with a balance, rolled up column-wise.

    One query of the loans' stored reserves (each rounded to the fen by the nightly run); the
    groups are sums of those, so every total ties out to its lines (rmdesk.domain.provisions.roll_up).
    """
    rows = (
        LoanRisk.objects.restrict(user)
        .filter(balance__gt=0)
        .order_by()
        .annotate(
            manager_id=F("loan__customer__primary_manager_id"),
            unit_id=F("loan__customer__org_unit_id"),
            balance_fen=_fen(F("balance")),
            general_fen=_fen(F("provision_general")),
            specific_fen=_fen(F("provision_specific")),
        )
    )
    frame = _frame(
        rows,
        {"manager_id": pl.Int64, "unit_id": pl.Int64, "category": pl.String, "balance_fen": pl.Int64, "general_fen": pl.Int64, "specific_fen": pl.Int64},
    ).with_columns(pl.lit("all").alias("all"))
    as_of = LoanRisk.objects.restrict(user).order_by("-as_of").values_list("as_of", flat=True).first()
    if frame.is_empty():
        empty = RollUpRow("all", "", 0, Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), {c.value: Decimal("0.00") for c in Category})
        return ProvisionRollUp(empty, [], [], as_of)
    managers = {u.pk: str(u) for u in User.objects.filter(pk__in=frame["manager_id"].unique().to_list())}
    units = {u.pk: str(u) for u in OrgUnit.objects.filter(pk__in=frame["unit_id"].unique().to_list())}
    return ProvisionRollUp(
        total=_roll_up(frame, "all", {})[0],
        by_manager=_roll_up(frame, "manager_id", managers),
        by_unit=_roll_up(frame, "unit_id", units),
        as_of=as_of,
    )


# --- the inspection form's facts ---------------------------------------------------------------------------


def _money(value: Decimal | None) -> str:
    # Sums come back from SQLite without their decimal places.
    return str(round_yuan(value if value is not None else Decimal(0)))


def inspection_facts(*, user: User, loan: Loan, today: datetime.date, configuration: RiskConfiguration) -> dict:
    """What the data says about `loan` since its last inspection (or its disbursement), for the
    inspection form and kept with the inspection: money in and out of the customer's accounts,
    the instalments due and how they were paid, days past due and arrears, documents expired or
    expiring within the policy's days ahead, the flags of the customer's latest statements, the
    grade and the category. Everything read through `user`'s scope; JSON-ready."""
    risk = risk_of(loan)
    last = Inspection.objects.filter(loan=loan).order_by("-inspected_on").values_list("inspected_on", flat=True).first()
    since = last or loan.disbursed_on
    flows = Transaction.objects.restrict(user).filter(customer=loan.customer, booked_on__gt=since, booked_on__lte=today)
    totals = flows.aggregate(
        inflow=Sum("amount", filter=Q(direction=Direction.CREDIT)), outflow=Sum("amount", filter=Q(direction=Direction.DEBIT))
    )
    purposes = {
        (row["purpose"], row["direction"]): row["total"]
        for row in flows.order_by().values("purpose", "direction").annotate(total=Sum("amount"))
    }
    by_purpose = [
        {"purpose": str(Purpose(p).label), "inflow": _money(purposes.get((p, Direction.CREDIT))), "outflow": _money(purposes.get((p, Direction.DEBIT)))}
        for p in sorted({p for p, _ in purposes})
    ]
    counterparties = [
        {"name": row["counterparty_name"], "total": _money(row["total"])}
        for row in flows.filter(direction=Direction.CREDIT)
        .exclude(counterparty_name="")
        .order_by()
        .values("counterparty_name")
        .annotate(total=Sum("amount"))
        .order_by("-total")[:5]
    ]
    instalments = list(loan.instalments.filter(due_on__gt=since, due_on__lt=today).order_by("number"))
    on_time = sum(1 for i in instalments if i.settled_on is not None and i.settled_on <= i.due_on)
    late = sum(1 for i in instalments if i.settled_on is not None and i.settled_on > i.due_on)
    schedule = schedule_of(loan.instalments.order_by("number"))
    soon = today + datetime.timedelta(days=configuration.inspection_row.list_days_ahead)
    documents = [
        {"kind": d.get_kind_display(), "title": d.title, "expires_on": d.expires_on.isoformat(), "expired": d.expires_on < today}
        for d in Document.objects.restrict(user).filter(customer=loan.customer, expires_on__isnull=False, expires_on__lte=soon).order_by("expires_on")
    ]
    repayments = [
        {"paid_on": r.paid_on.isoformat(), "amount": _money(r.amount)}
        for r in Repayment.objects.restrict(user).filter(loan=loan, paid_on__gt=since).order_by("paid_on")
    ]
    return {
        "since": since.isoformat(),
        "until": today.isoformat(),
        "inflow": _money(totals["inflow"]),
        "outflow": _money(totals["outflow"]),
        "by_purpose": by_purpose,
        "counterparties": counterparties,
        "instalments_due": len(instalments),
        "paid_on_time": on_time,
        "paid_late": late,
        "unpaid": len(instalments) - on_time - late,
        "repayments": repayments,
        "days_past_due": loan.days_past_due,
        "status_as_of": loan.status_as_of.isoformat(),
        "arrears": _money(arrears(schedule, as_of=today)),
        "outstanding": _money(loan.outstanding_principal),
        "documents": documents,
        "statement_flags": statement_flags(user=user, customer=loan.customer),
        "grade": grade_in_force(loan.customer_id, as_of=today) or "",
        "category": risk.category if risk else "",
    }


def statement_flags(*, user: User, customer: Customer) -> list[str]:
    """The flags of the customer's latest statement of each basis (rmdesk.statements), in words."""
    flags = []
    for analysis in statement_analysis(user=user, customer=customer):
        latest = analysis.columns[-1]
        flags += [anomaly_text(anomaly, analysis.basis) for anomaly in latest.anomalies]
        flags += [flows_flag_text(flag, latest.flows) for flag in latest.flows.flags]
    return flags
