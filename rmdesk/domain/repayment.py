"""Repayments against a loan's schedule, and days past due (逾期天数).

A payment is allocated to the schedule oldest instalment first (by due date, then number), and
within an instalment to its interest before its principal (先息后本, the order of Chinese loan
contracts and of the collection of arrears: bank policy default). What a payment does not cover
stays owed on the instalment: a partial payment is kept, and the instalment is settled on the
day it is paid in full. A payment larger than what is due pays the next instalments ahead in the
same order; one larger than all the schedule still owes is refused (an early repayment of the
whole loan is a contract matter: ``payoff_schedule`` re-sets the schedule as the contract's clause
says, and the payment of what it then owes settles the loan).

An instalment not paid by its due date owes penalty interest (罚息) on its principal and compound
interest (复利) on its interest, both at the penalty rate: the contract rate raised by the
policy's markup (the People's Bank's rules on Renminbi loan interest: 30% to 50% above the
contract rate), counted a day at a time on what is still owed (``penalty_interest``). A payment
goes to the penalty owed before the schedule, as overdue loans are collected.

Days past due count from the oldest instalment due and not fully paid: ``as_of`` minus its due
date, 0 when every instalment due before ``as_of`` is paid (the 2023 Measures count them on
principal, interest or income alike, which is why an instalment with only its interest unpaid
is past due too).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from rmdesk.domain.money import round_yuan

_ZERO = Decimal("0.00")


class RepaymentErrorCode(StrEnum):
    """Why a repayment or a schedule is refused."""

    AMOUNT_INVALID = "amount_invalid"
    SCHEDULE_INVALID = "schedule_invalid"
    NOTHING_OWED = "nothing_owed"
    EXCEEDS_OWED = "exceeds_owed"
    BEFORE_DISBURSEMENT = "before_disbursement"
    DATE_OUT_OF_ORDER = "date_out_of_order"


class RepaymentError(ValueError):
    """A repayment or a schedule breaks a rule; ``code`` says which, the message what and where."""

    def __init__(self, code: RepaymentErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _fen(value: object, what: str, code: RepaymentErrorCode) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0 or value != round_yuan(value):
        raise RepaymentError(code, f"{what} must be a Decimal of 0 yuan or more, in fen, not {value!r}")
    return value


@dataclass(frozen=True)
class ScheduledInstalment:
    """One instalment of a schedule and what has been paid against it (yuan, to the fen).

    ``settled_on`` is the day it was paid in full, None while anything of it is owed. Paid
    amounts are never more than the amounts due.
    """

    number: int
    due_on: date
    principal_due: Decimal
    interest_due: Decimal
    principal_paid: Decimal = _ZERO
    interest_paid: Decimal = _ZERO
    settled_on: date | None = None

    def __post_init__(self) -> None:
        code = RepaymentErrorCode.SCHEDULE_INVALID
        where = f"instalment {self.number}"
        for name in ("principal_due", "interest_due", "principal_paid", "interest_paid"):
            _fen(getattr(self, name), f"{name.replace('_', ' ')} of {where}", code)
        if self.principal_paid > self.principal_due or self.interest_paid > self.interest_due:
            raise RepaymentError(code, f"{where} has more paid than was due")

    @property
    def interest_owed(self) -> Decimal:
        return self.interest_due - self.interest_paid

    @property
    def principal_owed(self) -> Decimal:
        return self.principal_due - self.principal_paid

    @property
    def owed(self) -> Decimal:
        """Interest and principal still owed on this instalment."""
        return self.interest_owed + self.principal_owed

    def unpaid_on(self, day: date) -> bool:
        """Whether something of this instalment was still owed at the end of `day`: it was
        settled after `day`, or it is not settled and something of it is owed (an instalment of
        0.00, which a tiny loan's schedule can end with, is never late)."""
        if self.settled_on is None:
            return self.owed > 0
        return self.settled_on > day


@dataclass(frozen=True)
class AllocationLine:
    """What one payment put on one instalment, and whether that paid the instalment in full."""

    number: int
    interest: Decimal
    principal: Decimal
    settles: bool

    @property
    def amount(self) -> Decimal:
        return self.interest + self.principal


@dataclass(frozen=True)
class RepaymentAllocation:
    """A payment of ``amount`` on ``paid_on``: first ``penalty`` to the penalty interest owed, then
    the rest split over the instalments it paid, oldest first."""

    amount: Decimal
    paid_on: date
    lines: tuple[AllocationLine, ...]
    penalty: Decimal = _ZERO

    @property
    def interest(self) -> Decimal:
        return sum((line.interest for line in self.lines), _ZERO)

    @property
    def principal(self) -> Decimal:
        return sum((line.principal for line in self.lines), _ZERO)


def _in_order(schedule: Iterable[ScheduledInstalment]) -> list[ScheduledInstalment]:
    return sorted(schedule, key=lambda i: (i.due_on, i.number))


def amount_owed(schedule: Iterable[ScheduledInstalment]) -> Decimal:
    """All the schedule still owes, interest and principal, due or not."""
    return sum((i.owed for i in schedule), _ZERO)


def arrears(schedule: Iterable[ScheduledInstalment], *, as_of: date) -> Decimal:
    """What is owed on instalments due before `as_of` (on their due day they are not yet late)."""
    return sum((i.owed for i in schedule if i.due_on < as_of), _ZERO)


def allocate_repayment(
    schedule: Sequence[ScheduledInstalment],
    *,
    amount: Decimal,
    paid_on: date,
    disbursed_on: date | None = None,
    last_paid_on: date | None = None,
    penalty_owed: Decimal = _ZERO,
) -> RepaymentAllocation:
    """Allocate a payment of `amount` yuan on `paid_on` to `schedule` (module docstring).

    The penalty interest owed on `paid_on` first; then the oldest instalment first, its interest
    before its principal; partial payments stay on the instalment. Refused: an amount that is not
    more than 0 yuan in fen (``AMOUNT_INVALID``); nothing owed (``NOTHING_OWED``) or less owed,
    penalty included, than `amount` (``EXCEEDS_OWED``);
    a payment before the loan was disbursed (``BEFORE_DISBURSEMENT``) or before the last
    payment recorded (``DATE_OUT_OF_ORDER``: payments are recorded in the order they were made,
    so that every settlement date is the day of the payment that completed it).
    """
    if _fen(amount, "a repayment", RepaymentErrorCode.AMOUNT_INVALID) == 0:
        raise RepaymentError(RepaymentErrorCode.AMOUNT_INVALID, "a repayment must be more than 0 yuan")
    if disbursed_on is not None and paid_on < disbursed_on:
        raise RepaymentError(
            RepaymentErrorCode.BEFORE_DISBURSEMENT,
            f"a payment on {paid_on.isoformat()} is before the loan was disbursed on {disbursed_on.isoformat()}",
        )
    if last_paid_on is not None and paid_on < last_paid_on:
        raise RepaymentError(
            RepaymentErrorCode.DATE_OUT_OF_ORDER,
            f"a payment on {paid_on.isoformat()} is before the last payment recorded, on {last_paid_on.isoformat()}",
        )
    _fen(penalty_owed, "the penalty interest owed", RepaymentErrorCode.AMOUNT_INVALID)
    owed = amount_owed(schedule) + penalty_owed
    if owed == 0:
        raise RepaymentError(RepaymentErrorCode.NOTHING_OWED, "nothing is owed on this schedule")
    if amount > owed:
        raise RepaymentError(
            RepaymentErrorCode.EXCEEDS_OWED, f"{amount:,.2f} yuan is more than the {owed:,.2f} still owed on the schedule"
        )
    penalty = min(amount, penalty_owed)
    left = amount - penalty
    lines = []
    for instalment in _in_order(schedule):
        if left == 0:
            break
        if instalment.owed == 0:
            continue
        interest = min(left, instalment.interest_owed)
        principal = min(left - interest, instalment.principal_owed)
        left -= interest + principal
        lines.append(AllocationLine(instalment.number, interest, principal, interest + principal == instalment.owed))
    return RepaymentAllocation(amount, paid_on, tuple(lines), penalty)


def apply_allocation(
    schedule: Sequence[ScheduledInstalment], allocation: RepaymentAllocation
) -> tuple[ScheduledInstalment, ...]:
    """The schedule after `allocation`: paid amounts raised, settled on the payment day when paid in full."""
    by_number = {line.number: line for line in allocation.lines}
    result = []
    for instalment in schedule:
        line = by_number.get(instalment.number)
        if line is None:
            result.append(instalment)
            continue
        result.append(
            replace(
                instalment,
                interest_paid=instalment.interest_paid + line.interest,
                principal_paid=instalment.principal_paid + line.principal,
                settled_on=allocation.paid_on if line.settles else instalment.settled_on,
            )
        )
    return tuple(result)


def days_past_due(schedule: Iterable[ScheduledInstalment], *, as_of: date) -> int:
    """Days past due on `as_of`: from the due date of the oldest instalment due before `as_of`
    and not fully paid by the end of `as_of` (``unpaid_on``); 0 when there is none.

    The 2023 Measures (DESIGN.md section 3) count days past due on principal, interest or
    income: an instalment with any part unpaid is past due from its due date.
    """
    late = [i.due_on for i in schedule if i.due_on < as_of and i.unpaid_on(as_of)]
    return (as_of - min(late)).days if late else 0


def payoff_schedule(
    schedule: Sequence[ScheduledInstalment], *, paid_on: date, annual_rate: Decimal, period_started_on: date
) -> tuple[ScheduledInstalment, ...]:
    """The schedule re-set for repaying the whole loan early on `paid_on` (提前结清), as the
    contract's early-repayment clause does: instalments due up to `paid_on` stay as they are
    (their arrears are owed in full); the running period's interest becomes what accrued on the
    principal still owed from `period_started_on` (the last due date before `paid_on`, or the
    disbursement) to `paid_on`, at the daily rate of annual rate / 360 (the People's Bank's
    convention for Renminbi loans), never more than the period's scheduled interest; later
    periods owe no interest. Principal is never waived, so repaying early never costs more than
    the schedule. Paying ``amount_owed`` of the result on `paid_on` settles the loan.
    """
    if paid_on < period_started_on:
        raise RepaymentError(
            RepaymentErrorCode.DATE_OUT_OF_ORDER,
            f"an early repayment on {paid_on.isoformat()} is before the period it ends began, on {period_started_on.isoformat()}",
        )
    later = [i for i in _in_order(schedule) if i.due_on > paid_on]
    principal_owed = sum((i.principal_owed for i in later), _ZERO)
    accrued = round_yuan(principal_owed * annual_rate * (paid_on - period_started_on).days / 360)
    running = later[0].number if later else None
    result = []
    for instalment in schedule:
        if instalment.due_on <= paid_on:
            result.append(instalment)
            continue
        interest = min(accrued, instalment.interest_due) if instalment.number == running else _ZERO
        result.append(replace(instalment, interest_due=max(interest, instalment.interest_paid)))
    return tuple(result)


@dataclass(frozen=True)
class InstalmentPayment:
    """What one payment put on one instalment, and on which day."""

    number: int
    paid_on: date
    interest: Decimal
    principal: Decimal


def penalty_interest(
    schedule: Iterable[ScheduledInstalment],
    payments: Iterable[InstalmentPayment],
    *,
    as_of: date,
    annual_rate: Decimal,
    markup: Decimal,
) -> Decimal:
    """Penalty and compound interest accrued up to `as_of` on the instalments not paid by their due
    date (module docstring): on each, what was still owed of its principal and interest, day by
    day from the day after its due date until the payment that reduced it, at annual rate x (1 +
    markup) / 360 a day. An instalment paid the day after its due date owes one day; one paid on
    its due date owes nothing. What an instalment shows paid beyond the `payments` given was paid
    before they were recorded (a loan loaded from the core system): on its settlement day when it
    is settled, else on its due date. Rounded once, to the fen. What was paid of the penalty is
    not taken off here: this is what accrued."""
    if markup < 0 or annual_rate < 0:
        raise RepaymentError(RepaymentErrorCode.SCHEDULE_INVALID, f"a penalty needs a rate and a markup of 0 or more, not {annual_rate} and {markup}")
    by_number: dict[int, list[InstalmentPayment]] = {}
    for payment in payments:
        by_number.setdefault(payment.number, []).append(payment)
    yuan_days = Decimal(0)
    for instalment in schedule:
        if instalment.due_on >= as_of:
            continue
        owed = instalment.principal_due + instalment.interest_due
        since = instalment.due_on
        recorded = by_number.get(instalment.number, [])
        earlier = instalment.principal_paid + instalment.interest_paid - sum((p.interest + p.principal for p in recorded), _ZERO)
        if earlier > 0:
            recorded = [*recorded, InstalmentPayment(instalment.number, instalment.settled_on or instalment.due_on, earlier, _ZERO)]
        for payment in sorted(recorded, key=lambda p: p.paid_on):
            if payment.paid_on > as_of:
                break
            if payment.paid_on > since:
                yuan_days += owed * (payment.paid_on - since).days
                since = payment.paid_on
            owed -= payment.interest + payment.principal
        yuan_days += max(owed, _ZERO) * (as_of - since).days
    return round_yuan(yuan_days * annual_rate * (1 + markup) / 360)
