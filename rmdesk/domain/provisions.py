"""Loan-loss provisions: the regulatory reference by category, and expected credit loss (IFRS 9).

Default rates: the PBOC Guidelines on Loan-Loss Provisioning (银行贷款损失准备计提指引, 银发〔2002〕98号),
the long-standing regulatory reference in DESIGN.md section 3: a general reserve of 1% of loans,
and specific reserves of 2% (special mention), 25% (substandard), 50% (doubtful) and 100% (loss)
of the balance. The guideline lets substandard and doubtful float by 20% either way, so the rates
are data (``ProvisionRates``). Each loan's reserve is rounded half-up to the fen, and a roll-up
is the sum of the rounded loan figures, so that every total ties out to its lines.

Banks on IFRS 9 measure expected credit loss by stage instead: 12-month ECL in stage 1, lifetime
ECL in stages 2 and 3 (``expected_credit_loss``), with ``ifrs9_stage`` as the default staging.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from rmdesk.domain.classification import Category
from rmdesk.domain.money import round_yuan

K = TypeVar("K", bound=Hashable)
_ZERO = Decimal("0.00")


class ProvisionErrorCode(StrEnum):
    """Why a provision cannot be computed."""

    RATES_INVALID = "rates_invalid"
    BALANCE_INVALID = "balance_invalid"
    PARAMETER_OUT_OF_RANGE = "parameter_out_of_range"


class ProvisionError(ValueError):
    """A provision input breaks a rule; ``code`` says which."""

    def __init__(self, code: ProvisionErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _fraction(value: Decimal, what: str, code: ProvisionErrorCode) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or not Decimal(0) <= value <= 1:
        raise ProvisionError(code, f"{what} must be a Decimal fraction from 0 to 1, not {value!r}")


def _default_specific() -> Mapping[Category, Decimal]:
    return MappingProxyType(
        {
            Category.NORMAL: Decimal("0"),
            Category.SPECIAL_MENTION: Decimal("0.02"),
            Category.SUBSTANDARD: Decimal("0.25"),
            Category.DOUBTFUL: Decimal("0.50"),
            Category.LOSS: Decimal("1"),
        }
    )


@dataclass(frozen=True)
class ProvisionRates:
    """Reserve rates as fractions of the balance: ``general`` on every loan, ``specific`` by category.

    Every category needs a specific rate, from 0 to 1, and a worse category never has a lower
    rate (defaults: PBOC 银发〔2002〕98号, as in DESIGN.md section 3).
    """

    general: Decimal = Decimal("0.01")
    specific: Mapping[Category, Decimal] = field(default_factory=_default_specific)

    def __post_init__(self) -> None:
        _fraction(self.general, "the general reserve rate", ProvisionErrorCode.RATES_INVALID)
        missing = [c.value for c in Category if c not in self.specific]
        if missing:
            raise ProvisionError(
                ProvisionErrorCode.RATES_INVALID, f"specific reserve rates are missing for {', '.join(missing)}"
            )
        for category in Category:
            _fraction(
                self.specific[category], f"the specific reserve rate for {category}", ProvisionErrorCode.RATES_INVALID
            )
        rates = [self.specific[c] for c in Category]
        if any(worse < better for better, worse in zip(rates, rates[1:])):
            raise ProvisionError(
                ProvisionErrorCode.RATES_INVALID,
                f"a worse category cannot have a lower specific reserve rate: {dict(zip(map(str, Category), rates))}",
            )


DEFAULT_PROVISION_RATES = ProvisionRates()


@dataclass(frozen=True)
class Provision:
    """The reserves for one loan, in yuan to the fen."""

    reference: str
    balance: Decimal
    category: Category
    general: Decimal
    specific: Decimal

    @property
    def total(self) -> Decimal:
        """General plus specific reserve."""
        return self.general + self.specific


def loan_provision(
    reference: str, *, balance: Decimal, category: Category, rates: ProvisionRates = DEFAULT_PROVISION_RATES
) -> Provision:
    """The general and specific reserves of one loan.

    general = balance x ``rates.general`` (1%); specific = balance x the category's rate (2, 25,
    50 or 100%; PBOC 银发〔2002〕98号, DESIGN.md section 3); each rounded half-up to the fen.
    The balance is a Decimal of 0 yuan or more.
    """
    if not isinstance(balance, Decimal) or not balance.is_finite() or balance < 0:
        raise ProvisionError(
            ProvisionErrorCode.BALANCE_INVALID,
            f"balance of {reference} must be a Decimal of 0 yuan or more, not {balance!r}",
        )
    category = Category(category)
    return Provision(
        reference=reference,
        balance=balance,
        category=category,
        general=round_yuan(balance * rates.general),
        specific=round_yuan(balance * rates.specific[category]),
    )


@dataclass(frozen=True)
class ProvisionTotal:
    """Reserves rolled up over a group of loans: counts and sums of the loans' rounded figures."""

    loans: int = 0
    balance: Decimal = _ZERO
    non_performing_balance: Decimal = _ZERO
    general: Decimal = _ZERO
    specific: Decimal = _ZERO

    @property
    def total(self) -> Decimal:
        """General plus specific reserve."""
        return self.general + self.specific

    def add(self, provision: Provision) -> ProvisionTotal:
        """This total with one more loan's provision in it."""
        return ProvisionTotal(
            loans=self.loans + 1,
            balance=self.balance + provision.balance,
            non_performing_balance=self.non_performing_balance
            + (provision.balance if provision.category.is_non_performing else _ZERO),
            general=self.general + provision.general,
            specific=self.specific + provision.specific,
        )


