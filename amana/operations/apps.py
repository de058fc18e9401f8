from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "amana.operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from amana.operations.menu import register_sections

        register_sections()
