"""The staff menu entry of cases, kept here so that its words live in this app's catalogue."""

from django.utils.translation import gettext_lazy as _

QUEUE_TITLE = _("Cases")
QUEUE_DESCRIPTION = _("Reports your organisation received, urgent ones first: read them, reply and follow up.")
