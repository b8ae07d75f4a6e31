"""Restructuring (重组): proposed by the account manager, decided by another person; the unpaid
instalments rescheduled, and the loan held at least substandard during its observation period."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from rmdesk.credit.models import Loan
from rmdesk.domain.amortisation import add_months
from rmdesk.domain.classification import Category
from rmdesk.risk.models import LoanRisk, ProposalStatus, Restructuring
from rmdesk.risk.services import restructuring_decide, restructuring_propose
from rmdesk.risk.tasks import risk_nightly
from rmdesk.risk.tests.conftest import pay_on_due_dates
from rmdesk.risk.tests.test_batch import assert_batch_equals_the_domain
from rmdesk.risk.tests.test_services import _drawn_credit, codes

REASON = "原材料涨价，回款周期拉长，资金周转困难；剩余本金延长至24个月偿还。"


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _restructured(bank, loan: Loan, *, first: datetime.date, months: int = 24) -> Restructuring:
    restructuring_propose(loan_id=loan.pk, user=bank.am_b, term_months=months, first_repayment_on=first, reason=REASON)
    return restructuring_decide(loan_id=loan.pk, user=bank.risk, approve=True)


def test_an_approved_restructuring_reschedules_what_is_unpaid_and_holds_the_loan_at_least_substandard(risk_bank):
    loan = risk_bank.factory_old
    risk_nightly(as_of=risk_bank.as_of)
    before = LoanRisk.objects.get(loan=loan).category
    today = _today()
    unpaid = loan.instalments.filter(settled_on__isnull=True)
    interest_in_arrears = sum(i.interest_due - i.interest_paid for i in unpaid if i.due_on <= today)
    first = today + datetime.timedelta(days=30)
    restructuring = _restructured(risk_bank, loan, first=first)

    loan.refresh_from_db()
    new = list(loan.instalments.filter(settled_on__isnull=True).order_by("number"))
    assert len(new) == 24 and new[0].due_on == first
    assert sum(i.principal_due for i in new) == loan.outstanding_principal == Decimal("60000.00")
    assert new[0].interest_due > interest_in_arrears > 0
    assert loan.days_past_due == 0 and loan.maturity_on == new[-1].due_on
    assert (restructuring.status, restructuring.category_before) == (ProposalStatus.APPROVED, before)
    assert restructuring.observation_ends_on == add_months(first, 12)
    risk = LoanRisk.objects.get(loan=loan)
    assert Category(risk.category).rank >= Category.SUBSTANDARD.rank
    # Nothing owed was lost: what the old schedule still owed equals what the new one owes, but the new interest.
    assert loan.instalments.aggregate(p=Sum("principal_due"))["p"] == loan.principal


def test_the_proposer_and_roles_that_do_not_approve_cannot_decide_and_a_rejection_says_why(risk_bank):
    loan = risk_bank.factory_old
    restructuring_propose(loan_id=loan.pk, user=risk_bank.am_b, term_months=12, first_repayment_on=_today() + datetime.timedelta(days=20), reason=REASON)
    with pytest.raises(ValidationError) as not_approver:
        restructuring_decide(loan_id=loan.pk, user=risk_bank.am_b, approve=True)
    assert codes(not_approver.value) == {"not_an_approver"}
    with pytest.raises(ValidationError) as twice:
        restructuring_propose(loan_id=loan.pk, user=risk_bank.am_b, term_months=12, first_repayment_on=_today() + datetime.timedelta(days=20), reason=REASON)
    assert codes(twice.value) == {"proposal_pending"}
    with pytest.raises(ValidationError) as silent:
        restructuring_decide(loan_id=loan.pk, user=risk_bank.risk, approve=False)
    assert codes(silent.value) == {"reason_required"}
    rejected = restructuring_decide(loan_id=loan.pk, user=risk_bank.risk, approve=False, reason="还款来源不清")
    assert rejected.status == ProposalStatus.REJECTED
    assert not loan.instalments.filter(number__gt=12).exists()


def test_a_first_repayment_today_or_earlier_or_no_reason_is_refused(risk_bank):
    loan = risk_bank.factory_old
    with pytest.raises(ValidationError) as early:
        restructuring_propose(loan_id=loan.pk, user=risk_bank.am_b, term_months=12, first_repayment_on=_today(), reason=REASON)
    assert codes(early.value) == {"first_repayment_invalid"}
    with pytest.raises(ValidationError) as silent:
        restructuring_propose(loan_id=loan.pk, user=risk_bank.am_b, term_months=12, first_repayment_on=_today() + datetime.timedelta(days=9), reason=" ")
    assert codes(silent.value) == {"reason_required"}
    assert not Restructuring.objects.exists()


def test_the_batch_equals_the_domain_with_a_loan_in_observation(risk_bank):
    _restructured(risk_bank, risk_bank.factory_old, first=_today() + datetime.timedelta(days=30))
    assert_batch_equals_the_domain(_today())
    assert LoanRisk.objects.get(loan=risk_bank.factory_old).category in {Category.SUBSTANDARD, Category.DOUBTFUL, Category.LOSS}


def test_a_payment_missed_in_the_observation_period_restarts_it(risk_bank):
    loan = risk_bank.factory_old
    first = _today() + datetime.timedelta(days=30)
    restructuring = _restructured(risk_bank, loan, first=first)
    pay_on_due_dates(loan, through=first)
    second = loan.instalments.filter(settled_on__isnull=True).order_by("number").first().due_on
    risk_nightly(as_of=second + datetime.timedelta(days=5))
    restructuring.refresh_from_db()
    assert restructuring.observation_ends_on == add_months(second, 12)


def test_restructuring_a_loan_drawn_at_the_desk_restructures_its_credit(bank, settings, tmp_path):
    from rmdesk.domain.lifecycle import CreditState

    application, loan = _drawn_credit(bank, settings, tmp_path)
    first = _today() + datetime.timedelta(days=60)
    _restructured(bank, loan, first=first)
    application.refresh_from_db()
    assert (application.state, application.observation_ends_on) == (CreditState.RESTRUCTURED, add_months(first, 12))
    step = application.transitions.latest("pk")
    assert (step.action, step.by, step.remark) == ("restructure", bank.am_b, REASON)


def test_the_account_manager_proposes_on_the_page_and_the_risk_officer_decides_there(risk_bank, client):
    loan = risk_bank.factory_old
    client.force_login(risk_bank.am_b)
    assert b'data-testid="propose-restructuring"' in client.get(f"/risk/loans/{loan.pk}/").content
    first = (_today() + datetime.timedelta(days=25)).isoformat()
    refused = client.post(f"/risk/loans/{loan.pk}/restructuring/", {"term_months": "24", "first_repayment_on": first, "reason": ""})
    assert refused.status_code == 400
    sent = client.post(f"/risk/loans/{loan.pk}/restructuring/", {"term_months": "24", "first_repayment_on": first, "reason": REASON})
    assert sent.status_code == 302
    client.force_login(risk_bank.risk)
    page = client.get(f"/risk/loans/{loan.pk}/")
    assert b'data-testid="decide-restructuring"' in page.content
    decided = client.post(f"/risk/loans/{loan.pk}/restructuring/decide/", {"decision": "approve", "reason": ""})
    assert decided.status_code == 302
    assert Restructuring.objects.get(loan=loan).status == ProposalStatus.APPROVED
    assert b'data-testid="restructurings"' in client.get(f"/risk/loans/{loan.pk}/").content
