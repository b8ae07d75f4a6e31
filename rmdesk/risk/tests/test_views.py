"""The risk screens: scope on every loan (404 alike for not yours and not found), who may do what,
and each screen doing its work through the services."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from rmdesk.core.testing import MISSING_PK, sweep_routes
from rmdesk.credit.models import Instalment
from rmdesk.risk.models import CategoryChange, CategoryProposal, Inspection, LoanRisk, ProposalStatus, ProvisionPolicy, Repayment
from rmdesk.risk.tasks import risk_nightly

LOAN_ROUTES = ["loan_risk", "loan_classify", "repayment_new", "category_proposal", "category_decision", "inspection_new"]


def test_no_risk_route_leaks_outside_the_scope(client, risk_bank):
    risk_nightly(as_of=risk_bank.as_of)
    category_proposal = CategoryProposal.objects.create(
        loan=risk_bank.loan, from_category="normal", floor="normal", category="special_mention", reason="行业下行",
        proposed_by=risk_bank.am_a, proposed_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
    )
    assert category_proposal.pk
    findings = sweep_routes(client, caller=risk_bank.am_b)
    assert [f for f in findings if any(name in f for name in LOAN_ROUTES + ["risk_home", "category_approvals", "inspections", "provisions"])] == []


@pytest.mark.parametrize("route", LOAN_ROUTES)
def test_a_loan_outside_the_scope_is_not_found_like_a_missing_one(client, risk_bank, route):
    client.force_login(risk_bank.am_b)
    for method in ("get", "post"):
        foreign = getattr(client, method)(reverse(route, kwargs={"pk": risk_bank.loan.pk}))
        missing = getattr(client, method)(reverse(route, kwargs={"pk": MISSING_PK}))
        assert foreign.status_code == missing.status_code
        assert foreign.status_code in (404, 405)


def test_the_loan_risk_page_shows_schedule_category_history_and_reserves(client, risk_bank):
    risk_nightly(as_of=datetime.date(2026, 11, 15))
    client.force_login(risk_bank.am_a)
    page = client.get(reverse("loan_risk", kwargs={"pk": risk_bank.loan.pk}))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="days-past-due" class="overdue">5<' in body
    assert 'class="category special_mention" data-testid="category"' in body
    assert [(c.on, c.to_category, c.floor) for c in page.context["p"].changes] == [(datetime.date(2026, 11, 15), "special_mention", "special_mention")]
    assert 'data-testid="reserves"' in body
    assert 'data-testid="record-repayment"' in body


def test_a_risk_officer_sees_the_loan_but_cannot_record_a_repayment(client, risk_bank):
    client.force_login(risk_bank.risk)
    assert client.get(reverse("loan_risk", kwargs={"pk": risk_bank.loan.pk})).status_code == 200
    assert client.get(reverse("repayment_new", kwargs={"pk": risk_bank.loan.pk})).status_code == 403
    assert client.post(reverse("inspection_new", kwargs={"pk": risk_bank.loan.pk})).status_code == 403


def test_recording_a_repayment_allocates_it_and_shows_the_loan(client, risk_bank):
    client.force_login(risk_bank.am_a)
    url = reverse("repayment_new", kwargs={"pk": risk_bank.loan.pk})
    assert client.get(url).status_code == 200
    answer = client.post(url, {"amount": "2000.00", "paid_on": "2026-11-12", "reference": "PZ001"})
    assert answer.status_code == 302 and answer.url == reverse("loan_risk", kwargs={"pk": risk_bank.loan.pk})
    repayment = Repayment.objects.get()
    assert (repayment.amount, repayment.reference, repayment.recorded_by) == (Decimal("2000.00"), "PZ001", risk_bank.am_a)
    assert Instalment.objects.get(loan=risk_bank.loan, number=8).interest_paid == repayment.interest


def test_a_refused_repayment_says_why_on_its_field(client, risk_bank):
    client.force_login(risk_bank.am_a)
    answer = client.post(reverse("repayment_new", kwargs={"pk": risk_bank.loan.pk}), {"amount": "9999999.00", "paid_on": "2026-11-12"})
    assert answer.status_code == 400
    assert answer.context["form"].errors["amount"]
    assert not Repayment.objects.exists()


def test_a_proposal_and_its_approval_through_the_screens(client, risk_bank):
    risk_nightly(as_of=risk_bank.as_of)
    client.force_login(risk_bank.am_a)
    answer = client.post(reverse("category_proposal", kwargs={"pk": risk_bank.loan.pk}), {"category": "special_mention", "reason": "主要购粮客户停业"})
    assert answer.status_code == 302
    client.force_login(risk_bank.risk)
    queue = client.get(reverse("category_approvals"))
    assert risk_bank.loan.contract_number in queue.content.decode()
    assert queue.context["rows"][0][1] is True
    answer = client.post(reverse("category_decision", kwargs={"pk": risk_bank.loan.pk}), {"decision": "approve", "next": "approvals"})
    assert answer.status_code == 302 and answer.url == reverse("category_approvals")
    assert CategoryProposal.objects.get().status == ProposalStatus.APPROVED
    assert LoanRisk.objects.get(loan=risk_bank.loan).category == "special_mention"
    assert CategoryChange.objects.filter(loan=risk_bank.loan, decided_by=risk_bank.risk).exists()


def test_a_proposal_better_than_the_floor_is_refused_on_the_form(client, risk_bank):
    risk_nightly(as_of=risk_bank.as_of)
    client.force_login(risk_bank.am_b)
    answer = client.post(reverse("category_proposal", kwargs={"pk": risk_bank.factory_old.pk}), {"category": "normal", "reason": "抵押充足"})
    assert answer.status_code == 400
    assert answer.context["form"].errors["category"]


def test_the_account_manager_cannot_decide_from_the_queue(client, risk_bank):
    client.force_login(risk_bank.am_a)
    client.post(reverse("category_proposal", kwargs={"pk": risk_bank.loan.pk}), {"category": "special_mention", "reason": "行业下行"})
    assert client.get(reverse("category_approvals")).context["rows"][0][1] is False
    answer = client.post(reverse("category_decision", kwargs={"pk": risk_bank.loan.pk}), {"decision": "approve"})
    assert answer.status_code == 400
    assert CategoryProposal.objects.get().status == ProposalStatus.PENDING


def test_the_inspection_form_is_prefilled_and_records_the_inspection(client, risk_bank):
    risk_nightly(as_of=risk_bank.as_of)
    client.force_login(risk_bank.am_a)
    url = reverse("inspection_new", kwargs={"pk": risk_bank.loan.pk})
    form = client.get(url)
    assert form.status_code == 200
    assert form.context["facts"]["inflow"] == "36500.00"
    assert "县粮食收储公司" in form.content.decode()
    answer = client.post(url, {
        "inspected_on": "2026-11-02", "funds_used_as_agreed": "yes", "operations_normal": "yes", "collateral_intact": "na",
        "guarantor_able": "yes", "findings": "作物长势良好", "conclusion": "no_concern",
    })
    assert answer.status_code == 302
    assert Inspection.objects.get().inspected_by == risk_bank.am_a


def test_my_inspections_due_and_the_team_leaders_late_inspections(client, risk_bank):
    risk_nightly(as_of=risk_bank.as_of)
    client.force_login(risk_bank.am_a)
    due = client.get(reverse("inspections_due"))
    assert [r.loan_id for r in due.context["page"]] == [risk_bank.loan.pk]
    client.force_login(risk_bank.leader_a)
    late = client.get(reverse("inspections_overdue"))
    rows = late.context["rows"]
    # Due 2026-03-25 and never done: reported to the risk officer after 30 days late.
    assert [(r.risk.loan_id, r.escalation.role) for r in rows] == [(risk_bank.loan.pk, "risk_officer")]


def test_the_reserves_roll_up_is_for_people_who_see_a_unit(client, risk_bank):
    risk_nightly(as_of=risk_bank.as_of)
    client.force_login(risk_bank.am_a)
    assert client.get(reverse("provisions")).status_code == 403
    client.force_login(risk_bank.risk)
    page = client.get(reverse("provisions"))
    assert page.status_code == 200
    assert page.context["rollup"].total.loans == 3


def test_the_risk_home_lists_the_loans_past_due_in_scope(client, risk_bank):
    risk_nightly(as_of=risk_bank.as_of)
    client.force_login(risk_bank.am_b)
    home = client.get(reverse("risk_home"))
    assert [loan.pk for loan in home.context["page"]] == [risk_bank.factory_old.pk]
    client.force_login(risk_bank.am_a)
    assert list(client.get(reverse("risk_home")).context["page"]) == []


def test_reserve_rates_are_edited_on_the_administration_site_and_checked(client, risk_bank):
    client.force_login(risk_bank.admin)
    session = client.session
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=risk_bank.admin, name="test", confirmed=True)
    session["otp_device_id"] = device.persistent_id
    session.save()
    policy = ProvisionPolicy.objects.get()
    url = reverse("desk_admin:risk_provisionpolicy_change", args=[policy.pk])
    fields = {"general_rate": "0.01", "normal_rate": "0", "special_mention_rate": "0.02", "substandard_rate": "0.30", "doubtful_rate": "0.50", "loss_rate": "1"}
    assert client.post(url, fields).status_code == 302
    assert ProvisionPolicy.objects.get().substandard_rate == Decimal("0.300000")
    refused = client.post(url, {**fields, "doubtful_rate": "0.20"})
    assert refused.status_code == 200 and "worse category" in refused.content.decode()
