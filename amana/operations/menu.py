"""The staff menu entry of operations, kept here so that its words live in this app's catalogue."""

from django.utils.translation import gettext_lazy as _

JOBS_TITLE = _("Scheduled jobs")
JOBS_DESCRIPTION = _("When each periodic job last ran and how it ended: retention, backups, checkpoints and more.")
