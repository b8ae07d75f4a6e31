from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "rmdesk.marketing"
    label = "marketing"
    verbose_name = _("Marketing")

    def ready(self) -> None:
        from rmdesk.marketing.audit import register_audited_marketing_models

        register_audited_marketing_models()
