from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "amana.operations"
    verbose_name = "Operations"
