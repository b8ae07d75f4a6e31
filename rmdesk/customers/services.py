"""Writes to customers and the book. Each is one transaction: it all happens or none of it."""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rmdesk.customers.models import BookAssignment, BookRole, Customer, CustomerKind, Handover, IdentifierKind
from rmdesk.org.models import User


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
            book_assign_primary(customer=assignment.customer, manager=to_manager, assigned_by=decided_by, on=on, reason=reason)
        else:
            assignment.ended_on = on
            assignment.save(update_fields=["ended_on"])
            if assignment.customer.primary_manager_id != to_manager.pk:
                book_add_assisting(customer=assignment.customer, manager=to_manager, assigned_by=decided_by, on=on, reason=reason)
    handover.customers.set([assignment.customer for assignment in current])
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
    customer = Customer.objects.restrict(user, action="change").select_for_update().get(pk=customer_id)
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
    return customer
