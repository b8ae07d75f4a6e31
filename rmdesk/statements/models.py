"""Configuration of statement analysis: the industry benchmarks ratios are compared with.

The statements themselves are customers.FinancialStatement and FinancialStatementLine.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rmdesk.customers.models import Industry, StatementBasis
from rmdesk.domain.benchmarks import Quartiles
from rmdesk.domain.ratios import RATIOS, RATIOS_BY_CODE

RATIO_CHOICES = [(ratio.code, f"{ratio.label_zh} · {ratio.label_en}") for ratio in RATIOS]


class IndustryBenchmark(models.Model):
    """The quartiles of one ratio among peers of an industry (blank: all industries) and basis.

    Bank policy held as data: shipped with illustrative defaults (rmdesk.statements.defaults),
    to be replaced by the bank's chosen source, e.g. the enterprise performance standard values
    (企业绩效评价标准值) or the quartiles of its own borrowers. A customer's ratio is compared with
    the row of its industry, or failing that with the all-industries row of its basis.
    """

    ratio = models.CharField(_("ratio"), max_length=40, choices=RATIO_CHOICES)
    basis = models.CharField(_("basis"), max_length=20, choices=StatementBasis.choices)
    industry = models.CharField(
        _("industry"), max_length=2, choices=Industry.choices, blank=True, help_text=_("Blank: all industries.")
    )
    lower_quartile = models.DecimalField(_("lower quartile"), max_digits=12, decimal_places=4)
    median = models.DecimalField(_("median"), max_digits=12, decimal_places=4)
    upper_quartile = models.DecimalField(_("upper quartile"), max_digits=12, decimal_places=4)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("industry benchmark")
        verbose_name_plural = _("industry benchmarks")
        ordering = ["basis", "industry", "ratio"]
        constraints = [
            models.UniqueConstraint(fields=["ratio", "basis", "industry"], name="one_benchmark_per_ratio_basis_industry"),
            models.CheckConstraint(
                condition=Q(lower_quartile__lte=F("median")) & Q(median__lte=F("upper_quartile")),
                name="benchmark_quartiles_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_ratio_display()} · {self.get_industry_display() or _('all industries')}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        ratio = RATIOS_BY_CODE.get(self.ratio)
        if ratio is not None and self.basis and self.basis not in ratio.bases:
            errors["basis"] = _("%(ratio)s is not a ratio of this basis.") % {"ratio": self.get_ratio_display()}
        if None not in (self.lower_quartile, self.median, self.upper_quartile) and not (
            self.lower_quartile <= self.median <= self.upper_quartile
        ):
            errors["median"] = _("The quartiles must be in order: lower quartile ≤ median ≤ upper quartile.")
        if errors:
            raise ValidationError(errors)

    @property
    def quartiles(self) -> Quartiles:
        return Quartiles(self.lower_quartile, self.median, self.upper_quartile)
