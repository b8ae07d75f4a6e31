"""Risk records and configuration under the audit trail (rmdesk.core.audit): every repayment,
change of category, proposal, decision and inspection, and every change of the policies, is
attributable to a person."""

from auditlog.registry import auditlog

from rmdesk.core.audit import customer_of


def _about_customer(record) -> dict:
    return {"customer_id": customer_of(record)}


def register_audited_risk_models() -> None:
    """Put the risk record of loans and the risk policies under the audit trail.

    ``LoanRisk`` is left out: it is derived from the audited record and refreshed in bulk.
    """
    from rmdesk.risk.models import (
        CategoryChange,
        CategoryProposal,
        ClassificationPolicy,
        Inspection,
        InspectionPolicy,
        ProvisionPolicy,
        Repayment,
    )

    for model in (Repayment, CategoryChange, CategoryProposal, Inspection):
        model.get_additional_data = _about_customer
        auditlog.register(model)
    for model in (ClassificationPolicy, ProvisionPolicy, InspectionPolicy):
        auditlog.register(model)
