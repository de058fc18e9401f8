"""The staff menu entry of intake, kept here so that its words live in this app's catalogue."""

from django.utils.translation import gettext_lazy as _

INTAKE_TITLE = _("Record a report")
INTAKE_DESCRIPTION = _(
    "A report taken on a hotline call, in person or in the community: the same questions as the site."
)
