"""The audit trail: who changed what, from where, before and after; and who saw personal data.

Changes are recorded by django-auditlog for the models in AUDITED: every create, update and
delete through the ORM, with the person (actor), their address and the values before and after
(the middleware of django-auditlog supplies person and address). Each entry carries the
customer it concerns in `additional_data["customer_id"]`, so that "what changed on this
customer, this loan" is one indexed-enough question. Viewing personal information of class C3
in full (JR/T 0171-2020: identity numbers, phones, addresses, account numbers) is recorded as an
ACCESS entry with the fields shown and the reason given.

Audit entries are never changed or deleted by the application: the guards below refuse it at
the ORM, and no page or API route offers it. In production the database role of the application
should also lack UPDATE and DELETE on `auditlog_logentry` (README, "Security").
"""

from __future__ import annotations

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.db.models.signals import pre_delete, pre_save
from django.utils.translation import gettext_lazy as _

#: Fields that are derived or refreshed in bulk, not changed by a person.
_DERIVED = ["deposit_balance", "loan_balance", "positions_as_of", "tier"]


class AuditRecordImmutable(Exception):
    """Raised when anything tries to change or delete an audit entry."""


def customer_of(record) -> int | None:
    """The id of the customer a record belongs to, by its model's `scope_customer` path."""
    path = getattr(type(record), "scope_customer", None)
    if path is None:
        return None
    if path == "":
        return record.pk
    *hops, last = path.split("__")
    target = record
    for hop in hops:
        target = getattr(target, hop)
    return getattr(target, f"{last}_id")


def _additional_data(self) -> dict:
    return {"customer_id": customer_of(self)}


def register_audited_models() -> None:
    """Put the customer, relationship, holding, credit and desk models under the audit trail."""
    from rmdesk.credit.models import (
        ApprovalDelegation,
        Collateral,
        CreditApplication,
        CreditContract,
        CreditPolicySetting,
        CreditTransition,
        Drawdown,
        Guarantor,
        Instalment,
        Investigation,
        InvestigationFile,
        Loan,
        NetCapital,
        PolicyCheck,
        RelatedParty,
    )
    from rmdesk.customers.models import (
        BookAssignment,
        Customer,
        FinancialStatement,
        FinancialStatementLine,
        KeyPerson,
        Relationship,
    )
    from rmdesk.desk.models import Document, Interaction
    from rmdesk.org.models import OrgUnit, User
    from rmdesk.products.models import Holding, Product

    for model in (
        Customer,
        KeyPerson,
        Relationship,
        BookAssignment,
        FinancialStatement,
        FinancialStatementLine,
        Holding,
        Loan,
        Instalment,
        Interaction,
        Document,
        CreditApplication,
        CreditTransition,
        Collateral,
        Guarantor,
        Investigation,
        InvestigationFile,
        PolicyCheck,
        CreditContract,
        Drawdown,
        RelatedParty,
    ):
        model.get_additional_data = _additional_data
        auditlog.register(model, exclude_fields=_DERIVED if model is Customer else ["balance", "balance_as_of"])
    auditlog.register(User, exclude_fields=["password", "last_login"])
    auditlog.register(OrgUnit)
    auditlog.register(Product)
    for model in (CreditPolicySetting, NetCapital, ApprovalDelegation):
        auditlog.register(model)
    pre_save.connect(_refuse_change, sender=LogEntry, dispatch_uid="rmdesk_audit_immutable_save")
    pre_delete.connect(_refuse_delete, sender=LogEntry, dispatch_uid="rmdesk_audit_immutable_delete")


def _refuse_change(sender, instance: LogEntry, **kwargs) -> None:
    if instance.pk is not None and not instance._state.adding:
        raise AuditRecordImmutable(_("Audit records cannot be changed."))


def _refuse_delete(sender, instance: LogEntry, **kwargs) -> None:
    raise AuditRecordImmutable(_("Audit records cannot be deleted."))


def personal_data_viewed(*, customer, fields: list[str], reason: str) -> LogEntry:
    """Record that the signed-in person saw `fields` of `customer` in full, and why."""
    return LogEntry.objects.log_create(
        customer,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes={},
        additional_data={"customer_id": customer.pk, "fields": fields, "unmasked": True, "reason": reason},
    )
