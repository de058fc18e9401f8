"""The staff menu entry of the directory, kept here so that its words live in this app's catalogue."""

from django.utils.translation import gettext_lazy as _

DIRECTORY_TITLE = _("Service directory")
DIRECTORY_DESCRIPTION = _("Services and hotlines by area and type: hours, languages and what each accepts.")
