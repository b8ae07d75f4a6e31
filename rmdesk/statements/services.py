"""Writing a customer's financial statement: checked whole, then written whole, or not at all.

Whatever the statement comes from (the entry form, an uploaded XLSX template, the command line),
it goes through ``statement_record``: the lines are checked by the rules of their basis
(rmdesk.domain.statements: subtotals, balancing, the optional parts agreeing with the main
statement, positive amounts) and the period against the customer's other statements (no
overlap; a gap or a change of period length is recorded but reported back). A statement for a
period already on file is refused unless its replacement is asked for explicitly with a reason;
the replacement is one audit entry with every line that changed, before and after.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rmdesk.customers.models import (
    Customer,
    CustomerKind,
    FinancialStatement,
    FinancialStatementLine,
)
from rmdesk.customers.models import StatementBasis as BasisChoice
from rmdesk.domain.money import round_yuan
from rmdesk.domain.statements import (
    AGREEING_LINES,
    OPTIONAL_PARTS,
    PeriodProblem,
    PeriodProblemCode,
    StatementBasis,
    StatementLine,
    StatementPeriod,
    StatementProblem,
    StatementProblemCode,
    parts_given,
    period_problems,
    statement_lines,
    statement_problems,
    statement_totals,
)
from rmdesk.org.models import User

BASES_FOR_KIND: Mapping[str, tuple[StatementBasis, ...]] = {
    CustomerKind.ENTERPRISE: (StatementBasis.SMALL_ENTERPRISE,),
    CustomerKind.SOLE_PROPRIETOR: (StatementBasis.HOUSEHOLD, StatementBasis.SMALL_ENTERPRISE),
    CustomerKind.FARMER_HOUSEHOLD: (StatementBasis.HOUSEHOLD,),
    CustomerKind.INDIVIDUAL: (StatementBasis.HOUSEHOLD,),
}
"""The statement bases each kind of customer reports on, the usual one first: enterprises keep
books under the small-enterprise standard; households, and sole proprietors without books, have
the household statement drawn up (a sole proprietor that keeps books may report on either)."""


class StatementErrorCode(StrEnum):
    """Why a statement was refused, beyond the domain's line problems."""

    BASIS_NOT_FOR_CUSTOMER = "basis_not_for_customer"
    PERIOD_ALREADY_RECORDED = "period_already_recorded"
    REPLACEMENT_NEEDS_REASON = "replacement_needs_reason"


@dataclass(frozen=True)
class LineError:
    """One error or note, on the line (statement line code, or header field) it concerns."""

    line: str
    code: str
    message: str


class StatementRefused(Exception):
    """The statement was not written; ``errors`` say why, each on its line."""

    def __init__(self, errors: list[LineError] | tuple[LineError, ...]):
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.line}: {e.message}" for e in self.errors))


@dataclass(frozen=True)
class RecordedStatement:
    """A statement written: whether it replaced one, and notes on its period (gap, length)."""

    statement: FinancialStatement
    replaced: bool
    notes: tuple[LineError, ...]


def line_label(line: StatementLine) -> str:
    """A line's label in the language of the request."""
    return line.label_zh if (get_language() or "").startswith("zh") else line.label_en


def _yuan(amount: Decimal | None) -> str:
    return "—" if amount is None else number_format(amount, 2, force_grouping=True)


def _day(day: datetime.date | None) -> str:
    return "—" if day is None else date_format(day, "Y-m-d")


