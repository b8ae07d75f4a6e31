"""The account manager's contact with customers, and the documents kept on file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rmdesk.core.scope import RestrictedQuerySet


class InteractionKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")


class WorkKind(models.TextChoices):
    """Kinds of account-manager time (工作量), DESIGN.md section 2."""

    MARKETING = "marketing", _("Marketing")
    SERVICE = "service", _("Service")
    CREDIT = "credit", _("Credit")
    BACK_OFFICE = "back_office", _("Back office")


class Interaction(models.Model):
    """A visit, call or meeting with a customer, with the kind of work and the time it took."""

    scope_customer = "customer"

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="interactions"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="interactions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=InteractionKind.choices)
    work_kind = models.CharField(_("kind of work"), max_length=12, choices=WorkKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"))
    summary = models.TextField(_("summary"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["customer", "occurred_at"])]


class DocumentKind(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    IDENTITY_CARD = "identity_card", _("Identity card")
    ARTICLES = "articles", _("Articles of association")
    FINANCIAL_STATEMENT = "financial_statement", _("Financial statement")
    PROPERTY_CERTIFICATE = "property_certificate", _("Property certificate")
    LAND_CONTRACT = "land_contract", _("Land contract")
    MARRIAGE_CERTIFICATE = "marriage_certificate", _("Marriage certificate")
    INSURANCE_POLICY = "insurance_policy", _("Insurance policy")
    OTHER = "other", _("Other")


class Document(models.Model):
    """A document on file for a customer; those with an expiry date must be renewed in time."""

    scope_customer = "customer"

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=120)
    reference = models.CharField(_("reference number"), max_length=40, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/", blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["expires_on"]
        indexes = [models.Index(fields=["customer", "expires_on"])]
