"""Attrition signals: a customer drifting away to another bank, found while there is time to act.

A customer who leaves rarely closes everything in one day. First the salary, pension or sales
start going to another bank; money is moved out to the customer's own account there; savings
and wealth products are redeemed before they mature; balances fall; at last the account is
closed. Each step is a signal read from what the customer did in a recent window (the last
``recent_days``) against a reference window just before it (``reference_days``):

- competitor appears: money sent to the customer's own accounts at other banks to which they
  sent nothing in the reference window (an account there in use: the competitor's product
  appearing in our own books), or a product at another bank newly recorded by the account
  manager;
- products closed: deposit, wealth or service products closed in the recent window other
  than by maturing;
- income moved: regular income (salary, pension, sales) fell by at least ``income_fall``;
- balance falling: the average balance fell by at least ``balance_fall``.

The drift score adds the weights of the signals found (at most 100); from ``at_risk_from`` the
customer is at risk and gets a win-back task. The weights make the rule ask for evidence that
money is going to a competitor: a fall in income and balance alone is also what a borrower in
trouble or a farmer between harvests looks like, so it stays below the threshold unless
products are closed too. Windows, thresholds and weights are bank policy, held as data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType

from rmdesk.domain.money import round_yuan


class AttritionSignal(StrEnum):
    """Signs that a customer is drifting away; each names what the account manager can check."""

    COMPETITOR_APPEARS = "competitor_appears"
    """params: banks (names, comma-separated), amount (yuan moved to own accounts there)."""
    PRODUCTS_CLOSED = "products_closed"
    """params: products (codes, comma-separated)."""
    INCOME_MOVED = "income_moved"
    """params: source (salary, pension, sales or income), fall (percent)."""
    BALANCE_FALLING = "balance_falling"
    """params: fall (percent), before, now (average balances in yuan)."""


def _amount(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int) or (
        isinstance(value, Decimal) and not value.is_finite()
    ):
        raise ValueError(f"{what} must be a finite Decimal, not {value!r}")
    return Decimal(value)


class IncomeSource(StrEnum):
    """What the customer's regular income is, to name it in the signal."""

    SALARY = "salary"
    PENSION = "pension"
    SALES = "sales"
    INCOME = "income"


DEFAULT_WEIGHTS: Mapping[AttritionSignal, int] = MappingProxyType(
    {
        AttritionSignal.COMPETITOR_APPEARS: 50,
        AttritionSignal.PRODUCTS_CLOSED: 25,
        AttritionSignal.INCOME_MOVED: 25,
        AttritionSignal.BALANCE_FALLING: 20,
    }
)
"""Bank policy defaults: money going to a competitor is enough on its own (50); closing
products early with either of the others reaches 50 too; a fall in income and balance alone
(45) does not."""


@dataclass(frozen=True)
class AttritionPolicy:
    """Windows, thresholds and weights of the attrition rule (bank policy defaults).

    - ``recent_days``: 35, a month and a few days, so a monthly salary paid a few days late
      still falls in it; ``reference_days``: the 90 days before it, a quarter of normal life
      (where less history is at hand, the reference window is what there is);
    - ``balance_fall``: 30%, ``income_fall``: 50%: falls larger than a month's usual swing;
    - ``least_balance``, ``least_income``: below 1,000 yuan of average balance or 500 yuan of
      monthly income in the reference window, falls are noise and are not read;
    - ``weights``: of each signal (``DEFAULT_WEIGHTS``); ``at_risk_from``: 50.
    """

    recent_days: int = 35
    reference_days: int = 90
    balance_fall: Decimal = Decimal("0.30")
    income_fall: Decimal = Decimal("0.50")
    least_balance: Decimal = Decimal("1000")
    least_income: Decimal = Decimal("500")
    weights: Mapping[AttritionSignal, int] = field(default_factory=lambda: DEFAULT_WEIGHTS)
    at_risk_from: int = 50

    def __post_init__(self) -> None:
        for name in ("recent_days", "reference_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of days, 1 or more, not {value!r}")
        for name in ("balance_fall", "income_fall"):
            value = _amount(getattr(self, name), name)
            if not 0 < value <= 1:
                raise ValueError(f"{name} must be a share above 0 and at most 1, not {value}")
        for name in ("least_balance", "least_income"):
            if _amount(getattr(self, name), name) < 0:
                raise ValueError(f"{name} cannot be negative")
        missing = [s.value for s in AttritionSignal if s not in self.weights]
        if missing:
            raise ValueError(f"signals without a weight: {', '.join(missing)}")
        if any(isinstance(w, bool) or not isinstance(w, int) or w < 0 for w in self.weights.values()):
            raise ValueError(f"signal weights must be whole numbers, 0 or more: {dict(self.weights)}")
        if not 1 <= self.at_risk_from <= 100:
            raise ValueError(f"at_risk_from must be a score from 1 to 100, not {self.at_risk_from}")
        object.__setattr__(self, "weights", MappingProxyType(dict(self.weights)))


