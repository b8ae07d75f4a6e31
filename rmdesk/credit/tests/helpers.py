"""Test data for credit: a working-capital product, a decided rating, an application taken along the path."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from rmdesk.credit import services
from rmdesk.credit.models import CreditApplication, Loan
from rmdesk.domain.origination import checklist_for
from rmdesk.products.models import Product, ProductFamily
from rmdesk.rating.models import Rating, RatingStatus

TODAY = timezone.localdate


def working_capital_product() -> Product:
    product, _ = Product.objects.get_or_create(
        code="LN-WC",
        defaults={"family": ProductFamily.LOAN, "name_zh": "流动资金贷款", "name_en": "Working capital loan", "for_individuals": False},
    )
    return product


def decided_rating(customer, grade: str, *, by, on: datetime.date | None = None) -> Rating:
    """A rating of `customer` decided at `grade` on `on` (today), as the rating screens leave it."""
    on = on or TODAY()
    template = Rating.objects.filter(customer=customer).first()
    return Rating.objects.create(
        customer=customer, scorecard=template.scorecard, as_of=on, score=Decimal("70"), proposed_grade=grade,
        proposed_pd=Decimal("0.0045"), status=RatingStatus.CONFIRMED, grade=grade, pd=Decimal("0.0045"),
        proposed_at=timezone.now(), decided_by=by, decided_at=timezone.now(), valid_from=on,
        valid_until=on.replace(year=on.year + 1),
    )


def enterprise_application(bank, *, amount: str = "800000", by=None) -> CreditApplication:
    """The factory's working-capital application in draft, with a workshop mortgaged and insured."""
    by = by or bank.am_b
    application = services.credit_application_create(
        customer=bank.factory, by=by, product=working_capital_product(), amount=Decimal(amount), term_months=12,
        annual_rate=Decimal("0.0435"), repayment_method="equal_instalment", purpose="收购毛竹原料",
        repayment_source="竹制品销售回款", industry_code="C2041",
    )
    services.credit_collateral_add(
        application=application, by=by, kind="industrial_property", description="柳河工业园厂房", value=Decimal("3000000"),
        valued_on=TODAY() - datetime.timedelta(days=30), insurer="人保财险", insured_amount=Decimal("3000000"),
        insured_until=TODAY() + datetime.timedelta(days=300),
    )
    return application


def investigate(application: CreditApplication, *, by) -> CreditApplication:
    """Submit, investigate every item of the checklist and send to the policy check."""
    services.credit_application_submit(application=application, by=by)
    services.credit_investigation_start(application=application, by=by)
    items = {item.code: (True, "已核实") for item in checklist_for(application.customer.kind)}
    services.credit_investigation_save(
        application=application, by=by, checklist=items, site_visit_on=TODAY(), conclusion="经营正常，建议授信。"
    )
    services.credit_investigation_complete(application=application, by=by)
    application.refresh_from_db()
    return application


def contracted(bank, application: CreditApplication, *, valid_from: datetime.date | None = None, days: int = 364) -> CreditApplication:
    """`application` investigated, checked, approved by the branch's approver and contracted for
    what was approved, the line valid `days` from `valid_from` (today)."""
    start = valid_from or TODAY()
    application = investigate(application, by=bank.am_b)
    services.credit_policy_check_run(application=application, by=bank.am_b)
    services.credit_decide(application=CreditApplication.objects.get(pk=application.pk), by=bank.approver, decision="approve", opinion="同意")
    application.refresh_from_db()
    services.credit_contract_sign(
        application=application, by=bank.am_b, line_amount=application.approved_amount, valid_from=start, valid_until=start + datetime.timedelta(days=days)
    )
    application.refresh_from_db()
    return application


def draw(bank, application: CreditApplication, amount: str) -> Loan:
    """A drawdown of `amount` today over 12 months, the first instalment due in 30 days: its loan."""
    return services.credit_drawdown(
        application=application, by=bank.am_b, amount=Decimal(amount), term_months=12,
        first_due_on=TODAY() + datetime.timedelta(days=30), payment_method="borrower",
    ).loan


def drawn_credit(bank, *, amount: str = "500000", valid_from: datetime.date | None = None, days: int = 364) -> tuple[CreditApplication, Loan]:
    """The factory's credit of 800,000 yuan rated BBB, contracted and `amount` drawn today: the application and its loan."""
    decided_rating(bank.factory, "BBB", by=bank.am_b)
    application = contracted(bank, enterprise_application(bank), valid_from=valid_from, days=days)
    loan = draw(bank, application, amount)
    application.refresh_from_db()
    return application, loan
