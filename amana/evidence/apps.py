from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "amana.evidence"
    label = "evidence"
