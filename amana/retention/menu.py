"""The staff menu entry of retention, kept here so that its words live in this app's catalogue."""

from django.utils.translation import gettext_lazy as _

RETENTION_TITLE = _("Retention and deletion")
RETENTION_DESCRIPTION = _(
    "How long closed cases are kept, legal holds, and survivors' requests to delete their report."
)
