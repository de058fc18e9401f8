from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "amana.accounts"
    label = "accounts"
