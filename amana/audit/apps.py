from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "amana.audit"
    label = "audit"

    def ready(self) -> None:
        from amana.audit.menu import register_sections

        register_sections()
