"""Repayments, days past due, classification by the floors and by judgement with approval, inspections."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rmdesk.credit.models import Instalment, Loan
from rmdesk.customers.models import Customer
from rmdesk.domain.classification import Category
from rmdesk.domain.provisions import loan_provision
from rmdesk.products.models import Holding
from rmdesk.risk.models import CategoryChange, CategoryProposal, Inspection, LoanRisk, ProposalStatus, Repayment
from rmdesk.risk.services import (
    category_decide,
    category_propose,
    inspection_record,
    loan_risk_refresh,
    repayment_record,
)
from rmdesk.risk.selectors import penalty_owed
from rmdesk.risk.tasks import risk_nightly

NOV_10 = datetime.date(2026, 11, 10)


def codes(error: ValidationError) -> set[str]:
    return {e.code for e in error.error_list} if not hasattr(error, "error_dict") else {e.code for es in error.error_dict.values() for e in es}


def instalment(loan, number) -> Instalment:
    return Instalment.objects.get(loan=loan, number=number)


def with_penalty(loan, number: int, paid_on: datetime.date) -> Decimal:
    """What paying instalment `number` in full on `paid_on` takes: the instalment and the penalty interest owed."""
    return instalment(loan, number).payment_due + penalty_owed(loan, as_of=paid_on)


# --- repayments and days past due ----------------------------------------------------------------------


def test_a_repayment_pays_the_oldest_instalment_due_interest_before_principal(risk_bank):
    loan = risk_bank.loan
    eighth = instalment(loan, 8)  # due 2026-11-10
    # Two days late: the penalty interest owed is paid first, then the instalment.
    penalty = penalty_owed(loan, as_of=datetime.date(2026, 11, 12))
    assert penalty > 0
    repayment = repayment_record(loan_id=loan.pk, user=risk_bank.am_a, amount=eighth.payment_due + penalty, paid_on=datetime.date(2026, 11, 12))
    eighth.refresh_from_db()
    assert (eighth.interest_paid, eighth.principal_paid, eighth.settled_on) == (eighth.interest_due, eighth.principal_due, datetime.date(2026, 11, 12))
    assert (repayment.penalty, repayment.interest, repayment.principal) == (penalty, eighth.interest_due, eighth.principal_due)
    assert penalty_owed(loan, as_of=datetime.date(2026, 11, 30)) == 0
    assert [(line.instalment.number, line.settles) for line in repayment.lines.all()] == [(8, True)]


def test_a_partial_payment_is_kept_on_the_instalment_and_it_stays_past_due(risk_bank):
    loan = risk_bank.loan
    eighth = instalment(loan, 8)
    repayment = repayment_record(loan_id=loan.pk, user=risk_bank.am_a, amount=Decimal("1000.00"), paid_on=datetime.date(2026, 11, 15))
    eighth.refresh_from_db()
    assert eighth.interest_paid == eighth.interest_due
    assert eighth.principal_paid == Decimal("1000.00") - repayment.penalty - eighth.interest_due
    assert eighth.settled_on is None
    loan.refresh_from_db()
    # Paid on 2026-11-15, five days after the due date, and not in full.
    assert (loan.days_past_due, loan.status_as_of) == (5, datetime.date(2026, 11, 15))


def test_a_repayment_lowers_what_is_owed_on_the_loan_its_account_and_the_customer(risk_bank):
    loan = risk_bank.loan
    before = loan.outstanding_principal
    customer_before = Customer.objects.get(pk=loan.customer_id).loan_balance
    repayment = repayment_record(loan_id=loan.pk, user=risk_bank.am_a, amount=Decimal("5000.00"), paid_on=datetime.date(2026, 11, 10))
    loan.refresh_from_db()
    assert loan.outstanding_principal == before - repayment.principal
    assert Holding.objects.get(pk=loan.holding_id).balance == loan.outstanding_principal
    assert Customer.objects.get(pk=loan.customer_id).loan_balance == customer_before - repayment.principal
    assert LoanRisk.objects.get(loan=loan).balance == loan.outstanding_principal


def test_more_than_is_owed_is_refused_with_nothing_written(risk_bank):
    loan = risk_bank.loan
    with pytest.raises(ValidationError) as refused:
        repayment_record(loan_id=loan.pk, user=risk_bank.am_a, amount=Decimal("999999.00"), paid_on=datetime.date(2026, 11, 10))
    assert codes(refused.value) == {"exceeds_owed"}
    assert "amount" in refused.value.error_dict
    assert not Repayment.objects.exists()
    assert not Instalment.objects.filter(loan=loan, settled_on__gt=risk_bank.as_of).exists()


def test_a_payment_dated_in_the_future_or_before_the_last_one_is_refused(risk_bank):
    loan = risk_bank.loan
    with pytest.raises(ValidationError) as future:
        repayment_record(loan_id=loan.pk, user=risk_bank.am_a, amount=Decimal("10.00"), paid_on=datetime.date(2099, 1, 1))
    assert codes(future.value) == {"date_in_future"}
    repayment_record(loan_id=loan.pk, user=risk_bank.am_a, amount=Decimal("10.00"), paid_on=datetime.date(2026, 11, 12))
    with pytest.raises(ValidationError) as out_of_order:
        repayment_record(loan_id=loan.pk, user=risk_bank.am_a, amount=Decimal("10.00"), paid_on=datetime.date(2026, 11, 11))
    assert codes(out_of_order.value) == {"date_out_of_order"}


def test_only_someone_who_may_change_the_customer_records_a_repayment(risk_bank):
    for user in (risk_bank.am_b, risk_bank.risk):
        with pytest.raises(PermissionDenied):
            repayment_record(loan_id=risk_bank.loan.pk, user=user, amount=Decimal("10.00"), paid_on=NOV_10)


def test_days_past_due_count_from_the_oldest_instalment_not_fully_paid(risk_bank):
    loan_risk_refresh(loan_id=risk_bank.factory_old.pk, as_of=risk_bank.as_of)
    old = Loan.objects.get(pk=risk_bank.factory_old.pk)
    # Nothing paid since the instalment due 2026-07-05: 118 days on 2026-10-31.
    assert (old.days_past_due, old.status_as_of) == (118, risk_bank.as_of)


# --- classification by the floors ---------------------------------------------------------------------------


def test_a_missed_payment_moves_the_loan_to_special_mention_by_the_floor(risk_bank):
    loan = risk_bank.loan
    risk_nightly(as_of=risk_bank.as_of)
    assert LoanRisk.objects.get(loan=loan).category == Category.NORMAL
    risk_nightly(as_of=datetime.date(2026, 11, 15))
    loan.refresh_from_db()
    risk = LoanRisk.objects.get(loan=loan)
    assert (loan.days_past_due, risk.category, risk.downgraded_on) == (5, Category.SPECIAL_MENTION, datetime.date(2026, 11, 15))
    change = CategoryChange.objects.filter(loan=loan).order_by("-pk").first()
    assert (change.from_category, change.to_category, change.floor, change.decided_by) == ("normal", "special_mention", "special_mention", None)
    assert change.reasons == [{"rule": "days_past_due", "category": "special_mention", "detail": "5 days past due: at least special_mention (days-past-due floors)", "figures": {"days": "5"}}]


def test_a_repayment_brings_days_past_due_to_0_and_the_category_stays_until_an_approved_change(risk_bank):
    loan = risk_bank.loan
    risk_nightly(as_of=datetime.date(2026, 11, 15))
    repayment_record(loan_id=loan.pk, user=risk_bank.am_a, amount=with_penalty(loan, 8, datetime.date(2026, 11, 16)), paid_on=datetime.date(2026, 11, 16))
    loan.refresh_from_db()
    assert loan.days_past_due == 0
    assert LoanRisk.objects.get(loan=loan).category == Category.SPECIAL_MENTION
    # Now the floor is normal again: the account manager may propose normal, a risk officer approves.
    category_propose(loan_id=loan.pk, user=risk_bank.am_a, category="normal", reason="逾期已结清，经营正常")
    category_decide(loan_id=loan.pk, user=risk_bank.risk, approve=True)
    assert LoanRisk.objects.get(loan=loan).category == Category.NORMAL


def test_the_debtor_rule_makes_all_an_enterprise_owes_non_performing(risk_bank):
    risk_nightly(as_of=risk_bank.as_of)
    old = LoanRisk.objects.get(loan=risk_bank.factory_old)
    current = LoanRisk.objects.get(loan=risk_bank.factory_loan)
    # 60,000 of 285,000 (21%) is non-performing: over 10%, so the current loan is substandard too.
    assert (old.category, current.category) == (Category.SUBSTANDARD, Category.SUBSTANDARD)
    change = CategoryChange.objects.get(loan=risk_bank.factory_loan)
    assert [r["rule"] for r in change.reasons] == ["debtor_non_performing_share"]
    assert change.floor == "substandard" and change.days_past_due == 0


def test_reserves_per_loan_are_the_domains_by_category(risk_bank):
    risk_nightly(as_of=risk_bank.as_of)
    for risk in LoanRisk.objects.select_related("loan"):
        expected = loan_provision(str(risk.loan_id), balance=risk.loan.outstanding_principal, category=Category(risk.category))
        assert (risk.provision_general, risk.provision_specific) == (expected.general, expected.specific)
    old = LoanRisk.objects.get(loan=risk_bank.factory_old)
    assert (old.balance, old.provision_general, old.provision_specific) == (Decimal("60000.00"), Decimal("600.00"), Decimal("15000.00"))


# --- judgement, approval, history ------------------------------------------------------------------------------


def test_a_judgement_better_than_the_floor_is_refused(risk_bank):
    risk_nightly(as_of=risk_bank.as_of)
    with pytest.raises(ValidationError) as refused:
        category_propose(loan_id=risk_bank.factory_old.pk, user=risk_bank.am_b, category="special_mention", reason="抵押充足")
    assert codes(refused.value) == {"judgement_better_than_floor"}
    assert not CategoryProposal.objects.exists()


def test_a_worse_judgement_waits_for_a_risk_officer_and_is_then_in_force(risk_bank):
    loan = risk_bank.loan
    risk_nightly(as_of=risk_bank.as_of)
    proposal = category_propose(loan_id=loan.pk, user=risk_bank.am_a, category="substandard", reason="主要收入来源受灾，还款能力下降")
    assert (proposal.from_category, proposal.floor, proposal.status) == ("normal", "normal", ProposalStatus.PENDING)
    assert LoanRisk.objects.get(loan=loan).category == Category.NORMAL
    category_decide(loan_id=loan.pk, user=risk_bank.risk, approve=True)
    risk = LoanRisk.objects.get(loan=loan)
    assert risk.category == Category.SUBSTANDARD
    # 84,596.26 x 25% = 21,149.065, half-up to the fen.
    assert (risk.balance, risk.provision_specific) == (Decimal("84596.26"), Decimal("21149.07"))
    change = CategoryChange.objects.filter(loan=loan).latest("pk")
    assert (change.from_category, change.to_category, change.floor, change.decided_by, change.proposal) == (
        "normal", "substandard", "normal", risk_bank.risk, proposal
    )
    assert change.reason == "主要收入来源受灾，还款能力下降"


def test_the_proposer_and_other_roles_cannot_approve(risk_bank):
    loan = risk_bank.loan
    category_propose(loan_id=loan.pk, user=risk_bank.leader_a, category="special_mention", reason="行业下行")
    with pytest.raises(ValidationError) as own:
        category_decide(loan_id=loan.pk, user=risk_bank.leader_a, approve=True)
    assert codes(own.value) == {"not_an_approver"}
    with pytest.raises(ValidationError) as account_manager:
        category_decide(loan_id=loan.pk, user=risk_bank.am_a, approve=True)
    assert codes(account_manager.value) == {"not_an_approver"}
    with pytest.raises(PermissionDenied):
        category_decide(loan_id=loan.pk, user=risk_bank.am_b, approve=True)
    category_decide(loan_id=loan.pk, user=risk_bank.approver, approve=True)
    assert LoanRisk.objects.get(loan=loan).category == Category.SPECIAL_MENTION


def test_nobody_approves_their_own_proposal(risk_bank, settings):
    from rmdesk.risk.models import ClassificationPolicy

    ClassificationPolicy.objects.update(change_approvers=["risk_officer", "credit_approver", "team_leader"])
    category_propose(loan_id=risk_bank.loan.pk, user=risk_bank.leader_a, category="special_mention", reason="行业下行")
    with pytest.raises(ValidationError) as own:
        category_decide(loan_id=risk_bank.loan.pk, user=risk_bank.leader_a, approve=True)
    assert codes(own.value) == {"own_proposal"}


def test_a_rejection_needs_a_reason_and_leaves_the_category(risk_bank):
    loan = risk_bank.loan
    category_propose(loan_id=loan.pk, user=risk_bank.am_a, category="doubtful", reason="担心")
    with pytest.raises(ValidationError) as bare:
        category_decide(loan_id=loan.pk, user=risk_bank.risk, approve=False)
    assert codes(bare.value) == {"reason_required"}
    proposal = category_decide(loan_id=loan.pk, user=risk_bank.risk, approve=False, reason="依据不足，还款正常")
    assert (proposal.status, proposal.decided_by, proposal.decision_reason) == (ProposalStatus.REJECTED, risk_bank.risk, "依据不足，还款正常")
    assert LoanRisk.objects.get(loan=loan).category == Category.NORMAL


def test_one_proposal_at_a_time_and_it_must_change_the_category(risk_bank):
    loan = risk_bank.loan
    with pytest.raises(ValidationError) as same:
        category_propose(loan_id=loan.pk, user=risk_bank.am_a, category="normal", reason="x")
    assert codes(same.value) == {"same_category"}
    category_propose(loan_id=loan.pk, user=risk_bank.am_a, category="special_mention", reason="行业下行")
    with pytest.raises(ValidationError) as twice:
        category_propose(loan_id=loan.pk, user=risk_bank.am_a, category="substandard", reason="更差")
    assert codes(twice.value) == {"proposal_pending"}


def test_an_approval_is_refused_once_the_floor_has_moved_the_loan(risk_bank):
    loan = risk_bank.loan
    risk_nightly(as_of=risk_bank.as_of)
    category_propose(loan_id=loan.pk, user=risk_bank.am_a, category="special_mention", reason="行业下行")
    # The November instalment is missed: the floor moves the loan to special mention first.
    risk_nightly(as_of=datetime.date(2026, 11, 15))
    with pytest.raises(ValidationError) as moved:
        category_decide(loan_id=loan.pk, user=risk_bank.risk, approve=True)
    assert codes(moved.value) == {"category_moved"}


def test_the_history_of_categories_is_kept_row_by_row(risk_bank):
    loan = risk_bank.loan
    risk_nightly(as_of=risk_bank.as_of)
    risk_nightly(as_of=datetime.date(2026, 11, 15))
    repayment_record(loan_id=loan.pk, user=risk_bank.am_a, amount=with_penalty(loan, 8, datetime.date(2026, 11, 16)), paid_on=datetime.date(2026, 11, 16))
    category_propose(loan_id=loan.pk, user=risk_bank.am_a, category="normal", reason="逾期已结清")
    category_decide(loan_id=loan.pk, user=risk_bank.risk, approve=True)
    history = list(CategoryChange.objects.filter(loan=loan).order_by("pk").values_list("on", "from_category", "to_category", "decided_by"))
    assert history == [
        (loan.disbursed_on, "", "normal", None),
        (datetime.date(2026, 11, 15), "normal", "special_mention", None),
        (history[2][0], "special_mention", "normal", risk_bank.risk.pk),
    ]


# --- inspections ------------------------------------------------------------------------------------------------


def test_the_first_inspection_is_due_within_15_days_and_the_next_by_the_category(risk_bank):
    loan = risk_bank.loan
    risk_nightly(as_of=risk_bank.as_of)
    assert LoanRisk.objects.get(loan=loan).next_inspection_due == datetime.date(2026, 3, 25)
    inspection = inspection_record(
        loan_id=loan.pk, user=risk_bank.am_a, inspected_on=datetime.date(2026, 11, 2), findings="化肥种子已购入，作物长势良好。",
        conclusion="no_concern", funds_used_as_agreed="yes", operations_normal="yes", collateral_intact="na", guarantor_able="yes",
    )
    assert (inspection.kind, inspection.due_on) == ("first", datetime.date(2026, 3, 25))
    assert inspection.facts["instalments_due"] == 7 and inspection.facts["paid_on_time"] == 7
    assert inspection.facts["inflow"] == "36500.00"
    # Normal: quarterly from the inspection.
    assert LoanRisk.objects.get(loan=loan).next_inspection_due == datetime.date(2027, 2, 2)


def test_an_inspection_in_the_future_or_before_the_last_is_refused(risk_bank):
    loan = risk_bank.loan
    fields = dict(findings="正常", conclusion="no_concern", funds_used_as_agreed="yes", operations_normal="yes", collateral_intact="na", guarantor_able="na")
    with pytest.raises(ValidationError) as future:
        inspection_record(loan_id=loan.pk, user=risk_bank.am_a, inspected_on=datetime.date(2099, 1, 1), **fields)
    assert codes(future.value) == {"date_in_future"}
    inspection_record(loan_id=loan.pk, user=risk_bank.am_a, inspected_on=datetime.date(2026, 11, 2), **fields)
    with pytest.raises(ValidationError) as earlier:
        inspection_record(loan_id=loan.pk, user=risk_bank.am_a, inspected_on=datetime.date(2026, 10, 2), **fields)
    assert codes(earlier.value) == {"date_out_of_order"}
    assert Inspection.objects.count() == 1


def _drawn_credit(bank, settings, tmp_path):
    """The factory's credit approved, contracted and drawn today: the application and its loan."""
    from rmdesk.credit.tests.helpers import drawn_credit

    settings.MEDIA_ROOT = tmp_path
    return drawn_credit(bank)


