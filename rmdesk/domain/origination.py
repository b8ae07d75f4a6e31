"""The credit file from application to disbursement: what it must hold before each step.

Three rules the lifecycle's guards are fed with (``lifecycle.Submit.missing``,
``lifecycle.SendToPolicyCheck.open_items``) and one the drawdown obeys:

- an application is complete when it names the product, the amount, the term, the purpose and
  the repayment source, and every item of collateral has a value and a valuation date, and is
  insured where its kind must be (bank policy: property, machinery, vehicles and stock can burn
  or be stolen; deposits, bonds and receivables cannot); every guarantor guarantees an amount;
- the pre-loan investigation (贷前调查) is complete when every item of its checklist for the
  customer's kind is done. The items follow the four things an account manager must see
  through (issue 5; the regulators' loan Measures, chapters on acceptance and investigation):
  the credit policy that applies, the borrower itself, the operation by the rules, and the
  plan for after the loan;
- a drawdown above the threshold for the borrower's kind is paid by the bank straight to the
  borrower's named counterparty (贷款人受托支付), not into the borrower's account;
- the approval ladder is the levels that hold approval authority, from the narrowest authority
  to the widest (``approval_ladder``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from rmdesk.domain.authority import ApprovalLevel, AuthorityLimit, grade_rank

# --- the application ------------------------------------------------------------------------------


class MissingItem(StrEnum):
    """What an application may still lack before it is submitted."""

    PRODUCT = "product"
    AMOUNT = "amount"
    TERM = "term"
    PURPOSE = "purpose"
    REPAYMENT_SOURCE = "repayment_source"
    COLLATERAL_VALUE = "collateral_value"
    COLLATERAL_VALUATION_DATE = "collateral_valuation_date"
    COLLATERAL_INSURANCE = "collateral_insurance"
    GUARANTEE_AMOUNT = "guarantee_amount"


DEFAULT_INSURED_COLLATERAL_KINDS = frozenset(
    {"residential_property", "commercial_property", "industrial_property", "machinery", "vehicle", "inventory"}
)
"""Kinds of collateral that must be insured for the bank's benefit: bank policy default."""


@dataclass(frozen=True)
class CollateralEntry:
    """An item of collateral as the account manager entered it; value and date may still be missing.

    ``insured_until``: the end of the insurance cover in the bank's favour, if any."""

    description: str
    kind: str
    value: Decimal | None
    valued_on: date | None
    insured_until: date | None = None


@dataclass(frozen=True)
class GuaranteeEntry:
    """A guarantor as entered: who, and the amount guaranteed (missing until entered)."""

    name: str
    amount: Decimal | None


@dataclass(frozen=True)
class ApplicationDraft:
    """The application as it stands, with whatever is still blank left as None or empty."""

    on: date
    product_family: str | None
    amount: Decimal | None
    term_months: int | None
    purpose: str
    repayment_source: str
    collateral: tuple[CollateralEntry, ...] = ()
    guarantors: tuple[GuaranteeEntry, ...] = ()


@dataclass(frozen=True)
class Missing:
    """One thing the application lacks; ``subject`` names the collateral item or guarantor."""

    item: MissingItem
    subject: str = ""

    def __str__(self) -> str:
        return f"{self.item.value}{f' ({self.subject})' if self.subject else ''}"


def application_missing(
    draft: ApplicationDraft, *, insured_kinds: Collection[str] = DEFAULT_INSURED_COLLATERAL_KINDS
) -> tuple[Missing, ...]:
    """What `draft` lacks before it can be submitted (受理), in the order of the form; empty when complete.

    The rule (bank policy, module docstring): product, a positive amount, a term of at least a
    month, the purpose and the repayment source; for each item of collateral a positive value
    and a valuation date, and for a kind in `insured_kinds` insurance running on the day of
    submission; for each guarantor a positive amount.
    """
    missing: list[Missing] = []
    if not draft.product_family:
        missing.append(Missing(MissingItem.PRODUCT))
    if draft.amount is None or draft.amount <= 0:
        missing.append(Missing(MissingItem.AMOUNT))
    if draft.term_months is None or draft.term_months < 1:
        missing.append(Missing(MissingItem.TERM))
    if not draft.purpose.strip():
        missing.append(Missing(MissingItem.PURPOSE))
    if not draft.repayment_source.strip():
        missing.append(Missing(MissingItem.REPAYMENT_SOURCE))
    for item in draft.collateral:
        if item.value is None or item.value <= 0:
            missing.append(Missing(MissingItem.COLLATERAL_VALUE, item.description))
        if item.valued_on is None:
            missing.append(Missing(MissingItem.COLLATERAL_VALUATION_DATE, item.description))
        if item.kind in insured_kinds and (item.insured_until is None or item.insured_until < draft.on):
            missing.append(Missing(MissingItem.COLLATERAL_INSURANCE, item.description))
    for guarantor in draft.guarantors:
        if guarantor.amount is None or guarantor.amount <= 0:
            missing.append(Missing(MissingItem.GUARANTEE_AMOUNT, guarantor.name))
    return tuple(missing)


