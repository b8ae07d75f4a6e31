"""Ratings and their configuration under the audit trail (rmdesk.core.audit): every decision and
every change of a scorecard, the master scale or the policy is attributable to a person."""

from auditlog.registry import auditlog

from rmdesk.core.audit import customer_of


def _about_customer(record) -> dict:
    return {"customer_id": customer_of(record)}


def register_audited_rating_models() -> None:
    """Put ratings, override decisions and the rating configuration under the audit trail."""
    from rmdesk.rating.models import MasterScaleGrade, Rating, RatingOverride, RatingPolicy, Scorecard

    for model in (Rating, RatingOverride):
        model.get_additional_data = _about_customer
        auditlog.register(model)
    for model in (Scorecard, MasterScaleGrade, RatingPolicy):
        auditlog.register(model)
