from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingConfig(AppConfig):
    name = "rmdesk.rating"
    label = "rating"
    verbose_name = _("Credit rating")

    def ready(self) -> None:
        from rmdesk.rating.audit import register_audited_rating_models

        register_audited_rating_models()