# --- the pre-loan investigation -------------------------------------------------------------------


class ChecklistArea(StrEnum):
    """The four things a pre-loan investigation sees through (issue 5)."""

    CREDIT_POLICY = "credit_policy"
    BORROWER = "borrower"
    OPERATION = "operation"
    POST_LOAN = "post_loan"


@dataclass(frozen=True)
class ChecklistItem:
    """One thing the account manager must have seen or done, in one area of the investigation."""

    code: str
    area: ChecklistArea


def _items(area: ChecklistArea, *codes: str) -> tuple[ChecklistItem, ...]:
    return tuple(ChecklistItem(code, area) for code in codes)


_POLICY = _items(ChecklistArea.CREDIT_POLICY, "industry_and_product_policy", "credit_report")
_OPERATION = _items(ChecklistArea.OPERATION, "purpose_verified", "repayment_source_verified", "security_verified")
_POST_LOAN = _items(ChecklistArea.POST_LOAN, "post_loan_plan")

CHECKLISTS: Mapping[str, tuple[ChecklistItem, ...]] = MappingProxyType(
    {
        "enterprise": (
            *_POLICY,
            *_items(
                ChecklistArea.BORROWER,
                "site_visit",
                "licences_and_qualifications",
                "management_and_controllers",
                "operations_and_market",
                "related_parties_and_group",
                "statements_and_flags",
                "flows_at_this_bank",
                "external_events",
            ),
            *_OPERATION,
            *_POST_LOAN,
        ),
        "sole_proprietor": (
            *_POLICY,
            *_items(
                ChecklistArea.BORROWER,
                "site_visit",
                "licences_and_qualifications",
                "owner_and_household",
                "operations_and_market",
                "statements_and_flags",
                "flows_at_this_bank",
                "external_events",
            ),
            *_OPERATION,
            *_POST_LOAN,
        ),
        "farmer_household": (
            *_POLICY,
            *_items(
                ChecklistArea.BORROWER,
                "household_visit",
                "owner_and_household",
                "land_and_production_scale",
                "household_income_and_seasons",
                "flows_at_this_bank",
                "external_events",
            ),
            *_OPERATION,
            *_POST_LOAN,
        ),
        "individual": (
            *_POLICY,
            *_items(ChecklistArea.BORROWER, "identity_and_employment", "income_verified", "flows_at_this_bank"),
            *_OPERATION,
            *_POST_LOAN,
        ),
    }
)
"""The investigation checklist of each kind of customer (bank policy default), in the order of the report."""


def checklist_for(customer_kind: str) -> tuple[ChecklistItem, ...]:
    """The checklist of `customer_kind`; an unknown kind is an error, not an empty list."""
    try:
        return CHECKLISTS[customer_kind]
    except KeyError:
        raise ValueError(f"no investigation checklist for customer kind {customer_kind!r}") from None


def open_checklist_items(customer_kind: str, done: Collection[str]) -> tuple[str, ...]:
    """The codes of the checklist items of `customer_kind` not yet `done`, in checklist order: the
    investigation goes to the policy check only when this is empty (``lifecycle.SendToPolicyCheck``)."""
    return tuple(item.code for item in checklist_for(customer_kind) if item.code not in done)


# --- disbursement -----------------------------------------------------------------------------------


class PaymentMethod(StrEnum):
    """How the money of a drawdown is paid."""

    ENTRUSTED = "entrusted"
    """贷款人受托支付: the bank pays the borrower's named counterparty directly."""
    BORROWER = "borrower"
    """借款人自主支付: into the borrower's own account."""


class DisbursementErrorCode(StrEnum):
    """Why a drawdown's payment is refused."""

    ENTRUSTED_PAYMENT_REQUIRED = "entrusted_payment_required"
    COUNTERPARTY_MISSING = "counterparty_missing"
    POLICY_INVALID = "policy_invalid"


