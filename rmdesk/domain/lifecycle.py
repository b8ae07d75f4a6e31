"""The credit lifecycle as an explicit state machine, from application to closure.

A credit (授信) moves through the states of ``CreditState`` by the actions of ``Action``; the
table ``TRANSITIONS`` says which action is allowed in which state and where it may lead, and
every action is a command (a frozen dataclass) applied by ``apply``. An action not allowed in
the credit's state is refused with ``ILLEGAL_TRANSITION`` and a message naming the state and
the action; an allowed one is refused with its own error code when a guard fails. Every
applied action appends a ``Transition`` (who, on whose behalf, when, why, how much) to the
credit's history, which is the audit trail the shell stores.

The path (DESIGN.md section 2; issue 5): draft -> submitted (application accepted) ->
investigation (pre-loan investigation, 贷前调查) -> policy check -> in approval, level by level
up the route of ``authority.approval_route`` -> approved, rejected, or returned for more
information (back to investigation) -> contract signed, with its credit line -> disbursed
(drawdowns within the line's amount and validity) -> repaying -> overdue -> restructured
(with its observation period) -> closed or written off. Renewal opens a new application that
refers to the credit it renews. Withdrawal ends an application before the contract.

Guards (bank policy and the rules cited on each command): an application is submitted only when
complete and sent to policy check only when its investigation is complete; nobody approves
their own application, nobody signs two levels of one route, and each level is signed by a
holder of it or their delegate (``authority.signatory``); a contract is signed only within the
approval's validity and for no more than was approved; no drawdown outside the line's
validity or beyond its amount, and none while overdue or restructured; restructuring and
write-off are approved by a second person; closure needs nothing outstanding.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from rmdesk.domain.authority import Signatory, approves_own
from rmdesk.domain.classification import (
    DEFAULT_CLASSIFICATION_POLICY,
    Category,
    ClassificationPolicy,
    observation_period_end,
)
from rmdesk.domain.money import round_yuan
from rmdesk.domain.policy import PolicyReport

_ZERO = Decimal("0.00")

NIGHTLY_RUN = "nightly-run"
"""Who takes the steps nobody decides: the nightly run marks a credit overdue when a payment is
missed and cured when the arrears are paid (``MarkOverdue``, ``Cure``), as of the day it runs."""


class CreditState(StrEnum):
    """Where a credit stands."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    INVESTIGATION = "investigation"
    POLICY_CHECK = "policy_check"
    IN_APPROVAL = "in_approval"
    RETURNED = "returned"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    CONTRACT_SIGNED = "contract_signed"
    DISBURSED = "disbursed"
    REPAYING = "repaying"
    OVERDUE = "overdue"
    RESTRUCTURED = "restructured"
    CLOSED = "closed"
    WRITTEN_OFF = "written_off"


class Action(StrEnum):
    """What can be done to a credit; each has a command of the same name."""

    AMEND = "amend"
    SUBMIT = "submit"
    START_INVESTIGATION = "start_investigation"
    SEND_TO_POLICY_CHECK = "send_to_policy_check"
    RECORD_POLICY_CHECK = "record_policy_check"
    APPROVE = "approve"
    REJECT = "reject"
    RETURN_FOR_INFORMATION = "return_for_information"
    RESUME_INVESTIGATION = "resume_investigation"
    WITHDRAW = "withdraw"
    SIGN_CONTRACT = "sign_contract"
    DRAW = "draw"
    REPAY = "repay"
    MARK_OVERDUE = "mark_overdue"
    CURE = "cure"
    RESTRUCTURE = "restructure"
    END_OBSERVATION = "end_observation"
    CLOSE = "close"
    WRITE_OFF = "write_off"
    RENEW = "renew"


S, A = CreditState, Action

