from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatementsConfig(AppConfig):
    name = "rmdesk.statements"
    label = "statements"
    verbose_name = _("Financial statements")
