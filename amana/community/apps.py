from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "amana.community"
    label = "community"

    def ready(self) -> None:
        from amana.community.menu import register_sections

        register_sections()
