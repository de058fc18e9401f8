from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "amana.retention"
    verbose_name = "Retention"