DEFAULT_ATTRITION_POLICY = AttritionPolicy()


@dataclass(frozen=True)
class AttritionFacts:
    """What a customer did, in the recent window against the reference window before it.

    - ``balance_before``, ``balance_now``: average balance of deposits and wealth products in
      each window, yuan;
    - ``income_before``, ``income_now``: regular income (salary, pension, sales receipts) per
      30 days in each window, yuan; ``income_source`` names it;
    - ``products_closed``: codes of the deposit, wealth and service products closed in the
      recent window other than by maturing (a time deposit that matured and was paid into the
      customer's account here has not left);
    - ``moved_to_competitors``: by bank, the money sent in the recent window to the customer's
      own accounts (same name) at other banks to which they sent nothing in the reference
      window;
    - ``competitor_products``: banks whose products the account manager newly recorded for the
      customer in the recent window.
    """

    balance_before: Decimal
    balance_now: Decimal
    income_before: Decimal = Decimal(0)
    income_now: Decimal = Decimal(0)
    income_source: IncomeSource = IncomeSource.INCOME
    products_closed: tuple[str, ...] = ()
    moved_to_competitors: Mapping[str, Decimal] = field(default_factory=dict)
    competitor_products: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("balance_before", "balance_now", "income_before", "income_now"):
            if _amount(getattr(self, name), name) < 0:
                raise ValueError(f"{name} cannot be negative, not {getattr(self, name)}")
        for bank, amount in self.moved_to_competitors.items():
            if _amount(amount, f"money moved to {bank!r}") < 0:
                raise ValueError(f"money moved to {bank!r} cannot be negative, not {amount}")
        object.__setattr__(self, "income_source", IncomeSource(self.income_source))
        object.__setattr__(self, "moved_to_competitors", MappingProxyType(dict(self.moved_to_competitors)))


@dataclass(frozen=True)
class SignalFound:
    """A signal found, with its parameters as text for the shell's sentence."""

    signal: AttritionSignal
    params: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, str]:
        """The parameters by name."""
        return dict(self.params)


@dataclass(frozen=True)
class Drift:
    """The drift score (0-100), whether it puts the customer at risk, and the signals found,
    heaviest first."""

    score: int
    at_risk: bool
    signals: tuple[SignalFound, ...]


def _fall(before: Decimal, now: Decimal) -> Decimal:
    return (before - now) / before


def _percent(share: Decimal) -> str:
    return str((share * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def drift(facts: AttritionFacts, policy: AttritionPolicy = DEFAULT_ATTRITION_POLICY) -> Drift:
    """The attrition rule: which signals a customer shows and the drift score they add up to.

    Signals (see the module): competitor appears when any money was moved to own accounts at
    banks new to the customer's transfers, or the account manager recorded a competitor's
    product; products closed when any
    closed other than by maturing; income moved when income before is at least
    ``least_income`` and fell by at least ``income_fall``; balance falling when the balance
    before is at least ``least_balance`` and fell by at least ``balance_fall``. Score = the sum of the weights of
    the signals found, at most 100; at risk from ``policy.at_risk_from``.

    Laws: no signal, score 0; a further signal never lowers the score; more money moved out,
    or a deeper fall, never removes a signal. Rule: bank policy defaults (``AttritionPolicy``).
    """
    found: list[SignalFound] = []
    moved_to = {bank for bank, amount in facts.moved_to_competitors.items() if amount > 0}
    moved = sum(facts.moved_to_competitors.values(), Decimal(0))
    if moved_to or facts.competitor_products:
        banks = sorted(moved_to | set(facts.competitor_products))
        found.append(
            SignalFound(AttritionSignal.COMPETITOR_APPEARS, (("banks", ", ".join(banks)), ("amount", str(round_yuan(moved)))))
        )
    if facts.products_closed:
        found.append(SignalFound(AttritionSignal.PRODUCTS_CLOSED, (("products", ", ".join(sorted(facts.products_closed))),)))
    if facts.income_before >= policy.least_income and facts.income_before > 0:
        fall = _fall(facts.income_before, facts.income_now)
        if fall >= policy.income_fall:
            found.append(
                SignalFound(AttritionSignal.INCOME_MOVED, (("source", facts.income_source.value), ("fall", _percent(fall))))
            )
    if facts.balance_before >= policy.least_balance and facts.balance_before > 0:
        fall = _fall(facts.balance_before, facts.balance_now)
        if fall >= policy.balance_fall:
            found.append(
                SignalFound(
                    AttritionSignal.BALANCE_FALLING,
                    (("fall", _percent(fall)), ("before", str(round_yuan(facts.balance_before))),
                     ("now", str(round_yuan(facts.balance_now)))),
                )
            )
    order = list(AttritionSignal)
    found.sort(key=lambda s: (-policy.weights[s.signal], order.index(s.signal)))
    score = min(100, sum(policy.weights[s.signal] for s in found))
    return Drift(score=score, at_risk=score >= policy.at_risk_from, signals=tuple(found))
