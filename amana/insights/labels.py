"""Words other apps show for insights, kept here so that they live in this app's catalogue."""

from django.utils.translation import gettext_lazy as _

INSIGHTS_TITLE = _("Insights")
INSIGHTS_DESCRIPTION = _(
    "Indicators over time, charts and donor exports, with small numbers hidden so that no figure points at one woman."
)
# Her choice on the report form and in staff intake: one more audience of her consent.
STATISTICS_AUDIENCE = _("Anonymous figures for the programme and its donors")
STATISTICS_CONSENT = _(
    "The NGO may count my case in anonymous figures for the programme and its donors, never with my name."
)
