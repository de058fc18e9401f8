from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "amana.community"
    label = "community"
