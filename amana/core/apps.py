from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "amana.core"
    label = "core"


class AmanaAdminConfig(admin_apps.AdminConfig):
    default = False
    """Django's admin, limited to verified system admins (see amana.core.admin)."""

    default_site = "amana.core.admin.AmanaAdminSite"

    def ready(self) -> None:
        super().ready()
        from django.contrib import admin
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # No one reads second-factor secrets: django-otp's device pages show each member's key (and
        # its QR code). Resetting an authenticator stays the organisation admin's audited action,
        # which issues a new secret to the member only.
        if admin.site.is_registered(TOTPDevice):
            admin.site.unregister(TOTPDevice)