class DisbursementError(ValueError):
    """A drawdown's payment breaks a rule; ``code`` says which."""

    def __init__(self, code: DisbursementErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _default_entrusted_thresholds() -> Mapping[str, Decimal]:
    return MappingProxyType(
        {
            "enterprise": Decimal("10000000"),
            "sole_proprietor": Decimal("500000"),
            "farmer_household": Decimal("500000"),
            "individual": Decimal("300000"),
        }
    )


@dataclass(frozen=True)
class DisbursementPolicy:
    """Above which drawdown (yuan) each kind of borrower is paid by entrusted payment.

    Defaults: 10,000,000 yuan for an enterprise's working capital, as the 2024 Measures for
    working-capital loans set for a single payment to one counterparty; 500,000 yuan for the
    business loans of sole proprietors and farm households and 300,000 yuan for individuals'
    consumer loans, after the Measures for personal loans. The bank may set lower thresholds,
    never exempt a kind (a kind not listed always pays by entrusted payment).
    """

    entrusted_payment_above: Mapping[str, Decimal] = field(default_factory=_default_entrusted_thresholds)

    def __post_init__(self) -> None:
        for kind, threshold in self.entrusted_payment_above.items():
            if not isinstance(threshold, Decimal) or not threshold.is_finite() or threshold < 0:
                raise DisbursementError(
                    DisbursementErrorCode.POLICY_INVALID,
                    f"the entrusted-payment threshold of {kind} must be a Decimal of 0 or more, not {threshold!r}",
                )


DEFAULT_DISBURSEMENT_POLICY = DisbursementPolicy()


def payment_method_required(
    customer_kind: str, amount: Decimal, policy: DisbursementPolicy = DEFAULT_DISBURSEMENT_POLICY
) -> PaymentMethod:
    """Entrusted payment for a drawdown of more than the threshold of `customer_kind`, else the
    borrower may be paid (``DisbursementPolicy``). At the threshold itself the borrower may be paid."""
    threshold = policy.entrusted_payment_above.get(customer_kind)
    if threshold is None or amount > threshold:
        return PaymentMethod.ENTRUSTED
    return PaymentMethod.BORROWER


def check_payment(
    *,
    customer_kind: str,
    amount: Decimal,
    method: PaymentMethod,
    counterparty_name: str,
    counterparty_account: str,
    policy: DisbursementPolicy = DEFAULT_DISBURSEMENT_POLICY,
) -> None:
    """Refuse a drawdown paid to the borrower when entrusted payment is required, and an entrusted
    payment that does not name the counterparty and its account (the bank must know whom it pays)."""
    if method is PaymentMethod.BORROWER and payment_method_required(customer_kind, amount, policy) is PaymentMethod.ENTRUSTED:
        threshold = policy.entrusted_payment_above.get(customer_kind)
        above = f"more than {threshold:,.2f} yuan" if threshold is not None else "any amount"
        raise DisbursementError(
            DisbursementErrorCode.ENTRUSTED_PAYMENT_REQUIRED,
            f"a drawdown of {amount:,.2f} yuan to a {customer_kind.replace('_', ' ')} is {above}: "
            "the bank pays the counterparty directly",
        )
    if method is PaymentMethod.ENTRUSTED and not (counterparty_name.strip() and counterparty_account.strip()):
        raise DisbursementError(
            DisbursementErrorCode.COUNTERPARTY_MISSING,
            "an entrusted payment needs the counterparty's name and account",
        )


# --- the approval ladder ----------------------------------------------------------------------------


def approval_ladder(limits_by_level: Mapping[str, Sequence[AuthorityLimit]]) -> tuple[ApprovalLevel, ...]:
    """The bank's approval ladder, lowest level first, from each level's delegated limits.

    A level is lower the less it may approve: ordered by the largest amount any of its limits
    covers, then by the worst grade it covers (a level reaching weaker grades is higher), then
    by its code so that the order is stable. Levels without a limit hold no authority and are
    left out. This is the order ``authority.approval_route`` climbs (逐级审查).
    """

    def reach(item: tuple[str, Sequence[AuthorityLimit]]) -> tuple[Decimal, int, str]:
        code, limits = item
        return (max(limit.max_amount for limit in limits), max(grade_rank(limit.worst_grade) for limit in limits), code)

    held = sorted(((code, limits) for code, limits in limits_by_level.items() if limits), key=reach)
    return tuple(ApprovalLevel(code, tuple(limits)) for code, limits in held)

