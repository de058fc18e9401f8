from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "amana.cases"
    label = "cases"

    def ready(self) -> None:
        from amana.cases.menu import register_sections

        register_sections()
