from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "rmdesk.risk"
    label = "risk"
    verbose_name = _("Risk after the loan")

    def ready(self) -> None:
        from rmdesk.risk.audit import register_audited_risk_models

        register_audited_risk_models()
