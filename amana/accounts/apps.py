from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "amana.accounts"
    label = "accounts"

    def ready(self) -> None:
        from amana.accounts.menu import register_sections

        register_sections()
