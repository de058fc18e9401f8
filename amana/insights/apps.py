from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "amana.insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from amana.insights.menu import register_sections

        register_sections()
