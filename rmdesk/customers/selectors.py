"""Reads of customers and books, always through the user's scope."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from auditlog.models import LogEntry

from rmdesk.customers.models import BookAssignment, BookPosition, Customer, CustomerKind, Industry, Relationship, Tier
from rmdesk.domain.money import round_yuan
from rmdesk.org.models import OrgUnit, User


@dataclass(frozen=True)
class BookTotals:
    """The size of a (filtered) book: how many customers, their deposits and their loans."""

    customers: int
    deposits: Decimal
    loans: Decimal


def book_totals(customers: QuerySet[Customer]) -> BookTotals:
    """Totals of `customers` in one aggregate query."""
    row = customers.order_by().aggregate(
        customers=Count("pk"),
        deposits=Coalesce(Sum("deposit_balance"), Decimal(0)),
        loans=Coalesce(Sum("loan_balance"), Decimal(0)),
    )
    return _totals(row)


def book_page_totals(*, user: User, customers: QuerySet[Customer], criteria: Mapping[str, str]) -> BookTotals:
    """Totals of a book narrowed by `criteria` (BookFilter.criteria); `customers` is that narrowed book.

    From the latest book positions where they answer (`positions_totals`), else one aggregate
    over `customers`.
    """
    return positions_totals(user=user, criteria=criteria) or book_totals(customers)


def positions_totals(*, user: User, criteria: Mapping[str, str]) -> BookTotals | None:
    """Totals of the cells of the latest book positions that match `criteria`, or None.

    A reader who sees a unit (team leader, head office) and is not searching gets the sum of
    the cells that match (kind, tier, industry, outlet, manager): at most a few thousand rows,
    however many customers the unit has, and exact because the book services keep the latest
    positions with the customers (BookPosition). None for an account manager's book (which
    includes customers they assist), a search, or when no cell matches (positions never
    refreshed, or nobody there): the customers themselves then tell.
    """
    if not user.sees_unit or criteria.get("q"):
        return None
    latest = BookPosition.objects.order_by("-as_of").values("as_of")[:1]
    cells = BookPosition.objects.restrict(user).filter(as_of=Subquery(latest))
    for name in ("kind", "tier", "industry", "manager"):
        if criteria.get(name):
            cells = cells.filter(**{name: criteria[name]})
    if criteria.get("outlet"):
        cells = cells.filter(org_unit__path__startswith=criteria["outlet"])
    row = cells.aggregate(
        cells=Count("pk"),
        customers=Coalesce(Sum("customers"), 0),
        deposits=Coalesce(Sum("deposits"), Decimal(0)),
        loans=Coalesce(Sum("loans"), Decimal(0)),
    )
    return _totals(row) if row["cells"] else None


class _CountedPaginator(Paginator):
    """A paginator told the count the totals already gave, so it is not counted twice."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


def book_page(
    *, user: User, customers: QuerySet[Customer], criteria: Mapping[str, str], number: str | None, per_page: int
) -> tuple[BookTotals, Page]:
    """One page of book lines of `customers` (narrowed and ordered), and the totals of them all.

    A personal book is a few hundred to a few thousand customers: the ids and positions of all
    that match are read in order (the totals need every one of them anyway), then the lines of
    the page by id. Asking the database for the first 50 in name order instead tempts the
    planner to walk the whole bank's name index looking for the book's customers, which it
    expects to meet early and may meet only at the end (a second instead of milliseconds).
    A unit's book takes its totals from the book positions where they answer (not searching)
    or from one aggregate, then its page of lines in one indexed query. Page numbers behave as
    Paginator.get_page: not a number is the first page, out of range the last.
    """
    if not user.sees_unit:
        book = list(customers.values_list("pk", "deposit_balance", "loan_balance"))
        totals = _totals(
            {"customers": len(book), "deposits": sum(d for _, d, _ in book), "loans": sum(loan for _, _, loan in book)}
        )
        page = Paginator(book, per_page).get_page(number)
        ids = [pk for pk, _, _ in page.object_list]
        lines = {line.pk: line for line in book_lines(book_line_rows(customers.filter(pk__in=ids).order_by()))}
        return totals, Page([lines[pk] for pk in ids], page.number, page.paginator)
    totals = positions_totals(user=user, criteria=criteria) or book_totals(customers)
    paginator = _CountedPaginator(book_line_rows(customers), per_page, count=totals.customers)
    page = paginator.get_page(number)
    return totals, Page(book_lines(page.object_list), page.number, paginator)


def _totals(row: dict) -> BookTotals:
    # SQLite sums decimals in binary floating point; rounding to the fen gives back exact yuan.
    return BookTotals(row["customers"], round_yuan(Decimal(row["deposits"])), round_yuan(Decimal(row["loans"])))


@dataclass(frozen=True)
class BookLine:
    """One customer as a line of the book page: what the line shows, labels translated."""

    pk: int
    number: str
    name: str
    kind: str
    tier: str
    industry: str
    manager: str
    unit: str
    deposits: Decimal
    loans: Decimal


_BOOK_LINE_COLUMNS = (
    "pk", "number", "name", "kind", "tier", "industry", "deposit_balance", "loan_balance",
    "primary_manager__display_name", "primary_manager__username", "org_unit__name",
)


def book_line_rows(customers: QuerySet[Customer]) -> QuerySet:
    """`customers` as the plain rows of book lines (one query, joined names, no model objects)."""
    return customers.values_list(*_BOOK_LINE_COLUMNS)


