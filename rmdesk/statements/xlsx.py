"""The statement template the desk hands out (XLSX) and reading it back once filled in.

Every sheet has three columns: the code (what the desk reads), the label (in the language of the
person who downloaded it) and the value. The first sheet holds the header: customer number and
name, basis, period end, months, audited. Then one sheet per table of the statement, its lines
in reading order; subtotal rows carry formulas so that the customer's accountant sees them add
up. Reading goes by code, not by position or label, so a template downloaded in Chinese reads
the same as one in English and a moved row does no harm. A subtotal holding a formula is
computed by the desk; one holding a number is checked against its lines.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from zipfile import BadZipFile

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from rmdesk.customers.models import Customer
from rmdesk.customers.models import StatementBasis as BasisChoice
from rmdesk.domain.money import round_yuan
from rmdesk.domain.statements import (
    MAX_PERIOD_MONTHS,
    StatementBasis,
    StatementPart,
    statement_lines,
    subtotal_codes,
)
from rmdesk.statements.forms import part_title
from rmdesk.statements.services import LineError, line_label

HEADER_FIELDS = ("customer_number", "customer_name", "basis", "period_end", "period_months", "audited")
FIRST_ROW = 3
AMOUNT_FORMAT = "#,##0.00"
TRUE_WORDS = {"yes", "y", "true", "1", "是", "已审计", "x", "√"}
FALSE_WORDS = {"no", "n", "false", "0", "否", "未审计", ""}
SHEET_PARTS = {
    StatementBasis.SMALL_ENTERPRISE: (
        (StatementPart.ASSETS, StatementPart.LIABILITIES, StatementPart.EQUITY),
        (StatementPart.INCOME,),
        (StatementPart.CASH_FLOW,),
    ),
    StatementBasis.HOUSEHOLD: (
        (StatementPart.ASSETS, StatementPart.LIABILITIES, StatementPart.EQUITY),
        (StatementPart.INCOME,),
        (StatementPart.SEASONAL,),
    ),
}
"""Which parts of a statement go on which sheet, after the header sheet."""


def _sheet_titles(basis: StatementBasis) -> list[str]:
    household = basis is StatementBasis.HOUSEHOLD
    return [
        _("Balance sheet"),
        _("Income and expenses") if household else _("Income statement"),
        _("Monthly cash flow") if household else _("Cash-flow statement"),
    ]


def _header_labels() -> dict[str, str]:
    return {
        "customer_number": _("Customer number"),
        "customer_name": _("Customer name"),
        "basis": _("Basis"),
        "period_end": _("Period end (date)"),
        "period_months": _("Months in period"),
        "audited": _("Audited (yes / no)"),
    }


def statement_template(*, customer: Customer, basis: StatementBasis) -> bytes:
    """The XLSX template of ``basis`` for ``customer``, labelled in the active language."""
    basis = StatementBasis(basis)
    workbook = Workbook()
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="EEEEEE")
    header = workbook.active
    header.title = _("Statement")
    header["A1"] = _("Financial statement for %(customer)s") % {"customer": customer.name}
    header["A1"].font = Font(bold=True, size=13)
    values = {
        "customer_number": customer.number,
        "customer_name": customer.name,
        "basis": str(basis),
        "period_end": None,
        "period_months": MAX_PERIOD_MONTHS,
        "audited": _("no"),
    }
    labels = _header_labels()
    for row, key in enumerate(HEADER_FIELDS, start=FIRST_ROW):
        header.cell(row, 1, key).font = Font(color="888888")
        header.cell(row, 2, labels[key])
        header.cell(row, 3, values[key])
    header.cell(FIRST_ROW + 2, 4, str(BasisChoice(basis).label))
    header.cell(FIRST_ROW + 3, 3).number_format = "yyyy-mm-dd"
    header.cell(
        FIRST_ROW + len(HEADER_FIELDS) + 1,
        2,
        _("Enter amounts in yuan on the following sheets; leave a line empty when it is nil."),
    )
    _widths(header)

    subtotals = subtotal_codes(basis)
    lines = statement_lines(basis)
    for title, parts in zip(_sheet_titles(basis), SHEET_PARTS[basis], strict=True):
        sheet = workbook.create_sheet(title)
        sheet.cell(1, 1, _("Code")).font = bold
        sheet.cell(1, 2, _("Line")).font = bold
        sheet.cell(1, 3, _("Amount (yuan)")).font = bold
        amounts = DataValidation(type="decimal", operator="between", formula1="-1E15", formula2="1E15", allow_blank=True)
        amounts.error = _("Enter an amount in yuan.")
        sheet.add_data_validation(amounts)
        row_of: dict[str, int] = {}
        row = FIRST_ROW - 1
        for part in parts:
            row += 1
            sheet.cell(row, 2, str(part_title(basis, part))).font = bold
            for line in (line for line in lines if line.part is part):
                row += 1
                row_of[line.code] = row
                sheet.cell(row, 1, line.code).font = Font(color="888888")
                sheet.cell(row, 2, line_label(line))
                value = sheet.cell(row, 3)
                value.number_format = AMOUNT_FORMAT
                if line.code in subtotals:
                    sheet.cell(row, 2).font = bold
                    value.font, value.fill = bold, grey
                else:
                    amounts.add(value)
        for code, row in row_of.items():
            if code in subtotals:
                terms = [(line.sign, row_of[line.code]) for line in lines if line.subtotal == code]
                sheet.cell(row, 3, "=" + "".join(f"{'+' if sign > 0 else '-'}C{r}" for sign, r in terms).lstrip("+"))
        _widths(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _widths(sheet) -> None:
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions["C"].width = 20


@dataclass
class WorkbookStatement:
    """What a filled-in template says, and where each code was found (sheet, cell)."""

    customer_number: str = ""
    basis: StatementBasis | None = None
    period_end: datetime.date | None = None
    period_months: int | None = None
    audited: bool = False
    amounts: dict[str, Decimal] = field(default_factory=dict)
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def where(self, code: str) -> str:
        """Where a code was read in the file ("Sheet “Balance sheet”, cell C12"), or the code itself."""
        if code not in self.cells:
            return code
        sheet, cell = self.cells[code]
        return _("Sheet “%(sheet)s”, cell %(cell)s") % {"sheet": sheet, "cell": cell}

    def located(self, errors: tuple[LineError, ...]) -> list[str]:
        """The service's errors on lines of this file, each with the sheet and cell of its line."""
        return [_("%(where)s: %(message)s") % {"where": self.where(error.line), "message": error.message} for error in errors]


