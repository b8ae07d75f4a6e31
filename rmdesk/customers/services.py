"""Writes to customers and the book. Each is one transaction: it all happens or none of it."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rmdesk.customers.models import BookAssignment, BookPosition, BookRole, Customer, CustomerKind, Handover, IdentifierKind
from rmdesk.org.models import User


def book_positions_lock() -> None:
    """Take the book positions for this transaction: writers take turns, readers never wait.

    Whoever changes what the positions add up (a customer's manager, unit, kind, tier or
    industry, or the positions themselves) takes this first, before touching the customers,
    so that each re-adds its cells from customers that no other writer is still changing.
    PostgreSQL: a self-exclusive table lock; SQLite has one writer at a time anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {BookPosition._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")


@transaction.atomic
def book_positions_refresh(*, as_of: datetime.date, managers: Collection[int] | None = None) -> int:
    """Add up the book positions of `as_of` from the customers: every cell, or `managers`' cells.

    The cells of `as_of` are replaced (one DELETE, one INSERT ... SELECT grouping the customers,
    whatever their number, in the cells' order so that a reseed numbers them alike); those of
    other dates stay as they were. Returns the cells written.
    """
    book_positions_lock()
    cells = BookPosition.objects.filter(as_of=as_of)
    where, params = "", [as_of]
    if managers is not None:
        managers = sorted(set(managers))
        if not managers:
            return 0
        cells = cells.filter(manager_id__in=managers)
        where, params = f"WHERE primary_manager_id IN ({', '.join(['%s'] * len(managers))})", [as_of, *managers]
    cells.delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {BookPosition._meta.db_table}
                (as_of, org_unit_id, manager_id, kind, tier, industry, customers, deposits, loans)
            SELECT %s, org_unit_id, primary_manager_id, kind, tier, industry,
                   COUNT(*), SUM(deposit_balance), SUM(loan_balance)
            FROM {Customer._meta.db_table}
            {where}
            GROUP BY org_unit_id, primary_manager_id, kind, tier, industry
            ORDER BY org_unit_id, primary_manager_id, kind, tier, industry
            """,
            params,
        )
        return cursor.rowcount


def _book_positions_follow(managers: Collection[int]) -> None:
    """Re-add up the latest book positions of `managers` after their customers changed."""
    latest = BookPosition.objects.aggregate(latest=Max("as_of"))["latest"]
    if latest is not None:
        book_positions_refresh(as_of=latest, managers=managers)


def _cell(customer: Customer) -> tuple:
    """What a customer's book position is added up by."""
    return (customer.org_unit_id, customer.primary_manager_id, customer.kind, customer.tier, customer.industry)


class BookErrorCode(StrEnum):
    """Why a change to the book was refused; tests and callers match on these, not on wording."""

    CANNOT_HOLD_BOOK = "cannot_hold_book"
    HANDOVER_DATE = "handover_date"
    ALREADY_PRIMARY = "already_primary"


def _check_can_hold_book(manager: User) -> None:
    if not manager.is_active or not manager.holds_book or manager.org_unit_id is None:
        raise ValidationError(
            _("%(manager)s cannot hold a book: only an active account manager in an org unit can.") % {"manager": manager},
            code=BookErrorCode.CANNOT_HOLD_BOOK,
        )


@transaction.atomic
def customer_create(
    *,
    kind: str,
    name: str,
    id_number: str,
    primary_manager: User,
    created_by: User,
    number: str | None = None,
    customer_since: datetime.date | None = None,
    **profile,
) -> Customer:
    """Register a customer and put them in `primary_manager`'s book from today.

    The identifier is checked by the standard of its kind (GB 11643 for people and households,
    GB 32100 for enterprises and sole proprietors) before anything is written.
    """
    _check_can_hold_book(primary_manager)
    book_positions_lock()
    today = customer_since or timezone.localdate()
    id_kind = IdentifierKind.UNIFIED_SOCIAL_CREDIT_CODE if kind in CustomerKind.organisations() else IdentifierKind.RESIDENT_ID
    customer = Customer(
        kind=kind,
        name=name.strip(),
        id_kind=id_kind,
        id_number=id_number.strip().upper(),
        number=number or _next_customer_number(),
        customer_since=today,
        org_unit_id=primary_manager.org_unit_id,
        primary_manager=primary_manager,
        **profile,
    )
    customer.full_clean()
    customer.save()
    BookAssignment.objects.create(
        customer=customer,
        manager=primary_manager,
        role=BookRole.PRIMARY,
        started_on=today,
        assigned_by=created_by,
        reason=_("New customer"),
    )
    _book_positions_follow([primary_manager.pk])
    return customer


def _next_customer_number() -> str:
    last = Customer.objects.filter(number__startswith="C").order_by("-number").values_list("number", flat=True).first()
    sequence = int(last[1:]) + 1 if last and last[1:].isdigit() else 1
    return f"C{sequence:010d}"


@transaction.atomic
def book_assign_primary(
    *, customer: Customer, manager: User, assigned_by: User, on: datetime.date | None = None, reason: str = ""
) -> BookAssignment:
    """Make `manager` the primary account manager of `customer` from `on`.

    The current primary assignment ends the day before, so the customer has exactly one
    primary manager at any time and the history shows who held the book when.
    """
    book_positions_lock()
    previous = customer.primary_manager_id
    assignment = _assign_primary(customer=customer, manager=manager, assigned_by=assigned_by, on=on, reason=reason)
    _book_positions_follow([previous, manager.pk])
    return assignment


def _assign_primary(*, customer: Customer, manager: User, assigned_by: User, on: datetime.date | None, reason: str) -> BookAssignment:
    _check_can_hold_book(manager)
    on = on or timezone.localdate()
    current = BookAssignment.objects.select_for_update().filter(customer=customer, role=BookRole.PRIMARY, ended_on__isnull=True).first()
    if current is not None:
        if current.manager_id == manager.pk:
            return current
        if on <= current.started_on:
            raise ValidationError(
                _("The handover date %(on)s must be after the current assignment began on %(since)s.")
                % {"on": on, "since": current.started_on},
                code=BookErrorCode.HANDOVER_DATE,
            )
        current.ended_on = on - datetime.timedelta(days=1)
        current.save(update_fields=["ended_on"])
    # Saved one by one rather than with update(), so that the audit trail records each change.
    for assisting in BookAssignment.objects.current().filter(customer=customer, manager=manager, role=BookRole.ASSISTING):
        assisting.ended_on = on
        assisting.save(update_fields=["ended_on"])
    assignment = BookAssignment.objects.create(
        customer=customer, manager=manager, role=BookRole.PRIMARY, started_on=on, assigned_by=assigned_by, reason=reason
    )
    customer.primary_manager = manager
    customer.org_unit_id = manager.org_unit_id
    customer.save(update_fields=["primary_manager", "org_unit"])
    return assignment


@transaction.atomic
def book_add_assisting(
    *, customer: Customer, manager: User, assigned_by: User, on: datetime.date | None = None, reason: str = ""
) -> BookAssignment:
    """Add `manager` as an assisting account manager of `customer` (协办客户经理)."""
    _check_can_hold_book(manager)
    if customer.primary_manager_id == manager.pk:
        raise ValidationError(
            _("%(manager)s is already the primary account manager of this customer.") % {"manager": manager},
            code=BookErrorCode.ALREADY_PRIMARY,
        )
    existing = BookAssignment.objects.current().filter(customer=customer, manager=manager, role=BookRole.ASSISTING).first()
    if existing is not None:
        return existing
    return BookAssignment.objects.create(
        customer=customer,
        manager=manager,
        role=BookRole.ASSISTING,
        started_on=on or timezone.localdate(),
        assigned_by=assigned_by,
        reason=reason,
    )


class HandoverErrorCode(StrEnum):
    """Why a handover was refused."""

    NOT_A_LEADER = "not_a_leader"
    OUTSIDE_UNIT = "outside_unit"
    SAME_MANAGER = "same_manager"
    NOTHING_TO_HAND_OVER = "nothing_to_hand_over"


@transaction.atomic
def book_handover(
    *, from_manager: User, to_manager: User, decided_by: User, reason: str, on: datetime.date | None = None
) -> Handover:
    """Hand `from_manager`'s whole book to `to_manager` (移交), keeping every customer's history.

    Rules: a team leader (or anyone who sees a unit) decides it for managers in their unit and
    below; every customer where `from_manager` is primary gets `to_manager` as primary from `on`;
    where `from_manager` assists, `to_manager` assists instead (unless already primary). Nothing
    is orphaned, and `from_manager` can then be deactivated.
    """
    from rmdesk.org.models import OrgUnit

    on = on or timezone.localdate()
    if not decided_by.hands_over_books or not decided_by.sees_unit:
        raise ValidationError(_("Only a team leader can hand a book over."), code=HandoverErrorCode.NOT_A_LEADER)
    unit_ids = set(OrgUnit.objects.subtree_ids(decided_by.org_unit))
    if from_manager.org_unit_id not in unit_ids or to_manager.org_unit_id not in unit_ids:
        raise ValidationError(
            _("Both account managers must work in %(unit)s or below.") % {"unit": decided_by.org_unit},
            code=HandoverErrorCode.OUTSIDE_UNIT,
        )
    if from_manager.pk == to_manager.pk:
        raise ValidationError(_("A book cannot be handed to the manager who holds it."), code=HandoverErrorCode.SAME_MANAGER)
    _check_can_hold_book(to_manager)
    book_positions_lock()
    current = list(BookAssignment.objects.current().filter(manager=from_manager).select_related("customer"))
    if not current:
        raise ValidationError(
            _("%(manager)s holds no customer to hand over.") % {"manager": from_manager},
            code=HandoverErrorCode.NOTHING_TO_HAND_OVER,
        )
    handover = Handover.objects.create(
        from_manager=from_manager,
        to_manager=to_manager,
        org_unit=to_manager.org_unit,
        decided_by=decided_by,
        effective_on=on,
        reason=reason,
    )
    for assignment in current:
        if assignment.role == BookRole.PRIMARY:
            _assign_primary(customer=assignment.customer, manager=to_manager, assigned_by=decided_by, on=on, reason=reason)
        else:
            assignment.ended_on = on
            assignment.save(update_fields=["ended_on"])
            if assignment.customer.primary_manager_id != to_manager.pk:
                book_add_assisting(customer=assignment.customer, manager=to_manager, assigned_by=decided_by, on=on, reason=reason)
    handover.customers.set([assignment.customer for assignment in current])
    _book_positions_follow([from_manager.pk, to_manager.pk])
    return handover


class ConcurrentChange(ValidationError):
    """The record changed since the person loaded it; `changes` maps field -> (as loaded, as now)."""

    def __init__(self, changes: dict[str, tuple]):
        self.changes = changes
        super().__init__(_("Someone changed this customer since you opened the page."), code="stale")


@transaction.atomic
def customer_update(*, customer_id: int, user: User, as_loaded: dict, changes: dict) -> Customer:
    """Change a customer's profile, unless someone else changed it since `as_loaded` was read.

    Optimistic concurrency: the values the person's form was rendered with travel with the
    form; under a row lock they are compared with the values now stored, and any difference
    refuses the save (ConcurrentChange, listing what changed) so that nothing is silently
    overwritten. The person then sees the other change and may save again on top of it.
    """
    book_positions_lock()
    customer = Customer.objects.restrict(user, action="change").select_for_update().get(pk=customer_id)
    cell = _cell(customer)
    moved = {
        field: (loaded, getattr(customer, field))
        for field, loaded in as_loaded.items()
        if getattr(customer, field) != loaded
    }
    if moved:
        raise ConcurrentChange(moved)
    for field, value in changes.items():
        setattr(customer, field, value)
    customer.full_clean()
    customer.save()
    if _cell(customer) != cell:
        _book_positions_follow([customer.primary_manager_id])
    return customer
