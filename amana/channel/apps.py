from django.apps import AppConfig


class ChannelConfig(AppConfig):
    name = "amana.channel"
    label = "channel"

    def ready(self) -> None:
        from amana.channel.menu import register_sections

        register_sections()
