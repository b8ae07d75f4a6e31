"""Credit services against the real database: every step through the domain, stored and audited."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from rmdesk.credit import services
from rmdesk.credit.models import (
    ApprovalDelegation,
    CreditApplication,
    CreditPolicySetting,
    CreditTransition,
    Drawdown,
    Instalment,
    InvestigationFile,
    Loan,
    NetCapital,
)
from rmdesk.credit.selectors import approval_queue, policy_facts, staffed_ladder
from rmdesk.credit.tests.helpers import TODAY, decided_rating, enterprise_application, investigate, working_capital_product
from rmdesk.customers.models import Relationship, RelationshipKind
from rmdesk.domain.amortisation import repayment_schedule
from rmdesk.domain.lifecycle import CreditState
from rmdesk.org.models import ApprovalAuthority, Role


@pytest.fixture
def rated(bank):
    decided_rating(bank.factory, "BBB", by=bank.am_b)
    return bank


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English; the Chinese ones are the translators' (the codes are the same)."""
    with translation.override("en"):
        yield


def refused(call, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value


def in_approval(bank, **kwargs) -> CreditApplication:
    application = investigate(enterprise_application(bank, **kwargs), by=bank.am_b)
    services.credit_policy_check_run(application=application, by=bank.am_b)
    application.refresh_from_db()
    return application


# --- application -------------------------------------------------------------------------------------


def test_an_application_opens_in_draft_with_a_reference_and_its_opener_as_originator(bank):
    application = enterprise_application(bank)
    assert application.reference == f"SX{TODAY().year}{application.pk:06d}"
    application.refresh_from_db()
    assert application.state == CreditState.DRAFT
    assert application.originators == [str(bank.am_b.pk)]
    assert application.industry_code == "C2041"


def test_only_someone_who_changes_the_customers_records_opens_an_application(bank):
    with pytest.raises(PermissionDenied):
        enterprise_application(bank, by=bank.am_a)  # the factory is not in am_a's book
    with pytest.raises(PermissionDenied):
        enterprise_application(bank, by=bank.approver)  # approvers read, they do not apply


def test_a_product_not_offered_to_the_kind_of_customer_is_refused(bank):
    error = refused(
        services.credit_application_create, customer=bank.farmer, by=bank.am_a, product=working_capital_product(),
        amount=Decimal("1000"), term_months=12, annual_rate=Decimal("0.05"), repayment_method="equal_instalment",
        purpose="x", repayment_source="y",
    )
    assert error.code == "product_not_offered"


def test_changing_collateral_is_an_amendment_in_the_history(bank):
    application = enterprise_application(bank)
    (step,) = CreditTransition.objects.filter(application=application)
    assert (step.action, step.from_state, step.to_state) == ("amend", "draft", "draft")
    assert "柳河工业园厂房" in step.remark


def test_submission_lists_what_the_application_lacks_translated(bank):
    application = enterprise_application(bank)
    services.credit_collateral_add(application=application, by=bank.am_b, kind="machinery", description="刨床", value=None)
    error = refused(services.credit_application_submit, application=application, by=bank.am_b)
    assert error.code == "open_items"
    assert "the appraised value of 刨床" in error.messages[0]
    assert "insurance of 刨床 running today" in error.messages[0]
    application.refresh_from_db()
    assert application.state == CreditState.DRAFT


def test_an_illegal_transition_is_refused_with_the_codes_message_and_nothing_written(bank):
    application = enterprise_application(bank)
    before = CreditTransition.objects.count()
    error = refused(services.credit_investigation_complete, application=application, by=bank.am_b)
    assert error.code == "illegal_transition"
    assert error.messages == ["You cannot send it to the policy check: the application is Draft."]
    assert CreditTransition.objects.count() == before


def test_an_illegal_transition_is_refused_in_chinese_too(bank):
    application = enterprise_application(bank)
    with translation.override("zh-hans"):
        error = refused(services.credit_investigation_complete, application=application, by=bank.am_b)
    assert error.code == "illegal_transition"


# --- investigation -----------------------------------------------------------------------------------


def test_the_investigation_goes_on_only_when_every_item_of_the_checklist_is_done(bank):
    application = enterprise_application(bank)
    services.credit_application_submit(application=application, by=bank.am_b)
    services.credit_investigation_start(application=application, by=bank.am_b)
    services.credit_investigation_save(
        application=application, by=bank.am_b, checklist={"site_visit": (True, "厂区整洁")}, site_visit_on=TODAY(), conclusion=""
    )
    error = refused(services.credit_investigation_complete, application=application, by=bank.am_b)
    assert error.code == "open_items"
    assert "Credit report" in error.messages[0]
    assert "Premises visited" not in error.messages[0]


def test_whoever_investigates_becomes_an_originator(bank):
    application = enterprise_application(bank)
    services.credit_application_submit(application=application, by=bank.am_b)
    services.credit_investigation_start(application=application, by=bank.am_b)
    services.credit_investigation_save(application=application, by=bank.am_a2, checklist={}, site_visit_on=None, conclusion="")
    application.refresh_from_db()
    assert str(bank.am_a2.pk) in application.originators


def test_photos_attach_to_the_investigation_and_its_items(bank):
    application = enterprise_application(bank)
    services.credit_application_submit(application=application, by=bank.am_b)
    services.credit_investigation_start(application=application, by=bank.am_b)
    photo = SimpleUploadedFile("workshop.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", content_type="image/jpeg")
    attached = services.credit_investigation_attach(
        application=application, by=bank.am_b, file=photo, kind="photo", caption="车间", checklist_item="site_visit"
    )
    assert InvestigationFile.objects.get().checklist_item == "site_visit"
    assert attached.file.read() == b"\xff\xd8\xff\xe0 not really a jpeg"


def test_an_attachment_must_be_a_photo_or_document_by_its_content_and_within_the_size_limit(bank, settings, tmp_path):
    settings.MEDIA_ROOT, settings.RMDESK_ATTACHMENT_MAX_MB = tmp_path, 1
    application = enterprise_application(bank)
    services.credit_application_submit(application=application, by=bank.am_b)
    services.credit_investigation_start(application=application, by=bank.am_b)

    def attach(name: str, content: bytes, kind: str) -> str:
        with pytest.raises(ValidationError) as refused:
            services.credit_investigation_attach(
                application=application, by=bank.am_b, file=SimpleUploadedFile(name, content), kind=kind, caption=""
            )
        return refused.value

    renamed = attach("site.jpg", b"MZ\x90\x00 an executable", "photo")
    assert renamed.code == "file_type" and "site.jpg" in renamed.messages[0]
    pdf = b"%PDF-1.7\n" + b"0" * 100
    assert attach("licence.pdf", pdf, "photo").code == "file_type"
    assert attach("empty.png", b"", "photo").code == "file_empty"
    large = attach("scan.pdf", pdf + b"0" * (1024 * 1024), "document")
    assert large.code == "file_too_large" and "1 MB" in large.messages[0]
    assert not InvestigationFile.objects.exists()
    services.credit_investigation_attach(
        application=application, by=bank.am_b, file=SimpleUploadedFile("licence.pdf", pdf), kind="document", caption="营业执照"
    )
    assert InvestigationFile.objects.get().caption == "营业执照"


# --- policy check and routing --------------------------------------------------------------------------


def test_the_policy_check_is_fed_from_the_database_and_every_rule_is_kept(rated):
    bank = rated
    application = investigate(enterprise_application(bank), by=bank.am_b)
    check = services.credit_policy_check_run(application=application, by=bank.am_b)
    assert check.passed
    assert check.facts["grade"] == "BBB"
    assert check.facts["net_capital"] == "2000000000.00"
    assert check.results.count() == 12
    ltv = check.results.get(rule="loan_to_value")
    assert (ltv.outcome, ltv.measured, ltv.limit) == ("passed", "26.67", "50.00")
    application.refresh_from_db()
    assert application.state == CreditState.IN_APPROVAL
    # No team leader holds the factory's outlet: the route skips to the credit approver.
    assert application.route == ["credit_approver"]
    assert application.pending_level == "credit_approver"


def test_a_failed_check_returns_the_application_with_the_reason_rebuilt_from_the_figures(bank):
    application = investigate(enterprise_application(bank), by=bank.am_b)
    check = services.credit_policy_check_run(application=application, by=bank.am_b)
    assert not check.passed
    application.refresh_from_db()
    assert application.state == CreditState.RETURNED
    from rmdesk.credit.display import rule_rows

    grade = next(row for row in rule_rows(check) if row.rule == "minimum_grade")
    assert (grade.outcome, grade.measured, grade.limit) == ("failed", "", "BB")
    assert grade.reason == "The borrower has no rating in force."


def test_the_group_and_existing_loans_count_in_the_concentration(rated):
    bank = rated
    Relationship.objects.create(from_customer=bank.shop, to_customer=bank.factory, kind=RelationshipKind.GROUP_MEMBER, since=datetime.date(2024, 1, 1))
    application = investigate(enterprise_application(bank), by=bank.am_b)
    found = policy_facts(application, on=TODAY())
    assert [c.name for c in found.group] == [bank.factory.name, bank.shop.name]
    assert found.facts.group_credit == Decimal("0.00")
    assert policy_facts(CreditApplication.objects.get(customer=bank.farmer), on=TODAY()).facts.customer_loans == Decimal("200000.00")


def test_routing_follows_the_approval_authority_data(rated):
    bank = rated
    approver = Role.objects.get(code="credit_approver")
    ApprovalAuthority.objects.filter(role=approver).update(max_amount=Decimal("500000"))
    application = in_approval(bank, amount="800000")
    assert application.route == ["credit_approver", "head_office"]
    assert [level.code for level in staffed_ladder(bank.factory)] == ["credit_approver", "head_office"]


def test_a_team_leader_over_the_customer_is_the_first_level(bank):
    ladder = staffed_ladder(bank.farmer)
    assert [level.code for level in ladder] == ["team_leader", "credit_approver", "head_office"]


# --- approval -----------------------------------------------------------------------------------------


def test_the_approver_approves_and_the_approval_is_valid_for_the_policys_days(rated):
    bank = rated
    application = in_approval(bank)
    assert [e.application.pk for e in approval_queue(user=bank.approver, on=TODAY())] == [application.pk]
    services.credit_decide(application=application, by=bank.approver, decision="approve", opinion="同意", approved_amount=Decimal("700000"))
    application.refresh_from_db()
    assert application.state == CreditState.APPROVED
    assert application.approved_amount == Decimal("700000.00")
    assert application.approval_valid_until == TODAY() + datetime.timedelta(days=90)
    step = application.transitions.last()
    assert (step.action, step.level, step.by, step.remark) == ("approve", "credit_approver", bank.approver, "同意")
    assert approval_queue(user=bank.approver, on=TODAY()) == []


def test_nobody_approves_their_own_application(rated):
    bank = rated
    # The head of the credit department applies on a customer's behalf... and cannot then sign it.
    application = in_approval(bank)
    CreditApplication.objects.filter(pk=application.pk).update(originators=[str(bank.am_b.pk), str(bank.approver.pk)])
    error = refused(services.credit_decide, application=application, by=bank.approver, decision="approve")
    assert error.code == "own_application"
    assert approval_queue(user=bank.approver, on=TODAY())[0].own


def test_someone_without_the_level_cannot_sign(rated):
    bank = rated
    application = in_approval(bank)
    error = refused(services.credit_decide, application=application, by=bank.head, decision="approve")
    assert error.code == "not_at_level"


def test_a_rejection_needs_a_reason_and_ends_the_application(rated):
    bank = rated
    application = in_approval(bank)
    assert refused(services.credit_decide, application=application, by=bank.approver, decision="reject", opinion=" ").code == "reason_required"
    services.credit_decide(application=application, by=bank.approver, decision="reject", opinion="还款来源不足")
    application.refresh_from_db()
    assert application.state == CreditState.REJECTED


def test_returned_for_information_the_account_manager_resumes_and_the_route_starts_again(rated):
    bank = rated
    application = in_approval(bank)
    services.credit_decide(application=application, by=bank.approver, decision="return", opinion="补充2025年审计报告")
    application.refresh_from_db()
    assert (application.state, application.route, application.pending_level) == (CreditState.RETURNED, [], "")
    services.credit_investigation_resume(application=application, by=bank.am_b)
    services.credit_investigation_complete(application=application, by=bank.am_b)
    services.credit_policy_check_run(application=application, by=bank.am_b)
    application.refresh_from_db()
    assert application.pending_level == "credit_approver"


def test_a_delegate_signs_for_the_approver_away_and_the_history_says_so(rated):
    bank = rated
    application = in_approval(bank)
    services.approval_delegation_create(
        delegator=bank.approver, delegate=bank.head, starts_on=TODAY(), ends_on=TODAY() + datetime.timedelta(days=7), reason="年假"
    )
    (entry,) = approval_queue(user=bank.head, on=TODAY())
    assert entry.on_behalf_of == bank.approver
    services.credit_decide(application=application, by=bank.head, decision="approve", opinion="代为审批同意")
    step = CreditTransition.objects.filter(application=application).last()
    assert (step.by, step.on_behalf_of, step.to_state) == (bank.head, bank.approver, "approved")


def test_a_cancelled_or_ended_delegation_signs_nothing(rated):
    bank = rated
    application = in_approval(bank)
    delegation = services.approval_delegation_create(
        delegator=bank.approver, delegate=bank.head, starts_on=TODAY(), ends_on=TODAY(), reason="出差"
    )
    services.approval_delegation_cancel(delegation=delegation, by=bank.approver)
    assert refused(services.credit_decide, application=application, by=bank.head, decision="approve").code == "not_at_level"
    assert approval_queue(user=bank.head, on=TODAY()) == []


def test_a_delegation_is_given_by_an_approver_to_someone_else_for_a_reason(bank):
    assert refused(
        services.approval_delegation_create, delegator=bank.am_a, delegate=bank.am_b, starts_on=TODAY(), ends_on=TODAY(), reason="x"
    ).code == "delegation_invalid"
    assert refused(
        services.approval_delegation_create, delegator=bank.approver, delegate=bank.head, starts_on=TODAY(),
        ends_on=TODAY() - datetime.timedelta(days=1), reason="x",
    ).code == "delegation_invalid"
    assert not ApprovalDelegation.objects.exists()


# --- contract and drawdown ---------------------------------------------------------------------------------


def approved(bank) -> CreditApplication:
    application = in_approval(bank)
    services.credit_decide(application=application, by=bank.approver, decision="approve", opinion="同意")
    application.refresh_from_db()
    return application


def test_the_contract_sets_a_line_no_larger_than_approved(rated):
    bank = rated
    application = approved(bank)
    too_much = refused(
        services.credit_contract_sign, application=application, by=bank.am_b, line_amount=Decimal("900000"),
        valid_from=TODAY(), valid_until=TODAY() + datetime.timedelta(days=364),
    )
    assert too_much.code == "above_approved_amount"
    contract = services.credit_contract_sign(
        application=application, by=bank.am_b, line_amount=Decimal("800000"), valid_from=TODAY(),
        valid_until=TODAY() + datetime.timedelta(days=364),
    )
    assert contract.number == f"SXHT{TODAY().year}{application.pk:06d}"
    application.refresh_from_db()
    assert application.state == CreditState.CONTRACT_SIGNED


def test_a_drawdown_opens_the_loan_its_holding_and_the_schedule_of_the_domain(rated):
    bank = rated
    application = approved(bank)
    services.credit_contract_sign(
        application=application, by=bank.am_b, line_amount=Decimal("800000"), valid_from=TODAY(),
        valid_until=TODAY() + datetime.timedelta(days=364),
    )
    first_due = TODAY() + datetime.timedelta(days=30)
    drawdown = services.credit_drawdown(
        application=application, by=bank.am_b, amount=Decimal("500000"), term_months=12, first_due_on=first_due, payment_method="borrower",
    )
    loan = drawdown.loan
    assert (loan.principal, loan.outstanding_principal, loan.customer, loan.guarantee_kind) == (
        Decimal("500000.00"), Decimal("500000.00"), bank.factory, "mortgage"
    )
    assert loan.holding.balance == Decimal("500000.00")
    expected = repayment_schedule(
        principal=Decimal("500000.00"), annual_rate=Decimal("0.0435"), months=12, method="equal_instalment", first_due_date=first_due
    )
    stored = list(Instalment.objects.filter(loan=loan).order_by("number").values_list("due_on", "principal_due", "interest_due"))
    assert stored == [(i.due_date, i.principal, i.interest) for i in expected]
    assert loan.maturity_on == expected[-1].due_date
    application.refresh_from_db()
    assert (application.state, application.drawn, application.outstanding) == (CreditState.DISBURSED, Decimal("500000.00"), Decimal("500000.00"))
    exceeded = refused(
        services.credit_drawdown, application=application, by=bank.am_b, amount=Decimal("300000.01"), term_months=6,
        first_due_on=first_due, payment_method="borrower",
    )
    assert exceeded.code == "line_exceeded"
    assert "300,000.00 yuan" in exceeded.messages[0]
    assert Loan.objects.filter(customer=bank.factory).count() == 1


def test_entrusted_payment_where_the_policy_requires_it_goes_to_the_named_counterparty(rated):
    bank = rated
    CreditPolicySetting.objects.update(entrusted_payment_above={"enterprise": "300000"})
    application = approved(bank)
    services.credit_contract_sign(
        application=application, by=bank.am_b, line_amount=Decimal("800000"), valid_from=TODAY(),
        valid_until=TODAY() + datetime.timedelta(days=364),
    )
    args = {"application": application, "by": bank.am_b, "amount": Decimal("400000"), "term_months": 12,
            "first_due_on": TODAY() + datetime.timedelta(days=30)}
    assert refused(services.credit_drawdown, **args, payment_method="borrower").code == "entrusted_payment_required"
    assert refused(services.credit_drawdown, **args, payment_method="entrusted", counterparty_name="安吉毛竹合作社").code == "counterparty_missing"
    drawdown = services.credit_drawdown(
        **args, payment_method="entrusted", counterparty_name="安吉毛竹合作社", counterparty_account="33052301000888", counterparty_bank="安吉农商银行",
    )
    payment = drawdown.loan.holding.transactions.get()
    assert (payment.counterparty_name, payment.counterparty_account, payment.amount) == ("安吉毛竹合作社", "33052301000888", Decimal("400000.00"))
    assert Drawdown.objects.get().payment_method == "entrusted"


# --- audit, configuration ---------------------------------------------------------------------------------------


def test_every_transition_is_in_the_audit_trail_with_its_customer(rated):
    bank = rated
    application = in_approval(bank)
    entries = LogEntry.objects.filter(content_type__model="credittransition")
    assert entries.count() == application.transitions.count()
    assert {e.additional_data["customer_id"] for e in entries} == {bank.factory.pk}


def test_without_net_capital_on_file_the_check_says_who_must_enter_it(rated):
    bank = rated
    application = investigate(enterprise_application(bank), by=bank.am_b)
    NetCapital.objects.all().delete()
    error = refused(services.credit_policy_check_run, application=application, by=bank.am_b)
    assert error.code == "not_configured"


def test_the_policy_row_is_checked_by_the_domain_rules(bank):
    policy = CreditPolicySetting.objects.get()
    policy.max_loan_to_value = {"machinery": "1.5"}
    with pytest.raises(ValidationError) as caught:
        policy.full_clean()
    assert "loan-to-value of machinery" in str(caught.value)


def test_the_related_party_list_feeds_the_related_party_limits(rated):
    bank = rated
    services.related_party_record(customer=bank.factory, by=bank.compliance, basis="董事关联企业", listed_on=datetime.date(2025, 1, 1))
    application = investigate(enterprise_application(bank), by=bank.am_b)
    check = services.credit_policy_check_run(application=application, by=bank.am_b)
    unsecured = check.results.get(rule="related_party_unsecured")
    assert unsecured.outcome == "passed"
    assert check.results.get(rule="related_party_single").measured == "0.04"


def test_dates_run_forward_only(rated):
    bank = rated
    application = enterprise_application(bank)
    services.credit_application_submit(application=application, by=bank.am_b)
    error = refused(services.credit_investigation_start, application=application, by=bank.am_b, on=TODAY() - datetime.timedelta(days=1))
    assert error.code == "date_out_of_order"
    assert timezone.localdate() == TODAY()


def test_terms_are_amended_before_approval_only_and_the_change_is_named(rated):
    bank = rated
    application = enterprise_application(bank)
    services.credit_application_update(application=application, by=bank.am_b, amount=Decimal("600000"), term_months=24)
    step = application.transitions.last()
    assert (step.action, step.amount, step.remark) == ("amend", Decimal("600000.00"), "amount (yuan), term in months")
    approved_application = approved(bank)
    error = refused(services.credit_application_update, application=approved_application, by=bank.am_b, amount=Decimal("1"))
    assert error.code == "illegal_transition"
