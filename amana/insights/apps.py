from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "amana.insights"
    verbose_name = "Insights"