def problem_message(basis: StatementBasis | str, problem: StatementProblem) -> str:
    """What a line problem means, in words and with the numbers, for the person entering it."""
    labels = {line.code: line_label(line) for line in statement_lines(basis)}
    values = {"expected": _yuan(problem.expected), "found": _yuan(problem.found)}
    match problem.code:
        case StatementProblemCode.UNKNOWN_LINE:
            return _("%(line)s is not a line of this statement.") % {"line": problem.line}
        case StatementProblemCode.NEGATIVE_AMOUNT:
            return _("Enter %(found)s as a positive amount: the statement itself subtracts this line where it must.") % values
        case StatementProblemCode.MISSING_SUBTOTAL:
            return _("This total is missing; its lines add up to %(expected)s.") % values
        case StatementProblemCode.SUBTOTAL_MISMATCH:
            return _("Its lines add up to %(expected)s, not %(found)s.") % values
        case StatementProblemCode.DOES_NOT_BALANCE:
            return (
                _(
                    "Liabilities and equity come to %(found)s but total assets to %(expected)s: the balance sheet does not balance."
                )
                % values
            )
        case StatementProblemCode.DISAGREES_WITH_STATEMENT:
            other = dict(AGREEING_LINES[StatementBasis(basis)])[problem.line]
            return _("This comes to %(found)s but “%(other)s” is %(expected)s; the two must be equal.") % {
                **values,
                "other": labels[other],
            }
    raise ValueError(f"no message for {problem.code}")


def period_message(problem: PeriodProblem, new: StatementPeriod, others: Mapping[datetime.date, StatementPeriod]) -> str:
    """What a period problem means for the statement being entered (``new``), with the dates of
    the statement on file it concerns (``others``, by period end)."""
    other_end = problem.previous_end if problem.period_end == new.period_end else problem.period_end
    other = others.get(other_end)
    earlier, later = (other, new) if other_end == problem.previous_end else (new, other)
    values = {
        "start": _day(new.start),
        "end": _day(new.period_end),
        "months": new.period_months,
        "other_end": _day(other_end),
        "other_months": other.period_months if other else "—",
        "expected": _day(problem.expected) if isinstance(problem.expected, datetime.date) else problem.expected,
        "found": _day(problem.found) if isinstance(problem.found, datetime.date) else problem.found,
        "gap_from": _day(earlier.period_end + datetime.timedelta(days=1)) if earlier else "—",
        "gap_to": _day(later.start - datetime.timedelta(days=1)) if later else "—",
    }
    match problem.code:
        case PeriodProblemCode.NOT_MONTH_END:
            return _("Accounts close at a month end: %(found)s is not one (%(expected)s is).") % values
        case PeriodProblemCode.BAD_LENGTH:
            return _("A period is 1 to 12 months long, not %(found)s.") % values
        case PeriodProblemCode.OVERLAP:
            return _("This period (%(start)s to %(end)s) overlaps the statement ending %(other_end)s already on file.") % values
        case PeriodProblemCode.GAP:
            return (
                _("No statement covers %(gap_from)s to %(gap_to)s, between this period and the statement ending %(other_end)s.")
                % values
            )
        case PeriodProblemCode.LENGTH_DIFFERS:
            return (
                _(
                    "This period is %(months)s months long and the statement ending %(other_end)s %(other_months)s: the two are not compared."
                )
                % values
            )
    raise ValueError(f"no message for {problem.code}")