def roll_up(keyed: Iterable[tuple[K, Provision]]) -> dict[K, ProvisionTotal]:
    """Sum loan provisions by any key (account manager, outlet, category, the whole bank...).

    Takes ``(key, provision)`` pairs; a group's figures are the sums of its loans' rounded
    figures, so the totals tie out to the lines (DESIGN.md section 3, provisions per loan
    rolled up by account manager, outlet and bank). Keys keep the order they first appear in.
    """
    totals: dict[K, ProvisionTotal] = {}
    for key, provision in keyed:
        totals[key] = totals.get(key, ProvisionTotal()).add(provision)
    return totals


class Stage(StrEnum):
    """IFRS 9 impairment stages."""

    PERFORMING = "stage_1"
    """Stage 1: no significant increase in credit risk since recognition; 12-month ECL."""
    UNDERPERFORMING = "stage_2"
    """Stage 2: significant increase in credit risk; lifetime ECL."""
    CREDIT_IMPAIRED = "stage_3"
    """Stage 3: credit-impaired (in default); lifetime ECL."""


def ifrs9_stage(*, days_past_due: int, category: Category, significant_increase: bool = False) -> Stage:
    """The IFRS 9 stage of a loan, from its arrears, its category and the bank's own SICR test.

    Stage 3 when more than 90 days past due (IFRS 9 B5.5.37, the rebuttable presumption of
    default) or non-performing (the 2023 Measures put credit-impaired assets at substandard or
    worse); stage 2 when more than 30 days past due (IFRS 9 5.5.11), special mention, or
    `significant_increase` (the bank's own test of a significant increase in credit risk);
    stage 1 otherwise.
    """
    category = Category(category)
    if days_past_due > 90 or category.is_non_performing:
        return Stage.CREDIT_IMPAIRED
    if days_past_due > 30 or category is Category.SPECIAL_MENTION or significant_increase:
        return Stage.UNDERPERFORMING
    return Stage.PERFORMING


def expected_credit_loss(
    *, stage: Stage, pd_12_month: Decimal, pd_lifetime: Decimal, lgd: Decimal, ead: Decimal
) -> Decimal:
    """Expected credit loss = PD x LGD x EAD, rounded half-up to the fen (IFRS 9 5.5.3 and 5.5.5).

    Stage 1 uses the 12-month PD; stage 2 the lifetime PD; stage 3 (in default) a PD of 1.
    PDs and LGD are Decimal fractions from 0 to 1, the lifetime PD at least the 12-month PD;
    EAD is in yuan, 0 or more. Discounting and the PD term structure are the caller's model:
    the PDs passed in are for the horizon of the stage.
    """
    stage = Stage(stage)
    for value, what in ((pd_12_month, "the 12-month PD"), (pd_lifetime, "the lifetime PD"), (lgd, "LGD")):
        _fraction(value, what, ProvisionErrorCode.PARAMETER_OUT_OF_RANGE)
    if pd_lifetime < pd_12_month:
        raise ProvisionError(
            ProvisionErrorCode.PARAMETER_OUT_OF_RANGE,
            f"the lifetime PD ({pd_lifetime}) cannot be below the 12-month PD ({pd_12_month})",
        )
    if not isinstance(ead, Decimal) or not ead.is_finite() or ead < 0:
        raise ProvisionError(
            ProvisionErrorCode.BALANCE_INVALID, f"EAD must be a Decimal of 0 yuan or more, not {ead!r}"
        )
    pd = {Stage.PERFORMING: pd_12_month, Stage.UNDERPERFORMING: pd_lifetime, Stage.CREDIT_IMPAIRED: Decimal(1)}[stage]
    return round_yuan(pd * lgd * ead)
