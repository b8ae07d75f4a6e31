"""Writes for risk after the loan: repayments, days past due, classification and provisions, inspections.

Every write is one transaction. The rules are the domain's: repayments are allocated by
rmdesk.domain.repayment, loans classified by rmdesk.domain.classification (the category in
force is the judgement the floors apply to, so the floors move a loan worse automatically and
nothing moves it better without an approved proposal), reserves by rmdesk.domain.provisions
and inspections scheduled by rmdesk.domain.inspection. The nightly steps compute the same
rules column-wise over the whole portfolio (rmdesk.risk.columns) and write in bulk; the
per-loan services call the domain functions directly and write through the same recorder.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rmdesk.credit.models import CreditApplication, Drawdown, Instalment, Loan
from rmdesk.credit.services import credit_apply, credit_of
from rmdesk.customers.models import Customer
from rmdesk.domain import classification as rules
from rmdesk.domain import lifecycle
from rmdesk.domain.amortisation import RepaymentMethod, repayment_schedule
from rmdesk.domain.classification import Category, Classification, FloorRule, observation_period_end
from rmdesk.domain.provisions import ifrs9_stage, loan_provision
from rmdesk.domain.repayment import (
    RepaymentError,
    RepaymentErrorCode,
    allocate_repayment,
    amount_owed,
    apply_allocation,
    days_past_due,
)
from rmdesk.org.models import User
from rmdesk.products.models import Holding
from rmdesk.risk import columns
from rmdesk.risk.models import (
    CategoryChange,
    CategoryChoice,
    CategoryProposal,
    Conclusion,
    Inspection,
    InspectionKind,
    LoanRisk,
    ProposalStatus,
    Repayment,
    RepaymentLine,
    Restructuring,
)
from rmdesk.risk.selectors import (
    RiskConfiguration,
    classify_debtors,
    floor_for_judgement,
    grade_frame,
    inspection_facts,
    loan_frame,
    loan_status_frame,
    next_due_for,
    payoff_of,
    penalty_owed,
    risk_configuration,
    risk_of,
    schedule_of,
    unpaid_instalment_frame,
)


class RiskErrorCode(StrEnum):
    """Why the desk refuses a risk action (the domain's own codes are passed on as they are)."""

    NOT_AN_APPROVER = "not_an_approver"
    OWN_PROPOSAL = "own_proposal"
    PROPOSAL_PENDING = "proposal_pending"
    NO_PENDING_PROPOSAL = "no_pending_proposal"
    SAME_CATEGORY = "same_category"
    CATEGORY_MOVED = "category_moved"
    REASON_REQUIRED = "reason_required"
    DATE_IN_FUTURE = "date_in_future"
    DATE_OUT_OF_ORDER = "date_out_of_order"
    BEFORE_DISBURSEMENT = "before_disbursement"
    NOTHING_TO_RESTRUCTURE = "nothing_to_restructure"
    FIRST_REPAYMENT_INVALID = "first_repayment_invalid"


def _refuse(code: StrEnum, message: str, field: str | None = None) -> ValidationError:
    error = ValidationError(message, code=str(code))
    return ValidationError({field: error}) if field else error


def _fen(amount: Decimal) -> int:
    return int(amount * 100)


def _yuan(fen: int) -> Decimal:
    return Decimal(int(fen)).scaleb(-2)


def _reasons(classification: Classification) -> list[dict]:
    """The rules that set a classification, without the category in force it was carried into it with."""
    return [
        {"rule": r.rule.value, "category": r.category.value, "detail": r.detail, "figures": dict(r.figures)}
        for r in classification.reasons
        if r.rule is not FloorRule.JUDGEMENT
    ]


# --- days past due -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DaysPastDueRun:
    """What one run of the days-past-due step did: loans, loans past due, loans whose days changed."""

    as_of: datetime.date
    loans: int
    past_due: int
    changed: int


def days_past_due_frame(*, as_of: datetime.date) -> pl.DataFrame:
    """Every loan's ``days_past_due`` on `as_of`, column-wise (rmdesk.domain.repayment.days_past_due):
    from the oldest instalment due before `as_of` and not fully paid at its end; with the days
    stored now as ``stored``."""
    oldest = unpaid_instalment_frame(as_of=as_of).group_by("loan_id").agg(pl.col("due_on").min())
    return (
        loan_status_frame()
        .rename({"id": "loan_id", "days_past_due": "stored"})
        .join(oldest, on="loan_id", how="left")
        .with_columns(columns.days_between(as_of, pl.col("due_on")).fill_null(0).cast(pl.Int64).alias("days_past_due"))
    )


@transaction.atomic
def days_past_due_refresh(*, as_of: datetime.date) -> DaysPastDueRun:
    """Days past due of the whole portfolio as of `as_of`: one query of the unpaid instalments,
    the days in Polars, one bulk update of the loans whose days changed, and every loan's
    ``status_as_of`` set in one statement. Safe to run twice."""
    frame = days_past_due_frame(as_of=as_of)
    changed = frame.filter(pl.col("days_past_due") != pl.col("stored"))
    Loan.objects.bulk_update(
        [Loan(pk=row["loan_id"], days_past_due=row["days_past_due"]) for row in changed.iter_rows(named=True)],
        ["days_past_due"],
        batch_size=1000,
    )
    Loan.objects.exclude(status_as_of=as_of).update(status_as_of=as_of)
    return DaysPastDueRun(as_of, frame.height, int((frame["days_past_due"] > 0).sum()), changed.height)


# --- the credit's lifecycle follows its loans' arrears ----------------------------------------------


@dataclass(frozen=True)
class ArrearsRun:
    """What one run of the arrears step did to the credits drawn from at the desk: marked overdue, cured."""

    as_of: datetime.date
    overdue: int
    cured: int


_CURRENT = (lifecycle.CreditState.DISBURSED, lifecycle.CreditState.REPAYING, lifecycle.CreditState.RESTRUCTURED)


def credit_arrears_frame(*, loan_ids: list[int] | None = None) -> pl.DataFrame:
    """Each credit drawn from at the desk and still running (disbursed, repaying, overdue,
    restructured), with its state and the most days past due among its loans; only the credits
    of `loan_ids` when given. One query; loans loaded from the core system have no credit here."""
    drawdowns = Drawdown.objects.filter(contract__application__state__in=[*_CURRENT, lifecycle.CreditState.OVERDUE], loan__isnull=False)
    if loan_ids is not None:
        drawdowns = drawdowns.filter(contract__application__in=Drawdown.objects.filter(loan__in=loan_ids).values("contract__application"))
    rows = drawdowns.values_list("contract__application_id", "contract__application__state", "loan__days_past_due")
    frame = pl.DataFrame(list(rows), schema={"application_id": pl.Int64, "state": pl.String, "days_past_due": pl.Int64}, orient="row")
    return frame.group_by("application_id", "state").agg(pl.col("days_past_due").max())


@transaction.atomic
def credit_arrears_refresh(*, as_of: datetime.date, loan_ids: list[int] | None = None, by: User | None = None) -> ArrearsRun:
    """Keep each credit's lifecycle in step with its loans (rmdesk.domain.lifecycle): a credit whose
    loan is past due is marked overdue (``MarkOverdue``, the missed payment dated by the days past
    due), an overdue credit whose loans are all current again is cured (``Cure``). Steps taken by
    the nightly run (`by` None) or by the person whose repayment cleared the arrears; dated
    `as_of`, or the credit's last step if later. Only the credits that change are touched; safe to
    run twice."""
    frame = credit_arrears_frame(loan_ids=loan_ids)
    overdue = frame.filter(pl.col("state").is_in([s.value for s in _CURRENT]) & (pl.col("days_past_due") > 0))
    cured = frame.filter((pl.col("state") == lifecycle.CreditState.OVERDUE.value) & (pl.col("days_past_due") == 0))
    days = dict(overdue.select("application_id", "days_past_due").iter_rows())
    actor = lifecycle.NIGHTLY_RUN if by is None else str(by.pk)
    changing = [*days, *cured["application_id"].to_list()]
    for application in CreditApplication.objects.select_for_update(of=("self",)).select_related("product", "customer").filter(pk__in=changing).order_by("pk"):
        on = max(as_of, credit_of(application).last_event_on)
        if application.pk in days:
            command = lifecycle.MarkOverdue(by=actor, on=on, missed_on=as_of - datetime.timedelta(days=days[application.pk]))
        else:
            command = lifecycle.Cure(by=actor, on=on)
        credit_apply(application=application, command=command, by=by)
    return ArrearsRun(as_of, overdue.height, cured.height)


# --- classification and provisions --------------------------------------------------------------------


def classified_columns(frame: pl.DataFrame, configuration: RiskConfiguration, *, as_of: datetime.date) -> pl.DataFrame:
    """The loans of ``loan_frame`` classified column-wise as of `as_of` (rmdesk.risk.columns): adds
    ``floor_rank``, ``category_rank``, ``new_stage``, ``general_fen`` and ``specific_fen``."""
    classified = columns.classify(frame, as_of=as_of, policy=configuration.classification, retail_kinds=configuration.retail_kinds)
    return classified.with_columns(
        columns.stage(pl.col("days_past_due"), pl.col("category_rank")).alias("new_stage"),
        *columns.provisions(pl.col("balance_fen"), pl.col("category_rank"), configuration.provisions),
    )


def classified_by_domain(frame: pl.DataFrame, *, as_of: datetime.date, configuration: RiskConfiguration) -> pl.DataFrame:
    """The same columns as ``classified_columns``, computed loan by loan by the domain's functions
    (``classify_debtor``, ``ifrs9_stage``, ``loan_provision``): the per-loan path."""
    results = classify_debtors(frame, as_of=as_of, configuration=configuration)
    rows = []
    for row in frame.iter_rows(named=True):
        result = results[row["loan_id"]]
        provision = loan_provision(str(row["loan_id"]), balance=result.balance, category=result.category, rates=configuration.provisions)
        rows.append(
            {
                "loan_id": row["loan_id"],
                "floor_rank": result.floor.rank,
                "category_rank": result.category.rank,
                "new_stage": ifrs9_stage(days_past_due=row["days_past_due"], category=result.category).value,
                "general_fen": _fen(provision.general),
                "specific_fen": _fen(provision.specific),
            }
        )
    computed = pl.DataFrame(
        rows,
        schema={"loan_id": pl.Int64, "floor_rank": pl.Int64, "category_rank": pl.Int64, "new_stage": pl.String, "general_fen": pl.Int64, "specific_fen": pl.Int64},
    )
    return frame.join(computed, on="loan_id", how="left")


@dataclass(frozen=True)
class ClassificationRun:
    """What one classification run did: loans classified, categories changed, of them downgrades."""

    as_of: datetime.date
    loans: int
    changes: int
    downgrades: int
    non_performing: int


def _record(
    classified: pl.DataFrame, *, as_of: datetime.date, configuration: RiskConfiguration, whole_portfolio: bool
) -> ClassificationRun:
    """Write classified loans: a ``CategoryChange`` for every loan whose category moved (or that
    was never classified), with the domain's reasons; new and changed ``LoanRisk`` rows in bulk."""
    frame = classified.with_columns(
        columns.category_of_rank(pl.col("category_rank")).alias("category"),
        columns.category_of_rank(pl.col("floor_rank")).alias("floor"),
        columns.rank_of_category(pl.col("in_force")).alias("in_force_rank"),
    )
    moved = frame.filter(~pl.col("has_risk") | (pl.col("category") != pl.col("in_force")))
    debtors = frame.filter(pl.col("customer_id").is_in(moved["customer_id"].unique().to_list()))
    explained = classify_debtors(debtors, as_of=as_of, configuration=configuration) if not moved.is_empty() else {}
    changes, new_risks, updated_risks = [], [], []
    since: dict[int, datetime.date] = {}
    downgrades = 0
    for row in moved.iter_rows(named=True):
        first = not row["has_risk"]
        if row["category_rank"] > row["in_force_rank"] and not first:
            downgrades += 1
        # A loan first classified normal has been normal since it was disbursed.
        on = min(row["disbursed_on"], as_of) if first and row["category_rank"] == 0 else as_of
        since[row["loan_id"]] = on
        changes.append(
            CategoryChange(
                loan_id=row["loan_id"], on=on, from_category=row["in_force"] or "", to_category=row["category"], floor=row["floor"],
                days_past_due=row["days_past_due"], reasons=_reasons(explained[row["loan_id"]]),
            )
        )
    refreshed = frame.filter(
        pl.col("loan_id").is_in(list(since))
        | (pl.col("new_stage") != pl.col("stage"))
        | (pl.col("balance_fen") != pl.col("risk_balance_fen"))
        | (pl.col("general_fen") != pl.col("risk_general_fen"))
        | (pl.col("specific_fen") != pl.col("risk_specific_fen"))
    )
    for row in refreshed.iter_rows(named=True):
        moved_now = row["loan_id"] in since
        worse = row["category_rank"] > row["in_force_rank"]
        risk = LoanRisk(
            loan_id=row["loan_id"],
            category=row["category"],
            category_since=since[row["loan_id"]] if moved_now else row["category_since"],
            downgraded_on=as_of if moved_now and worse else row["downgraded_on"],
            stage=row["new_stage"],
            balance=_yuan(row["balance_fen"]),
            provision_general=_yuan(row["general_fen"]),
            provision_specific=_yuan(row["specific_fen"]),
            as_of=as_of,
            last_inspected_on=row["last_inspected_on"],
            next_inspection_due=row["next_inspection_due"],
        )
        (updated_risks if row["has_risk"] else new_risks).append(risk)
    CategoryChange.objects.bulk_create(changes, batch_size=1000)
    LoanRisk.objects.bulk_create(new_risks, batch_size=1000)
    LoanRisk.objects.bulk_update(
        updated_risks,
        ["category", "category_since", "downgraded_on", "stage", "balance", "provision_general", "provision_specific", "as_of"],
        batch_size=1000,
    )
    rest = LoanRisk.objects.all() if whole_portfolio else LoanRisk.objects.filter(loan_id__in=frame["loan_id"].to_list())
    rest.exclude(as_of=as_of).update(as_of=as_of)
    return ClassificationRun(
        as_of, frame.height, len(changes), downgrades, int((frame["category_rank"] >= columns.NON_PERFORMING).sum())
    )


@transaction.atomic
def classification_refresh(*, as_of: datetime.date) -> ClassificationRun:
    """Classify every loan of the bank as of `as_of`, column-wise, and set its IFRS 9 stage and reserves.

    The floors of the 2023 Measures from each loan's days past due (as the days-past-due step
    left them), the worst of floor and category in force, then the debtor rule over each
    non-retail debtor's loans; reserves by the bank's rates. One query of the loans, Polars,
    bulk writes; a change of category is recorded with the domain's reasons. Safe to run twice.
    """
    configuration = risk_configuration()
    frame = loan_frame()
    if frame.is_empty():
        return ClassificationRun(as_of, 0, 0, 0, 0)
    return _record(classified_columns(frame, configuration, as_of=as_of), as_of=as_of, configuration=configuration, whole_portfolio=True)


def _debtor_refresh(customer_id: int, *, as_of: datetime.date, configuration: RiskConfiguration) -> ClassificationRun:
    frame = loan_frame(Loan.objects.filter(customer_id=customer_id))
    classified = classified_by_domain(frame, as_of=as_of, configuration=configuration)
    run = _record(classified, as_of=as_of, configuration=configuration, whole_portfolio=False)
    for loan in Loan.objects.filter(customer_id=customer_id).select_related("risk"):
        risk = loan.risk
        due = next_due_for(loan, risk, as_of=as_of, configuration=configuration)
        if due != risk.next_inspection_due:
            risk.next_inspection_due = due
            risk.save(update_fields=["next_inspection_due"])
    return run


@transaction.atomic
def loan_risk_refresh(*, loan_id: int, as_of: datetime.date) -> LoanRisk:
    """One loan on demand: its days past due as of `as_of` (rmdesk.domain.repayment), then its
    debtor's loans classified (the debtor rule spans them), their reserves and next inspections,
    by the domain's functions."""
    loan = Loan.objects.select_for_update().get(pk=loan_id)
    loan.days_past_due = days_past_due(schedule_of(loan.instalments.order_by("number")), as_of=as_of)
    loan.status_as_of = as_of
    loan.save(update_fields=["days_past_due", "status_as_of"])
    _debtor_refresh(loan.customer_id, as_of=as_of, configuration=risk_configuration())
    return LoanRisk.objects.get(loan_id=loan_id)


# --- repayments ------------------------------------------------------------------------------------------


def _repayment_refusal(error: RepaymentError, *, loan: Loan, amount: Decimal, paid_on: datetime.date, owed: Decimal, last: datetime.date | None) -> ValidationError:
    messages = {
        RepaymentErrorCode.AMOUNT_INVALID: ("amount", _("Enter an amount of more than 0 yuan, to the fen.")),
        RepaymentErrorCode.NOTHING_OWED: ("amount", _("Nothing is owed on this loan's schedule any more.")),
        RepaymentErrorCode.EXCEEDS_OWED: (
            "amount", _("%(amount)s yuan is more than the %(owed)s yuan still owed on the schedule.") % {"amount": f"{amount:,.2f}", "owed": f"{owed:,.2f}"}
        ),
        RepaymentErrorCode.BEFORE_DISBURSEMENT: (
            "paid_on", _("The payment date %(paid_on)s is before the loan was disbursed, on %(disbursed_on)s.") % {"paid_on": paid_on, "disbursed_on": loan.disbursed_on}
        ),
        RepaymentErrorCode.DATE_OUT_OF_ORDER: (
            "paid_on",
            _("The payment date %(paid_on)s is before the last payment recorded, on %(last)s: record payments in the order they were made.")
            % {"paid_on": paid_on, "last": last},
        ),
        RepaymentErrorCode.SCHEDULE_INVALID: (None, _("The schedule of this loan is inconsistent: %(detail)s") % {"detail": error.message}),
    }
    field, message = messages[error.code]
    return _refuse(error.code, message, field)


def _credit_drawn_from(loan: Loan) -> CreditApplication | None:
    """The credit `loan` was drawn from at the desk, locked; None for a loan loaded from the core system."""
    drawdown = Drawdown.objects.filter(loan=loan).select_related("contract").first()
    if drawdown is None:
        return None
    return CreditApplication.objects.select_for_update(of=("self",)).select_related("product", "customer").get(pk=drawdown.contract.application_id)


def _credit_repaid(loan: Loan, *, user: User, principal: Decimal, paid_on: datetime.date) -> None:
    """Record the principal repaid on the credit the loan was drawn from (rmdesk.domain.lifecycle
    ``Repay``, through rmdesk.credit.services.credit_apply), when it was drawn from one: loans
    loaded from the core system before the desk have no credit here. The step is dated the
    payment's day, or the credit's last step if that is later (a payment recorded late)."""
    application = _credit_drawn_from(loan)
    if application is None:
        return
    on = max(paid_on, credit_of(application).last_event_on)
    credit_apply(application=application, command=lifecycle.Repay(by=str(user.pk), on=on, principal=principal), by=user)


@transaction.atomic
def repayment_record(*, loan_id: int, user: User, amount: Decimal, paid_on: datetime.date, reference: str = "") -> Repayment:
    """Record a payment received on a loan, allocated by rmdesk.domain.repayment: the penalty
    interest owed on the day first (``penalty_owed``), then oldest instalment first, interest
    before principal, partial payments kept, an instalment settled on the day it is paid in full.

    The principal repaid lowers the loan's outstanding principal, its account's balance, the
    customer's loans and what is outstanding on the credit it was drawn from (the lifecycle's
    ``Repay``, audited with the credit's transitions); then the loan's days past due (as of the payment, or the loan's status
    date if later), its debtor's classification, reserves and next inspection are refreshed, and
    the credit is cured when the payment cleared its arrears (``credit_arrears_refresh``).
    Refused, with nothing written: a loan `user` may not change (PermissionDenied), a date in
    the future, whatever the allocation refuses (amount, date order, more than owed), and what
    the credit's lifecycle refuses (a credit closed or written off).
    """
    loan = Loan.objects.restrict(user, "change").select_for_update(of=("self",)).select_related("holding").filter(pk=loan_id).first()
    if loan is None:
        raise PermissionDenied
    if paid_on > timezone.localdate():
        raise _refuse(RiskErrorCode.DATE_IN_FUTURE, _("A payment cannot be recorded before it is made: %(paid_on)s is in the future.") % {"paid_on": paid_on}, "paid_on")
    instalments = {i.number: i for i in loan.instalments.select_for_update().order_by("number")}
    schedule = schedule_of(instalments.values())
    last = loan.repayments.aggregate(last=Max("paid_on"))["last"]
    penalty = penalty_owed(loan, as_of=paid_on)
    try:
        allocation = allocate_repayment(
            schedule, amount=amount, paid_on=paid_on, disbursed_on=loan.disbursed_on, last_paid_on=last, penalty_owed=penalty
        )
    except RepaymentError as error:
        raise _repayment_refusal(error, loan=loan, amount=amount, paid_on=paid_on, owed=amount_owed(schedule) + penalty, last=last) from None
    if allocation.principal > 0:
        _credit_repaid(loan, user=user, principal=allocation.principal, paid_on=paid_on)
    repayment = Repayment.objects.create(
        loan=loan, paid_on=paid_on, amount=allocation.amount, interest=allocation.interest, principal=allocation.principal,
        penalty=allocation.penalty, reference=reference.strip(), recorded_by=user,
    )
    lines = []
    after = {i.number: i for i in apply_allocation(schedule, allocation)}
    for line in allocation.lines:
        row: Instalment = instalments[line.number]
        paid = after[line.number]
        row.interest_paid, row.principal_paid, row.settled_on = paid.interest_paid, paid.principal_paid, paid.settled_on
        row.save(update_fields=["interest_paid", "principal_paid", "settled_on"])
        lines.append(RepaymentLine(repayment=repayment, instalment=row, interest=line.interest, principal=line.principal, settles=line.settles))
    RepaymentLine.objects.bulk_create(lines)
    loan.outstanding_principal -= allocation.principal
    loan.save(update_fields=["outstanding_principal"])
    Holding.objects.filter(pk=loan.holding_id).update(balance=loan.outstanding_principal, balance_as_of=paid_on)
    Customer.objects.filter(pk=loan.customer_id).update(loan_balance=F("loan_balance") - allocation.principal)
    loan_risk_refresh(loan_id=loan.pk, as_of=max(paid_on, loan.status_as_of))
    credit_arrears_refresh(as_of=paid_on, loan_ids=[loan.pk], by=user)
    return repayment


@transaction.atomic
def loan_payoff(*, loan_id: int, user: User, paid_on: datetime.date, reference: str = "") -> Repayment:
    """Repay the whole loan early on `paid_on` (提前结清): its schedule re-set as the contract's
    early-repayment clause says (rmdesk.domain.repayment.payoff_schedule: arrears in full, the
    running period's interest accrued to the day, no interest for later periods), the re-set
    interest kept on the instalments, then the payment of all it then owes, penalty interest
    included, recorded as any repayment (``repayment_record``), which settles the loan. Refused as a repayment is."""
    loan = Loan.objects.restrict(user, "change").select_for_update(of=("self",)).filter(pk=loan_id).first()
    if loan is None:
        raise PermissionDenied
    if paid_on > timezone.localdate():
        raise _refuse(RiskErrorCode.DATE_IN_FUTURE, _("A payment cannot be recorded before it is made: %(paid_on)s is in the future.") % {"paid_on": paid_on}, "paid_on")
    rows = {i.number: i for i in loan.instalments.select_for_update().order_by("number")}
    schedule = schedule_of(rows.values())
    if paid_on < loan.disbursed_on:
        error = RepaymentError(RepaymentErrorCode.BEFORE_DISBURSEMENT, "before disbursement")
        raise _repayment_refusal(error, loan=loan, amount=amount_owed(schedule), paid_on=paid_on, owed=amount_owed(schedule), last=None)
    reset, owed = payoff_of(loan, schedule, on=paid_on)
    changed = []
    for instalment in reset:
        row = rows[instalment.number]
        if row.interest_due != instalment.interest_due:
            row.interest_due = instalment.interest_due
            changed.append(row)
    Instalment.objects.bulk_update(changed, ["interest_due"])
    return repayment_record(loan_id=loan.pk, user=user, amount=owed, paid_on=paid_on, reference=reference)


# --- judgement: proposals and their approval -----------------------------------------------------------


def _judgement_refusal(error: rules.ClassificationError, *, loan: Loan, proposed: Category, floor: Classification) -> ValidationError:
    return _refuse(
        error.code,
        _("%(loan)s cannot be classified %(proposed)s: the rules put it at %(floor)s or worse. Judgement may only classify worse than the floor.")
        % {"loan": loan.contract_number, "proposed": CategoryChoice(proposed).label, "floor": CategoryChoice(floor.floor).label},
        "category",
    )


def _ensure_classified(loan: Loan, *, as_of: datetime.date, configuration: RiskConfiguration) -> LoanRisk:
    risk = risk_of(loan)
    if risk is None:
        _debtor_refresh(loan.customer_id, as_of=as_of, configuration=configuration)
        risk = LoanRisk.objects.get(loan_id=loan.pk)
    return risk


@transaction.atomic
def category_propose(*, loan_id: int, user: User, category: str, reason: str) -> CategoryProposal:
    """Propose to classify a loan otherwise than it is, by judgement, with a reason.

    Rules: only someone who may change the customer proposes; the proposal names another
    category than the one in force, and none better than the rules' floor
    (``check_judgement``: JUDGEMENT_BETTER_THAN_FLOOR); one proposal per loan waits at a time.
    The proposal waits for an approver (``category_decide``).
    """
    loan = Loan.objects.restrict(user, "change").select_for_update(of=("self",)).select_related("holding__product", "customer").filter(pk=loan_id).first()
    if loan is None:
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise _refuse(RiskErrorCode.REASON_REQUIRED, _("Say why the loan should be classified otherwise."), "reason")
    if CategoryProposal.objects.filter(loan=loan, status=ProposalStatus.PENDING).exists():
        raise _refuse(RiskErrorCode.PROPOSAL_PENDING, _("A proposal for this loan already waits for a decision."))
    configuration = risk_configuration()
    as_of = max(timezone.localdate(), loan.status_as_of)
    risk = _ensure_classified(loan, as_of=as_of, configuration=configuration)
    proposed = Category(category)
    if proposed.value == risk.category:
        raise _refuse(RiskErrorCode.SAME_CATEGORY, _("The loan is already classified so: propose another category."), "category")
    floor = floor_for_judgement(loan, as_of=as_of, configuration=configuration)
    try:
        rules.check_judgement(proposed, floor)
    except rules.ClassificationError as error:
        raise _judgement_refusal(error, loan=loan, proposed=proposed, floor=floor) from None
    return CategoryProposal.objects.create(
        loan=loan, from_category=risk.category, floor=floor.floor.value, category=proposed.value, reason=reason,
        proposed_by=user, proposed_at=timezone.now(),
    )


def _checked_decision(
    *, user: User, proposed_by_id: int, approve: bool, reason: str, configuration: RiskConfiguration, not_approver: str, reason_missing: str
) -> str:
    """The four eyes of a decision on a proposal (a change of category, a restructuring): the
    decider holds a role of the policy's ``change_approvers`` and is not the proposer; a rejection
    says why. Returns the reason, stripped."""
    if user.role_id not in configuration.change_approvers:
        raise _refuse(RiskErrorCode.NOT_AN_APPROVER, not_approver)
    if user.pk == proposed_by_id:
        raise _refuse(RiskErrorCode.OWN_PROPOSAL, _("Nobody decides their own proposal."))
    reason = reason.strip()
    if not approve and not reason:
        raise _refuse(RiskErrorCode.REASON_REQUIRED, reason_missing, "reason")
    return reason


def may_decide(*, user: User, proposal: CategoryProposal | Restructuring, configuration: RiskConfiguration) -> bool:
    """Whether `user` may decide `proposal` (a change of category or a restructuring): a role the
    policy names, and not its proposer."""
    return user.role_id in configuration.change_approvers and user.pk != proposal.proposed_by_id


@transaction.atomic
def category_decide(*, loan_id: int, user: User, approve: bool, reason: str = "") -> CategoryProposal:
    """Approve or reject the proposal waiting on a loan.

    Rules: the decider has the loan in their scope, holds a role of the policy's
    ``change_approvers`` and is not the proposer (four eyes); a rejection says why. An approval
    is checked again against the floor of the day (``check_judgement``) and refused if the
    category in force has moved since the proposal. Approved, the change is recorded (from, to,
    floor, reasons, the approver), and the debtor's loans are classified again: the debtor rule
    may carry the change to the others.
    """
    loan = Loan.objects.restrict(user).select_for_update(of=("self",)).select_related("holding__product", "customer").filter(pk=loan_id).first()
    if loan is None:
        raise PermissionDenied
    proposal = CategoryProposal.objects.select_for_update().filter(loan=loan, status=ProposalStatus.PENDING).first()
    if proposal is None:
        raise _refuse(RiskErrorCode.NO_PENDING_PROPOSAL, _("No proposal for this loan waits for a decision."))
    configuration = risk_configuration()
    reason = _checked_decision(
        user=user, proposed_by_id=proposal.proposed_by_id, approve=approve, reason=reason, configuration=configuration,
        not_approver=_("Your role does not approve changes of category."), reason_missing=_("Say why the proposal is rejected."),
    )
    today = timezone.localdate()
    if approve:
        as_of = max(today, loan.status_as_of)
        risk = LoanRisk.objects.select_for_update().get(loan=loan)
        if risk.category != proposal.from_category:
            raise _refuse(
                RiskErrorCode.CATEGORY_MOVED,
                _("The loan has moved to %(category)s since this proposal: reject it, and propose again if needed.") % {"category": risk.get_category_display()},
            )
        proposed = Category(proposal.category)
        floor = floor_for_judgement(loan, as_of=as_of, configuration=configuration)
        try:
            rules.check_judgement(proposed, floor)
        except rules.ClassificationError as error:
            raise _judgement_refusal(error, loan=loan, proposed=proposed, floor=floor) from None
        CategoryChange.objects.create(
            loan=loan, on=today, from_category=risk.category, to_category=proposed.value, floor=floor.floor.value,
            days_past_due=loan.days_past_due, reasons=_reasons(floor), reason=proposal.reason, decided_by=user, proposal=proposal,
        )
        if proposed.rank > Category(risk.category).rank:
            risk.downgraded_on = today
        risk.category, risk.category_since = proposed.value, today
        risk.save(update_fields=["category", "category_since", "downgraded_on"])
    proposal.status = ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED
    proposal.decided_by, proposal.decided_at, proposal.decision_reason = user, timezone.now(), reason
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    if approve:
        _debtor_refresh(loan.customer_id, as_of=max(today, loan.status_as_of), configuration=configuration)
    return proposal


# --- restructuring: proposed by one person, decided by another --------------------------------------------


@transaction.atomic
def restructuring_propose(*, loan_id: int, user: User, term_months: int, first_repayment_on: datetime.date, reason: str) -> Restructuring:
    """Propose to restructure a loan whose debtor is in difficulty: its remaining principal over
    `term_months` monthly instalments from `first_repayment_on`, with the difficulty and what
    changes. Rules: someone who may change the customer proposes; something is still owed; the
    first repayment falls after today; a reason; one proposal per loan waits at a time. The
    proposal waits for another person (``restructuring_decide``)."""
    loan = Loan.objects.restrict(user, "change").select_for_update(of=("self",)).filter(pk=loan_id).first()
    if loan is None:
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise _refuse(RiskErrorCode.REASON_REQUIRED, _("Say what the debtor's difficulty is and what the restructuring changes."), "reason")
    if loan.outstanding_principal <= 0:
        raise _refuse(RiskErrorCode.NOTHING_TO_RESTRUCTURE, _("Nothing is owed on %(loan)s: there is nothing to restructure.") % {"loan": loan.contract_number})
    if first_repayment_on <= timezone.localdate():
        raise _refuse(RiskErrorCode.FIRST_REPAYMENT_INVALID, _("The first repayment after restructuring falls after today."), "first_repayment_on")
    if not 1 <= term_months <= 360:
        raise _refuse(RiskErrorCode.FIRST_REPAYMENT_INVALID, _("The new term is from 1 to 360 months."), "term_months")
    if Restructuring.objects.filter(loan=loan, status=ProposalStatus.PENDING).exists():
        raise _refuse(RiskErrorCode.PROPOSAL_PENDING, _("A restructuring of this loan already waits for a decision."))
    return Restructuring.objects.create(
        loan=loan, term_months=term_months, first_repayment_on=first_repayment_on, reason=reason, proposed_by=user, proposed_at=timezone.now()
    )


def _reschedule(loan: Loan, restructuring: Restructuring, *, on: datetime.date) -> None:
    """Replace the loan's unpaid instalments by the restructured schedule: each unpaid instalment
    is closed at what was paid on it, and the outstanding principal is scheduled anew; the
    interest in arrears is collected with the first new instalment, so nothing owed is lost."""
    unpaid = list(loan.instalments.select_for_update().filter(settled_on__isnull=True).order_by("number"))
    interest_in_arrears = sum((i.interest_due - i.interest_paid for i in unpaid if i.due_on <= on), Decimal("0.00"))
    for instalment in unpaid:
        instalment.principal_due, instalment.interest_due, instalment.settled_on = instalment.principal_paid, instalment.interest_paid, on
    Instalment.objects.bulk_update(unpaid, ["principal_due", "interest_due", "settled_on"])
    last = loan.instalments.aggregate(last=Max("number"))["last"] or 0
    schedule = repayment_schedule(
        principal=loan.outstanding_principal, annual_rate=loan.annual_rate, months=restructuring.term_months,
        method=RepaymentMethod(loan.repayment_method), first_due_date=restructuring.first_repayment_on,
    )
    Instalment.objects.bulk_create(
        Instalment(
            loan=loan, number=last + i.number, due_on=i.due_date, principal_due=i.principal,
            interest_due=i.interest + (interest_in_arrears if i.number == 1 else 0),
        )
        for i in schedule
    )
    loan.maturity_on = schedule[-1].due_date
    loan.save(update_fields=["maturity_on"])


@transaction.atomic
def restructuring_decide(*, loan_id: int, user: User, approve: bool, reason: str = "") -> Restructuring:
    """Approve or reject the restructuring waiting on a loan.

    Rules: the decider has the loan in their scope, holds a role of the classification policy's
    ``change_approvers`` and is not the proposer (four eyes); a rejection says why. Approved: the
    category in force is kept as the category before restructuring; the unpaid instalments are
    replaced by the new schedule (``_reschedule``); the observation period runs from the first
    repayment (rmdesk.domain.classification.observation_period_end, monthly repayments); the
    credit the loan was drawn from at the desk is restructured in its lifecycle (``Restructure``,
    by the proposer, approved by the decider); and the debtor is classified again: during the
    observation period the loan is at least substandard, never better than before.
    """
    loan = Loan.objects.restrict(user).select_for_update(of=("self",)).select_related("customer").filter(pk=loan_id).first()
    if loan is None:
        raise PermissionDenied
    restructuring = Restructuring.objects.select_for_update().filter(loan=loan, status=ProposalStatus.PENDING).first()
    if restructuring is None:
        raise _refuse(RiskErrorCode.NO_PENDING_PROPOSAL, _("No restructuring of this loan waits for a decision."))
    configuration = risk_configuration()
    reason = _checked_decision(
        user=user, proposed_by_id=restructuring.proposed_by_id, approve=approve, reason=reason, configuration=configuration,
        not_approver=_("Your role does not approve restructurings."), reason_missing=_("Say why the restructuring is rejected."),
    )
    today = timezone.localdate()
    if approve:
        if restructuring.first_repayment_on <= today:
            raise _refuse(
                RiskErrorCode.FIRST_REPAYMENT_INVALID,
                _("The first repayment proposed, %(date)s, has passed: reject this proposal and propose again.") % {"date": restructuring.first_repayment_on},
            )
        as_of = max(today, loan.status_as_of)
        risk = _ensure_classified(loan, as_of=as_of, configuration=configuration)
        restructuring.category_before = risk.category
        restructuring.observation_ends_on = observation_period_end(
            first_repayment_on=restructuring.first_repayment_on, repayment_period_months=1, policy=configuration.classification
        )
        _reschedule(loan, restructuring, on=today)
        _credit_restructured(loan, restructuring, by=user, on=today)
    restructuring.status = ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED
    restructuring.decided_by, restructuring.decided_at, restructuring.decision_reason = user, timezone.now(), reason
    restructuring.save()
    if approve:
        loan_risk_refresh(loan_id=loan.pk, as_of=max(today, loan.status_as_of))
    return restructuring


def _credit_restructured(loan: Loan, restructuring: Restructuring, *, by: User, on: datetime.date) -> None:
    """The lifecycle's ``Restructure`` on the credit the loan was drawn from at the desk, if any."""
    application = _credit_drawn_from(loan)
    if application is None:
        return
    command = lifecycle.Restructure(
        by=str(restructuring.proposed_by_id), on=max(on, credit_of(application).last_event_on), approved_by=str(by.pk),
        first_repayment_on=restructuring.first_repayment_on, repayment_period_months=1,
    )
    credit_apply(application=application, command=command, by=restructuring.proposed_by, remark=restructuring.reason)


def restructuring_observation_refresh(*, as_of: datetime.date) -> int:
    """A payment missed during a restructuring's observation period restarts the period from the
    missed date (rmdesk.domain.classification.observation_period_end): the approved
    restructurings still in observation whose loan is past due on `as_of` get the later end.
    One query of those loans; returns the restructurings whose period was extended."""
    policy = risk_configuration().classification
    extended = []
    for restructuring in Restructuring.objects.filter(
        status=ProposalStatus.APPROVED, observation_ends_on__gte=as_of, loan__days_past_due__gt=0
    ).select_related("loan"):
        missed_on = as_of - datetime.timedelta(days=restructuring.loan.days_past_due)
        ends = observation_period_end(first_repayment_on=missed_on, repayment_period_months=1, policy=policy)
        if ends > restructuring.observation_ends_on:
            restructuring.observation_ends_on = ends
            extended.append(restructuring)
    Restructuring.objects.bulk_update(extended, ["observation_ends_on"])
    return len(extended)


# --- post-loan inspections ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleRun:
    """What one run of the inspection schedule did: loans scheduled, rescheduled, late on `as_of`."""

    as_of: datetime.date
    scheduled: int
    rescheduled: int
    late: int


def schedule_frame(*, as_of: datetime.date, configuration: RiskConfiguration) -> pl.DataFrame:
    """Every classified loan's next inspection due, column-wise (rmdesk.domain.inspection.next_inspection_due),
    as ``new_due`` beside the stored ``next_inspection_due``; none once nothing is owed."""
    frame = loan_frame().filter(pl.col("has_risk")).join(grade_frame(as_of=as_of), on="customer_id", how="left")
    owing = (pl.col("balance_fen") > 0) | (pl.col("days_past_due") > 0)
    return frame.with_columns(columns.rank_of_category(pl.col("in_force")).alias("category_rank")).with_columns(
        pl.when(owing).then(columns.next_inspection_due(frame, policy=configuration.inspection)).otherwise(None).alias("new_due")
    )


@transaction.atomic
def inspection_schedule_refresh(*, as_of: datetime.date) -> ScheduleRun:
    """Set every classified loan's next inspection by the bank's inspection policy, column-wise
    (grade in force, category, last inspection, last downgrade), one bulk update. Safe to run twice."""
    configuration = risk_configuration()
    frame = schedule_frame(as_of=as_of, configuration=configuration)
    changed = frame.filter(pl.col("new_due").ne_missing(pl.col("next_inspection_due")))
    LoanRisk.objects.bulk_update(
        [LoanRisk(loan_id=row["loan_id"], next_inspection_due=row["new_due"]) for row in changed.iter_rows(named=True)],
        ["next_inspection_due"],
        batch_size=1000,
    )
    scheduled = frame.filter(pl.col("new_due").is_not_null())
    return ScheduleRun(as_of, scheduled.height, changed.height, int((scheduled["new_due"] < as_of).sum()))


@transaction.atomic
def inspection_record(
    *,
    loan_id: int,
    user: User,
    inspected_on: datetime.date,
    findings: str,
    conclusion: str,
    funds_used_as_agreed: str,
    operations_normal: str,
    collateral_intact: str,
    guarantor_able: str,
) -> Inspection:
    """Record a post-loan inspection with the facts the data showed on its day, and schedule the next one.

    Refused: a loan `user` may not change (PermissionDenied); an inspection dated in the
    future, before disbursement or before the last one; empty findings. The inspection answers
    the one due (its ``due_on``); the next is due by rmdesk.domain.inspection from this one.
    """
    loan = Loan.objects.restrict(user, "change").select_for_update(of=("self",)).select_related("customer", "holding__product").filter(pk=loan_id).first()
    if loan is None:
        raise PermissionDenied
    today = timezone.localdate()
    if inspected_on > today:
        raise _refuse(RiskErrorCode.DATE_IN_FUTURE, _("An inspection cannot be recorded before it is made: %(on)s is in the future.") % {"on": inspected_on}, "inspected_on")
    if inspected_on < loan.disbursed_on:
        raise _refuse(
            RiskErrorCode.BEFORE_DISBURSEMENT,
            _("%(on)s is before the loan was disbursed, on %(disbursed_on)s.") % {"on": inspected_on, "disbursed_on": loan.disbursed_on},
            "inspected_on",
        )
    last = loan.inspections.aggregate(last=Max("inspected_on"))["last"]
    if last is not None and inspected_on < last:
        raise _refuse(
            RiskErrorCode.DATE_OUT_OF_ORDER,
            _("%(on)s is before the last inspection, on %(last)s.") % {"on": inspected_on, "last": last},
            "inspected_on",
        )
    findings = findings.strip()
    if not findings:
        raise _refuse(RiskErrorCode.REASON_REQUIRED, _("Write what the inspection found."), "findings")
    configuration = risk_configuration()
    risk = _ensure_classified(loan, as_of=max(today, loan.status_as_of), configuration=configuration)
    due_on = risk.next_inspection_due or next_due_for(loan, risk, as_of=today, configuration=configuration) or inspected_on
    inspection = Inspection.objects.create(
        loan=loan, kind=InspectionKind.ROUTINE if last else InspectionKind.FIRST, due_on=due_on, inspected_on=inspected_on,
        inspected_by=user, facts=inspection_facts(user=user, loan=loan, today=inspected_on, configuration=configuration),
        funds_used_as_agreed=funds_used_as_agreed, operations_normal=operations_normal, collateral_intact=collateral_intact,
        guarantor_able=guarantor_able, findings=findings, conclusion=Conclusion(conclusion),
    )
    risk.last_inspected_on = inspected_on
    risk.next_inspection_due = next_due_for(loan, risk, as_of=today, configuration=configuration)
    risk.save(update_fields=["last_inspected_on", "next_inspection_due"])
    return inspection
