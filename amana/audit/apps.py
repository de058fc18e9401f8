from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "amana.audit"
    label = "audit"