def test_a_repayment_on_a_loan_drawn_from_a_credit_is_a_step_of_its_lifecycle(bank, settings, tmp_path):
    from rmdesk.credit.models import CreditTransition
    from rmdesk.domain.lifecycle import CreditState

    application, loan = _drawn_credit(bank, settings, tmp_path)
    repayment = repayment_record(loan_id=loan.pk, user=bank.am_b, amount=Decimal("50000.00"), paid_on=timezone.localdate())
    application.refresh_from_db()
    assert (application.state, application.outstanding) == (CreditState.REPAYING, Decimal("500000.00") - repayment.principal)
    step = CreditTransition.objects.filter(application=application).latest("pk")
    assert (step.action, step.by, step.amount) == ("repay", bank.am_b, repayment.principal)


def test_the_nightly_run_marks_a_credit_overdue_once_and_the_payment_of_the_arrears_cures_it(bank, settings, tmp_path):
    import time_machine

    from rmdesk.credit.models import CreditTransition
    from rmdesk.domain.lifecycle import CreditState

    application, loan = _drawn_credit(bank, settings, tmp_path)
    first = loan.instalments.get(number=1)
    night = first.due_on + datetime.timedelta(days=3)
    run = risk_nightly(as_of=night)
    assert (run.credits_overdue, run.credits_cured) == (1, 0)
    assert risk_nightly(as_of=night).credits_overdue == 0
    application.refresh_from_db()
    assert application.state == CreditState.OVERDUE
    marked = CreditTransition.objects.get(application=application, action="mark_overdue")
    assert (marked.by, marked.on, marked.from_state) == (None, night, CreditState.DISBURSED)
    assert first.due_on.isoformat() in marked.detail

    with time_machine.travel(datetime.datetime.combine(night, datetime.time(10), tzinfo=timezone.get_current_timezone())):
        # Less than the instalment leaves it past due: the credit stays overdue.
        repayment_record(loan_id=loan.pk, user=bank.am_b, amount=first.interest_due + penalty_owed(loan, as_of=night), paid_on=night)
        application.refresh_from_db()
        assert application.state == CreditState.OVERDUE
        repayment_record(loan_id=loan.pk, user=bank.am_b, amount=first.principal_due, paid_on=night)
    application.refresh_from_db()
    assert application.state == CreditState.REPAYING
    cured = CreditTransition.objects.filter(application=application).latest("pk")
    assert (cured.action, cured.by, cured.on) == ("cure", bank.am_b, night)
    assert risk_nightly(as_of=night).credits_cured == 0
