from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "rmdesk.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from rmdesk.core.audit import register_audited_models

        register_audited_models()