TRANSITIONS: Mapping[tuple[CreditState, Action], frozenset[CreditState]] = {
    **{(s, A.AMEND): frozenset({s}) for s in (S.DRAFT, S.SUBMITTED, S.INVESTIGATION, S.RETURNED)},
    (S.DRAFT, A.SUBMIT): frozenset({S.SUBMITTED}),
    (S.SUBMITTED, A.START_INVESTIGATION): frozenset({S.INVESTIGATION}),
    (S.INVESTIGATION, A.SEND_TO_POLICY_CHECK): frozenset({S.POLICY_CHECK}),
    (S.POLICY_CHECK, A.RECORD_POLICY_CHECK): frozenset({S.IN_APPROVAL, S.RETURNED}),
    (S.IN_APPROVAL, A.APPROVE): frozenset({S.IN_APPROVAL, S.APPROVED}),
    (S.IN_APPROVAL, A.REJECT): frozenset({S.REJECTED}),
    (S.IN_APPROVAL, A.RETURN_FOR_INFORMATION): frozenset({S.RETURNED}),
    (S.RETURNED, A.RESUME_INVESTIGATION): frozenset({S.INVESTIGATION}),
    **{
        (s, A.WITHDRAW): frozenset({S.WITHDRAWN})
        for s in (S.DRAFT, S.SUBMITTED, S.INVESTIGATION, S.POLICY_CHECK, S.IN_APPROVAL, S.RETURNED, S.APPROVED)
    },
    (S.APPROVED, A.SIGN_CONTRACT): frozenset({S.CONTRACT_SIGNED}),
    (S.CONTRACT_SIGNED, A.DRAW): frozenset({S.DISBURSED}),
    (S.DISBURSED, A.DRAW): frozenset({S.DISBURSED}),
    (S.REPAYING, A.DRAW): frozenset({S.REPAYING}),
    (S.DISBURSED, A.REPAY): frozenset({S.REPAYING}),
    (S.REPAYING, A.REPAY): frozenset({S.REPAYING}),
    (S.OVERDUE, A.REPAY): frozenset({S.OVERDUE}),
    (S.RESTRUCTURED, A.REPAY): frozenset({S.RESTRUCTURED}),
    **{(s, A.MARK_OVERDUE): frozenset({S.OVERDUE}) for s in (S.DISBURSED, S.REPAYING, S.RESTRUCTURED)},
    (S.OVERDUE, A.CURE): frozenset({S.REPAYING, S.RESTRUCTURED}),
    **{(s, A.RESTRUCTURE): frozenset({S.RESTRUCTURED}) for s in (S.DISBURSED, S.REPAYING, S.OVERDUE)},
    (S.RESTRUCTURED, A.END_OBSERVATION): frozenset({S.REPAYING, S.RESTRUCTURED}),
    **{(s, A.CLOSE): frozenset({S.CLOSED}) for s in (S.CONTRACT_SIGNED, S.REPAYING, S.RESTRUCTURED)},
    **{(s, A.WRITE_OFF): frozenset({S.WRITTEN_OFF}) for s in (S.OVERDUE, S.RESTRUCTURED)},
    (S.DISBURSED, A.RENEW): frozenset({S.DISBURSED}),
    (S.REPAYING, A.RENEW): frozenset({S.REPAYING}),
}
"""``(state, action) -> the states the action may lead to``; a pair not listed is illegal."""


def allowed_actions(state: CreditState) -> tuple[Action, ...]:
    """The actions allowed in `state`, in the order of ``Action`` (none in a final state)."""
    return tuple(action for action in Action if (CreditState(state), action) in TRANSITIONS)


FINAL_STATES = frozenset(s for s in CreditState if not allowed_actions(s))
"""Rejected, withdrawn, closed, written off: nothing more happens to the credit."""


class LifecycleErrorCode(StrEnum):
    """Why an action on a credit is refused."""

    ILLEGAL_TRANSITION = "illegal_transition"
    DATE_OUT_OF_ORDER = "date_out_of_order"
    AMOUNT_INVALID = "amount_invalid"
    OPEN_ITEMS = "open_items"
    ROUTE_MISSING = "route_missing"
    WRONG_LEVEL = "wrong_level"
    OWN_APPLICATION = "own_application"
    ALREADY_SIGNED = "already_signed"
    REASON_REQUIRED = "reason_required"
    ABOVE_APPROVED_AMOUNT = "above_approved_amount"
    APPROVAL_EXPIRED = "approval_expired"
    LINE_INVALID = "line_invalid"
    LINE_NOT_YET_VALID = "line_not_yet_valid"
    LINE_EXPIRED = "line_expired"
    LINE_EXCEEDED = "line_exceeded"
    ABOVE_OUTSTANDING = "above_outstanding"
    SECOND_PERSON_REQUIRED = "second_person_required"
    DATES_INVALID = "dates_invalid"
    OBSERVATION_NOT_ENDED = "observation_not_ended"
    BALANCE_OUTSTANDING = "balance_outstanding"
    NOT_LOSS = "not_loss"