def with_subtotals(basis: StatementBasis | str, amounts: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """``amounts`` with the subtotals computed where they were not entered: those of the main
    statement always (a part with no line is nil), those of an optional part when it is given."""
    given = parts_given(basis, amounts)
    part_of = {line.code: line.part for line in statement_lines(basis)}
    computed = statement_totals(basis, amounts)
    wanted = {code: total for code, total in computed.items() if part_of[code] not in OPTIONAL_PARTS or part_of[code] in given}
    return {**wanted, **amounts}


def _check_customer(customer: Customer, user: User, basis: StatementBasis) -> None:
    if not Customer.objects.restrict(user, "change").filter(pk=customer.pk).exists():
        raise PermissionDenied
    if basis not in BASES_FOR_KIND[customer.kind]:
        bases = "; ".join(str(_basis_label(b)) for b in BASES_FOR_KIND[customer.kind])
        message = _("This customer reports on: %(bases)s.") % {"bases": bases}
        raise StatementRefused([LineError("basis", StatementErrorCode.BASIS_NOT_FOR_CUSTOMER, message)])


def _basis_label(basis: StatementBasis) -> str:
    return BasisChoice(basis).label


@transaction.atomic
def statement_record(
    *,
    customer: Customer,
    user: User,
    basis: StatementBasis | str,
    period_end: datetime.date,
    period_months: int,
    audited: bool,
    amounts: Mapping[str, Decimal],
    replace: bool = False,
    reason: str = "",
    source: str = "form",
) -> RecordedStatement:
    """Write the statement of ``customer`` for the period ending ``period_end``, or refuse it.

    ``amounts`` are the lines entered, by code: detail lines, and any subtotal entered (which
    must then agree with its lines; the others are computed). Refused with
    ``StatementRefused`` (nothing written) when a line is wrong, the period overlaps another
    statement, or a statement for the same period is on file and ``replace`` is not asked with
    a ``reason``. Raises ``PermissionDenied`` when ``user`` may not change the customer.
    ``source`` says where the figures came from (form, xlsx, import) for the audit trail.
    """
    basis = StatementBasis(basis)
    _check_customer(customer, user, basis)
    complete = {code: round_yuan(Decimal(amount)) for code, amount in with_subtotals(basis, amounts).items()}
    errors = [LineError(p.line, p.code, problem_message(basis, p)) for p in statement_problems(basis, complete)]

    new = StatementPeriod(period_end, period_months)
    on_file = FinancialStatement.objects.select_for_update().filter(customer=customer)
    same = on_file.filter(period_end=period_end, period_months=period_months).first()
    others = {s.period_end: StatementPeriod(s.period_end, s.period_months) for s in on_file.filter(basis=basis) if s != same}
    notes = []
    for problem in period_problems([*others.values(), new]):
        if new.period_end not in (problem.period_end, problem.previous_end):
            continue
        error = LineError(problem.line, problem.code, period_message(problem, new, others))
        if problem.code in (PeriodProblemCode.GAP, PeriodProblemCode.LENGTH_DIFFERS):
            notes.append(error)
        else:
            errors.append(error)
    if same is not None and not replace:
        errors.append(
            LineError(
                "period_end",
                StatementErrorCode.PERIOD_ALREADY_RECORDED,
                _(
                    "A statement for the %(months)s months ending %(end)s is already on file. To replace it, say so and give the reason."
                )
                % {"months": period_months, "end": _day(period_end)},
            )
        )
    if same is not None and replace and not reason.strip():
        errors.append(
            LineError(
                "reason",
                StatementErrorCode.REPLACEMENT_NEEDS_REASON,
                _("Give the reason for replacing the statement on file (for example: the audited accounts arrived)."),
            )
        )
    if errors:
        raise StatementRefused(errors)

    if same is None:
        statement = FinancialStatement.objects.create(
            customer=customer, basis=basis, period_end=period_end, period_months=period_months, audited=audited
        )
        _write_lines(statement, complete)
        return RecordedStatement(statement, replaced=False, notes=tuple(notes))
    _replace(same, basis=basis, audited=audited, amounts=complete, reason=reason.strip(), source=source)
    return RecordedStatement(same, replaced=True, notes=tuple(notes))


def _write_lines(statement: FinancialStatement, amounts: Mapping[str, Decimal]) -> None:
    FinancialStatementLine.objects.bulk_create(
        FinancialStatementLine(statement=statement, code=code, amount=amount) for code, amount in amounts.items()
    )


def _replace(
    statement: FinancialStatement,
    *,
    basis: StatementBasis,
    audited: bool,
    amounts: Mapping[str, Decimal],
    reason: str,
    source: str,
) -> None:
    """Put new lines in place of a statement's lines, as one audit entry with what changed."""
    before = {line.code: line.amount for line in statement.lines.all()}
    changes = {
        code: [None if code not in before else str(before[code]), None if code not in amounts else str(amounts[code])]
        for code in sorted(set(before) | set(amounts))
        if before.get(code) != amounts.get(code)
    }
    if statement.basis != basis:
        changes["basis"] = [statement.basis, str(basis)]
    if statement.audited != audited:
        changes["audited"] = [str(statement.audited), str(audited)]
    with disable_auditlog():
        statement.lines.all().delete()
        statement.basis, statement.audited = basis, audited
        statement.save(update_fields=["basis", "audited"])
        _write_lines(statement, amounts)
    LogEntry.objects.log_create(
        statement,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes=changes,
        additional_data={"customer_id": statement.customer_id, "replaced": True, "reason": reason, "source": source},
    )
