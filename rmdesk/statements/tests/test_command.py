"""`rmdesk statements import` and `template`: many files, each recorded or refused on its own."""

import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from rmdesk.customers.models import FinancialStatement
from rmdesk.statements.tests.factories import (
    END_2024,
    END_2025,
    FACTORY_2024,
    FACTORY_2025,
)
from rmdesk.statements.tests.test_xlsx import fill


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("statements", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def template(bank, tmp_path):
    path = tmp_path / "template.xlsx"
    run("template", "--customer", bank.factory.number, "--user", "am_b", "--output", str(path))
    return path.read_bytes()


def test_import_records_every_file_and_names_the_person_in_the_audit_trail(bank, tmp_path, template):
    files = []
    for end, amounts in ((END_2024, FACTORY_2024), (END_2025, FACTORY_2025)):
        files.append(tmp_path / f"{end.year}.xlsx")
        files[-1].write_bytes(fill(template, amounts, period_end=end))
    out, err = run("import", *map(str, files), "--user", "am_b", "--customer", bank.factory.number)
    assert "2 recorded, 0 refused" in out and err == ""
    assert FinancialStatement.objects.filter(customer=bank.factory).count() == 2
    created = LogEntry.objects.get_for_object(FinancialStatement.objects.get(period_end=END_2025)).get(
        action=LogEntry.Action.CREATE
    )
    assert created.actor == bank.am_b


def test_a_refused_file_is_reported_with_sheet_and_cell_and_the_others_are_recorded(bank, tmp_path, template):
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(fill(template, FACTORY_2025))
    bad.write_bytes(fill(template, {**FACTORY_2024, "retained_earnings": Decimal(1)}, period_end=END_2024))
    with pytest.raises(CommandError, match="1 of 2 files refused"):
        run("import", str(good), str(bad), "--user", "am_b")
    assert FinancialStatement.objects.get().period_end == END_2025


def test_import_stays_within_the_users_scope(bank, tmp_path, template):
    path = tmp_path / "s.xlsx"
    path.write_bytes(fill(template, FACTORY_2025))
    with pytest.raises(CommandError):
        run("import", str(path), "--user", "am_a")
    assert not FinancialStatement.objects.exists()


def test_a_file_for_another_customer_than_asked_is_refused(bank, tmp_path, template):
    path = tmp_path / "s.xlsx"
    path.write_bytes(fill(template, FACTORY_2025))
    with pytest.raises(CommandError):
        run("import", str(path), "--user", "am_b", "--customer", bank.teacher.number)
    assert not FinancialStatement.objects.exists()


def test_replacing_needs_a_reason(bank, tmp_path, template):
    path = tmp_path / "s.xlsx"
    path.write_bytes(fill(template, FACTORY_2025))
    with pytest.raises(CommandError, match="--replace needs --reason"):
        run("import", str(path), "--user", "am_b", "--replace")
    run("import", str(path), "--user", "am_b")
    out, _ = run("import", str(path), "--user", "am_b", "--replace", "--reason", "audited accounts")
    assert "replaced" in out
