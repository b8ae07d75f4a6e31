"""Who sees what: the one scope mechanism of rmdesk.

In the spirit of NetBox's `RestrictedQuerySet.restrict(user, action)`: every model holding
customer data uses `RestrictedQuerySet` as its default manager and names, in `scope_customer`,
the path from itself to the customer it belongs to. Every view, export, API route and task asks
`Model.objects.restrict(user)` and gets only what the user's role and place in the organisation
allow (DESIGN.md section 1):

- a role whose scope is "book" (account managers): customers in their book (primary or current
  assisting manager);
- a role whose scope is "unit" (team leaders, credit approvers, risk and compliance officers,
  head office): customers managed in their org unit and every unit below it (head office sits at
  the root, so it sees the whole bank);
- a role whose scope is "none" (administrators), or a user without a role or org unit: nothing.

The roles and their scopes are data (rmdesk.org.models.Role), configured by the bank.

A lookup outside the scope finds nothing, so "not yours" and "not found" give the same 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from rmdesk.org.models import User


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can be narrowed to what one user may see."""

    def restrict(self, user: User, action: str = "view") -> RestrictedQuerySet:
        """Rows of this model within `user`'s scope for `action` ("view" or "change").

        A model reaches its customer by `scope_customer`; a record about several customers (a
        handover) states its own condition in `scope_condition(user)` instead. Changing needs a
        role that changes customer records (account managers and team leaders); the others read.
        """
        if action == "change" and not user.changes_customers:
            return self.none()
        own_condition = getattr(self.model, "scope_condition", None)
        path = getattr(self.model, "scope_customer", None)
        if own_condition is not None:
            condition = own_condition(user)
        elif path is None:
            raise TypeError(f"{self.model.__name__} declares no scope_customer path")
        else:
            condition = customer_scope_condition(user, prefix=f"{path}__" if path else "")
        if condition is None:
            return self.none()
        return self.filter(condition)


def customer_scope_condition(user: User, *, prefix: str = "") -> Q | None:
    """The filter on customers (reached through `prefix`) that `user` may see, or None for none.

    `Q()` (no condition) means the whole bank. The org-unit subtree is resolved to a list of ids
    once per call: a bank has hundreds of units, not millions, so the list is short and the
    database can use the index on the customer's managing unit.
    """
    from rmdesk.customers.models import BookAssignment
    from rmdesk.org.models import RoleScope

    if not user.is_authenticated or not user.is_active or user.org_unit_id is None or user.role is None:
        return None
    if user.role.scope == RoleScope.BOOK:
        # The open assignments are the book, primary and assisting alike: one indexed semi-join.
        book = BookAssignment.objects.current().filter(manager=user).values("customer_id")
        return Q(**{f"{prefix}pk__in": book})
    if user.role.scope == RoleScope.UNIT:
        return unit_scope_condition(user, field=f"{prefix}org_unit_id")
    return None


def unit_scope_condition(user: User, *, field: str) -> Q:
    """Records whose org unit (`field`) lies in `user`'s unit or below; the root sees all."""
    from rmdesk.org.models import OrgUnit

    unit = user.org_unit
    if unit.parent_id is None:
        return Q()
    return Q(**{f"{field}__in": OrgUnit.objects.subtree_ids(unit)})
