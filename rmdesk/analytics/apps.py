from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    # No models and no admin, so the app's name is never shown to a user and needs no
    # translated verbose_name; the app exists for its `rmdesk model` command.
    name = "rmdesk.analytics"
    label = "analytics"