class UnreadableWorkbook(Exception):
    """The file is not an XLSX workbook at all."""


def _amount(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | Decimal):
        return round_yuan(Decimal(value))
    if isinstance(value, float):
        return round_yuan(Decimal(repr(value)))
    if isinstance(value, str):
        try:
            amount = Decimal(value.strip().replace(",", "").replace("，", ""))
        except InvalidOperation:
            raise ValueError from None
        if amount.is_finite():
            return round_yuan(amount)
    raise ValueError


def read_statement_workbook(content: bytes) -> WorkbookStatement:
    """Read a filled-in template; problems found while reading are in ``errors``, each naming
    the sheet, the cell and the line. Raises ``UnreadableWorkbook`` for a file that is not XLSX."""
    try:
        workbook = load_workbook(io.BytesIO(content), data_only=False, read_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as error:
        raise UnreadableWorkbook(str(error)) from error
    result = WorkbookStatement()
    header: dict[str, tuple[object, str, str]] = {}
    found_lines: list[tuple[str, object, str, str]] = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=1, max_col=3):
            code_cell, *rest = row
            code = code_cell.value.strip() if isinstance(code_cell.value, str) else None
            if not code or len(rest) < 2:
                continue
            value_cell = rest[1]
            where = f"C{code_cell.row}"
            if code in HEADER_FIELDS:
                header[code] = (value_cell.value, sheet.title, where)
            else:
                found_lines.append((code, value_cell.value, sheet.title, where))
    _read_header(result, header)
    if result.basis is None:
        return result
    known = {line.code: line for line in statement_lines(result.basis)}
    subtotals = subtotal_codes(result.basis)
    for code, value, sheet_title, where in found_lines:
        if code not in known:
            # Column headings and notes are not line codes; a code-like word that is not a line is.
            if code.islower() and "_" in code:
                result.errors.append(
                    _("Sheet “%(sheet)s”, cell A%(row)s: “%(code)s” is not a line of this statement.")
                    % {"sheet": sheet_title, "row": where[1:], "code": code}
                )
            continue
        result.cells[code] = (sheet_title, where)
        if code in subtotals and isinstance(value, str) and value.startswith("="):
            continue
        try:
            amount = _amount(value)
        except ValueError:
            result.errors.append(
                _("Sheet “%(sheet)s”, cell %(cell)s (%(line)s): “%(value)s” is not an amount in yuan.")
                % {"sheet": sheet_title, "cell": where, "line": line_label(known[code]), "value": value}
            )
            continue
        if amount is not None:
            result.amounts[code] = amount
    return result


def _read_header(result: WorkbookStatement, header: dict[str, tuple[object, str, str]]) -> None:
    labels = _header_labels()

    def error(key: str, message: str) -> None:
        _value, sheet, cell = header[key]
        result.errors.append(
            _("Sheet “%(sheet)s”, cell %(cell)s (%(field)s): %(message)s")
            % {"sheet": sheet, "cell": cell, "field": labels[key], "message": message}
        )

    missing = [key for key in ("customer_number", "basis", "period_end", "period_months") if key not in header]
    if missing:
        result.errors.append(
            _("This is not the desk's statement template: no %(fields)s found in column A.") % {"fields": ", ".join(missing)}
        )
        return
    for key, (_value, sheet, cell) in header.items():
        result.cells[key] = (sheet, cell)
    result.customer_number = str(header["customer_number"][0] or "").strip()
    try:
        result.basis = StatementBasis(str(header["basis"][0]).strip())
    except ValueError:
        error("basis", _("“%(value)s” is not a statement basis.") % {"value": header["basis"][0]})
    end = header["period_end"][0]
    if isinstance(end, datetime.datetime):
        result.period_end = end.date()
    elif isinstance(end, datetime.date):
        result.period_end = end
    elif isinstance(end, str):
        try:
            result.period_end = datetime.date.fromisoformat(end.strip())
        except ValueError:
            error("period_end", _("“%(value)s” is not a date (write it as 2025-12-31).") % {"value": end})
    else:
        error("period_end", _("Enter the last day of the period, e.g. 2025-12-31."))
    months = header["period_months"][0]
    try:
        result.period_months = int(str(months).strip())
    except ValueError:
        error("period_months", _("“%(value)s” is not a number of months.") % {"value": months})
    audited = str(header.get("audited", ("",))[0] or "").strip().lower()
    if audited in TRUE_WORDS:
        result.audited = True
    elif audited not in FALSE_WORDS and audited != _("no").lower():
        error("audited", _("Write yes or no, not “%(value)s”.") % {"value": audited})
