from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "amana.cases"
    label = "cases"

    def ready(self) -> None:
        from amana.cases.audit_subjects import register_subjects
        from amana.cases.menu import register_sections

        register_sections()
        register_subjects()
