from django.apps import AppConfig


class ChannelConfig(AppConfig):
    name = "amana.channel"
    label = "channel"
