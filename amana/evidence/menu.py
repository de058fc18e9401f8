"""The staff menu entry of evidence, kept here so that its words live in this app's catalogue."""

from django.utils.translation import gettext_lazy as _

ALERTS_TITLE = _("Repeat extortionists")
ALERTS_DESCRIPTION = _(
    "Alerts when one of your cases names the same extortionist as another case; another organisation's case is "
    "never named."
)
