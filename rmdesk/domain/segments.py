"""Segments of the book: value tier, lifecycle stage, service level per tier, who is overdue.

The value tier by assets under management is ``rmdesk.domain.tiers.value_tier`` (re-exported
here). The lifecycle stage (prospect, new, active, dormant, at risk, lost) is read from dated
facts, so it can be computed as of any day; the service level of each tier (how often the
account manager makes contact, how fast a request is answered) is bank policy held as data,
and the overdue-for-contact rule follows from it. Every threshold has a documented default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from rmdesk.domain.tiers import DEFAULT_TIER_POLICY, TierPolicy, value_tier

__all__ = [
    "DEFAULT_LIFECYCLE_POLICY",
    "DEFAULT_SERVICE_LEVELS",
    "DEFAULT_TIER_POLICY",
    "ContactDue",
    "LifecycleFacts",
    "LifecyclePolicy",
    "LifecycleStage",
    "ServiceLevel",
    "ServiceLevels",
    "TierPolicy",
    "contact_due",
    "lifecycle_stage",
    "value_tier",
]


def _known_by(day: date | None, name: str, as_of: date) -> None:
    if day is not None and day > as_of:
        raise ValueError(f"{name} {day.isoformat()} is after the day computed for, {as_of.isoformat()}")


class LifecycleStage(StrEnum):
    """Where a customer stands in the relationship, in the order the rule tests them."""

    PROSPECT = "prospect"
    """Known to the bank (a lead, a visit) but has never held a product."""
    LOST = "lost"
    """Held products once and holds none now."""
    AT_RISK = "at_risk"
    """Still a customer, but the attrition radar sees them drifting away."""
    NEW = "new"
    """Became a customer recently."""
    DORMANT = "dormant"
    """Holds products but has not used them for a long time."""
    ACTIVE = "active"
    """Holds products and uses them."""


@dataclass(frozen=True)
class LifecyclePolicy:
    """Thresholds of the lifecycle rule (bank policy defaults).

    - ``new_for_days``: a customer is new for 90 days after their first product opened (a
      quarter: the time an account manager has to make a new relationship stick);
    - ``dormant_after_days``: a customer with no transaction of their own for 180 days is
      dormant: half the year after which banks commonly treat a personal account as
      long-unused (不动户), so that the account manager calls well before that.
    """

    new_for_days: int = 90
    dormant_after_days: int = 180

    def __post_init__(self) -> None:
        for name in ("new_for_days", "dormant_after_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of days, 1 or more, not {value!r}")


DEFAULT_LIFECYCLE_POLICY = LifecyclePolicy()


@dataclass(frozen=True)
class LifecycleFacts:
    """The dated facts the lifecycle stage is read from, as of the day it is computed.

    - ``first_opened_on``: the day the customer's first product opened (None: never);
    - ``open_products``: how many products are open on the day;
    - ``last_own_transaction_on``: the last transaction the customer made themselves (not
      interest or fees the bank booked); None if none;
    - ``drifting``: whether the attrition radar flags the customer (``rmdesk.domain.attrition``).
    """

    first_opened_on: date | None
    open_products: int
    last_own_transaction_on: date | None = None
    drifting: bool = False


def lifecycle_stage(
    facts: LifecycleFacts, *, as_of: date, policy: LifecyclePolicy = DEFAULT_LIFECYCLE_POLICY
) -> LifecycleStage:
    """The customer's lifecycle stage on ``as_of``, by the first of these that holds:

    1. no product opened by ``as_of``: prospect;
    2. no product open on ``as_of``: lost;
    3. flagged by the attrition radar: at risk (it calls for action even for a new customer);
    4. first product opened less than ``policy.new_for_days`` ago: new;
    5. no own transaction in the last ``policy.dormant_after_days`` days: dormant;
    6. otherwise active.

    Rule: bank policy defaults (``LifecyclePolicy``). The facts must be those known on
    ``as_of``: a fact dated after it, or a negative count of open products, raises ``ValueError``
    naming it.
    """
    if isinstance(facts.open_products, bool) or not isinstance(facts.open_products, int) or facts.open_products < 0:
        raise ValueError(f"open_products must be a count, 0 or more, not {facts.open_products!r}")
    for name in ("first_opened_on", "last_own_transaction_on"):
        _known_by(getattr(facts, name), name, as_of)
    if facts.first_opened_on is None:
        return LifecycleStage.PROSPECT
    if facts.open_products == 0:
        return LifecycleStage.LOST
    if facts.drifting:
        return LifecycleStage.AT_RISK
    if (as_of - facts.first_opened_on).days < policy.new_for_days:
        return LifecycleStage.NEW
    last = facts.last_own_transaction_on
    if last is None or (as_of - last).days >= policy.dormant_after_days:
        return LifecycleStage.DORMANT
    return LifecycleStage.ACTIVE


@dataclass(frozen=True)
class ServiceLevel:
    """What a tier is promised: contact at least every ``contact_every_days`` days, and an
    answer to a request within ``respond_within_hours`` hours."""

    contact_every_days: int
    respond_within_hours: int

    def __post_init__(self) -> None:
        for name in ("contact_every_days", "respond_within_hours"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number, 1 or more, not {value!r}")


@dataclass(frozen=True)
class ServiceLevels:
    """The service level of every value tier (bank policy, as data).

    Laws: every tier of ``tier_policy`` has a level, and a higher tier is never promised less
    frequent contact or a slower answer than a lower one. Raises ``ValueError`` otherwise.
    """

    levels: Mapping[str, ServiceLevel]
    tier_policy: TierPolicy = DEFAULT_TIER_POLICY

    def __post_init__(self) -> None:
        missing = [tier for tier in self.tier_policy.codes if tier not in self.levels]
        if missing:
            raise ValueError(f"tiers without a service level: {', '.join(missing)}")
        codes = self.tier_policy.codes
        for higher, lower in zip(codes, codes[1:]):
            upper, under = self.levels[higher], self.levels[lower]
            if (
                upper.contact_every_days > under.contact_every_days
                or upper.respond_within_hours > under.respond_within_hours
            ):
                raise ValueError(f"tier {higher!r} is promised less than the lower tier {lower!r}")
        object.__setattr__(self, "levels", MappingProxyType(dict(self.levels)))

    def of(self, tier: str) -> ServiceLevel:
        """The service level of ``tier``; an unknown tier is an error naming it."""
        try:
            return self.levels[tier]
        except KeyError:
            raise ValueError(f"tier {tier!r} has no service level; tiers: {', '.join(self.levels)}") from None


DEFAULT_SERVICE_LEVELS = ServiceLevels(
    levels={
        "private": ServiceLevel(contact_every_days=30, respond_within_hours=4),
        "wealth": ServiceLevel(contact_every_days=60, respond_within_hours=8),
        "affluent": ServiceLevel(contact_every_days=90, respond_within_hours=24),
        "mass": ServiceLevel(contact_every_days=365, respond_within_hours=48),
    }
)
"""Bank policy defaults: private banking customers monthly with an answer the same half-day,
wealth every two months, affluent every quarter, mass once a year with an answer in two days."""


@dataclass(frozen=True)
class ContactDue:
    """When the next contact is due under the tier's service level, and how late it is."""

    due_on: date
    overdue_days: int

    @property
    def overdue(self) -> bool:
        """Whether the due day has passed without contact."""
        return self.overdue_days > 0


def contact_due(
    *,
    tier: str,
    customer_since: date,
    last_contact_on: date | None,
    as_of: date,
    service_levels: ServiceLevels = DEFAULT_SERVICE_LEVELS,
) -> ContactDue:
    """The overdue-for-contact rule: the next contact is due ``contact_every_days`` of the
    tier's service level after the last contact (after becoming a customer, if never
    contacted); it is overdue by the days ``as_of`` is past that day, 0 while not past.

    Laws: a later last contact never makes the next one due earlier; a later ``as_of`` never
    makes a contact less overdue. Rule: bank policy (``ServiceLevels``). A contact dated after
    ``as_of`` is not known on that day and raises ``ValueError``.
    """
    level = service_levels.of(tier)
    _known_by(last_contact_on, "last_contact_on", as_of)
    due_on = (last_contact_on or customer_since) + timedelta(days=level.contact_every_days)
    return ContactDue(due_on=due_on, overdue_days=max(0, (as_of - due_on).days))
