"""Marketing records and configuration under the audit trail (rmdesk.core.audit): what account
managers record about customers, the pipeline's steps, and every change of marketing policy, are
attributable to a person. The batch's snapshots are derived and written in bulk: not audited."""

from auditlog.registry import auditlog

from rmdesk.core.audit import customer_of


def _about_customer(record) -> dict:
    return {"customer_id": customer_of(record)}


def register_audited_marketing_models() -> None:
    from rmdesk.marketing.models import (
        CampaignTarget,
        Interest,
        KnowledgeConfirmation,
        Lead,
        Opportunity,
        OtherBankProduct,
        ProductPackage,
        ProductTerms,
        ServiceLevelSetting,
        ServiceRequest,
        WinBackTask,
    )

    for model in (Interest, OtherBankProduct, KnowledgeConfirmation, ServiceRequest, Opportunity, CampaignTarget, WinBackTask):
        model.get_additional_data = _about_customer
        auditlog.register(model)
    for model in (Lead, ProductPackage, ProductTerms, ServiceLevelSetting):
        auditlog.register(model)