class LifecycleError(ValueError):
    """An action on a credit is refused; ``code`` says which rule, the message says what and where."""

    def __init__(self, code: LifecycleErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _words(value: StrEnum) -> str:
    return value.value.replace("_", " ")


def _amount(value: object, what: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0 or value != round_yuan(value):
        raise LifecycleError(
            LifecycleErrorCode.AMOUNT_INVALID, f"{what} must be a Decimal of more than 0 yuan, in fen, not {value!r}"
        )
    return value


@dataclass(frozen=True)
class LifecyclePolicy:
    """Bank policy the lifecycle applies: an approval is valid for ``approval_validity_days``
    days (the contract must be signed by then; default 90), and observation periods follow
    ``classification`` (the 2023 Measures by default)."""

    approval_validity_days: int = 90
    classification: ClassificationPolicy = DEFAULT_CLASSIFICATION_POLICY


DEFAULT_LIFECYCLE_POLICY = LifecyclePolicy()


@dataclass(frozen=True)
class CreditLine:
    """The credit line of a signed contract (授信额度): up to `amount` yuan, drawn from `valid_from`
    to `valid_until` (both included); a revolving line frees again what is repaid."""

    amount: Decimal
    valid_from: date
    valid_until: date
    revolving: bool = False

    def __post_init__(self) -> None:
        try:
            _amount(self.amount, "the credit line")
        except LifecycleError as error:
            raise LifecycleError(LifecycleErrorCode.LINE_INVALID, error.message) from None
        if self.valid_until < self.valid_from:
            raise LifecycleError(
                LifecycleErrorCode.LINE_INVALID,
                f"the credit line ends ({self.valid_until.isoformat()}) "
                f"before it starts ({self.valid_from.isoformat()})",
            )


@dataclass(frozen=True)
class ApprovalSignature:
    """One level's approval in the current round: who signed, when, for how much, and their opinion."""

    signatory: Signatory
    on: date
    approved_amount: Decimal
    opinion: str = ""


@dataclass(frozen=True)
class Transition:
    """One audited step of a credit: the action, from and to which state, by whom (and for whom),
    on which day, why, and the amount it moved when it moved money."""

    action: Action
    from_state: CreditState
    to_state: CreditState
    by: str
    on: date
    on_behalf_of: str | None = None
    reason: str = ""
    amount: Decimal | None = None


@dataclass(frozen=True)
class Credit:
    """A credit from application to closure, with everything its guards need and its history.

    ``originators`` are the people who applied for, submitted, amended or investigated it: none
    of them may approve it. ``route`` is the approval route of the current round, lowest level
    first; ``signatures`` the levels signed so far in it. ``drawn`` is the total ever drawn and
    ``outstanding`` the principal owed. ``observation_ends_on`` is set while a restructured
    credit is in its observation period.
    """

    reference: str
    customer: str
    product_family: str
    amount: Decimal
    opened_by: str
    opened_on: date
    state: CreditState = CreditState.DRAFT
    originators: frozenset[str] = frozenset()
    route: tuple[str, ...] = ()
    signatures: tuple[ApprovalSignature, ...] = ()
    approved_amount: Decimal | None = None
    approval_valid_until: date | None = None
    line: CreditLine | None = None
    drawn: Decimal = _ZERO
    outstanding: Decimal = _ZERO
    observation_ends_on: date | None = None
    repayment_period_months: int | None = None
    renews: str | None = None
    history: tuple[Transition, ...] = field(default=())

    @property
    def pending_level(self) -> str | None:
        """The level whose signature the credit waits for, while in approval."""
        if self.state is not CreditState.IN_APPROVAL:
            return None
        return self.route[len(self.signatures)]

    @property
    def last_event_on(self) -> date:
        """The date of the latest step (or of opening): no later step may be dated before it."""
        return self.history[-1].on if self.history else self.opened_on

    @property
    def available(self) -> Decimal:
        """What can still be drawn on the line: its amount less what is outstanding (revolving) or
        less all that was ever drawn (non-revolving)."""
        if self.line is None:
            return _ZERO
        used = self.outstanding if self.line.revolving else self.drawn
        return max(_ZERO, self.line.amount - used)


def open_application(
    reference: str, *, customer: str, product_family: str, amount: Decimal, by: str, on: date, renews: str | None = None
) -> Credit:
    """A new application in draft, opened by `by` (who becomes its first originator)."""
    return Credit(
        reference=reference,
        customer=customer,
        product_family=product_family,
        amount=_amount(amount, "the amount applied for"),
        opened_by=by,
        opened_on=on,
        originators=frozenset({by}),
        renews=renews,
    )


# --- commands ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Amend:
    """Change the amount applied for, before approval."""

    action: ClassVar[Action] = Action.AMEND
    by: str
    on: date
    amount: Decimal


@dataclass(frozen=True, kw_only=True)
class Submit:
    """The application is complete and accepted (受理); `missing` lists what it still lacks."""

    action: ClassVar[Action] = Action.SUBMIT
    by: str
    on: date
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class StartInvestigation:
    """The account manager starts the pre-loan investigation."""

    action: ClassVar[Action] = Action.START_INVESTIGATION
    by: str
    on: date


@dataclass(frozen=True, kw_only=True)
class SendToPolicyCheck:
    """The investigation is done and the application goes on; `open_items` lists checklist items not done."""

    action: ClassVar[Action] = Action.SEND_TO_POLICY_CHECK
    by: str
    on: date
    open_items: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RecordPolicyCheck:
    """The policy check's report; passed, the application enters approval along `route`."""

    action: ClassVar[Action] = Action.RECORD_POLICY_CHECK
    by: str
    on: date
    report: PolicyReport
    route: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Approve:
    """A level approves (the deciding level) or recommends (a lower level), for `approved_amount`
    (default: the amount applied for)."""

    action: ClassVar[Action] = Action.APPROVE
    signatory: Signatory
    on: date
    approved_amount: Decimal | None = None
    opinion: str = ""

    @property
    def by(self) -> str:
        """The person signing."""
        return self.signatory.person


@dataclass(frozen=True, kw_only=True)
class Reject:
    """A level declines the application, with a reason."""

    action: ClassVar[Action] = Action.REJECT
    signatory: Signatory
    on: date
    reason: str

    @property
    def by(self) -> str:
        """The person signing."""
        return self.signatory.person


@dataclass(frozen=True, kw_only=True)
class ReturnForInformation:
    """A level sends the application back to the account manager for more information."""

    action: ClassVar[Action] = Action.RETURN_FOR_INFORMATION
    signatory: Signatory
    on: date
    reason: str

    @property
    def by(self) -> str:
        """The person signing."""
        return self.signatory.person


@dataclass(frozen=True, kw_only=True)
class ResumeInvestigation:
    """The account manager takes a returned application back into investigation."""

    action: ClassVar[Action] = Action.RESUME_INVESTIGATION
    by: str
    on: date


@dataclass(frozen=True, kw_only=True)
class Withdraw:
    """The application ends before a contract (the customer withdrew, or the bank stopped), with a reason."""

    action: ClassVar[Action] = Action.WITHDRAW
    by: str
    on: date
    reason: str


@dataclass(frozen=True, kw_only=True)
class SignContract:
    """The contract is signed and the credit line set."""

    action: ClassVar[Action] = Action.SIGN_CONTRACT
    by: str
    on: date
    line: CreditLine


@dataclass(frozen=True, kw_only=True)
class Draw:
    """A drawdown (提款) against the credit line."""

    action: ClassVar[Action] = Action.DRAW
    by: str
    on: date
    amount: Decimal


@dataclass(frozen=True, kw_only=True)
class Repay:
    """Principal repaid (interest is the schedule's business, not the lifecycle's)."""

    action: ClassVar[Action] = Action.REPAY
    by: str
    on: date
    principal: Decimal


@dataclass(frozen=True, kw_only=True)
class MarkOverdue:
    """A payment due on `missed_on` was not made in full."""

    action: ClassVar[Action] = Action.MARK_OVERDUE
    by: str
    on: date
    missed_on: date


@dataclass(frozen=True, kw_only=True)
class Cure:
    """All arrears are paid: the credit is current again."""

    action: ClassVar[Action] = Action.CURE
    by: str
    on: date


@dataclass(frozen=True, kw_only=True)
class Restructure:
    """The terms are adjusted for a debtor in financial difficulty, approved by `approved_by`;
    the adjusted contract's first repayment falls on `first_repayment_on`, then every
    `repayment_period_months` months."""

    action: ClassVar[Action] = Action.RESTRUCTURE
    by: str
    on: date
    approved_by: str
    first_repayment_on: date
    repayment_period_months: int


@dataclass(frozen=True, kw_only=True)
class EndObservation:
    """The observation period is over; `difficulty_resolved`: the debtor has overcome its difficulty."""

    action: ClassVar[Action] = Action.END_OBSERVATION
    by: str
    on: date
    difficulty_resolved: bool


@dataclass(frozen=True, kw_only=True)
class Close:
    """Nothing is owed and the credit ends (a line never drawn may also be closed)."""

    action: ClassVar[Action] = Action.CLOSE
    by: str
    on: date


@dataclass(frozen=True, kw_only=True)
class WriteOff:
    """A loss is written off (核销), approved by `approved_by`; recovery goes on outside the lifecycle."""

    action: ClassVar[Action] = Action.WRITE_OFF
    by: str
    on: date
    approved_by: str
    category: Category


@dataclass(frozen=True, kw_only=True)
class Renew:
    """A renewal application (续贷) `reference` is opened for `amount` to follow this credit."""

    action: ClassVar[Action] = Action.RENEW
    by: str
    on: date
    reference: str
    amount: Decimal


Command = (
    Amend
    | Submit
    | StartInvestigation
    | SendToPolicyCheck
    | RecordPolicyCheck
    | Approve
    | Reject
    | ReturnForInformation
    | ResumeInvestigation
    | Withdraw
    | SignContract
    | Draw
    | Repay
    | MarkOverdue
    | Cure
    | Restructure
    | EndObservation
    | Close
    | WriteOff
)


# --- guards and effects -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    to: CreditState
    changes: Mapping[str, object] = field(default_factory=dict)
    reason: str = ""
    amount: Decimal | None = None


def _reason(text: str, action: Action) -> str:
    if not text.strip():
        raise LifecycleError(LifecycleErrorCode.REASON_REQUIRED, f"{_words(action)} needs a reason")
    return text.strip()


def _second_person(credit: Credit, by: str, approved_by: str, action: Action) -> None:
    if approved_by == by or approved_by in credit.originators:
        raise LifecycleError(
            LifecycleErrorCode.SECOND_PERSON_REQUIRED,
            f"{_words(action)} of {credit.reference} must be approved by someone other than {by} "
            f"and the credit's originators, not {approved_by}",
        )


def _signature_allowed(credit: Credit, signer: Signatory) -> None:
    level = credit.pending_level
    if signer.level != level:
        raise LifecycleError(
            LifecycleErrorCode.WRONG_LEVEL, f"{credit.reference} waits for level {level}, not {signer.level}"
        )
    if approves_own(signer, credit.originators):
        whose = f" (for {signer.on_behalf_of})" if signer.on_behalf_of else ""
        raise LifecycleError(
            LifecycleErrorCode.OWN_APPLICATION,
            f"{signer.person}{whose} cannot decide on {credit.reference}: nobody approves their own application",
        )
    signed = {p for s in credit.signatures for p in (s.signatory.person, s.signatory.on_behalf_of) if p}
    if signer.person in signed or (signer.on_behalf_of and signer.on_behalf_of in signed):
        raise LifecycleError(
            LifecycleErrorCode.ALREADY_SIGNED,
            f"{signer.person} has already signed {credit.reference} at a lower level: each level needs another person",
        )


def _amend(credit: Credit, c: Amend, policy: LifecyclePolicy) -> _Step:
    amount = _amount(c.amount, "the amount applied for")
    return _Step(
        credit.state,
        {"amount": amount, "originators": credit.originators | {c.by}},
        f"amount {_yuan(credit.amount)} -> {_yuan(amount)}",
        amount,
    )


def _items_done(items: tuple[str, ...], what: str, credit: Credit) -> None:
    if items:
        raise LifecycleError(LifecycleErrorCode.OPEN_ITEMS, f"{credit.reference}: {what}: {', '.join(items)}")


def _submit(credit: Credit, c: Submit, policy: LifecyclePolicy) -> _Step:
    _items_done(c.missing, "the application still lacks", credit)
    return _Step(S.SUBMITTED, {"originators": credit.originators | {c.by}})


def _start_investigation(credit: Credit, c: StartInvestigation, policy: LifecyclePolicy) -> _Step:
    return _Step(S.INVESTIGATION, {"originators": credit.originators | {c.by}})


def _send_to_policy_check(credit: Credit, c: SendToPolicyCheck, policy: LifecyclePolicy) -> _Step:
    _items_done(c.open_items, "the investigation is not complete", credit)
    return _Step(S.POLICY_CHECK, {"originators": credit.originators | {c.by}})


def _record_policy_check(credit: Credit, c: RecordPolicyCheck, policy: LifecyclePolicy) -> _Step:
    if not c.report.passed:
        failed = "; ".join(f"{r.rule}{f' ({r.subject})' if r.subject else ''}: {r.reason}" for r in c.report.failures)
        return _Step(S.RETURNED, {"route": (), "signatures": ()}, f"policy check failed: {failed}")
    if not c.route:
        raise LifecycleError(
            LifecycleErrorCode.ROUTE_MISSING, f"{credit.reference} passed the policy check but has no approval route"
        )
    return _Step(S.IN_APPROVAL, {"route": tuple(c.route), "signatures": ()}, f"route {' > '.join(c.route)}")


def _approve(credit: Credit, c: Approve, policy: LifecyclePolicy) -> _Step:
    _signature_allowed(credit, c.signatory)
    amount = credit.amount if c.approved_amount is None else _amount(c.approved_amount, "the approved amount")
    if amount > credit.amount:
        raise LifecycleError(
            LifecycleErrorCode.ABOVE_APPROVED_AMOUNT,
            f"{credit.reference}: {_yuan(amount)} yuan approved is more than the {_yuan(credit.amount)} applied for",
        )
    signatures = (*credit.signatures, ApprovalSignature(c.signatory, c.on, amount, c.opinion))
    if len(signatures) < len(credit.route):
        return _Step(
            S.IN_APPROVAL, {"signatures": signatures}, c.opinion or f"recommended at {c.signatory.level}", amount
        )
    valid_until = c.on + timedelta(days=policy.approval_validity_days)
    return _Step(
        S.APPROVED,
        {"signatures": signatures, "approved_amount": amount, "approval_valid_until": valid_until},
        c.opinion or f"approved at {c.signatory.level}, valid until {valid_until.isoformat()}",
        amount,
    )


def _reject(credit: Credit, c: Reject, policy: LifecyclePolicy) -> _Step:
    reason = _reason(c.reason, c.action)
    _signature_allowed(credit, c.signatory)
    return _Step(S.REJECTED, {}, reason)


def _return_for_information(credit: Credit, c: ReturnForInformation, policy: LifecyclePolicy) -> _Step:
    reason = _reason(c.reason, c.action)
    _signature_allowed(credit, c.signatory)
    return _Step(S.RETURNED, {"route": (), "signatures": ()}, reason)


def _resume_investigation(credit: Credit, c: ResumeInvestigation, policy: LifecyclePolicy) -> _Step:
    return _Step(S.INVESTIGATION, {"originators": credit.originators | {c.by}})


def _withdraw(credit: Credit, c: Withdraw, policy: LifecyclePolicy) -> _Step:
    return _Step(S.WITHDRAWN, {}, _reason(c.reason, c.action))


def _sign_contract(credit: Credit, c: SignContract, policy: LifecyclePolicy) -> _Step:
    if credit.approval_valid_until is not None and c.on > credit.approval_valid_until:
        raise LifecycleError(
            LifecycleErrorCode.APPROVAL_EXPIRED,
            f"the approval of {credit.reference} expired on {credit.approval_valid_until.isoformat()}: "
            "it needs a new approval",
        )
    if credit.approved_amount is not None and c.line.amount > credit.approved_amount:
        raise LifecycleError(
            LifecycleErrorCode.ABOVE_APPROVED_AMOUNT,
            f"a line of {_yuan(c.line.amount)} yuan is more than the {_yuan(credit.approved_amount)} "
            f"approved for {credit.reference}",
        )
    if c.line.valid_until < c.on:
        raise LifecycleError(
            LifecycleErrorCode.LINE_INVALID,
            f"the credit line ends ({c.line.valid_until.isoformat()}) before the contract is signed",
        )
    return _Step(
        S.CONTRACT_SIGNED,
        {"line": c.line},
        f"line {_yuan(c.line.amount)} from {c.line.valid_from.isoformat()} to {c.line.valid_until.isoformat()}",
        c.line.amount,
    )


def _draw(credit: Credit, c: Draw, policy: LifecyclePolicy) -> _Step:
    amount = _amount(c.amount, "a drawdown")
    line = credit.line
    if c.on < line.valid_from:
        raise LifecycleError(
            LifecycleErrorCode.LINE_NOT_YET_VALID,
            f"the line of {credit.reference} opens on {line.valid_from.isoformat()}",
        )
    if c.on > line.valid_until:
        raise LifecycleError(
            LifecycleErrorCode.LINE_EXPIRED, f"the line of {credit.reference} expired on {line.valid_until.isoformat()}"
        )
    if amount > credit.available:
        raise LifecycleError(
            LifecycleErrorCode.LINE_EXCEEDED,
            f"drawing {_yuan(amount)} yuan exceeds the line of {credit.reference}: "
            f"{_yuan(credit.available)} of {_yuan(line.amount)} available",
        )
    to = S.DISBURSED if credit.state is S.CONTRACT_SIGNED else credit.state
    return _Step(to, {"drawn": credit.drawn + amount, "outstanding": credit.outstanding + amount}, "", amount)


def _repay(credit: Credit, c: Repay, policy: LifecyclePolicy) -> _Step:
    principal = _amount(c.principal, "a repayment of principal")
    if principal > credit.outstanding:
        raise LifecycleError(
            LifecycleErrorCode.ABOVE_OUTSTANDING,
            f"{_yuan(principal)} yuan repaid is more than the {_yuan(credit.outstanding)} "
            f"outstanding on {credit.reference}",
        )
    to = S.REPAYING if credit.state is S.DISBURSED else credit.state
    return _Step(to, {"outstanding": credit.outstanding - principal}, "", principal)


def _mark_overdue(credit: Credit, c: MarkOverdue, policy: LifecyclePolicy) -> _Step:
    if c.missed_on > c.on:
        raise LifecycleError(
            LifecycleErrorCode.DATES_INVALID,
            f"a payment missed on {c.missed_on.isoformat()} cannot be overdue on {c.on.isoformat()}",
        )
    changes: dict[str, object] = {}
    reason = f"payment due {c.missed_on.isoformat()} not made"
    if credit.state is S.RESTRUCTURED:
        # The Measures restart the observation period from the missed payment.
        ends = observation_period_end(
            first_repayment_on=c.missed_on,
            repayment_period_months=credit.repayment_period_months,
            policy=policy.classification,
        )
        changes["observation_ends_on"] = ends
        reason += f"; observation restarts, until {ends.isoformat()}"
    return _Step(S.OVERDUE, changes, reason)


def _cure(credit: Credit, c: Cure, policy: LifecyclePolicy) -> _Step:
    return _Step(S.RESTRUCTURED if credit.observation_ends_on is not None else S.REPAYING)


def _restructure(credit: Credit, c: Restructure, policy: LifecyclePolicy) -> _Step:
    _second_person(credit, c.by, c.approved_by, c.action)
    if c.first_repayment_on < c.on:
        raise LifecycleError(
            LifecycleErrorCode.DATES_INVALID,
            f"the first repayment after restructuring ({c.first_repayment_on.isoformat()}) is before the restructuring",
        )
    ends = observation_period_end(
        first_repayment_on=c.first_repayment_on,
        repayment_period_months=c.repayment_period_months,
        policy=policy.classification,
    )
    return _Step(
        S.RESTRUCTURED,
        {"observation_ends_on": ends, "repayment_period_months": c.repayment_period_months},
        f"approved by {c.approved_by}; observation until {ends.isoformat()}",
    )


def _end_observation(credit: Credit, c: EndObservation, policy: LifecyclePolicy) -> _Step:
    if c.on < credit.observation_ends_on:
        raise LifecycleError(
            LifecycleErrorCode.OBSERVATION_NOT_ENDED,
            f"the observation period of {credit.reference} runs until {credit.observation_ends_on.isoformat()}",
        )
    if not c.difficulty_resolved:
        # The Measures restart the period when the debtor's difficulty is not resolved at its end.
        ends = observation_period_end(
            first_repayment_on=c.on,
            repayment_period_months=credit.repayment_period_months,
            policy=policy.classification,
        )
        return _Step(
            S.RESTRUCTURED,
            {"observation_ends_on": ends},
            f"difficulty not resolved; observation until {ends.isoformat()}",
        )
    return _Step(S.REPAYING, {"observation_ends_on": None}, "repaid in full and on time through observation")


def _close(credit: Credit, c: Close, policy: LifecyclePolicy) -> _Step:
    if credit.outstanding:
        raise LifecycleError(
            LifecycleErrorCode.BALANCE_OUTSTANDING,
            f"{credit.reference} still has {_yuan(credit.outstanding)} yuan outstanding",
        )
    return _Step(S.CLOSED)


def _write_off(credit: Credit, c: WriteOff, policy: LifecyclePolicy) -> _Step:
    _second_person(credit, c.by, c.approved_by, c.action)
    if Category(c.category) is not Category.LOSS:
        raise LifecycleError(
            LifecycleErrorCode.NOT_LOSS, f"{credit.reference} is {c.category}: only a loss is written off"
        )
    return _Step(S.WRITTEN_OFF, {}, f"approved by {c.approved_by}", credit.outstanding)


_HANDLERS: Mapping[type, Callable[[Credit, object, LifecyclePolicy], _Step]] = {
    Amend: _amend,
    Submit: _submit,
    StartInvestigation: _start_investigation,
    SendToPolicyCheck: _send_to_policy_check,
    RecordPolicyCheck: _record_policy_check,
    Approve: _approve,
    Reject: _reject,
    ReturnForInformation: _return_for_information,
    ResumeInvestigation: _resume_investigation,
    Withdraw: _withdraw,
    SignContract: _sign_contract,
    Draw: _draw,
    Repay: _repay,
    MarkOverdue: _mark_overdue,
    Cure: _cure,
    Restructure: _restructure,
    EndObservation: _end_observation,
    Close: _close,
    WriteOff: _write_off,
}


def _allowed(credit: Credit, action: Action, on: date) -> None:
    if (credit.state, action) not in TRANSITIONS:
        allowed = ", ".join(_words(a) for a in allowed_actions(credit.state)) or "none, it is final"
        raise LifecycleError(
            LifecycleErrorCode.ILLEGAL_TRANSITION,
            f"cannot {_words(action)} credit {credit.reference}: it is {_words(credit.state)} "
            f"(allowed there: {allowed})",
        )
    if on < credit.last_event_on:
        raise LifecycleError(
            LifecycleErrorCode.DATE_OUT_OF_ORDER,
            f"{_words(action)} of {credit.reference} is dated {on.isoformat()}, before its last step on "
            f"{credit.last_event_on.isoformat()}",
        )


def apply(credit: Credit, command: Command, policy: LifecyclePolicy = DEFAULT_LIFECYCLE_POLICY) -> Credit:
    """Apply one command to a credit and return the credit after it, its transition recorded.

    The rules: the action must be allowed in the credit's state (``TRANSITIONS``), else
    ``ILLEGAL_TRANSITION`` naming the state and the action; no step is dated before the last;
    then the command's own guards (module docstring; each command's docstring). Nothing changes
    when a command is refused. Renewal is ``renew``, since it opens a second credit.
    """
    handler = _HANDLERS.get(type(command))
    if handler is None:
        raise TypeError(f"{type(command).__name__} is not a lifecycle command of apply()")
    _allowed(credit, command.action, command.on)
    step = handler(credit, command, policy)
    signer = command.signatory if isinstance(command, Approve | Reject | ReturnForInformation) else None
    transition = Transition(
        action=command.action,
        from_state=credit.state,
        to_state=step.to,
        by=command.by,
        on=command.on,
        on_behalf_of=signer.on_behalf_of if signer else None,
        reason=step.reason,
        amount=step.amount,
    )
    return replace(credit, **step.changes, state=step.to, history=(*credit.history, transition))


def renew(credit: Credit, command: Renew) -> tuple[Credit, Credit]:
    """Open the renewal of a performing credit: returns (the credit with the renewal recorded,
    the new application in draft, which refers to it).

    Only a disbursed or repaying credit is renewed: renewing one that is overdue or
    restructured would hide a debtor's difficulty, which the 2023 Measures treat as
    restructuring. The renewal goes through the whole lifecycle itself; its first drawdown
    repays this credit, which then closes.
    """
    _allowed(credit, command.action, command.on)
    successor = open_application(
        command.reference,
        customer=credit.customer,
        product_family=credit.product_family,
        amount=command.amount,
        by=command.by,
        on=command.on,
        renews=credit.reference,
    )
    transition = Transition(
        Action.RENEW,
        credit.state,
        credit.state,
        command.by,
        command.on,
        reason=f"renewal {successor.reference} opened",
        amount=successor.amount,
    )
    return replace(credit, history=(*credit.history, transition)), successor
