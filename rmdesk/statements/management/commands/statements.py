"""`rmdesk statements ...`: financial statements from the command line.

    rmdesk statements import FILE [FILE ...] --user USERNAME [--customer NUMBER] [--replace --reason TEXT]
    rmdesk statements template --customer NUMBER --user USERNAME [--basis BASIS] [--language zh-hans|en] --output FILE

`import` records each filled-in XLSX template (the desk's own, as the statement page hands out)
as the statement of its customer, each file on its own: a file that is refused is reported
with its errors (sheet, cell, line) and writes nothing, the others are recorded. The person
named by --user is who records them, within their scope, and is named in the audit trail.
--customer, when given, must match the customer number in every file. The exit status is 0
when every file was recorded, 1 otherwise.
"""

from __future__ import annotations

from pathlib import Path

from auditlog.context import set_actor
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from rmdesk.customers.models import Customer
from rmdesk.org.models import User
from rmdesk.statements.services import (
    BASES_FOR_KIND,
    StatementRefused,
    statement_record,
)
from rmdesk.statements.xlsx import (
    UnreadableWorkbook,
    read_statement_workbook,
    statement_template,
)


class Command(BaseCommand):
    help = "Financial statements: import filled-in XLSX templates, or write a template."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importing = actions.add_parser("import", help="record filled-in statement templates (XLSX)")
        importing.add_argument("files", nargs="+", metavar="FILE", help="filled-in templates")
        importing.add_argument("--user", required=True, metavar="USERNAME", help="who records them (audit trail)")
        importing.add_argument("--customer", metavar="NUMBER", help="the customer every file must be for")
        importing.add_argument("--replace", action="store_true", help="replace a statement on file for the same period")
        importing.add_argument("--reason", default="", help="why statements on file are replaced (needed with --replace)")
        template = actions.add_parser("template", help="write the statement template of a customer")
        template.add_argument("--customer", required=True, metavar="NUMBER")
        template.add_argument("--user", required=True, metavar="USERNAME")
        template.add_argument("--basis", help="small_enterprise or household (default: the customer's usual one)")
        template.add_argument("--language", default=None, help="language of the labels (default: the user's)")
        template.add_argument("--output", required=True, metavar="FILE")

    def handle(self, *args, action: str, user: str, **options):
        try:
            user = User.objects.select_related("role").get(username=user, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"no active user {user!r}") from None
        with translation.override(options.get("language") or user.language or settings.LANGUAGE_CODE):
            if action == "template":
                self._template(user, **options)
            else:
                self._import(user, **options)

    def _customer(self, user: User, number: str) -> Customer:
        try:
            return Customer.objects.restrict(user).get(number=number)
        except Customer.DoesNotExist:
            raise CommandError(f"no customer {number!r} within the scope of {user.username}") from None

    def _template(self, user: User, *, customer: str, basis: str | None, output: str, **options) -> None:
        found = self._customer(user, customer)
        allowed = BASES_FOR_KIND[found.kind]
        if basis is not None and basis not in allowed:
            raise CommandError(f"customer {customer} reports on {', '.join(allowed)}, not on {basis}")
        Path(output).write_bytes(statement_template(customer=found, basis=basis or allowed[0]))
        self.stdout.write(f"{output}: template for {found.number} {found.name}")

    def _import(self, user: User, *, files: list[str], customer: str | None, replace: bool, reason: str, **options) -> None:
        if replace and not reason.strip():
            raise CommandError("--replace needs --reason: the audit trail records why a statement was replaced")
        refused = 0
        for name in files:
            errors = self._import_one(user, Path(name), customer, replace, reason)
            if errors:
                refused += 1
                self.stderr.write(f"{name}: refused")
                for error in errors:
                    self.stderr.write(f"  {error}")
        self.stdout.write(f"{len(files) - refused} recorded, {refused} refused")
        if refused:
            raise CommandError(f"{refused} of {len(files)} files refused; nothing of them was written")

    def _import_one(self, user: User, path: Path, number: str | None, replace: bool, reason: str) -> list[str]:
        try:
            parsed = read_statement_workbook(path.read_bytes())
        except OSError as error:
            return [f"cannot read the file: {error.strerror}"]
        except UnreadableWorkbook:
            return ["not an XLSX workbook"]
        if parsed.errors:
            return parsed.errors
        if number is not None and parsed.customer_number != number:
            return [f"{parsed.where('customer_number')}: the file is for customer {parsed.customer_number}, not {number}"]
        try:
            customer = self._customer(user, parsed.customer_number)
        except CommandError as error:
            return [str(error)]
        try:
            with set_actor(user):
                recorded = statement_record(
                    customer=customer,
                    user=user,
                    basis=parsed.basis,
                    period_end=parsed.period_end,
                    period_months=parsed.period_months,
                    audited=parsed.audited,
                    amounts=parsed.amounts,
                    replace=replace,
                    reason=reason,
                    source="import",
                )
        except StatementRefused as refusal:
            return parsed.located(refusal.errors)
        except PermissionDenied:
            return [f"{user.username} may not change customer {customer.number}"]
        verb = "replaced" if recorded.replaced else "recorded"
        self.stdout.write(f"{path}: {verb} {customer.number} {parsed.basis} {parsed.period_end} ({parsed.period_months} months)")
        for note in recorded.notes:
            self.stdout.write(f"  note: {note.message}")
        return []
