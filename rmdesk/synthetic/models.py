"""What the synthetic bank planted, so that detection (early warning, attrition) can be scored."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rmdesk.core.scope import RestrictedQuerySet


class SeedRun(models.Model):
    """One run of `rmdesk seed`: the scale, the seed, when, and how many rows of each kind."""

    scale = models.CharField(_("scale"), max_length=10)
    seed = models.BigIntegerField(_("seed"))
    as_of = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    counts = models.JSONField(_("rows"), default=dict)

    class Meta:
        verbose_name = _("seed run")
        verbose_name_plural = _("seed runs")


class PlantedTruthKind(models.TextChoices):
    DETERIORATING_BORROWER = "deteriorating_borrower", _("Deteriorating borrower")
    DRIFTING_CUSTOMER = "drifting_customer", _("Customer drifting away")
    GUARANTEE_CIRCLE = "guarantee_circle", _("Member of a guarantee circle")


class PlantedTruth(models.Model):
    """A fact the generator planted in one customer, with the day it began.

    `detail` says how (e.g. which circle, which signal: falling inflows, salary moving out);
    detectors are scored by whether, and how many days after `onset_on`, they flag the customer.
    """

    scope_customer = "customer"

    seed_run = models.ForeignKey(SeedRun, on_delete=models.CASCADE, related_name="truths")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="planted_truths")
    kind = models.CharField(_("kind"), max_length=24, choices=PlantedTruthKind.choices)
    onset_on = models.DateField(_("onset"))
    detail = models.JSONField(_("detail"), default=dict)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("planted truth")
        verbose_name_plural = _("planted truths")
        indexes = [models.Index(fields=["kind", "customer"])]
