"""The pre-loan investigation report: what the bank already knows, plus what the account manager adds.

Nothing in it is typed twice. The borrower's profile, people and links, its holdings, its flows at
this bank, its statements with their flags and their comparison with those flows, its grade, and
its exposure here are read from where the desk keeps them; the account manager's part is the
checklist with notes, the photos and files, the site visit and the conclusion.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from rmdesk.credit.display import AREA_LABELS, checklist_text
from rmdesk.credit.models import CreditApplication, Investigation, InvestigationFile, Loan
from rmdesk.credit.selectors import ZERO, ConfirmedGrade, FlowSummary, confirmed_grade_of, flows_at_this_bank, group_of
from rmdesk.customers.models import Customer, KeyPerson, Relationship
from rmdesk.domain.origination import checklist_for
from rmdesk.org.models import User
from rmdesk.products.models import Holding, ProductFamily
from rmdesk.statements.selectors import BasisAnalysis, statement_analysis


@dataclass(frozen=True)
class ChecklistLine:
    code: str
    label: str
    done: bool
    note: str
    files: list[InvestigationFile]


@dataclass(frozen=True)
class HoldingLine:
    family: str
    count: int
    balance: Decimal


@dataclass(frozen=True)
class InvestigationReport:
    """Everything the investigation report shows, gathered once."""

    customer: Customer
    people: list[KeyPerson]
    links: list[Relationship]
    group: list[Customer]
    group_loans: Decimal | None
    loans_here: Decimal
    holdings: list[HoldingLine]
    flows: FlowSummary
    statements: list[BasisAnalysis]
    grade: ConfirmedGrade | None
    checklist: list[tuple[str, list[ChecklistLine]]]
    open_items: int

    @property
    def flag_count(self) -> int:
        return sum(a.anomaly_count + sum(len(c.flows.flags) for c in a.columns) for a in self.statements)


def investigation_report(*, user: User, application: CreditApplication, investigation: Investigation | None) -> InvestigationReport:
    """The report of `application`'s investigation as `user` may see it, as of today."""
    customer = application.customer
    today = timezone.localdate()
    group = group_of(customer, on=today)
    holdings = (
        Holding.objects.restrict(user).filter(customer=customer, closed_on__isnull=True)
        .values("product__family").annotate(balance=Coalesce(Sum("balance"), ZERO), count=Count("pk")).order_by("product__family")
    )
    files: dict[str, list[InvestigationFile]] = {}
    for attached in investigation.files.all() if investigation else []:
        files.setdefault(attached.checklist_item, []).append(attached)
    done = investigation.checklist if investigation else {}
    grouped: dict = {}
    for item in checklist_for(customer.kind):
        entry = done.get(item.code, {})
        grouped.setdefault(item.area, []).append(
            ChecklistLine(item.code, checklist_text(item.code), bool(entry.get("done")), entry.get("note", ""), files.get(item.code, []))
        )
    loans = Loan.objects.restrict(user).filter(customer=customer).aggregate(total=Coalesce(Sum("outstanding_principal"), ZERO))["total"]
    return InvestigationReport(
        customer=customer,
        people=list(KeyPerson.objects.restrict(user).filter(customer=customer)),
        links=list(
            Relationship.objects.filter(Q(from_customer=customer) | Q(to_customer=customer), ended_on__isnull=True)
            .filter(from_customer__in=Customer.objects.restrict(user).values("pk"))
            .select_related("from_customer", "to_customer")
        ),
        group=group,
        group_loans=(
            Loan.objects.filter(customer__in=[c.pk for c in group]).aggregate(total=Coalesce(Sum("outstanding_principal"), ZERO))["total"]
            if group else None
        ),
        loans_here=loans,
        holdings=[HoldingLine(str(ProductFamily(h["product__family"]).label), h["count"], h["balance"]) for h in holdings],
        flows=flows_at_this_bank(user=user, customer=customer, until=today),
        statements=statement_analysis(user=user, customer=customer),
        grade=confirmed_grade_of(customer),
        checklist=[(str(AREA_LABELS[area]), lines) for area, lines in grouped.items()],
        open_items=sum(1 for lines in grouped.values() for line in lines if not line.done),
    )
