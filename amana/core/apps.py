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
