"""Repayment schedules of a loan: equal instalment, equal principal, interest-only bullet.

Monthly rate = annual rate / 12 (月利率 = 年利率 ÷ 12, the convention of Chinese loan
contracts). Each month's interest is the opening principal times the monthly rate, rounded
half-up to the fen; the last instalment repays whatever principal is left, so the principal
repaid always sums exactly to the loan and the schedule ends at 0.00. Decimal throughout.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum

from rmdesk.domain.money import round_yuan

# Enough significant digits that (1 + r) ** 360 and the annuity quotient lose nothing that
# could move a result by a fen, whatever precision the caller's decimal context has.
_PRECISION = 50
_MONTHS_PER_YEAR = 12


class RepaymentMethod(StrEnum):
    """How a loan is repaid, month by month."""

    EQUAL_INSTALMENT = "equal_instalment"
    """等额本息: the same payment every month (annuity); the interest share falls over time."""
    EQUAL_PRINCIPAL = "equal_principal"
    """等额本金: the same principal every month plus interest on what is still owed."""
    INTEREST_ONLY_BULLET = "interest_only_bullet"
    """按月付息、到期还本: interest every month, all principal with the last instalment."""


@dataclass(frozen=True)
class Instalment:
    """One month of a repayment schedule; amounts are ``Decimal`` yuan to the fen.

    ``payment = principal + interest`` and ``closing_principal = opening_principal -
    principal``.
    """

    number: int
    due_date: date
    opening_principal: Decimal
    principal: Decimal
    interest: Decimal
    payment: Decimal
    closing_principal: Decimal


class ScheduleErrorCode(StrEnum):
    """Why a repayment schedule cannot be computed."""

    PRINCIPAL_NOT_POSITIVE = "principal_not_positive"
    PRINCIPAL_NOT_IN_FEN = "principal_not_in_fen"
    RATE_OUT_OF_RANGE = "rate_out_of_range"
    MONTHS_OUT_OF_RANGE = "months_out_of_range"
    UNKNOWN_METHOD = "unknown_method"
    DUE_DATE_OUT_OF_RANGE = "due_date_out_of_range"


class ScheduleError(ValueError):
    """The inputs of a repayment schedule are invalid; ``code`` says which rule they break."""

    def __init__(self, code: ScheduleErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def add_months(d: date, months: int, *, anchor_day: int | None = None) -> date:
    """Return the date ``months`` calendar months after ``d`` (before it, if negative).

    The day of month is ``anchor_day`` (default: ``d.day``), clamped to the last day of the
    target month. Passing the schedule's first due day as the anchor keeps monthly due dates
    on it: 31 Jan -> 28/29 Feb -> 31 Mar, not 28 Mar (bank policy default, the usual monthly
    due-date rule of loan contracts). Raises ``ValueError`` if the anchor is not 1-31 or the
    result is outside the years 1-9999.
    """
    day = d.day if anchor_day is None else anchor_day
    if not 1 <= day <= 31:
        raise ValueError(f"anchor day must be 1 to 31, not {day}")
    year, month_index = divmod(d.year * _MONTHS_PER_YEAR + d.month - 1 + months, 12)
    if not 1 <= year <= 9999:
        raise ValueError(f"{months} months from {d.isoformat()} is outside the calendar")
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day, last_day))


def repayment_schedule(
    *,
    principal: Decimal,
    annual_rate: Decimal,
    months: int,
    method: RepaymentMethod,
    first_due_date: date,
) -> tuple[Instalment, ...]:
    """Return the monthly repayment schedule of a loan, one ``Instalment`` per month.

    ``principal`` is the loan in yuan (positive, to the fen); ``annual_rate`` the nominal
    annual rate as a fraction (``Decimal("0.0435")`` for 4.35%), 0 <= rate < 1; ``months`` the
    number of monthly instalments (>= 1), the first due on ``first_due_date`` and each next
    one a calendar month later on the same day, clamped to the month's end (``add_months``).

    Rules (bank policy defaults):

    - interest of a month = opening principal x annual rate / 12, rounded half-up to the fen;
    - equal instalment (等额本息): payment = P r (1+r)^n / ((1+r)^n - 1) with r = annual rate
      / 12 (P / n when r = 0), rounded half-up to the fen; principal = payment - interest;
    - equal principal (等额本金): principal = P / n rounded half-up to the fen;
    - interest-only bullet (按月付息、到期还本): principal 0 until the last instalment;
    - an instalment never repays more principal than is owed (with tiny loans, rounding up
      can exhaust the loan early; the remaining instalments are then 0.00);
    - the last instalment repays all principal still owed, absorbing the rounding residue,
      so principal repaid sums exactly to the loan and the closing principal ends at 0.00.
      With equal instalments the residue grows with the rate and the term (a fen of rounding
      in month k is compounded until month n), so the last payment can differ from the
      others by more than a few fen on long, high-rate loans.

    Raises ``ScheduleError`` (a ``ValueError``) with a ``ScheduleErrorCode`` for invalid
    inputs, and ``TypeError`` if principal or rate is not a ``Decimal`` or months not an int.
    """
    _validate(principal=principal, annual_rate=annual_rate, months=months)
    # Same value, written to the fen, so that Decimal("1000") gives amounts shown as 1000.00.
    principal = round_yuan(principal)
    method = _validated_method(method)
    due_dates = _due_dates(first_due_date, months)
    with localcontext(prec=_PRECISION):
        share = _monthly_share(method, principal, annual_rate, months)
        instalments = []
        opening = principal
        for number, due_date in enumerate(due_dates, start=1):
            # Multiplying before dividing by 12 keeps a product such as 6.00 x 0.01 / 12 at
            # exactly 0.005, which half-up rounding must take to 0.01; a pre-divided monthly
            # rate (0.000833...) would leave it just below and round it down.
            interest = round_yuan(opening * annual_rate / _MONTHS_PER_YEAR)
            if number == months:
                repaid = opening
            elif method is RepaymentMethod.EQUAL_INSTALMENT:
                repaid = min(share - interest, opening)
            else:
                repaid = min(share, opening)
            instalments.append(
                Instalment(
                    number=number,
                    due_date=due_date,
                    opening_principal=opening,
                    principal=repaid,
                    interest=interest,
                    payment=repaid + interest,
                    closing_principal=opening - repaid,
                )
            )
            opening -= repaid
    return tuple(instalments)


def _monthly_share(
    method: RepaymentMethod, principal: Decimal, annual_rate: Decimal, months: int
) -> Decimal:
    # The fixed amount of a non-final month: the payment for equal instalments, the
    # principal for equal principal, no principal for a bullet.
    if method is RepaymentMethod.INTEREST_ONLY_BULLET:
        return Decimal("0.00")
    monthly_rate = annual_rate / _MONTHS_PER_YEAR
    if method is RepaymentMethod.EQUAL_PRINCIPAL or monthly_rate == 0:
        return round_yuan(principal / months)
    growth = (1 + monthly_rate) ** months
    return round_yuan(principal * monthly_rate * growth / (growth - 1))


def _validated_method(method: RepaymentMethod) -> RepaymentMethod:
    try:
        return RepaymentMethod(method)
    except ValueError:
        known = ", ".join(m.value for m in RepaymentMethod)
        raise ScheduleError(
            ScheduleErrorCode.UNKNOWN_METHOD,
            f"repayment method {method!r} is not one of {known}",
        ) from None


def _validate(*, principal: Decimal, annual_rate: Decimal, months: int) -> None:
    if not isinstance(principal, Decimal) or not isinstance(annual_rate, Decimal):
        raise TypeError("principal and annual rate must be Decimal; floats are never money")
    if isinstance(months, bool) or not isinstance(months, int):
        raise TypeError(f"months must be an int, not {type(months).__name__}")
    if not principal.is_finite() or principal <= 0:
        raise ScheduleError(
            ScheduleErrorCode.PRINCIPAL_NOT_POSITIVE,
            f"principal must be more than 0 yuan, not {principal}",
        )
    if principal != round_yuan(principal):
        raise ScheduleError(
            ScheduleErrorCode.PRINCIPAL_NOT_IN_FEN,
            f"principal must be a whole number of fen (0.01 yuan), not {principal}",
        )
    if not annual_rate.is_finite() or not 0 <= annual_rate < 1:
        raise ScheduleError(
            ScheduleErrorCode.RATE_OUT_OF_RANGE,
            f"annual rate must be a fraction from 0 up to (not including) 1, not {annual_rate}",
        )
    if months < 1:
        raise ScheduleError(
            ScheduleErrorCode.MONTHS_OUT_OF_RANGE,
            f"a schedule needs at least 1 month, not {months}",
        )


def _due_dates(first_due_date: date, months: int) -> list[date]:
    try:
        return [
            add_months(first_due_date, k, anchor_day=first_due_date.day) for k in range(months)
        ]
    except ValueError as error:
        raise ScheduleError(ScheduleErrorCode.DUE_DATE_OUT_OF_RANGE, str(error)) from None

