from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "amana.retention"
    verbose_name = "Retention"

    def ready(self) -> None:
        from amana.retention.menu import register_sections

        register_sections()
