from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "amana.vault"
    label = "vault"
