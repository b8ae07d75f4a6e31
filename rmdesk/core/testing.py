"""A small bank built through the services, for the tests of the Django shell.

Head office > branch > two outlets; an account manager with a book in each outlet, a second
manager assisting on one customer, a team leader per outlet, a risk officer at the branch, a
head-office user and an administrator.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest

from rmdesk.credit.defaults import install_credit_defaults
from rmdesk.credit.models import CreditPolicySetting, Instalment, Loan, NetCapital, RelatedParty
from rmdesk.credit.services import credit_application_create
from rmdesk.credit.testing import add_review_examples
from rmdesk.customers.models import Customer, CustomerKind, Handover
from rmdesk.customers.services import book_add_assisting, book_handover, customer_create
from rmdesk.domain.amortisation import RepaymentMethod, repayment_schedule
from rmdesk.domain.identifiers import resident_id_check_character, unified_social_credit_code_check_character
from rmdesk.marketing.testing import add_marketing_examples
from rmdesk.org.defaults import install_default_roles
from rmdesk.org.models import ApprovalAuthority, OrgUnit, OrgUnitKind, Role, RoleCode, User
from rmdesk.products.models import DailyBalance, Holding, Product, ProductFamily, Transaction
from rmdesk.products.services import positions_refresh
from rmdesk.rating.defaults import install_rating_defaults
from rmdesk.rating.models import MasterScaleGrade, RatingPolicy, Scorecard
from rmdesk.rating.services import rating_propose_due

TEST_PASSWORD = "a-long-test-password-7"
AS_OF = datetime.date(2026, 10, 31)


def resident_id(first17: str) -> str:
    return first17 + resident_id_check_character(first17)


def credit_code(first17: str) -> str:
    return first17 + unified_social_credit_code_check_character(first17)


@dataclass
class SmallBank:
    head_office: OrgUnit
    branch: OrgUnit
    outlet_a: OrgUnit
    outlet_b: OrgUnit
    am_a: User
    am_a2: User
    am_b: User
    leader_a: User
    risk: User
    approver: User
    compliance: User
    head: User
    admin: User
    farmer: Customer
    shop: Customer
    factory: Customer
    teacher: Customer
    loan: Loan
    handover: Handover


def _unit(code: str, name: str, kind: str, parent: OrgUnit | None) -> OrgUnit:
    return OrgUnit.objects.create(code=code, name=name, kind=kind, parent=parent, path=OrgUnit.path_for(code, parent))


def _user(username: str, name: str, role: str, unit: OrgUnit) -> User:
    return User.objects.create_user(
        username=username, password=TEST_PASSWORD, display_name=name, role_id=role, org_unit=unit
    )


def _holding(customer: Customer, product: Product, number: str, balance: str, opened: datetime.date) -> Holding:
    holding = Holding.objects.create(
        customer=customer, product=product, account_number=number, opened_on=opened, balance=Decimal(balance), balance_as_of=AS_OF
    )
    DailyBalance.objects.create(holding=holding, on=opened, balance=Decimal(balance))
    return holding


@pytest.fixture
def bank(db) -> SmallBank:
    # A transactional test before this one may have emptied the tables the migrations filled.
    install_default_roles(Role, ApprovalAuthority)
    head_office = _unit("HO", "总行", OrgUnitKind.HEAD_OFFICE, None)
    branch = _unit("BR01", "城关支行", OrgUnitKind.BRANCH, head_office)
    outlet_a = _unit("OT01", "青石镇分理处", OrgUnitKind.OUTLET, branch)
    outlet_b = _unit("OT02", "柳河乡分理处", OrgUnitKind.OUTLET, branch)
    am_a = _user("am_a", "王晓东", RoleCode.ACCOUNT_MANAGER, outlet_a)
    am_a2 = _user("am_a2", "李娜", RoleCode.ACCOUNT_MANAGER, outlet_a)
    am_b = _user("am_b", "陈建国", RoleCode.ACCOUNT_MANAGER, outlet_b)
    leader_a = _user("leader_a", "赵敏", RoleCode.TEAM_LEADER, outlet_a)
    risk = _user("risk", "孙立", RoleCode.RISK_OFFICER, branch)
    approver = _user("approver", "钱进", RoleCode.CREDIT_APPROVER, branch)
    compliance = _user("compliance", "郑洁", RoleCode.COMPLIANCE_OFFICER, head_office)
    head = _user("head", "周海", RoleCode.HEAD_OFFICE, head_office)
    admin = _user("admin", "吴强", RoleCode.ADMINISTRATOR, head_office)

    since = datetime.date(2020, 3, 1)
    farmer = customer_create(
        kind=CustomerKind.FARMER_HOUSEHOLD, name="张大山", id_number=resident_id("33018119750312421"),
        phone="13857112345", address="青石镇上林村12号", township="青石镇", industry="A",
        primary_manager=am_a, created_by=leader_a, customer_since=since,
    )
    shop = customer_create(
        kind=CustomerKind.SOLE_PROPRIETOR, name="青石镇刘记五金店", id_number=credit_code("92330181MA2B3C4D5"),
        phone="13900001111", industry="F", primary_manager=am_a2, created_by=leader_a, customer_since=since,
    )
    handover = book_handover(
        from_manager=am_a2, to_manager=am_a, decided_by=leader_a, reason="调整管户", on=datetime.date(2021, 6, 1)
    )
    factory = customer_create(
        kind=CustomerKind.ENTERPRISE, name="柳河竹木制品有限公司", id_number=credit_code("91330181MA27XY0Q1"),
        phone="0571-63001234", industry="C", primary_manager=am_b, created_by=am_b, customer_since=since,
    )
    teacher = customer_create(
        kind=CustomerKind.INDIVIDUAL, name="刘芳", id_number=resident_id("33018119880705302"),
        phone="13600002222", primary_manager=am_b, created_by=am_b, customer_since=since,
    )
    book_add_assisting(customer=factory, manager=am_a2, assigned_by=leader_a, on=since)

    deposit = Product.objects.create(code="DEP-CUR", family=ProductFamily.DEPOSIT, name_zh="活期存款", name_en="Current deposit")
    loan_product = Product.objects.create(code="LN-FARM", family=ProductFamily.LOAN, name_zh="农户经营贷款", name_en="Farm business loan")
    _holding(farmer, deposit, "6230580000000001", "82000.50", since)
    _holding(shop, deposit, "6230580000000002", "15000.00", since)
    _holding(factory, deposit, "33018101000001", "1250000.00", since)
    _holding(teacher, deposit, "6230580000000003", "7300.25", since)
    farm_loan = _holding(farmer, loan_product, "LN2026000001", "200000.00", datetime.date(2026, 3, 10))
    Transaction.objects.create(
        holding=farm_loan.customer.holdings.get(product=deposit), customer=farmer, booked_on=datetime.date(2026, 10, 20),
        amount=Decimal("36500.00"), direction="C", counterparty_name="县粮食收储公司", channel="interbank", purpose="farm_sales",
    )
    loan = Loan.objects.create(
        holding=farm_loan, customer=farmer, contract_number="HT2026000001", principal=Decimal("200000.00"),
        annual_rate=Decimal("0.0520"), term_months=12, repayment_method=RepaymentMethod.EQUAL_INSTALMENT,
        guarantee_kind="guarantee", purpose="购买化肥种子", disbursed_on=datetime.date(2026, 3, 10),
        maturity_on=datetime.date(2027, 3, 10), outstanding_principal=Decimal("200000.00"), status_as_of=AS_OF,
    )
    schedule = repayment_schedule(
        principal=loan.principal, annual_rate=loan.annual_rate, months=12,
        method=RepaymentMethod.EQUAL_INSTALMENT, first_due_date=datetime.date(2026, 4, 10),
    )
    Instalment.objects.bulk_create(
        Instalment(loan=loan, number=i.number, due_on=i.due_date, principal_due=i.principal, interest_due=i.interest)
        for i in schedule
    )
    positions_refresh(as_of=AS_OF)
    # The nightly run's first step: proposed ratings for the farmer (a borrower) and the factory.
    install_rating_defaults(Scorecard, MasterScaleGrade, RatingPolicy)
    rating_propose_due(as_of=AS_OF)
    # The credit policy the migrations ship, and the farmer's application for next season in draft.
    install_credit_defaults(CreditPolicySetting, NetCapital)
    credit_application_create(
        customer=farmer, by=am_a, product=loan_product, amount=Decimal("150000.00"), term_months=12, annual_rate=Decimal("0.0520"),
        repayment_method=RepaymentMethod.EQUAL_INSTALMENT, purpose="购买化肥种子", repayment_source="粮食销售收入", on=AS_OF,
    )
    # Marketing records with pages of their own: an opportunity, a lead and a campaign in outlet A.
    add_marketing_examples(customer=farmer, product=deposit, manager=am_a, on=AS_OF)
    # Signed credit lines of the shop (outlet A) and the teacher (outlet B), each with its annual review.
    add_review_examples(customers=[shop, teacher], product=loan_product, on=AS_OF)
    # The shop's owner is a relative of an insider: on the bank's related-party list.
    RelatedParty.objects.create(customer=shop, basis="支行负责人亲属经营", listed_on=AS_OF)
    for customer in (farmer, shop, factory, teacher):
        customer.refresh_from_db()
    return SmallBank(
        head_office, branch, outlet_a, outlet_b, am_a, am_a2, am_b, leader_a, risk, approver, compliance, head, admin,
        farmer, shop, factory, teacher, loan, handover,
    )


MISSING_PK = 2_147_483_000
_CSRF_TOKEN = re.compile(rb'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[A-Za-z0-9]+"')


def comparable_page(content: bytes, url: str) -> bytes:
    """A page without what differs between any two answers: its own address and CSRF tokens.

    Django masks the CSRF token afresh on every response, and pages link back to themselves (the
    language switch returns to the page it was on).
    """
    return _CSRF_TOKEN.sub(rb'\1""', content).replace(url.encode(), b"<url>")


def sweep_routes(client, *, caller: User, urlconf: str | None = None) -> list[str]:
    """Ask every route of the application for what lies outside `caller`'s scope; list the leaks.

    A route that takes an object is asked, by GET and by POST, for one outside the scope and for
    one that does not exist: both must be the same 404, and neither may show a byte of any
    customer outside the scope. A route that takes no object (lists, forms, searches) must not
    show any of those customers either. A route with URL arguments that does not declare what
    they are (rmdesk.core.routes.scoped_object) is itself a finding.
    """
    from django.urls import reverse

    from rmdesk.core.routes import all_routes

    outside = Customer.objects.exclude(pk__in=Customer.objects.restrict(caller).values("pk"))
    secrets = [text for customer in outside for text in (customer.name, customer.id_number, customer.number) if text]
    assert secrets, "the sweep needs customers outside the caller's scope"
    client.force_login(caller)
    # A route that crashes is a finding like any other, not the end of the sweep.
    client.raise_request_exception = False
    findings: list[str] = []

    def leaked(route_name: str, method: str, content: bytes) -> None:
        body = content.decode(errors="replace")
        for secret in secrets:
            if secret in body:
                findings.append(f"{route_name} ({method}) shows {secret!r}, which is outside the scope")

    for route in all_routes(urlconf):
        if route.namespace == "desk_admin":
            # The administration site holds no customer data at all (test_admin_holds_no_customer_data).
            continue
        if not route.kwargs:
            url = reverse(route.name, urlconf=urlconf)
            leaked(route.name, "GET", client.get(url).content)
            continue
        declared = route.scoped_object
        if declared is None:
            findings.append(f"{route.name} takes {', '.join(route.kwargs)} but declares no scoped object")
            continue
        model = declared.model
        foreign = model.objects.exclude(pk__in=model.objects.restrict(caller).values("pk")).first()
        if foreign is None:
            findings.append(f"{route.name}: no {model.__name__} outside the caller's scope to ask for")
            continue
        foreign_url = reverse(route.name, kwargs={declared.kwarg: foreign.pk}, urlconf=urlconf)
        missing_url = reverse(route.name, kwargs={declared.kwarg: MISSING_PK}, urlconf=urlconf)
        for method in ("get", "post"):
            answer = getattr(client, method)(foreign_url)
            missing = getattr(client, method)(missing_url)
            if answer.status_code == missing.status_code == 405:
                # The route does not take this method at all: the refusal says nothing of the object.
                continue
            if answer.status_code != 404:
                findings.append(f"{route.name} ({method.upper()}) answers {answer.status_code} for an object outside the scope")
            elif comparable_page(answer.content, foreign_url) != comparable_page(missing.content, missing_url):
                findings.append(f"{route.name} ({method.upper()}) answers differently for 'not yours' and 'not found'")
            leaked(route.name, method.upper(), answer.content)
    return findings
