"""The staff menu entry of evidence, kept here so that its words live in this app's catalogue."""

from django.utils.translation import gettext_lazy as _

ALERTS_TITLE = _("Repeat extortionists")
ALERTS_DESCRIPTION = _(
    "Alerts when an identifier of one of your cases also appears in other cases: counts only, nothing about them."
)
