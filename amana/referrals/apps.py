from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "amana.referrals"
    verbose_name = _("Referrals")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from amana.referrals.audit_subjects import register_subjects
        from amana.referrals.menu import register_sections

        register_sections()
        register_subjects()
