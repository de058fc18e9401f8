from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "amana.evidence"
    label = "evidence"

    def ready(self) -> None:
        from amana.evidence.menu import register_sections

        register_sections()