def book_lines(rows) -> list[BookLine]:
    """Book lines of rows read by `book_line_rows`, each choice label translated once."""
    labels = {
        field: {value: str(label) for value, label in choices}
        for field, choices in (("kind", CustomerKind.choices), ("tier", Tier.choices), ("industry", Industry.choices))
    }
    return [
        BookLine(
            pk=pk, number=number, name=name, kind=labels["kind"].get(kind, kind), tier=labels["tier"].get(tier, tier),
            industry=labels["industry"].get(industry, industry), manager=display_name or username, unit=unit,
            deposits=deposits, loans=loans,
        )
        for pk, number, name, kind, tier, industry, deposits, loans, display_name, username, unit in rows
    ]


def managers_in_scope(user: User) -> QuerySet[User]:
    """Account managers whose books `user` may see: themselves, or those of their unit and below."""
    managers = User.objects.filter(role__holds_book=True, is_active=True)
    if user.holds_book:
        return managers.filter(pk=user.pk)
    if user.sees_unit and user.org_unit_id:
        return managers.filter(org_unit_id__in=OrgUnit.objects.subtree_ids(user.org_unit))
    return managers.none()


def units_in_scope(user: User) -> QuerySet[OrgUnit]:
    """Org units a filter may offer `user`: their own unit and those below it."""
    if user.org_unit_id is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(path__startswith=user.org_unit.path)


@dataclass(frozen=True)
class ManagerBook:
    """One account manager's book as a team leader sees it."""

    manager: User
    totals: BookTotals


def team_books(*, user: User) -> list[ManagerBook]:
    """The book of every account manager in `user`'s scope, in one grouped query.

    Grouped from the latest book positions when there are any (a few cells per manager),
    otherwise from the customers.
    """
    latest = BookPosition.objects.order_by("-as_of").values("as_of")[:1]
    rows = {
        row["manager"]: row
        for row in BookPosition.objects.restrict(user)
        .filter(as_of=Subquery(latest))
        .order_by()
        .values("manager")
        .annotate(customers=Sum("customers"), deposits=Sum("deposits"), loans=Sum("loans"))
    }
    if not rows:
        rows = {
            row["primary_manager"]: row
            for row in Customer.objects.restrict(user)
            .order_by()
            .values("primary_manager")
            .annotate(customers=Count("pk"), deposits=Sum("deposit_balance"), loans=Sum("loan_balance"))
        }
    empty = {"customers": 0, "deposits": Decimal(0), "loans": Decimal(0)}
    books = []
    for manager in managers_in_scope(user).select_related("org_unit").order_by("org_unit__path", "display_name"):
        row = rows.get(manager.pk, empty)
        books.append(ManagerBook(manager=manager, totals=_totals(row)))
    return books


def customer_for_page(*, user: User, pk: int) -> Customer:
    """One customer with what its page shows, or 404 when missing or outside `user`'s scope."""
    customers = Customer.objects.restrict(user).select_related("org_unit", "primary_manager").prefetch_related(
        "people",
        Prefetch(
            "relationships_out",
            queryset=Relationship.objects.select_related("to_customer").order_by("kind", "since"),
        ),
        Prefetch(
            "relationships_in",
            queryset=Relationship.objects.select_related("from_customer").order_by("kind", "since"),
        ),
        Prefetch("assignments", queryset=BookAssignment.objects.select_related("manager", "assigned_by")),
    )
    return get_object_or_404(customers, pk=pk)


#: What a customer page shows of class C3 personal information (JR/T 0171-2020), masked by default.
C3_FIELDS = ("id_number", "phone", "address", "people.id_number", "people.phone", "holdings.account_number", "documents.reference")

AUDIT_TRAIL_LENGTH = 100


def customer_audit_trail(*, customer: Customer, limit: int = AUDIT_TRAIL_LENGTH) -> list[LogEntry]:
    """The latest audit entries about `customer` and its records: changes, and who saw what in full.

    Only call it for a customer already found within the reader's scope.
    """
    return list(
        LogEntry.objects.filter(additional_data__customer_id=customer.pk)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:limit]
    )


HANDOVER_LOOKBACK_DAYS = 90
DOCUMENTS_DUE_WITHIN_DAYS = 60


@dataclass(frozen=True)
class HandoverPackLine:
    """What the new manager must know about one customer of a handover."""

    customer: Customer
    loans: list
    documents_due: list
    recent_contacts: list


def handover_pack(*, user: User, handover) -> list[HandoverPackLine]:
    """The handover pack: per customer, loans and arrears, documents expiring, recent promises.

    Open applications, inspections due and alerts join the pack when the credit and risk areas
    exist. Read in a fixed number of queries, whatever the size of the book.
    """
    import datetime

    from rmdesk.credit.models import Loan
    from rmdesk.desk.models import Document, Interaction

    since = handover.effective_on - datetime.timedelta(days=HANDOVER_LOOKBACK_DAYS)
    due_by = handover.effective_on + datetime.timedelta(days=DOCUMENTS_DUE_WITHIN_DAYS)
    customers = (
        handover.customers.restrict(user)
        .order_by("name")
        .prefetch_related(
            Prefetch("loans", queryset=Loan.objects.filter(outstanding_principal__gt=0).order_by("-days_past_due"), to_attr="open_loans"),
            Prefetch("documents", queryset=Document.objects.filter(expires_on__lte=due_by).order_by("expires_on"), to_attr="due_documents"),
            Prefetch(
                "interactions",
                queryset=Interaction.objects.filter(occurred_at__date__gte=since).select_related("manager").order_by("-occurred_at"),
                to_attr="recent",
            ),
        )
    )
    return [HandoverPackLine(c, c.open_loans, c.due_documents, c.recent) for c in customers]
