"""Recording a statement: whole or nothing, on the right customer, one per period unless replaced."""

import datetime
from decimal import Decimal

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied

from rmdesk.customers.models import FinancialStatement, FinancialStatementLine
from rmdesk.domain.statements import PeriodProblemCode, StatementProblemCode
from rmdesk.statements.services import (
    StatementErrorCode,
    StatementRefused,
    statement_record,
)
from rmdesk.statements.tests.factories import (
    END_2024,
    END_2025,
    FACTORY_2024,
    FACTORY_2025,
    FARM_2025,
)

D = Decimal


def record(bank, amounts=FACTORY_2025, *, user=None, customer=None, end=END_2025, months=12, basis="small_enterprise", **kwargs):
    return statement_record(
        customer=customer or bank.factory,
        user=user or bank.am_b,
        basis=basis,
        period_end=end,
        period_months=months,
        audited=False,
        amounts=amounts,
        **kwargs,
    )


def refusal(bank, *args, **kwargs) -> StatementRefused:
    with pytest.raises(StatementRefused) as caught:
        record(bank, *args, **kwargs)
    return caught.value


def test_a_valid_statement_is_written_with_its_subtotals(bank):
    recorded = record(bank)
    lines = dict(recorded.statement.lines.values_list("code", "amount"))
    assert lines["total_assets"] == lines["total_liabilities_and_equity"] == D("2000000.00")
    assert lines["net_profit"] == D("285000.00") and lines["cash_end"] == D("200000.00")
    assert lines["cash"] == D("200000.00") and "goodwill" not in lines
    assert (recorded.replaced, recorded.notes) == (False, ())


def test_an_invalid_statement_writes_nothing_and_says_which_line(bank):
    refused = refusal(bank, {**FACTORY_2025, "retained_earnings": D(290_000)})
    assert [(e.line, e.code) for e in refused.errors] == [("total_liabilities_and_equity", StatementProblemCode.DOES_NOT_BALANCE)]
    assert "1,990,000.00" in refused.errors[0].message and "2,000,000.00" in refused.errors[0].message
    assert not FinancialStatement.objects.exists() and not FinancialStatementLine.objects.exists()


def test_a_subtotal_entered_must_agree_with_its_lines(bank):
    refused = refusal(bank, {**FACTORY_2025, "total_current_assets": D(999_000)})
    assert ("total_current_assets", StatementProblemCode.SUBTOTAL_MISMATCH) in [(e.line, e.code) for e in refused.errors]


def test_a_negative_detail_amount_is_refused_on_its_line(bank):
    refused = refusal(bank, {**FACTORY_2025, "inventories": D(-400_000)})
    assert ("inventories", StatementProblemCode.NEGATIVE_AMOUNT) in [(e.line, e.code) for e in refused.errors]


def test_a_second_statement_for_the_same_period_is_refused_without_replacement(bank):
    record(bank)
    refused = refusal(bank, {**FACTORY_2025, "cash": D(210_000), "cash_begin": D(200_000), "retained_earnings": D(310_000)})
    assert [(e.line, e.code) for e in refused.errors] == [("period_end", StatementErrorCode.PERIOD_ALREADY_RECORDED)]
    assert FinancialStatement.objects.get().lines.get(code="cash").amount == D("200000.00")


def test_a_replacement_needs_a_reason(bank):
    record(bank)
    refused = refusal(bank, replace=True, reason="  ")
    assert [(e.line, e.code) for e in refused.errors] == [("reason", StatementErrorCode.REPLACEMENT_NEEDS_REASON)]


def test_a_replacement_keeps_the_statement_and_records_every_changed_line_in_the_audit_trail(bank):
    first = record(bank).statement
    changed = {**FACTORY_2025, "cash": D(210_000), "cash_begin": D(200_000), "retained_earnings": D(310_000)}
    with set_actor(bank.am_b):
        recorded = record(bank, changed, replace=True, reason="audited accounts arrived", source="xlsx")
    assert recorded.replaced and recorded.statement.pk == first.pk
    assert first.lines.get(code="cash").amount == D("210000.00")
    entry = LogEntry.objects.get_for_object(first).filter(additional_data__replaced=True).get()
    assert entry.actor == bank.am_b
    assert entry.additional_data["reason"] == "audited accounts arrived" and entry.additional_data["source"] == "xlsx"
    assert entry.changes_dict["cash"] == ["200000.00", "210000.00"]
    assert set(entry.changes_dict) == {
        "cash",
        "cash_begin",
        "retained_earnings",
        "total_current_assets",
        "total_assets",
        "total_equity",
        "total_liabilities_and_equity",
        "cash_end",
    }


def test_an_overlapping_period_is_refused(bank):
    record(bank)
    refused = refusal(bank, end=datetime.date(2025, 6, 30))
    assert [(e.line, e.code) for e in refused.errors] == [("period_end", PeriodProblemCode.OVERLAP)]


def test_a_gap_is_recorded_with_a_note(bank):
    record(bank, FACTORY_2024, end=datetime.date(2023, 12, 31))
    recorded = record(bank)
    assert [(n.line, n.code) for n in recorded.notes] == [("period_end", PeriodProblemCode.GAP)]


def test_the_year_before_follows_without_a_note(bank):
    record(bank)
    assert record(bank, FACTORY_2024, end=END_2024).notes == ()


def test_a_period_not_ending_on_a_month_end_is_refused(bank):
    refused = refusal(bank, end=datetime.date(2025, 12, 30))
    assert [(e.line, e.code) for e in refused.errors] == [("period_end", PeriodProblemCode.NOT_MONTH_END)]


def test_an_enterprise_does_not_report_on_the_household_statement(bank):
    refused = refusal(bank, FARM_2025, basis="household")
    assert [(e.line, e.code) for e in refused.errors] == [("basis", StatementErrorCode.BASIS_NOT_FOR_CUSTOMER)]


def test_a_household_statement_with_its_months_is_recorded(bank):
    recorded = record(bank, FARM_2025, customer=bank.farmer, user=bank.am_a, basis="household")
    lines = dict(recorded.statement.lines.values_list("code", "amount"))
    assert lines["seasonal_inflows"] == lines["total_income"] == D("200000.00")


def test_only_who_changes_the_customer_may_record_its_statement(bank):
    for user in (bank.am_a, bank.risk, bank.head):
        with pytest.raises(PermissionDenied):
            record(bank, user=user)
    assert not FinancialStatement.objects.exists()
    assert record(bank, user=bank.am_a2).statement.customer == bank.factory  # assisting on the factory


def test_a_period_message_speaks_of_the_statement_being_entered(bank):
    record(bank, end=datetime.date(2025, 12, 31))
    refused = refusal(bank, FACTORY_2024, end=datetime.date(2025, 6, 30), months=6)
    overlap = next(e for e in refused.errors if e.code == PeriodProblemCode.OVERLAP)
    assert "2025-01-01" in overlap.message and "2025-06-30" in overlap.message and "2025-12-31" in overlap.message


def test_a_main_statement_part_left_empty_is_nil_not_missing(bank):
    no_debts = {"cash": D(100), "paid_in_capital": D(100), "revenue": D(50), "cost_of_sales": D(50)}
    lines = dict(record(bank, no_debts).statement.lines.values_list("code", "amount"))
    assert lines["total_liabilities"] == D("0.00") and "net_operating_cash_flow" not in lines
